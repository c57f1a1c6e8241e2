"""Server time of the city dashboard (every query it makes) on the benchmark data set.

    ENCLAVE_DATABASE_URL=... .venv/bin/python benchmarks/bench_dashboard.py [--runs 30] [--period 2024]

Times `enclave.dashboards.queries.dashboard` plus the tables the page and data.json are drawn from, for
the bench city administrator, and prints the median and the 95th percentile of the wall-clock time, the
same of this process's CPU time (on SQLite that is nearly all the work, so it shows what an idle machine
would take when other jobs share the cores; on PostgreSQL the server's CPU is not in it) and the load
average before and after.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "enclave.settings")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.utils import timezone  # noqa: E402

from enclave.accounts.models import User  # noqa: E402
from enclave.dashboards.queries import DashboardFilter, dashboard  # noqa: E402
from enclave.dashboards.tables import dashboard_tables  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--period", default="")
    args = parser.parse_args()
    user = User.objects.get(username="bench")
    flt = DashboardFilter(period=args.period)
    times, cpu = [], []
    load_before = os.getloadavg()[0]
    for _ in range(args.runs + 2):
        started, started_cpu = time.perf_counter(), time.process_time()
        board = dashboard(user, flt, today=timezone.localdate())
        dashboard_tables(board)
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    times, cpu = sorted(times[2:]), sorted(cpu[2:])  # the first two warm the caches

    def p95(values: list[float]) -> float:
        return values[min(len(values) - 1, int(round(0.95 * len(values))) - 1)]

    print(f"{connection.vendor} period={args.period or 'all'} projects={board.totals.count} "
          f"median={statistics.median(times) * 1000:.0f} ms p95={p95(times) * 1000:.0f} ms "
          f"cpu median={statistics.median(cpu) * 1000:.0f} ms p95={p95(cpu) * 1000:.0f} ms "
          f"load={load_before:.1f}->{os.getloadavg()[0]:.1f}")  # fmt: skip


if __name__ == "__main__":
    main()
