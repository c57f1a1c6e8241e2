"""Dashboard figures: plain aggregate reads over what the user may see (the city, a park or a unit).

Every function starts from `dashboard_projects`, which starts from `projects_full_access`: a unit sees the
projects it filed or joins, a park the projects it hosts, the city all. Recognised projects are counted on
their recognition date (the landing date, as the reports count them). Money stays integer fen here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.core.exceptions import BadRequest, PermissionDenied
from django.db import connection
from django.db.models import Count, QuerySet, Sum
from django.utils.translation import gettext as _

from enclave import query_params as qp
from enclave.accounts.models import Role
from enclave.accounts.scope import scope_of
from enclave.lib import params as parse
from enclave.lib import periods
from enclave.parks.models import Park, Unit
from enclave.projects.filters import ProjectFilter
from enclave.projects.models import AgreementParty, Kind, Project, RelocationClass
from enclave.projects.queries import projects_full_access
from enclave.projects.workflow import Status
from enclave.sharing import accounting
from enclave.sharing.models import Adjustment, MonthlyReport, SettlementLine, SettlementShare
from enclave.sharing.queries import Party, parties_visible_to

PENDING = (Status.FILED, Status.UNDER_REVIEW)  # waiting for review (待审查)
# Age buckets of a waiting filing, in days since filing: (upper bound inclusive or None, label).
AGE_BUCKETS = ((7, "7天以内"), (30, "8–30天"), (90, "31–90天"), (None, "90天以上"))
QUARTER_NAMES = {1: "一季度", 2: "二季度", 3: "三季度", 4: "四季度"}


@dataclass(frozen=True)
class DashboardFilter:
    """Period (a year `2024` or quarter `2025Q1` of recognition), park, unit and industry codes."""

    period: str = ""
    park: str = ""
    unit: str = ""
    industry: str = ""  # GB/T 4754 section letter or two-digit division

    @classmethod
    def from_params(cls, params: Mapping[str, object]) -> DashboardFilter:
        """Strict, like the library: a malformed value, or a month where a year or quarter is meant, is a 400."""
        chosen = qp.param(params, "period", parse.period)
        if chosen is not None and "-" in chosen.label:
            raise BadRequest("参数“period”无效：看板按年份（2024）或季度（2024Q3）统计，不按月份")
        period = chosen.label if chosen is not None else ""
        library = ProjectFilter.from_params(params)
        return cls(period=period, park=library.park, unit=library.unit, industry=library.industry)

    @property
    def period_range(self) -> periods.Period | None:
        return periods.parse(self.period) if self.period else None

    def as_params(self) -> dict[str, str]:
        return {k: v for k, v in (("period", self.period), ("park", self.park), ("unit", self.unit),
                                  ("industry", self.industry)) if v}  # fmt: skip

    def library_params(self) -> dict[str, str]:
        """The project library's parameters for the same selection of recognised projects."""
        params = {"status": Status.RECOGNISED}
        params.update(
            {k: v for k, v in (("park", self.park), ("unit", self.unit), ("industry", self.industry)) if v}
        )
        if self.period:
            params["year"] = self.period[:4]
            if "Q" in self.period:
                params["quarter"] = self.period[-1]
        return params

    def describe(self) -> str:
        """The filter in words for a title or an export, e.g. “期间：2024；园区：磨憨—磨丁合作区”."""
        parts = []
        if self.period:
            parts.append(_("期间：%(value)s") % {"value": self.period})
        library = ProjectFilter(park=self.park, unit=self.unit, industry=self.industry)
        if not library.is_empty:
            parts.append(library.describe())
        return _("；").join(parts) if parts else _("全部")


@dataclass(frozen=True)
class DashboardScope:
    """Whose dashboard this is: the city, a park or a unit (from the user's role and the filter)."""

    level: str  # "city" | "park" | "unit"
    park: Park | None
    unit: Unit | None

    @property
    def title(self) -> str:
        if self.unit is not None:
            return self.unit.name
        if self.park is not None:
            return self.park.short_name
        return _("全市")


