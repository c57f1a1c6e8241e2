"""Excel export of an assessment run in the shape of an official table (adapter only).

One sheet city-wide and one per tier: a title row and a note row (period, state, fingerprint, export time,
units), a two-row header whose indicator groups are merged cells (完成值 / 目标值 / 完成率 / 得分), then one row
per unit by rank. Counts are whole numbers, planned investment is in 亿元, other amounts in 万元, all real
numbers; text is written as text, never as a formula
(enclave/excel/export.py's cell_write).
"""

from __future__ import annotations

import io
from decimal import Decimal
from typing import Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from enclave.assessment.models import COUNT_SOURCES, AssessmentRun, Source, UnitResult
from enclave.excel.export import Column, cell_write
from enclave.lib.money import FEN_PER_WAN, FEN_PER_YI, fen_to_decimal
from enclave.parks.models import Unit
from enclave.sharing import basis

THIN = Side(style="thin", color="999999")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
DATETIME = "yyyy-mm-dd hh:mm"
HEAD_FILL = PatternFill("solid", fgColor="DDE7F3")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
YI_SOURCES = {Source.PLANNED}


def unit_label(source: str) -> str:
    if source == Source.PROJECTS:
        return "个"
    return "亿元" if source in YI_SOURCES else "万元"


def measure(source: str, value: int) -> int | Decimal:
    if source == Source.PROJECTS:
        return value
    return fen_to_decimal(value, FEN_PER_YI if source in YI_SOURCES else FEN_PER_WAN)


def _points(centi: int) -> Decimal:
    return Decimal(centi) / 100


def _sheet(
    ws: Any, run: AssessmentRun, rows: list[UnitResult], sources: list[str], title: str, tier: bool
) -> None:
    fixed = ["序号", "单位", "考核分类"]
    tail = ["扣分", "加分", "总分", "类内排名" if tier else "全市排名"]
    width = len(fixed) + 4 * len(sources) + len(tail)
    state = {"draft": "未发布", "published": "已发布", "superseded": "已被更正"}[run.status]
    if run.provisional:
        state += "·临时结果（结算未关账）"
    cell_write(ws.cell(1, 1), title)
    ws.cell(1, 1).font = Font(bold=True, size=14)
    ws.cell(1, 1).alignment = CENTER
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    stamp = timezone.localtime()
    note = (
        f"考核期间：{run.period}　状态：{state}　第{run.pk}次运行　输入摘要：{run.input_digest[:16]}　"
        f"导出时间：{stamp:%Y-%m-%d %H:%M}（北京时间）　金额单位：计划总投资为亿元，其余为万元　"
        f"{basis.ASSESSMENT_LABEL}"
    )
    ws.cell(2, 1, note).alignment = Alignment(horizontal="left")
    ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=width)
    col = 1
    for head in fixed:
        ws.cell(3, col, head)
        ws.merge_cells(start_row=3, start_column=col, end_row=4, end_column=col)
        col += 1
    for source in sources:
        ws.cell(3, col, str(Source(source).label))
        ws.merge_cells(start_row=3, start_column=col, end_row=3, end_column=col + 3)
        for offset, sub in enumerate(
            (f"完成值（{unit_label(source)}）", f"目标值（{unit_label(source)}）", "完成率", "得分")
        ):
            ws.cell(4, col + offset, sub)
        col += 4
    for head in tail:
        ws.cell(3, col, head)
        ws.merge_cells(start_row=3, start_column=col, end_row=4, end_column=col)
        col += 1
    for row in ws.iter_rows(min_row=3, max_row=4, max_col=width):
        for cell in row:
            cell.font, cell.fill, cell.alignment, cell.border = Font(bold=True), HEAD_FILL, CENTER, BOX
    for index, result in enumerate(rows, start=1):
        by_source = {i.source: i for i in result.indicators.all()}
        values: list[Any] = [index, result.unit.name, str(Unit.Tier(result.tier).label)]
        for source in sources:
            ind = by_source.get(source)
            if ind is None:
                values += [None, None, None, None]
            else:
                values += [measure(source, ind.value), measure(source, ind.target), Decimal(ind.completion_bp) / 10000,
                           _points(ind.points_centi)]  # fmt: skip
        values += [
            _points(result.deductions_centi),
            _points(result.bonus_centi),
            _points(result.total_centi),
            result.rank_in_tier if tier else result.rank,
        ]
        r = 4 + index
        for c, value in enumerate(values, start=1):
            cell = ws.cell(r, c)
            cell_write(cell, value)
            cell.border = BOX
        for k, source in enumerate(sources):
            base = len(fixed) + 1 + 4 * k
            fmt = "0" if source == Source.PROJECTS else "#,##0.00"
            ws.cell(r, base).number_format = fmt
            ws.cell(r, base + 1).number_format = fmt
            ws.cell(r, base + 2).number_format = "0.00%"
            ws.cell(r, base + 3).number_format = "0.00"
        for c in range(width - len(tail) + 1, width):
            ws.cell(r, c).number_format = "0.00"
    ws.column_dimensions["A"].width = 6
    ws.column_dimensions["B"].width = 16
    ws.column_dimensions["C"].width = 22
    for c in range(4, width + 1):
        ws.column_dimensions[get_column_letter(c)].width = 12
    ws.freeze_panes = "D5"


