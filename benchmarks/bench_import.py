"""Import of a monthly-report file (issue 5): full import (read, validate, write) vs the bare calamine read.

    ENCLAVE_DATABASE_URL=sqlite:///var/bench.sqlite3 .venv/bin/python manage.py migrate
    ENCLAVE_DATABASE_URL=sqlite:///var/bench.sqlite3 .venv/bin/python benchmarks/generate.py --projects 2800
    ENCLAVE_DATABASE_URL=sqlite:///var/bench.sqlite3 ENCLAVE_IMPORT_MAX_ROWS=200000 \
        .venv/bin/python benchmarks/bench_import.py --rows 100000

The generated reports are removed first, so every row of the file is a new project-month. The import takes
the batch path (every row checked with report_create's own rules against preloaded projects, agreements,
stored reports and closed months; then multi-row INSERTs, COPY on PostgreSQL, and one audit row);
`--per-row` takes the row-by-row path through sharing.services.report_create instead. A second import of
the same file (`--again`) measures the re-import, where every row is found unchanged. The row limit is
raised by the ENCLAVE_IMPORT_MAX_ROWS setting, as the 100,000 rows exceed the 50,000 default.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "enclave.settings")

import django  # noqa: E402

django.setup()

import python_calamine  # noqa: E402
from openpyxl import Workbook  # noqa: E402

from enclave.accounts.models import User  # noqa: E402
from enclave.excel.importer import import_file  # noqa: E402
from enclave.excel.kinds import kind_get  # noqa: E402
from enclave.projects.models import Project  # noqa: E402
from enclave.sharing import excel as sharing_excel  # noqa: E402
from enclave.sharing.models import MonthlyReport, MonthlyTax  # noqa: E402


def build(path: Path, rows: int) -> None:
    projects = list(Project.objects.filter(status="recognised").select_related("agreement").order_by("pk"))
    headers = [f.header for f in sharing_excel.fields()]
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("月度报表")
    ws.append(headers)
    written = 0
    for project in projects:
        month = project.agreement.start_month
        while month <= project.agreement.end_month and written < rows:
            if month.year <= 2025:
                ws.append([project.code, project.name, month.strftime("%Y-%m"), 1234.56, 99.5, 12.5, 0, 0, 0,
                           1.5, 0, 0, 0, 0, 0][: len(headers)])  # fmt: skip
                written += 1
            month = month.replace(year=month.year + (month.month == 12), month=month.month % 12 + 1)
        if written >= rows:
            break
    wb.save(path)
    print(f"file: {written} rows, {path.stat().st_size / 1e6:.1f} MB")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--per-row", action="store_true", help="the row-by-row service path")
    parser.add_argument("--again", action="store_true", help="then import the same file again")
    args = parser.parse_args()
    MonthlyTax.objects.all().delete()
    MonthlyReport.objects.all().delete()
    actor = User.objects.get(username="bench")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "reports.xlsx"
        build(path, args.rows)
        started = time.perf_counter()
        wb = python_calamine.CalamineWorkbook.from_path(str(path))
        count = sum(1 for _row in wb.get_sheet_by_index(0).iter_rows())
        bare = time.perf_counter() - started
        print(f"bare calamine read: {count} rows in {bare:.2f} s")
        started = time.perf_counter()
        result = import_file(actor=actor, kind=kind_get("reports"), path=path, filename=path.name,
                             dry_run=False, batch=not args.per_row)  # fmt: skip
        full = time.perf_counter() - started
        load = os.getloadavg()
        print(f"full import: {result.rows} rows, new {result.new}, problems {len(result.problems)}, "
              f"written {result.written} in {full:.2f} s ({full / bare:.1f}× the bare read); "
              f"load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")  # fmt: skip
        if args.again:
            started = time.perf_counter()
            again = import_file(actor=actor, kind=kind_get("reports"), path=path, filename=path.name,
                                dry_run=False, batch=not args.per_row)  # fmt: skip
            took = time.perf_counter() - started
            print(f"again: unchanged {again.unchanged}, new {again.new}, updated {again.updated} in {took:.2f} s "
                  f"({took / bare:.1f}× the bare read)")  # fmt: skip
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS {peak:.0f} MB")


if __name__ == "__main__":
    main()