def dashboard_filter_for(user: object, flt: DashboardFilter) -> tuple[DashboardFilter, DashboardScope]:
    """Pin the filter to the user's remit: a park user sees only its park, a unit user only its unit.

    Asking for another park's or unit's dashboard is refused (403), never silently widened or emptied.
    """
    scope = scope_of(user)
    if scope.role == Role.PARK:
        own = Park.objects.filter(pk=scope.park_id).first()
        if own is None or flt.park not in ("", own.code):
            raise PermissionDenied(_("您只能查看本园区的看板"))
        flt = DashboardFilter(period=flt.period, park=own.code, unit=flt.unit, industry=flt.industry)
    elif scope.role == Role.UNIT:
        own_unit = Unit.objects.filter(pk=scope.unit_id).first()
        if own_unit is None or flt.unit not in ("", own_unit.code):
            raise PermissionDenied(_("您只能查看本单位的看板"))
        flt = DashboardFilter(period=flt.period, park=flt.park, unit=own_unit.code, industry=flt.industry)
    elif not scope.is_city:
        raise PermissionDenied(_("您的角色无权查看看板"))
    park = Park.objects.filter(code=flt.park).first() if flt.park else None
    unit = Unit.objects.filter(code=flt.unit).first() if flt.unit else None
    level = "unit" if scope.role == Role.UNIT else "park" if scope.role == Role.PARK else "city"
    return flt, DashboardScope(level=level, park=park, unit=unit)


def dashboard_projects(user: object, flt: DashboardFilter) -> QuerySet[Project]:
    """The user's projects (any status) narrowed by park, unit and industry; the period is applied later."""
    library = ProjectFilter(park=flt.park, unit=flt.unit, industry=flt.industry)
    return library.apply(projects_full_access(user)).order_by()


def recognised_in_period(projects: QuerySet[Project], flt: DashboardFilter) -> QuerySet[Project]:
    qs = projects.filter(status=Status.RECOGNISED, recognised_on__isnull=False)
    period = flt.period_range
    if period is not None:
        qs = qs.filter(recognised_on__gte=period.start, recognised_on__lte=period.end)
    return qs


# ---------------------------------------------------------------- recognised projects


@dataclass(frozen=True)
class Bar:
    """One bar: a label, its project count and planned investment, and the library filter behind it."""

    label: str
    count: int
    planned_fen: int
    params: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Chart:
    key: str
    title: str
    bars: tuple[Bar, ...]
    note: str = ""
    target: str = "library"  # where a click goes: "library" (params are library filters) or "statement"


@dataclass(frozen=True)
class Totals:
    count: int
    planned_fen: int
    enterprises: int


def totals(recognised: QuerySet[Project]) -> Totals:
    agg = recognised.aggregate(
        count=Count("pk"),
        planned=Sum("planned_investment_fen"),
        enterprises=Count("enterprise", distinct=True),
    )
    return Totals(agg["count"] or 0, int(agg["planned"] or 0), agg["enterprises"] or 0)


def _bar(label: str, row: Mapping[str, object], params: dict[str, str]) -> Bar:
    return Bar(label, int(row["count"] or 0), int(row["planned"] or 0), params)  # type: ignore[call-overload]


AGG = {"count": Count("pk"), "planned": Sum("planned_investment_fen")}


def by_quarter(recognised: QuerySet[Project], flt: DashboardFilter) -> Chart:
    """Projects and investment per quarter of recognition, every quarter between the first and the last."""
    # Grouped by day and bucketed here: a year/quarter extraction per row is a Python function on SQLite.
    rows: dict[tuple[int, int], dict[str, int]] = {}
    for r in recognised.values("recognised_on").annotate(**AGG).order_by():
        day = r["recognised_on"]
        row = rows.setdefault((day.year, periods.quarter_of(day)), {"count": 0, "planned": 0})
        row["count"] += int(r["count"] or 0)
        row["planned"] += int(r["planned"] or 0)
    period = flt.period_range
    keys = sorted(rows)
    if period is not None:
        keys = sorted(set(keys) | {(period.start.year, periods.quarter_of(period.start)),
                                   (period.end.year, periods.quarter_of(period.end))})  # fmt: skip
    bars = []
    if keys:
        (y, q), last = keys[0], keys[-1]
        while (y, q) <= last:
            row = rows.get((y, q), {"count": 0, "planned": 0})
            bars.append(_bar(f"{y}Q{q}", row, {"year": str(y), "quarter": str(q)}))
            y, q = (y + 1, 1) if q == 4 else (y, q + 1)
    return Chart("quarter", _("按季度：认定项目与计划总投资"), tuple(bars))


def by_park(recognised: QuerySet[Project]) -> Chart:
    rows = (
        recognised.values("park__code", "park__short_name").annotate(**AGG).order_by("-count", "park__code")
    )
    bars = tuple(_bar(r["park__short_name"], r, {"park": r["park__code"]}) for r in rows)
    return Chart("park", _("按承载园区"), bars)