def run_workbook(run: AssessmentRun, rows: list[UnitResult], hide: set[str] | None = None) -> bytes:
    """City-wide sheet first, then one sheet per tier present in the run. `hide`: indicators left out (a
    unit's shared tax is not shown to other units)."""
    sources: list[str] = []
    for result in rows:
        for ind in result.indicators.all():
            if ind.source not in sources and ind.source not in (hide or set()):
                sources.append(ind.source)
    order = {s.value: i for i, s in enumerate(Source)}
    sources.sort(key=order.__getitem__)
    wb = Workbook()
    kind = "年度" if run.period_kind == "year" else "季度"
    _sheet(
        wb.active,
        run,
        rows,
        sources,
        f"昆明市重点产业协作园区协作地{run.period}{kind}考核结果（全市）",
        False,
    )
    wb.active.title = "全市"
    for tier in Unit.Tier:
        in_tier = sorted(
            (r for r in rows if r.tier == tier.value), key=lambda r: (r.rank_in_tier, r.unit.sort_order)
        )
        if not in_tier:
            continue
        ws = wb.create_sheet(str(tier.value))
        _sheet(
            ws,
            run,
            in_tier,
            sources,
            f"昆明市重点产业协作园区协作地{run.period}{kind}考核结果（{tier.label}）",
            True,
        )
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------- the list and table pages (house style)
# These follow enclave/excel/export.py's one-table style (title row with the filter and export time, frozen
# header, auto-filter): the runs list, the targets of a year, and one unit's result with its drill-down.
# Amounts are in 万元 as on the pages, counts in 个.

RUN_COLUMNS = (
    Column("期间", 10),
    Column("考核类型", 10),
    Column("状态", 10),
    Column("临时结果", 10),
    Column("运行时间", 18, DATETIME),
    Column("发布时间", 18, DATETIME),
    Column("计分版本", 10),
    Column("输入摘要（SM3）", 24),
    Column("更正原因", 36),
)
TARGET_COLUMNS = (
    Column("考核分类", 24),
    Column("考核类型", 10),
    Column("指标", 24),
    Column("计量单位", 10),
    Column("权重", 8, "0"),
    Column("计分规则", 28),
    Column("第一季度目标", 14, "#,##0.00"),
    Column("第二季度目标", 14, "#,##0.00"),
    Column("第三季度目标", 14, "#,##0.00"),
    Column("第四季度目标", 14, "#,##0.00"),
    Column("全年目标", 14, "#,##0.00"),
    Column("默认值（待市考核办确认）", 14),
)
RESULT_COLUMNS = (
    Column("指标", 24),
    Column("计分规则", 14),
    Column("计量单位", 10),
    Column("完成值", 14, "#,##0.00"),
    Column("目标值", 14, "#,##0.00"),
    Column("完成率（%）", 12, "0.00"),
    Column("差距", 14, "#,##0.00"),
    Column("得分", 10, "0.00"),
    Column("满分", 10, "0.00"),
)
CONTRIBUTION_COLUMNS = (
    Column("指标", 24),
    Column("项目编号", 16),
    Column("项目名称", 32),
    Column("月份", 10),
    Column("数值", 14, "#,##0.00"),
    Column("计量单位", 10),
)


