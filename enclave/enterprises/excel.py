"""Excel export of the enterprise library (adapter only: the caller chooses the rows, this writes them).

Chinese headers, a title row saying which filter and when (北京时间), registered capital in 万元 as a real
number so officials can sum and sort straight away. Text is always written as text: a name starting with
“=” stays a name and never becomes a formula.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from enclave.enterprises.models import Enterprise
from enclave.lib.money import FEN_PER_WAN, fen_to_decimal

SHANGHAI = ZoneInfo("Asia/Shanghai")
HEADER_FILL = PatternFill("solid", fgColor="DDE7F3")
TITLE_ROW, HEADER_ROW = 1, 2


@dataclass(frozen=True)
class Column:
    header: str
    width: int
    number_format: str = ""


COLUMNS = (
    Column("企业名称", 34),
    Column("统一社会信用代码", 22),
    Column("行业门类", 18),
    Column("所属行业", 28),
    Column("来源地类型", 12),
    Column("来源地", 14),
    Column("注册资本（万元）", 16, "#,##0.00"),
    Column("注册地址", 36),
    Column("联系人", 10),
    Column("登记单位", 16),
    Column("备注", 10),
)


def wan(fen: int) -> Decimal:
    """Fen to 万元 exactly as a Decimal (never a float); the cell format shows two places."""
    return fen_to_decimal(fen, FEN_PER_WAN)


def enterprise_row(enterprise: Enterprise, *, full: bool) -> list[Any]:
    """One enterprise as cell values; address, capital and contact only where the user has full access."""
    industry = enterprise.industry
    section = industry.section if industry.section_id else None
    return [
        enterprise.name,
        enterprise.credit_code,
        f"{section.code} {section.name}" if section else "",
        f"{industry.code} {industry.name}",
        enterprise.get_origin_kind_display(),
        enterprise.origin,
        wan(enterprise.registered_capital_fen) if full else None,
        enterprise.registered_address if full else "",
        enterprise.contact_name if full else "",
        enterprise.owner_unit.name if enterprise.owner_unit_id else "市级登记",
        "示例数据" if enterprise.is_sample else "",
    ]


def enterprise_rows(enterprises: Iterable[Enterprise], *, full_ids: set[int]) -> Iterator[list[Any]]:
    for enterprise in enterprises:
        yield enterprise_row(enterprise, full=enterprise.pk in full_ids)


def _set(cell: Any, value: Any) -> None:
    """Write a value; strings are forced to the string type so “=…”, “+…”, “@…” can never run as formulas."""
    if isinstance(value, str):
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.data_type = "s"
    else:
        cell.value = value


def workbook_build(*, title: str, rows: Iterable[list[Any]]) -> Workbook:
    """Title row, frozen bold header row with auto-filter, column widths and number formats."""
    wb = Workbook()
    ws = wb.active
    ws.title = "企业库"
    _set(ws.cell(row=TITLE_ROW, column=1), title)
    ws.cell(row=TITLE_ROW, column=1).font = Font(bold=True, size=12)
    ws.merge_cells(start_row=TITLE_ROW, start_column=1, end_row=TITLE_ROW, end_column=len(COLUMNS))
    for index, column in enumerate(COLUMNS, start=1):
        cell = ws.cell(row=HEADER_ROW, column=index)
        _set(cell, column.header)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(index)].width = column.width
    last = HEADER_ROW
    for last, values in enumerate(rows, start=HEADER_ROW + 1):  # noqa: B007 - `last` is the final row
        for index, (column, value) in enumerate(zip(COLUMNS, values, strict=True), start=1):
            cell = ws.cell(row=last, column=index)
            _set(cell, value)
            if column.number_format and value is not None:
                cell.number_format = column.number_format
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=1).coordinate
    ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(COLUMNS))}{last}"
    return wb


def enterprises_xlsx(
    enterprises: Iterable[Enterprise], *, description: str, full_ids: set[int], exported_at: dt.datetime
) -> bytes:
    """The library export: exactly the given rows, titled with the filter and the export time."""
    local = exported_at.astimezone(SHANGHAI)
    title = f"企业库导出　筛选条件：{description}　导出时间：{local:%Y-%m-%d %H:%M}（北京时间）"
    wb = workbook_build(title=title, rows=enterprise_rows(enterprises, full_ids=full_ids))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def export_filename(exported_at: dt.datetime) -> str:
    return f"企业库-{exported_at.astimezone(SHANGHAI):%Y%m%d-%H%M}.xlsx"
