"""The blank import template of a kind: instructions, a data sheet with drop-downs, a hidden code list.

The data sheet has a title row, the Chinese headers (required ones marked *), one example row (“示例：…”,
skipped on import: a row with a cell starting “示例：”), number formats on the empty rows, and list validations whose options live on the
hidden sheet “代码表”, so the lists can be longer than Excel's 255-character inline limit.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from enclave.excel.export import HEADER_FILL, HEADER_ROW, TITLE_ROW, cell_write, workbook_bytes
from enclave.excel.kinds import INSTRUCTIONS, REQUIRED_MARK, ImportKind

TEMPLATE_ROWS = 2000  # rows prepared with formats and drop-downs
EXAMPLE_FONT = Font(italic=True, color="808080")


def template_xlsx(kind: ImportKind) -> bytes:
    fields = kind.fields()
    wb = Workbook()
    notes = wb.active
    notes.title = "说明"
    data = wb.create_sheet(kind.sheet)
    codes = wb.create_sheet("代码表")
    codes.sheet_state = "hidden"

    cell_write(notes.cell(row=1, column=1), f"{kind.label}导入模板 · 填写说明")
    notes.cell(row=1, column=1).font = Font(bold=True, size=13)
    line = 3
    for text in (*kind.instructions, *INSTRUCTIONS):
        cell_write(notes.cell(row=line, column=1), f"· {text}")
        line += 1
    line += 1
    for col, header in enumerate(("列", "是否必填", "说明"), start=1):
        cell = notes.cell(row=line, column=col)
        cell_write(cell, header)
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
    for f in fields:
        line += 1
        cell_write(notes.cell(row=line, column=1), f.header)
        cell_write(notes.cell(row=line, column=2), "必填" if f.required else "可选")
        note = str(f.note or "")
        if f.choices is not None:
            note = f"{note}（从下拉列表选择）" if note else "从下拉列表选择"
        cell_write(notes.cell(row=line, column=3), note)
    notes.column_dimensions["A"].width = 26
    notes.column_dimensions["B"].width = 10
    notes.column_dimensions["C"].width = 90

    last = get_column_letter(len(fields))
    cell_write(
        data.cell(row=TITLE_ROW, column=1), f"{kind.label}导入（带 * 为必填列；以“示例：”开头的行不会导入）"
    )
    data.cell(row=TITLE_ROW, column=1).font = Font(bold=True, size=12)
    data.merge_cells(f"A{TITLE_ROW}:{last}{TITLE_ROW}")
    list_column = 0
    for index, f in enumerate(fields, start=1):
        letter = get_column_letter(index)
        header = data.cell(row=HEADER_ROW, column=index)
        cell_write(header, f"{f.header}{REQUIRED_MARK}" if f.required else f.header)
        header.font, header.fill = Font(bold=True), HEADER_FILL
        header.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        data.column_dimensions[letter].width = f.width
        if f.number_format:
            for row in range(HEADER_ROW + 1, HEADER_ROW + 1 + TEMPLATE_ROWS):
                data.cell(row=row, column=index).number_format = f.number_format
        if f.example is not None:
            example = data.cell(row=HEADER_ROW + 1, column=index)
            cell_write(example, f.example, f.number_format)
            example.font = EXAMPLE_FONT
        if f.choices is not None:
            options = f.choices()
            if not options:
                continue
            list_column += 1
            code_letter = get_column_letter(list_column)
            cell_write(codes.cell(row=1, column=list_column), f.header)
            for row, option in enumerate(options, start=2):
                cell_write(codes.cell(row=row, column=list_column), option)
            validation = DataValidation(
                type="list",
                formula1=f"代码表!${code_letter}$2:${code_letter}${len(options) + 1}",
                allow_blank=True,
                showErrorMessage=False,  # a spelling the list lacks (a code, a short name) is still read
                promptTitle=f.header[:32],
                prompt=_("请从下拉列表选择")[:255],
                showInputMessage=True,
            )
            validation.add(f"{letter}{HEADER_ROW + 1}:{letter}{HEADER_ROW + TEMPLATE_ROWS}")
            data.add_data_validation(validation)
    data.freeze_panes = f"A{HEADER_ROW + 1}"
    wb.active = 1
    return workbook_bytes(wb)
