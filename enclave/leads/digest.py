"""The daily digest of overdue items: who gets what, the mail text, and the workbook (no scheduling here;
`manage.py digest` is run by cron or a systemd timer)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.mail import send_mail

from enclave.accounts.models import Role, User
from enclave.excel.export import Column, workbook_build, workbook_bytes
from enclave.leads.attention import AttentionItem, attention_items

COLUMNS = (
    Column("事项", 16),
    Column("对象", 30),
    Column("单位", 12),
    Column("内容", 32),
    Column("应完成日期", 12, "yyyy-mm-dd"),
    Column("逾期天数", 10, "0"),
    Column("负责人", 12),
)
ROLES = (Role.CITY_ADMIN, Role.REVIEWER, Role.PARK, Role.UNIT)


def recipients() -> Iterable[User]:
    return User.objects.filter(is_active=True, role__in=ROLES).exclude(email="").order_by("username")


def items_for(user: User, *, today: dt.date) -> list[AttentionItem]:
    """A unit user gets the leads they own and their unit's milestones; the city and parks everything they see."""
    return attention_items(user, today=today, mine=user.role == Role.UNIT)


def digest_text(items: list[AttentionItem], *, today: dt.date) -> str:
    lines = [f"截至{today:%Y-%m-%d}，以下{len(items)}项工作已逾期，请及时跟进：", ""]
    for item in items:
        lines.append(
            f"· [{'线索下一步逾期' if item.kind == 'lead' else '园中园节点逾期'}] {item.title}（{item.unit_name}）："
            f"{item.what or '—'}，应于{item.due_on:%Y-%m-%d}完成，已逾期{item.days_overdue}天"
        )
    return "\n".join(lines)


def digest_rows(items: list[AttentionItem]) -> list[list[Any]]:
    return [
        ["线索下一步逾期" if i.kind == "lead" else "园中园节点逾期", i.title, i.unit_name, i.what, i.due_on,
         i.days_overdue, i.owner_name]
        for i in items
    ]  # fmt: skip


def digest_xlsx(items: list[AttentionItem], *, today: dt.date, who: str) -> bytes:
    title = f"需关注事项日报　{who}　日期：{today:%Y-%m-%d}"
    return workbook_bytes(
        workbook_build(title=title, columns=COLUMNS, rows=digest_rows(items), sheet="需关注事项")
    )


def digest_send(*, today: dt.date) -> list[tuple[str, int]]:
    """E-mail each recipient with overdue items their digest (Django's mail, configured by settings)."""
    sent: list[tuple[str, int]] = []
    for user in recipients():
        items = items_for(user, today=today)
        if not items:
            continue
        send_mail(
            subject=f"【重点产业协作园区平台】需关注事项{len(items)}项（{today:%Y-%m-%d}）",
            message=digest_text(items, today=today),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[user.email],
        )
        sent.append((user.username, len(items)))
    return sent