def by_unit(recognised: QuerySet[Project], flt: DashboardFilter) -> Chart:
    """Cooperating units ranked by projects: the filing unit and every partner unit count the project.

    On one unit's dashboard only that unit is listed (its partners' bars would open their own lists)."""
    merged: dict[str, dict[str, object]] = {}
    for r in recognised.values("filing_unit__code", "filing_unit__name").annotate(**AGG):
        merged[r["filing_unit__code"]] = {"name": r["filing_unit__name"], "count": r["count"],
                                          "planned": int(r["planned"] or 0)}  # fmt: skip
    partners = (
        Project.partner_units.through.objects.filter(project__in=recognised.values("pk"))
        .values("unit__code", "unit__name")
        .annotate(count=Count("project_id"), planned=Sum("project__planned_investment_fen"))
    )
    for r in partners:
        row = merged.setdefault(r["unit__code"], {"name": r["unit__name"], "count": 0, "planned": 0})
        row["count"] = int(row["count"]) + r["count"]  # type: ignore[call-overload]
        row["planned"] = int(row["planned"]) + int(r["planned"] or 0)  # type: ignore[call-overload]
    if flt.unit:
        merged = {code: row for code, row in merged.items() if code == flt.unit}
    ranked = sorted(merged.items(), key=lambda kv: (-int(kv[1]["count"]), -int(kv[1]["planned"]), kv[0]))  # type: ignore[call-overload]
    bars = tuple(_bar(str(row["name"]), row, {"unit": code}) for code, row in ranked)
    return Chart(
        "unit",
        _("按协作地（排名）"),
        bars,
        note=_("其他协作单位参与的项目也计入该单位，各单位合计可能大于总数"),
    )


def by_industry(recognised: QuerySet[Project]) -> Chart:
    rows = (
        recognised.values("industry__code", "industry__name")
        .annotate(**AGG)
        .order_by("-count", "-planned", "industry__code")
    )
    bars = tuple(
        _bar(f"{r['industry__code']} {r['industry__name']}", r, {"industry": r["industry__code"]})
        for r in rows
    )
    return Chart("industry", _("按行业（国民经济行业大类）"), bars)


def by_origin(recognised: QuerySet[Project]) -> Chart:
    """Where the enterprise comes from: each province or country of new recruitment, and stock relocation."""
    bars = []
    for r in recognised.values("kind", "origin").annotate(**AGG):
        if r["kind"] == Kind.RELOCATION:
            continue
        abroad = r["kind"] == Kind.NEW_ABROAD
        label = _("%(origin)s（境外）") % {"origin": r["origin"]} if abroad else r["origin"]
        bars.append(_bar(label, r, {"kind": r["kind"], "origin": r["origin"]}))
    local = recognised.filter(kind=Kind.RELOCATION).aggregate(**AGG)
    if local["count"]:
        bars.append(_bar(_("市域内存量企业（流转）"), local, {"kind": Kind.RELOCATION}))
    bars.sort(key=lambda b: (-b.count, -b.planned_fen, b.label))
    return Chart("origin", _("按来源地（省外、境外、市域内）"), tuple(bars))


def by_kind(recognised: QuerySet[Project]) -> Chart:
    """New recruitment (out of province / abroad) and the four classes of stock relocation."""
    labels = {(k, ""): label for k, label in Kind.choices if k != Kind.RELOCATION}
    labels.update({(Kind.RELOCATION, c): label for c, label in RelocationClass.choices})
    rows = {(r["kind"], r["relocation_class"]): r
            for r in recognised.values("kind", "relocation_class").annotate(**AGG)}  # fmt: skip
    bars = []
    for (kind, relocation_class), label in labels.items():
        row = rows.get((kind, relocation_class), {"count": 0, "planned": 0})
        params = {"kind": kind, **({"relocation_class": relocation_class} if relocation_class else {})}
        bars.append(_bar(str(label), row, params))
    return Chart("kind", _("按项目类型（新招引/流转类别）"), tuple(bars))


# ---------------------------------------------------------------- workflow backlog


@dataclass(frozen=True)
class Waiting:
    pk: int
    code: str
    name: str
    unit: str
    park: str
    status: str
    filed_on: dt.date
    age_days: int


@dataclass(frozen=True)
class Backlog:
    """Filings waiting for review (已报备、审查中) by age since filing, and the oldest of them."""

    buckets: tuple[str, ...]
    counts: dict[str, tuple[int, ...]]  # status → count per bucket
    oldest: tuple[Waiting, ...]

    @property
    def total(self) -> int:
        return sum(sum(c) for c in self.counts.values())


