"""Excel export of audit events (adapter only; the caller chooses the rows)."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.styles import Font

from enclave.audit.models import Event, Verb
from enclave.excel.export import cell_write

SHANGHAI = ZoneInfo("Asia/Shanghai")
HEADERS = (
    "时间（北京时间）",
    "操作人",
    "角色快照",
    "单位/园区",
    "类型",
    "对象类型",
    "对象ID",
    "对象",
    "结果",
    "IP",
    "请求ID",
    "原因",
)


def events_xlsx(events: Iterable[Event], *, description: str, exported_at: dt.datetime) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "审计日志"
    # Through the house writer: the filter and the rows hold typed text, which may carry control characters.
    cell_write(ws.cell(row=1, column=1),
               f"审计日志（{description or '全部'}）导出时间 {exported_at.astimezone(SHANGHAI):%Y-%m-%d %H:%M:%S}")  # fmt: skip
    ws["A1"].font = Font(bold=True)
    ws.append(list(HEADERS))
    count = 0
    for e in events:
        values = [
            f"{e.at.astimezone(SHANGHAI):%Y-%m-%d %H:%M:%S}",
            e.actor.username if e.actor_id else "",
            e.actor_role,
            e.actor_scope,
            str(Verb(e.verb).label) if e.verb in Verb.values else e.verb,
            e.object_type,
            e.object_id,
            e.object_repr,
            "成功" if e.success else "失败",
            e.ip or "",
            e.request_id,
            e.reason,
        ]
        count += 1
        for column, value in enumerate(values, start=1):
            cell_write(ws.cell(row=count + 2, column=column), value)
    ws.freeze_panes = "A3"
    ws.auto_filter.ref = f"A2:L{count + 2}"
    for column, width in zip("ABCDEFGHIJKL", (20, 12, 12, 14, 14, 18, 10, 30, 6, 16, 34, 30), strict=True):
        ws.column_dimensions[column].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
