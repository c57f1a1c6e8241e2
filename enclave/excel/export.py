"""The one house style for every xlsx Enclave writes (exports, import templates, error copies).

Which rows is the caller's business (a scoped query); this module only decides the format: a title row
saying what was exported, with which filter and when, a frozen bold header row with auto-filter, column
widths, amounts as real numbers with two decimals shown, dates as real dates. Text is always written as
text: a value that starts like a formula (=, +, -, @, tab, CR) stays a literal string and is marked with
Excel's quote prefix, so neither Excel nor WPS will ever evaluate it (等保: export formula injection).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from enclave.lib.money import FEN_PER_WAN, FEN_PER_YUAN, fen_to_decimal

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MONEY = "#,##0.00"
DATE = "yyyy-mm-dd"
TEXT = "@"
# Characters that make a spreadsheet treat a cell as a formula (or a command, in CSV consumers).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
HEADER_FILL = PatternFill("solid", fgColor="DDE7F3")
TITLE_ROW, HEADER_ROW = 1, 2


@dataclass(frozen=True)
class Column:
    header: str
    width: int = 14
    number_format: str = ""


def wan(fen: int) -> Decimal:
    """Fen in 万元, exactly (never a float); the cell format shows two places."""
    return fen_to_decimal(fen, FEN_PER_WAN)


def yuan(fen: int) -> Decimal:
    return fen_to_decimal(fen, FEN_PER_YUAN)


def is_formula_like(text: str) -> bool:
    return text.startswith(FORMULA_START)


def csv_safe(text: str) -> str:
    """A text for a CSV cell that no spreadsheet will evaluate: formula-like text gets a leading apostrophe."""
    return "'" + text if is_formula_like(text) else text


def cell_write(cell: Any, value: Any, number_format: str = "") -> None:
    """Write one value. Strings are forced to the string type, so “=…” can never become a formula."""
    if isinstance(value, str):
        cell.value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell.data_type = "s"
        if is_formula_like(value):
            cell.quotePrefix = True  # Excel/WPS keep it as text even after the cell is edited
        return
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    cell.value = value
    if number_format and value is not None:
        cell.number_format = number_format


def export_title(what: str, *, description: str = "", exported_at: dt.datetime | None = None) -> str:
    """“企业库导出　筛选条件：全部　导出时间：2024-07-15 09:30（北京时间）”."""
    local = timezone.localtime(exported_at or timezone.now())
    parts = [what]
    if description:
        parts.append(f"筛选条件：{description}")
    parts.append(f"导出时间：{local:%Y-%m-%d %H:%M}（北京时间）")
    return "　".join(parts)


def sheet_fill(ws: Any, *, title: str, columns: tuple[Column, ...], rows: Iterable[list[Any]]) -> int:
    """Title row, frozen bold header row with auto-filter, widths and formats; returns the last row number."""
    cell_write(ws.cell(row=TITLE_ROW, column=1), title)
    ws.cell(row=TITLE_ROW, column=1).font = Font(bold=True, size=12)
    ws.merge_cells(start_row=TITLE_ROW, start_column=1, end_row=TITLE_ROW, end_column=max(len(columns), 1))
    for index, column in enumerate(columns, start=1):
        cell = ws.cell(row=HEADER_ROW, column=index)
        cell_write(cell, column.header)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(index)].width = column.width
    last = HEADER_ROW
    for last, values in enumerate(rows, start=HEADER_ROW + 1):  # noqa: B007 - `last` is the final row
        for index, (column, value) in enumerate(zip(columns, values, strict=True), start=1):
            cell_write(ws.cell(row=last, column=index), value, column.number_format)
    ws.freeze_panes = ws.cell(row=HEADER_ROW + 1, column=1).coordinate
    ws.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(max(len(columns), 1))}{last}"
    return last


def workbook_build(
    *, title: str, columns: tuple[Column, ...], rows: Iterable[list[Any]], sheet: str = "导出"
) -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    sheet_fill(ws, title=title, columns=columns, rows=rows)
    return wb


def workbook_bytes(wb: Workbook) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def export_filename(stem: str, exported_at: dt.datetime | None = None) -> str:
    return f"{stem}-{timezone.localtime(exported_at or timezone.now()):%Y%m%d-%H%M}.xlsx"


def xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response


def xlsx_table(
    *,
    what: str,
    columns: tuple[Column, ...],
    rows: Iterable[list[Any]],
    sheet: str,
    stem: str,
    description: str = "",
) -> HttpResponse:
    """A whole export answer: titled workbook of exactly these rows, as a download named after `stem`."""
    now = timezone.now()
    wb = workbook_build(
        title=export_title(what, description=description, exported_at=now),
        columns=columns,
        rows=rows,
        sheet=sheet,
    )
    return xlsx_response(workbook_bytes(wb), export_filename(stem, now))
