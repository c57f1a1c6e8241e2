"""Excel export of the account list (adapter only). Personal information is always masked here."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.styles import Font

from enclave.accounts.models import Role, User
from enclave.excel.export import cell_write
from enclave.lib.gm import mask_phone

SHANGHAI = ZoneInfo("Asia/Shanghai")
HEADERS = ("用户名", "姓名", "工号", "角色", "范围", "手机号码", "状态", "最近登录")


def users_xlsx(users: Iterable[User], *, description: str, exported_at: dt.datetime) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "账号"
    # Through the house writer: the description holds the typed keyword, which may carry control characters.
    cell_write(ws.cell(row=1, column=1),
               f"账号列表（{description or '全部'}）导出时间 {exported_at.astimezone(SHANGHAI):%Y-%m-%d %H:%M}")  # fmt: skip
    ws["A1"].font = Font(bold=True)
    ws.append(list(HEADERS))
    count = 0
    for user in users:
        cells = [
            user.username,
            user.full_name,
            user.employee_id,
            str(Role(user.role).label) if user.role else "未授权",
            user.display_scope if user.role else "",
            mask_phone(user.phone) if user.phone else "",
            "启用" if user.is_active else "停用",
            f"{user.last_login.astimezone(SHANGHAI):%Y-%m-%d %H:%M}" if user.last_login else "",
        ]
        count += 1
        for column, value in enumerate(cells, start=1):
            cell_write(ws.cell(row=count + 2, column=column), value)
    ws.freeze_panes = "A3"
    ws.auto_filter.ref = f"A2:H{count + 2}"
    for column, width in zip("ABCDEFGH", (16, 12, 12, 22, 16, 14, 8, 18), strict=True):
        ws.column_dimensions[column].width = width
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