def age_bucket(age_days: int) -> int:
    """Index in AGE_BUCKETS of a filing that has waited `age_days` days."""
    for index, (upper, _label) in enumerate(AGE_BUCKETS):
        if upper is None or age_days <= upper:
            return index
    return len(AGE_BUCKETS) - 1  # pragma: no cover - the last bucket has no upper bound


def backlog(projects: QuerySet[Project], *, today: dt.date, oldest: int = 10) -> Backlog:
    waiting = projects.filter(status__in=PENDING, filed_on__isnull=False)
    counts = {status: [0] * len(AGE_BUCKETS) for status in PENDING}
    for status, filed_on in waiting.values_list("status", "filed_on"):
        counts[status][age_bucket((today - filed_on).days)] += 1
    rows = waiting.order_by("filed_on", "pk").values_list(
        "pk", "code", "name", "filing_unit__name", "park__short_name", "status", "filed_on"
    )[:oldest]
    return Backlog(
        buckets=tuple(_(label) for _upper, label in AGE_BUCKETS),
        counts={s: tuple(c) for s, c in counts.items()},
        oldest=tuple(
            Waiting(pk, code, name, unit, park, str(Status.LABELS[status]), filed_on, (today - filed_on).days)
            for pk, code, name, unit, park, status, filed_on in rows
        ),  # fmt: skip
    )


# ---------------------------------------------------------------- settlements and accounting


def _needs_project_restriction(user: object, flt: DashboardFilter) -> bool:
    return not scope_of(user).is_city or bool(flt.park or flt.unit or flt.industry)


@dataclass(frozen=True)
class SharedTax:
    """County-level retained tax of the projects in view and each visible party's share (from the ledger)."""

    retained_fen: int
    shares: tuple[tuple[Party, int], ...]
    months: int  # settled project-months behind the figures


def shared_tax(user: object, flt: DashboardFilter, projects: QuerySet[Project]) -> SharedTax:
    lines = SettlementLine.objects.all()
    period = flt.period_range
    if period is not None:
        lines = lines.filter(month__gte=period.start, month__lte=period.end)
    if _needs_project_restriction(user, flt):
        lines = lines.filter(project_id__in=projects.values("pk"))
    agg = lines.order_by().aggregate(retained=Sum("retained_fen"), months=Count("pk"))
    parties = parties_visible_to(user)
    by_code = {p.code: p for p in parties}
    shares = SettlementShare.objects.filter(line__in=lines.values("pk"))
    if not scope_of(user).is_city:
        shares = shares.filter(party_code__in=list(by_code))
    totals = shares.order_by().values_list("party_code").annotate(total=Sum("amount_fen"))
    rows = sorted(((by_code[code], int(total or 0)) for code, total in totals if code in by_code),
                  key=lambda pt: (-pt[1], pt[0].code))  # fmt: skip
    return SharedTax(int(agg["retained"] or 0), tuple(rows), agg["months"] or 0)


def shared_tax_chart(tax: SharedTax) -> Chart:
    bars = tuple(Bar(p.name, 0, amount, {"code": p.code}) for p, amount in tax.shares)
    return Chart("tax", _("分享税收（县级留成分成）"), bars, target="statement")


@dataclass(frozen=True)
class Indicators:
    """Double-accounted indicators (双核算) of the projects in view.

    `city` counts each project once; `places` is what the cooperating units and host parks are credited
    with together (the double-counted ledger); `own` is what the viewing park or unit is credited with.
    """

    city: dict[str, int]
    places: dict[str, int]
    own: dict[str, int] | None

    def double_counted(self, name: str) -> int:
        return self.places[name] - self.city[name]


def _party_counts_sql(scope: object) -> tuple[str, list[object]]:
    """Per project with an agreement: how many cooperating units are its parties (`units`) and whether the
    viewing unit or park is one of them (`own`, 1 or 0). A derived table, joined to reports and adjustments."""
    party = AgreementParty._meta.db_table
    agreement = AgreementParty._meta.get_field("agreement").related_model._meta.db_table
    if scope.role == Role.UNIT:
        own, params = "MAX(CASE WHEN ap.unit_id = %s THEN 1 ELSE 0 END)", [scope.unit_id]
    elif scope.role == Role.PARK:
        own, params = "MAX(CASE WHEN ap.park_id = %s THEN 1 ELSE 0 END)", [scope.park_id]
    else:
        own, params = "0", []
    sql = (
        f"SELECT a.project_id AS project_id, COUNT(ap.unit_id) AS units, {own} AS own "
        f"FROM {party} ap INNER JOIN {agreement} a ON a.id = ap.agreement_id GROUP BY a.project_id"
    )
    return sql, params