def page_unit(source: str) -> str:
    return "个" if source in COUNT_SOURCES else "万元"


def page_measure(source: str, value: int | None) -> int | Decimal | None:
    """A value as the pages show it: a count as is, an amount (fen) in 万元, exactly."""
    if value is None:
        return None
    return value if source in COUNT_SOURCES else fen_to_decimal(value, FEN_PER_WAN)


def rule_text(item: Any) -> str:
    """The scoring rule in words, as the targets page says it."""
    if item.rule == "ratio_capped":
        return f"完成率计分，封顶 {Decimal(item.cap_bp) / 100:.2f}%"
    if item.rule == "linear":
        return f"线性计分，{Decimal(item.floor_bp) / 100:.2f}% 以下不得分"
    return "达标制"


def run_row(run: AssessmentRun) -> list[Any]:
    return [
        run.period,
        run.get_period_kind_display(),
        run.get_status_display(),
        "是" if run.provisional else "否",
        run.created_at,
        run.published_at,
        run.scoring_version,
        run.input_digest,
        run.reason,
    ]


def target_rows(tables: list[tuple[Any, str, tuple[int, ...], list[Any], int]]) -> list[list[Any]]:
    """One row per scoring item of each tier and kind (the targets page's tables, one under another)."""
    rows = []
    for tier, kind, quarters, lines, _total in tables:
        for item, label, values, is_default in lines:
            by_quarter = dict(
                zip(quarters, (v.value if v is not None else None for v in values), strict=True)
            )
            rows.append([
                str(tier.label), "年度考核" if kind == "year" else "季度考核", str(label), page_unit(item.source),
                item.weight, rule_text(item),
                *(page_measure(item.source, by_quarter.get(q)) for q in (1, 2, 3, 4, 0)),
                "是" if is_default else "否",
            ])  # fmt: skip
    return rows


def result_rows(result: UnitResult, indicators: list[Any]) -> list[list[Any]]:
    """Each indicator with its gap to the target, then the deductions, bonus and total (in 得分)."""
    rows: list[list[Any]] = [
        [
            str(Source(ind.source).label), ind.get_rule_display(), page_unit(ind.source),
            page_measure(ind.source, ind.value), page_measure(ind.source, ind.target),
            Decimal(ind.completion_bp) / 100, page_measure(ind.source, ind.missing),
            _points(ind.points_centi), _points(ind.max_centi),
        ]
        for ind in indicators
    ]  # fmt: skip
    blank = [None] * 4
    rows.append(["指标得分", "", "", *blank, _points(result.base_centi), None])
    rows.append(
        ["扣分", "一票否决" if result.vetoed else "", "", *blank, _points(result.deductions_centi), None]
    )
    rows.append(["加分", "", "", *blank, _points(result.bonus_centi), None])
    rows.append(["总分", "", "", *blank, _points(result.total_centi), None])
    return rows


def contribution_rows(indicators: list[Any], contributions: dict[int, list[Any]]) -> list[list[Any]]:
    """The project-months behind each indicator, one row per project and month."""
    return [
        [str(Source(ind.source).label), c.project.display_code, c.project.name, f"{month:%Y-%m}",
         page_measure(ind.source, amount), page_unit(ind.source)]
        for ind in indicators
        for c in contributions.get(ind.pk, [])
        for month, amount in c.months
    ]  # fmt: skip
