"""Province-scale benchmark data: N recognised projects × 36 months × 4 tax types plus indicators.

Writes straight into the tables with bulk inserts (the services would take hours for 1.5 million rows and
are not what is measured here). Run on an empty, migrated database:

    ENCLAVE_DATABASE_URL=sqlite:///var/bench.sqlite3 .venv/bin/python manage.py migrate
    ENCLAVE_DATABASE_URL=sqlite:///var/bench.sqlite3 .venv/bin/python benchmarks/generate.py --projects 10000
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "enclave.settings")

import django  # noqa: E402

django.setup()

from django.db import transaction  # noqa: E402

from enclave.accounts.models import Role, User  # noqa: E402
from enclave.enterprises.models import Enterprise  # noqa: E402
from enclave.lib.codes import uscc_with_check  # noqa: E402
from enclave.lib.periods import add_months  # noqa: E402
from enclave.parks.models import Industry, Park, Unit  # noqa: E402
from enclave.projects.models import Agreement, AgreementParty, Project  # noqa: E402
from enclave.sharing.models import MonthlyReport, MonthlyTax, TaxType  # noqa: E402

FIRST_MONTH = dt.date(2023, 1, 1)
MONTHS = 36


def generate(n_projects: int, seed: int = 20241) -> None:
    rng = random.Random(seed)
    if Project.objects.exists():
        raise SystemExit("database already has projects; use an empty migrated database")
    admin = User.objects.create_user("bench", password=None, role=Role.CITY_ADMIN)
    units = list(Unit.objects.all())
    parks = list(Park.objects.all())
    industries = list(Industry.objects.filter(level="division", section__code__in=["C", "F", "G"]))
    tax_types = list(TaxType.objects.all())
    started = time.perf_counter()
    with transaction.atomic():
        enterprises = Enterprise.objects.bulk_create(
            [
                Enterprise(
                    name=f"基准测试企业{i:06d}", credit_code=uscc_with_check(f"91530100MB{i:07d}"),
                    origin_kind="out_of_province", origin="上海市", industry=rng.choice(industries), is_sample=True,
                )
                for i in range(n_projects)
            ],
            batch_size=2000,
        )  # fmt: skip
        projects = Project.objects.bulk_create(
            [
                Project(
                    code=f"BM-{2022 + i % 3}-{i:06d}", name=f"基准测试项目{i:06d}", enterprise=e,
                    filing_unit=rng.choice(units), park=rng.choice(parks), kind="new_domestic", nature="industrial",
                    industry=e.industry, planned_investment_fen=rng.randint(100, 50_000) * 1_000_000,
                    origin="上海市", status="recognised", filed_on=dt.date(2022, 12, 1),
                    recognised_on=dt.date(2022, 12, 15), is_sample=True, created_by=admin,
                )
                for i, e in enumerate(enterprises)
            ],
            batch_size=2000,
        )  # fmt: skip
        agreements = Agreement.objects.bulk_create(
            [Agreement(project=p, start_month=FIRST_MONTH, end_month=add_months(FIRST_MONTH, MONTHS - 1),
                       created_by=admin) for p in projects],
            batch_size=2000,
        )  # fmt: skip
        parties = []
        for agreement, project in zip(agreements, projects, strict=True):
            extra = rng.random() < 0.2
            if extra:
                partner = rng.choice([u for u in units if u.pk != project.filing_unit_id])
                parties += [AgreementParty(agreement=agreement, unit_id=project.filing_unit_id, share_bp=3000),
                            AgreementParty(agreement=agreement, unit=partner, share_bp=2000)]  # fmt: skip
            else:
                parties.append(
                    AgreementParty(agreement=agreement, unit_id=project.filing_unit_id, share_bp=5000)
                )
            parties.append(AgreementParty(agreement=agreement, park_id=project.park_id, share_bp=5000))
        AgreementParty.objects.bulk_create(parties, batch_size=5000)
        print(f"projects and agreements: {time.perf_counter() - started:.1f}s", flush=True)
        for m in range(MONTHS):
            month = add_months(FIRST_MONTH, m)
            reports = MonthlyReport.objects.bulk_create(
                [
                    MonthlyReport(
                        project=p, month=month, rebates_fen=rng.randint(0, 50_000),
                        fixed_asset_investment_fen=rng.randint(0, 10**9), industrial_output_fen=rng.randint(0, 10**9),
                        trade_sales_fen=rng.randint(0, 10**8), services_revenue_fen=rng.randint(0, 10**8),
                        out_of_province_funds_fen=rng.randint(0, 10**8), foreign_capital_fen=rng.randint(0, 10**7),
                        tax_status="confirmed", indicator_status="confirmed", created_by=admin,
                    )
                    for p in projects
                ],
                batch_size=5000,
            )  # fmt: skip
            MonthlyTax.objects.bulk_create(
                [MonthlyTax(report=r, tax_type=t, paid_fen=rng.randint(50_000, 5_000_000)) for r in reports
                 for t in tax_types],
                batch_size=10000,
            )  # fmt: skip
            print(f"  month {month:%Y-%m}: {time.perf_counter() - started:.1f}s", flush=True)
    print(f"generated {n_projects} projects x {MONTHS} months in {time.perf_counter() - started:.1f}s")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--projects", type=int, default=10_000)
    args = parser.parse_args()
    generate(args.projects)
