"""The dashboard as tables: one per chart, shared by the table view, the Excel export and the chart data.

A chart and its table can never disagree because both are drawn from the same `ChartTable`. Amounts are
Decimal 万元 (exact, from integer fen); links are the project list (or statement) a bar opens.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _

from enclave.dashboards.queries import Chart, Dashboard
from enclave.lib.money import FEN_PER_WAN, FEN_PER_YUAN, fen_to_decimal
from enclave.projects.workflow import Status
from enclave.sharing import accounting, basis


def wan(fen: int) -> Decimal:
    return fen_to_decimal(fen, FEN_PER_WAN)


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[Decimal | int, ...]
    links: tuple[str, ...] = ()  # one URL per value ("" when a bar opens nothing)
    axis: int = 0  # 0: counts (left), 1: amounts in 万元 (right)


@dataclass(frozen=True)
class ChartTable:
    key: str
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[object, ...], ...]
    links: tuple[str, ...]  # per row: where its label links to
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    note: str = ""
    stacked: bool = False
    horizontal: bool = False
    amount_unit: str = ""  # "万元" or "元" for the right axis
    basis: str = ""  # sharing/basis.py: "assessment" or "in_place" when the chart shows accounted indicators
    subtitle: str = ""  # the basis label, under the title on the page, in the export's title row and the JSON
    explanations: tuple[str, ...] = ()  # where both bases appear: why their totals differ


def _library_url(dashboard: Dashboard, params: dict[str, str]) -> str:
    query = {**dashboard.filter.library_params(), **params}
    return f"{reverse('projects:library')}?{urlencode(query)}"


def _statement_url(dashboard: Dashboard, code: str) -> str:
    period = dashboard.filter.period
    suffix = f"?{urlencode({'period': period})}" if period else ""
    return reverse("sharing:statement", kwargs={"code": code}) + suffix


def _projects_table(dashboard: Dashboard, chart: Chart, *, horizontal: bool) -> ChartTable:
    links = tuple(_library_url(dashboard, bar.params) for bar in chart.bars)
    counts = tuple(bar.count for bar in chart.bars)
    amounts = tuple(wan(bar.planned_fen) for bar in chart.bars)
    return ChartTable(
        key=chart.key,
        title=chart.title,
        headers=(_("分组"), _("项目数"), _("计划总投资（万元）")),
        rows=tuple((bar.label, bar.count, wan(bar.planned_fen)) for bar in chart.bars),
        links=links,
        categories=tuple(bar.label for bar in chart.bars),
        series=(
            Series(_("项目数"), counts, links, 0),
            Series(_("计划总投资（万元）"), amounts, links, 1),
        ),
        note=chart.note,
        horizontal=horizontal,
        amount_unit=_("万元"),
    )


def _backlog_table(dashboard: Dashboard) -> ChartTable:
    backlog = dashboard.backlog
    base = {k: v for k, v in dashboard.filter.library_params().items() if k in ("park", "unit", "industry")}
    series, rows, links = [], [], []
    for status, counts in backlog.counts.items():
        url = f"{reverse('projects:library')}?{urlencode({**base, 'status': status})}"
        label = str(Status.LABELS[status])
        series.append(Series(label, counts, tuple(url for _c in counts)))
        rows.append((label, *counts, sum(counts)))
        links.append(url)
    return ChartTable(
        key="backlog",
        title=_("待审查报备及等待天数"),
        headers=(_("状态"), *backlog.buckets, _("合计")),
        rows=tuple(rows),
        links=tuple(links),
        categories=backlog.buckets,
        series=tuple(series),
        note=_("按报备日期起算的等待天数；截至今日仍为“已报备”或“审查中”的项目"),
        stacked=True,
    )


def _tax_table(dashboard: Dashboard) -> ChartTable:
    chart = dashboard.chart("tax")
    links = tuple(_statement_url(dashboard, bar.params["code"]) for bar in chart.bars)
    amounts = tuple(fen_to_decimal(bar.planned_fen, FEN_PER_YUAN) for bar in chart.bars)
    rows = [(bar.label, amount) for bar, amount in zip(chart.bars, amounts, strict=True)]
    rows.append((_("县级留成合计（所涉项目）"), fen_to_decimal(dashboard.tax.retained_fen, FEN_PER_YUAN)))
    return ChartTable(
        key="tax",
        title=chart.title,
        headers=(_("单位/园区"), _("分成金额（元）")),
        rows=tuple(rows),
        links=(*links, ""),
        categories=tuple(bar.label for bar in chart.bars),
        series=(Series(_("分成金额（元）"), amounts, links, 1),),
        note=_("来自结算台账：所选期间内已结算的项目月份"),
        horizontal=True,
        amount_unit=_("元"),
    )


def _indicators_table(dashboard: Dashboard) -> ChartTable:
    """The accounted indicators: a unit's or park's credits (考核口径), or for the city both ledgers side by side
    (each place in full, and each project once) with the difference explained."""
    ind = dashboard.indicators
    names = tuple(str(accounting.NAMES[f]) for f in accounting.FIELDS)
    accounting_url = reverse("sharing:accounting") + (
        f"?{urlencode({'period': dashboard.filter.period})}" if dashboard.filter.period else ""
    )
    links = tuple(accounting_url for _f in accounting.FIELDS)
    note = _("四项指标在协作地和承载地全额双核算；省外产业到位资金和实际利用外资全额计入协作地")
    title = _("统计指标双核算（考核口径）")
    if ind.own is not None:
        own_name = _("本园区计入（万元）") if dashboard.scope.level == "park" else _("本单位计入（万元）")
        values = tuple(wan(ind.own[f]) for f in accounting.FIELDS)
        return ChartTable(
            key="indicators",
            title=title,
            headers=(_("指标"), own_name),
            rows=tuple(zip(names, values, strict=True)),
            links=links,
            categories=names,
            series=(Series(own_name, values, links, 1),),
            note=note,
            horizontal=True,
            amount_unit=_("万元"),
            basis=basis.ASSESSMENT,
            subtitle=str(basis.ASSESSMENT_LABEL),
        )
    city = tuple(wan(ind.city[f]) for f in accounting.FIELDS)
    places = tuple(wan(ind.places[f]) for f in accounting.FIELDS)
    double = tuple(wan(ind.double_counted(f)) for f in accounting.FIELDS)
    return ChartTable(
        key="indicators",
        title=title,
        headers=(
            _("指标"),
            _("全市（在地口径，每个项目只计一次，万元）"),
            _("各地合计（考核口径，含双核算，万元）"),
            _("双核算重复计入（万元）"),
        ),  # fmt: skip
        rows=tuple(zip(names, city, places, double, strict=True)),
        links=links,
        categories=names,
        series=(
            Series(_("全市（在地口径）"), city, links, 1),
            Series(_("各地合计（考核口径）"), places, links, 1),
        ),
        note=note,
        horizontal=True,
        amount_unit=_("万元"),
        basis=basis.ASSESSMENT,
        subtitle=str(basis.ASSESSMENT_LABEL),
        explanations=tuple(
            basis.difference_sentence(name, ind.places[f], ind.city[f])
            for f, name in zip(accounting.FIELDS, names, strict=True)
            if ind.double_counted(f)
        ),
    )


def dashboard_tables(dashboard: Dashboard) -> list[ChartTable]:
    """Every chart of the dashboard as a table, in page order."""
    tables = [
        _projects_table(dashboard, dashboard.chart("quarter"), horizontal=False),
        _projects_table(dashboard, dashboard.chart("park"), horizontal=False),
        _projects_table(dashboard, dashboard.chart("unit"), horizontal=True),
        _projects_table(dashboard, dashboard.chart("industry"), horizontal=True),
        _projects_table(dashboard, dashboard.chart("origin"), horizontal=True),
        _projects_table(dashboard, dashboard.chart("kind"), horizontal=True),
        _backlog_table(dashboard),
        _tax_table(dashboard),
        _indicators_table(dashboard),
    ]
    return tables


def chart_json(table: ChartTable) -> dict[str, object]:
    """What the page's script draws: categories, series and each bar's link.

    Amounts go out as exact decimal strings ("2920.00"), never through a float; the script reads them
    as numbers only to draw."""
    return {
        "key": table.key,
        "title": table.title,
        "categories": list(table.categories),
        "stacked": table.stacked,
        "horizontal": table.horizontal,
        "amountUnit": table.amount_unit,
        **({"basis": table.basis, "subtitle": table.subtitle} if table.basis else {}),
        "series": [
            {"name": s.name, "axis": s.axis, "data": [str(v) if isinstance(v, Decimal) else v for v in s.values],
             "links": list(s.links)}
            for s in table.series
        ],
    }  # fmt: skip