def indicators(user: object, flt: DashboardFilter, projects: QuerySet[Project]) -> Indicators:
    """The rules of sharing/accounting.py in two SQL aggregates, no per-project rows back to Python.

    A project is credited to its places only if its agreement has parties (as `accounting.table`). Per
    indicator: the city counts each project's amount once; the places together count it once per
    cooperating unit, plus once for the host park if it is a 全额双核算 indicator, so the places' sum is
    Σ amount × units + (Σ amount if double-accounted). A unit is credited with every indicator of its
    projects, a park with the double-accounted ones. The same sums over indicator adjustments are added.
    """
    scope = scope_of(user)
    fields = accounting.FIELDS
    parties_sql, parties_params = _party_counts_sql(scope)
    where, where_params = [], []
    period = flt.period_range
    if period is not None:
        where.append("x.month >= %s AND x.month <= %s")
        where_params += [period.start, period.end]
    if _needs_project_restriction(user, flt):
        inner, inner_params = projects.values("pk").query.sql_with_params()
        where.append(f"x.project_id IN ({inner})")
        where_params += list(inner_params)
    condition = (" WHERE " + " AND ".join(where)) if where else ""
    report_cols = [MonthlyReport._meta.get_field(f).column for f in fields]
    sums = ", ".join(
        f"SUM(x.{c}), SUM(x.{c} * pc.units), SUM(CASE WHEN pc.own = 1 THEN x.{c} ELSE 0 END)"
        for c in report_cols
    )
    report_sql = (
        f"SELECT {sums} FROM {MonthlyReport._meta.db_table} x "
        f"INNER JOIN ({parties_sql}) pc ON pc.project_id = x.project_id{condition}"
    )
    adjustment_sql = (
        "SELECT x.target, SUM(x.amount_fen), SUM(x.amount_fen * pc.units), "
        "SUM(CASE WHEN pc.own = 1 THEN x.amount_fen ELSE 0 END) "
        f"FROM {Adjustment._meta.db_table} x INNER JOIN ({parties_sql}) pc ON pc.project_id = x.project_id"
        f"{condition}{' AND' if condition else ' WHERE'} x.target IN ({', '.join(['%s'] * len(fields))}) "
        "GROUP BY x.target"
    )
    city = dict.fromkeys(fields, 0)
    weighted = dict.fromkeys(fields, 0)  # Σ amount × cooperating units
    own = dict.fromkeys(fields, 0)
    with connection.cursor() as cursor:
        cursor.execute(report_sql, [*parties_params, *where_params])
        row = cursor.fetchone() or ()
        for i, name in enumerate(fields):
            city[name] += int(row[3 * i] or 0)
            weighted[name] += int(row[3 * i + 1] or 0)
            own[name] += int(row[3 * i + 2] or 0)
        cursor.execute(adjustment_sql, [*parties_params, *where_params, *fields])
        for name, total, times_units, own_total in cursor.fetchall():
            city[name] += int(total or 0)
            weighted[name] += int(times_units or 0)
            own[name] += int(own_total or 0)
    places = {name: weighted[name] + (city[name] if name in accounting.BOTH else 0) for name in fields}
    if scope.role == Role.PARK:
        own = {name: own[name] if name in accounting.BOTH else 0 for name in fields}
    return Indicators(city, places, own if scope.role in (Role.UNIT, Role.PARK) else None)


# ---------------------------------------------------------------- the whole dashboard


@dataclass(frozen=True)
class Dashboard:
    filter: DashboardFilter
    scope: DashboardScope
    totals: Totals
    charts: tuple[Chart, ...]
    backlog: Backlog
    tax: SharedTax
    indicators: Indicators

    def chart(self, key: str) -> Chart:
        return next(c for c in self.charts if c.key == key)


def dashboard(user: object, flt: DashboardFilter, *, today: dt.date) -> Dashboard:
    """Everything one dashboard shows, for the user's remit and the filter (PermissionDenied outside it)."""
    flt, scope = dashboard_filter_for(user, flt)
    projects = dashboard_projects(user, flt)
    recognised = recognised_in_period(projects, flt)
    tax = shared_tax(user, flt, projects)
    charts = (
        by_quarter(recognised, flt),
        by_park(recognised),
        by_unit(recognised, flt),
        by_industry(recognised),
        by_origin(recognised),
        by_kind(recognised),
        shared_tax_chart(tax),
    )
    return Dashboard(
        filter=flt,
        scope=scope,
        totals=totals(recognised),
        charts=charts,
        backlog=backlog(projects, today=today),
        tax=tax,
        indicators=indicators(user, flt, projects),
    )
