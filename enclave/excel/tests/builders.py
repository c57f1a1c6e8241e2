"""Small builders of real .xlsx files for the import tests (openpyxl writes them, as Excel would)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from openpyxl import Workbook

ENTERPRISE_HEADERS = [
    "企业名称",
    "统一社会信用代码",
    "所属行业",
    "来源地类型",
    "来源地",
    "注册资本（万元）",
    "注册地址",
    "联系人",
]


def xlsx_bytes(
    rows: list[list[Any]], *, sheet: str = "Sheet1", title: str | None = None, merge: bool = False
) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    if title:
        ws.append([title])
        if merge:
            ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=max(len(rows[0]), 2))
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def write(tmp_path: Path, content: bytes, name: str = "upload.xlsx") -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path
