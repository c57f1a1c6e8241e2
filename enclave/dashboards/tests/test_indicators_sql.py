"""The dashboard's double-accounted indicators in SQL equal the per-project computation they replaced.

`reference` is the former `dashboards.queries.indicators` kept verbatim: it grouped the period's reports per
project and combined them with the agreement parties in Python. On varied random data (one or two
cooperating units, agreements covering part of the period, projects without agreement, parties without a
unit, reports outside the agreement, signed indicator adjustments and tax adjustments that must not count),
the SQL aggregate must give the same city, places and own totals for every role and filter.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

import pytest
from django.db.models import QuerySet, Sum

from enclave.accounts.models import Role
from enclave.accounts.scope import scope_of
from enclave.conftest import persona
from enclave.dashboards.queries import (
    DashboardFilter,
    Indicators,
    _needs_project_restriction,
    dashboard_filter_for,
    dashboard_projects,
    indicators,
)
from enclave.enterprises.models import Enterprise
from enclave.lib.codes import uscc_with_check
from enclave.lib.periods import add_months
from enclave.parks.models import Industry, Park, Unit
from enclave.projects.models import Agreement, AgreementParty, Project
from enclave.sharing import accounting
from enclave.sharing.models import Adjustment, MonthlyReport

pytestmark = pytest.mark.django_db
FIRST = dt.date(2024, 1, 1)
UNITS = ("530102", "530103", "530111", "530112")


def reference(user: object, flt: DashboardFilter, projects: QuerySet[Project]) -> Indicators:
    """The former implementation, unchanged (per-project rows combined with the parties in Python)."""
    reports = MonthlyReport.objects.all()
    adjustments = Adjustment.objects.filter(target__in=accounting.FIELDS)
    period = flt.period_range
    if period is not None:
        reports = reports.filter(month__gte=period.start, month__lte=period.end)
        adjustments = adjustments.filter(month__gte=period.start, month__lte=period.end)
    if _needs_project_restriction(user, flt):
        ids = projects.values("pk")
        reports, adjustments = reports.filter(project_id__in=ids), adjustments.filter(project_id__in=ids)
    values: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(accounting.FIELDS, 0))
    for row in reports.order_by().values("project_id").annotate(**{f: Sum(f) for f in accounting.FIELDS}):
        target = values[row["project_id"]]
        for name in accounting.FIELDS:
            target[name] += int(row[name] or 0)
    for project_id, target_field, amount in adjustments.order_by().values_list(
        "project_id", "target", "amount_fen"
    ):
        values[project_id][target_field] += amount
    parties = AgreementParty.objects.all()
    if _needs_project_restriction(user, flt):
        parties = parties.filter(agreement__project_id__in=projects.values("pk"))
    unit_count: dict[int, int] = defaultdict(int)
    has_place: set[int] = set()
    scope = scope_of(user)
    own_ids: set[int] = set()
    for project_id, unit_id, park_id in parties.values_list("agreement__project_id", "unit_id", "park_id"):
        has_place.add(project_id)
        if unit_id is not None:
            unit_count[project_id] += 1
        if (scope.role == Role.UNIT and unit_id == scope.unit_id) or (
            scope.role == Role.PARK and park_id is not None and park_id == scope.park_id
        ):
            own_ids.add(project_id)
    city = dict.fromkeys(accounting.FIELDS, 0)
    places = dict.fromkeys(accounting.FIELDS, 0)
    own = dict.fromkeys(accounting.FIELDS, 0)
    for project_id, vals in values.items():
        if project_id not in has_place:
            continue
        for name, amount in vals.items():
            city[name] += amount
            places[name] += amount * (unit_count[project_id] + (name in accounting.BOTH))
            if project_id in own_ids and (scope.role == Role.UNIT or name in accounting.BOTH):
                own[name] += amount
    return Indicators(city, places, own if scope.role in (Role.UNIT, Role.PARK) else None)


def build(seed: int, admin, n_projects: int = 40) -> dict[str, int]:
    """Random projects with agreements, reports and adjustments; returns how many of each kind were made."""
    rng = random.Random(seed)
    units = [Unit.objects.get(code=c) for c in UNITS]
    parks = list(Park.objects.filter(code__in=["mohan", "lingang"]).order_by("code"))
    industries = list(Industry.objects.filter(code__in=["17", "39"]).order_by("code"))
    kinds = defaultdict(int)
    for i in range(n_projects):
        industry = rng.choice(industries)
        enterprise = Enterprise.objects.create(
            name=f"等价测试企业{seed}-{i}", credit_code=uscc_with_check(f"91530100EQ{seed % 100:02d}{i:05d}"),
            origin_kind="out_of_province", origin="上海市", industry=industry, is_sample=True,
        )  # fmt: skip
        filing = rng.choice(units)
        project = Project.objects.create(
            code=f"EQ-{seed}-{i:04d}", name=f"等价测试项目{i}", enterprise=enterprise, filing_unit=filing,
            park=rng.choice(parks), kind="new_domestic", nature="industrial", industry=industry,
            planned_investment_fen=rng.randint(1, 100) * 1_000_000, origin="上海市", status="recognised",
            filed_on=dt.date(2023, 12, 1), recognised_on=dt.date(2023, 12, 15), created_by=admin,
        )  # fmt: skip
        shape = rng.choice(["one", "two", "two", "none", "park_only", "partial"])
        kinds[shape] += 1
        if shape != "none":
            start = add_months(FIRST, rng.randint(0, 8)) if shape == "partial" else FIRST
            end = add_months(start, rng.randint(2, 6)) if shape == "partial" else add_months(FIRST, 23)
            agreement = Agreement.objects.create(
                project=project, start_month=start, end_month=end, created_by=admin
            )
            AgreementParty.objects.create(agreement=agreement, park=project.park, share_bp=5000)
            if shape != "park_only":
                AgreementParty.objects.create(agreement=agreement, unit=filing, share_bp=3000)
            if shape == "two":
                partner = rng.choice([u for u in units if u != filing])
                AgreementParty.objects.create(agreement=agreement, unit=partner, share_bp=2000)
                project.partner_units.add(partner)
        for m in rng.sample(range(24), rng.randint(0, 14)):  # also months outside a partial agreement
            MonthlyReport.objects.create(
                project=project, month=add_months(FIRST, m), created_by=admin,
                **{f: rng.choice([0, rng.randint(1, 10**9)]) for f in accounting.FIELDS},
            )  # fmt: skip
        for _ in range(rng.randint(0, 3)):
            month = add_months(FIRST, rng.randint(1, 23))
            Adjustment.objects.create(
                project=project, month=month, concerns_month=add_months(month, -1), created_by=admin,
                target=rng.choice([*accounting.FIELDS, "retained"]), amount_fen=rng.randint(-10**8, 10**8),
                reason="等价测试",
            )  # fmt: skip
    return dict(kinds)


FILTERS = (
    DashboardFilter(),
    DashboardFilter(period="2024"),
    DashboardFilter(period="2025Q1"),
    DashboardFilter(period="2024Q3", park="mohan"),
    DashboardFilter(unit="530103"),
    DashboardFilter(industry="39"),
    DashboardFilter(period="2025", industry="17", park="lingang"),
)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_sql_aggregate_equals_the_per_project_computation(seed: int, city_admin) -> None:
    made = build(seed, city_admin)
    assert made.get("two", 0) and made.get("partial", 0)  # the seeds give both kinds
    users = [
        city_admin,
        persona("auditor", Role.AUDITOR),
        persona("u1", Role.UNIT, unit="530102"),
        persona("u2", Role.UNIT, unit="530103"),
        persona("p1", Role.PARK, park="mohan"),
        persona("p2", Role.PARK, park="lingang"),
    ]
    compared = 0
    for user in users:
        for wanted in FILTERS:
            try:
                flt, _scope = dashboard_filter_for(user, wanted)
            except Exception:  # another park's or unit's dashboard: refused before any figure
                continue
            projects = dashboard_projects(user, flt)
            new, old = indicators(user, flt, projects), reference(user, flt, projects)
            assert (new.city, new.places, new.own) == (old.city, old.places, old.own), (user.username, flt)
            compared += 1
    assert compared >= 25
    whole = indicators(city_admin, DashboardFilter(), Project.objects.all())
    assert any(whole.double_counted(f) for f in accounting.FIELDS)  # the data is not trivially empty


def test_two_cooperating_units_and_the_park_are_each_credited_in_full(city_admin) -> None:
    """A hand-checked case: one project, two units, a report of 100 and an adjustment of -10 per field."""
    park = Park.objects.get(code="mohan")
    a, b = Unit.objects.get(code="530102"), Unit.objects.get(code="530103")
    industry = Industry.objects.get(code="17")
    enterprise = Enterprise.objects.create(
        name="手算企业", credit_code=uscc_with_check("91530100HC0000001"), origin_kind="out_of_province",
        origin="上海市", industry=industry,
    )  # fmt: skip
    project = Project.objects.create(
        code="HC-1", name="手算项目", enterprise=enterprise, filing_unit=a, park=park, kind="new_domestic",
        nature="industrial", industry=industry, planned_investment_fen=1, origin="上海市", status="recognised",
        filed_on=dt.date(2024, 1, 1), recognised_on=dt.date(2024, 1, 2), created_by=city_admin,
    )  # fmt: skip
    agreement = Agreement.objects.create(
        project=project, start_month=FIRST, end_month=FIRST, created_by=city_admin
    )
    for kw in ({"park": park}, {"unit": a}, {"unit": b}):
        AgreementParty.objects.create(agreement=agreement, share_bp=1000, **kw)
    MonthlyReport.objects.create(project=project, month=FIRST, created_by=city_admin,
                                 **dict.fromkeys(accounting.FIELDS, 100))  # fmt: skip
    for f in accounting.FIELDS:
        Adjustment.objects.create(project=project, month=FIRST, concerns_month=FIRST, target=f, amount_fen=-10,
                                  reason="更正", created_by=city_admin)  # fmt: skip
    ind = indicators(city_admin, DashboardFilter(), Project.objects.all())
    assert ind.city == dict.fromkeys(accounting.FIELDS, 90)
    assert ind.places == {f: 90 * (3 if f in accounting.BOTH else 2) for f in accounting.FIELDS}
    park_user = persona("p", Role.PARK, park="mohan")
    flt, _ = dashboard_filter_for(park_user, DashboardFilter())
    own = indicators(park_user, flt, dashboard_projects(park_user, flt)).own
    assert own == {f: 90 if f in accounting.BOTH else 0 for f in accounting.FIELDS}
