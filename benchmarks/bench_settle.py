"""Time settling one year and building the double-accounting table, against the database's floor.

    ENCLAVE_DATABASE_URL=... .venv/bin/python benchmarks/bench_settle.py [--year 2024] [--profile]

Prints: the settlement of the year (fresh: nothing stored for it yet), the same again (idempotent: inputs
unchanged), the accounting table, one plain aggregate SQL over the same rows, and peak memory.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "enclave.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402

from enclave.accounts.models import User  # noqa: E402
from enclave.lib import periods  # noqa: E402
from enclave.sharing import queries, services  # noqa: E402
from enclave.sharing.models import RunTotal, SettlementLine, SettlementRun, SettlementShare  # noqa: E402

PLAIN_AGGREGATE = """
SELECT r.project_id, t.tax_type_id, SUM(t.paid_fen), SUM(r.rebates_fen)
FROM sharing_monthlytax t JOIN sharing_monthlyreport r ON r.id = t.report_id
WHERE r.month BETWEEN %s AND %s
GROUP BY r.project_id, t.tax_type_id
"""


def clear() -> None:
    SettlementShare.objects.all().delete()
    SettlementLine.objects.all().delete()
    RunTotal.objects.all().delete()
    SettlementRun.objects.all().delete()


def timed(label: str, fn) -> float:
    started = time.perf_counter()
    fn()
    elapsed = time.perf_counter() - started
    print(f"{label:<42} {elapsed:8.3f} s", flush=True)
    return elapsed


def duckdb_floor(period) -> float | None:
    """The same aggregate over the same rows in DuckDB (rows copied in first; only the query is timed)."""
    try:
        import duckdb
    except ImportError:
        return None
    import csv
    import tempfile

    with (
        tempfile.NamedTemporaryFile("w", suffix=".csv", delete=False, newline="") as handle,
        connection.cursor() as cursor,
    ):
        cursor.execute(
            "SELECT r.project_id, t.tax_type_id, t.paid_fen, r.rebates_fen, r.month FROM sharing_monthlytax t "
            "JOIN sharing_monthlyreport r ON r.id = t.report_id WHERE r.month BETWEEN %s AND %s",
            [period.start, period.end],
        )
        writer = csv.writer(handle)
        writer.writerow(["project_id", "tax_type_id", "paid_fen", "rebates_fen", "month"])
        writer.writerows(cursor.fetchall())
        path = handle.name
    con = duckdb.connect()
    con.execute(f"CREATE TABLE t AS SELECT * FROM read_csv('{path}', header=true)")
    started = time.perf_counter()
    con.execute(
        "SELECT project_id, tax_type_id, SUM(paid_fen), SUM(rebates_fen) FROM t GROUP BY project_id, tax_type_id"
    ).fetchall()
    elapsed = time.perf_counter() - started
    Path(path).unlink()
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--year", default="2024")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    admin = User.objects.get(username="bench")
    period = periods.parse(args.year)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*) FROM sharing_monthlyreport WHERE month BETWEEN %s AND %s",
            [period.start, period.end],
        )
        reports = cursor.fetchone()[0]
        cursor.execute("SELECT COUNT(*) FROM sharing_monthlytax")
        tax_rows = cursor.fetchone()[0]
    print(f"database: {connection.vendor}; reports in {args.year}: {reports}; tax rows in all: {tax_rows}")
    clear()

    def plain() -> None:
        with connection.cursor() as cursor:
            cursor.execute(PLAIN_AGGREGATE, [period.start, period.end])
            cursor.fetchall()

    floor = timed("plain aggregate SQL (floor)", plain)
    duck = duckdb_floor(period)
    if duck is not None:
        print(f"{'same aggregate in DuckDB (columnar floor)':<42} {duck:8.3f} s")
    if args.profile:
        import cProfile
        import pstats

        cProfile.runctx(
            "services.settlement_run(actor=admin, period=args.year)", globals(), locals(), "/tmp/settle.prof"
        )
        pstats.Stats("/tmp/settle.prof").sort_stats("cumulative").print_stats(25)
        return
    fresh = timed(
        f"settle {args.year} (fresh, statements written)",
        lambda: services.settlement_run(actor=admin, period=args.year),
    )
    again = timed(
        f"settle {args.year} again (inputs unchanged)",
        lambda: services.settlement_run(actor=admin, period=args.year),
    )
    table = timed(f"double-accounting table {args.year}", lambda: queries.accounting_table(period, admin))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{'lines / shares written':<42} {SettlementLine.objects.count():>8} / {SettlementShare.objects.count()}"
    )
    print(f"{'ratio settle / floor':<42} {fresh / floor:8.1f} x")
    print(f"{'ratio idempotent re-run / floor':<42} {again / floor:8.1f} x")
    print(f"{'ratio accounting table / floor':<42} {table / floor:8.1f} x")
    print(f"{'peak memory':<42} {peak_mb:8.0f} MB")


if __name__ == "__main__":
    main()
