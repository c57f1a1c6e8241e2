"""Excel export of the project library (adapter only: the caller chooses the rows, this writes them).

Which rows is the scoped, filtered queryset the page shows; which format is decided here: Chinese headers,
a title row saying what was exported and when, amounts in 万元 as real numbers and dates as real dates, so
officials can sum and sort in Excel straight away. Text is always written as text, never as a formula.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from enclave.lib.money import FEN_PER_WAN, fen_to_decimal
from enclave.projects.models import Project


@dataclass(frozen=True)
class Column:
    header: str
    width: int
    number_format: str = ""


COLUMNS = (
    Column("项目编号", 15),
    Column("项目名称", 32),
    Column("企业", 30),
    Column("报备单位（协作地）", 16),
    Column("其他协作单位", 18),
    Column("承载园区", 22),
    Column("项目类型", 14),
    Column("所属行业", 26),
    Column("计划总投资（万元）", 16, "#,##0.00"),
    Column("来源地", 12),
    Column("状态", 10),
    Column("报备日期", 12, "yyyy-mm-dd"),
    Column("认定日期", 12, "yyyy-mm-dd"),
    Column("备注", 16),
)
# Characters that make a spreadsheet treat a cell as a formula (or a command, in CSV consumers).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
HEADER_FILL = PatternFill("solid", fgColor="DDE7F3")


def wan(fen: int) -> Decimal:
    """Fen to 万元 exactly, as a Decimal (never a float); the cell format shows two places."""
    return fen_to_decimal(fen, FEN_PER_WAN)


def project_row(project: Project, *, full: bool) -> list[Any]:
    """One project as cell values. Reasons and flags only where the user has full access."""
    notes = []
    if full and project.positioning_mismatch:
        notes.append("行业不符定位")
    if project.is_sample:
        notes.append("示例数据")
    partners = "、".join(u.short_name for u in project.partner_units.all())
    return [
        project.display_code,
        project.name,
        project.enterprise.name,
        project.filing_unit.name,
        partners,
        project.park.short_name,
        project.get_kind_display(),
        f"{project.industry.code} {project.industry.name}",
        wan(project.planned_investment_fen),
        project.origin,
        project.status_label,
        project.filed_on if full else None,
        project.recognised_on,
        "；".join(notes),
    ]


def project_rows(projects: Iterable[Project], *, full_ids: set[int]) -> Iterator[list[Any]]:
    for project in projects:
        yield project_row(project, full=project.pk in full_ids)


def _set(cell: Any, value: Any) -> None:
    """Write a value; strings are forced to the string type so that '=…' can never become a formula."""
    if isinstance(value, str):
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.data_type = "s"
    else:
        cell.value = value


def workbook_build(
    *, title: str, columns: tuple[Column, ...], rows: Iterable[list[Any]], sheet: str = "项目库"
) -> Workbook:
    """A sheet with a title row, a frozen bold header row with auto-filter, widths and number formats."""
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    _set(ws.cell(row=1, column=1), title)
    ws.cell(row=1, column=1).font = Font(bold=True, size=12)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(columns))
    for index, column in enumerate(columns, start=1):
        cell = ws.cell(row=2, column=index)
        _set(cell, column.header)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(index)].width = column.width
    last = 2
    for last, values in enumerate(rows, start=3):  # noqa: B007 - `last` is the final row number
        for index, (column, value) in enumerate(zip(columns, values, strict=True), start=1):
            cell = ws.cell(row=last, column=index)
            _set(cell, value)
            if column.number_format and value is not None:
                cell.number_format = column.number_format
    ws.freeze_panes = "A3"
    ws.auto_filter.ref = f"A2:{get_column_letter(len(columns))}{last}"
    return wb


def workbook_bytes(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def projects_xlsx(
    projects: Iterable[Project], *, description: str, full_ids: set[int], exported_at: dt.datetime
) -> bytes:
    """The library export: exactly the given rows, titled with the filter and the export time (北京时间)."""
    local = timezone.localtime(exported_at)
    title = f"协作项目库导出　筛选条件：{description}　导出时间：{local:%Y-%m-%d %H:%M}（北京时间）"
    wb = workbook_build(title=title, columns=COLUMNS, rows=project_rows(projects, full_ids=full_ids))
    return workbook_bytes(wb)


def export_filename(exported_at: dt.datetime) -> str:
    return f"协作项目库-{timezone.localtime(exported_at):%Y%m%d-%H%M}.xlsx"
