"""Reads of the audit trail: only the audit administrator (审计管理员) reads it through these pages."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Q, QuerySet

from enclave.accounts.models import Role
from enclave.accounts.scope import scope_of
from enclave.audit.models import Event, Verb
from enclave.lib import params as parse

SHANGHAI = ZoneInfo("Asia/Shanghai")
FILTER_KEYS = ("from", "to", "verb", "actor", "success", "q")


def events_visible_to(user: Any) -> QuerySet[Event]:
    if scope_of(user).role != Role.AUDIT_ADMIN:
        return Event.objects.none()
    return Event.objects.select_related("actor")


def _day(text: str) -> dt.date | None:
    """The views pass dates already checked (audit.views._params); anything else is refused, not ignored."""
    return parse.day(text) if text else None


def events_filtered(user: Any, params: dict[str, str]) -> QuerySet[Event]:
    qs = events_visible_to(user)
    start, end = _day(params.get("from", "")), _day(params.get("to", ""))
    if start:
        qs = qs.filter(at__gte=dt.datetime.combine(start, dt.time.min, tzinfo=SHANGHAI))
    if end:
        qs = qs.filter(at__lt=dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=SHANGHAI))
    if params.get("verb") in Verb.values:
        qs = qs.filter(verb=params["verb"])
    actor = (params.get("actor") or "").strip()
    if actor:
        qs = qs.filter(Q(actor__username__icontains=actor) | Q(actor__full_name__icontains=actor))
    if params.get("success") in ("0", "1"):
        qs = qs.filter(success=params["success"] == "1")
    text = (params.get("q") or "").strip()
    if text:
        qs = qs.filter(
            Q(object_repr__icontains=text)
            | Q(object_id=text)
            | Q(object_type__icontains=text)
            | Q(reason__icontains=text)
            | Q(request_id=text)
        )
    return qs.order_by("-at", "-id")


def describe(params: dict[str, str]) -> str:
    labels = {"from": "起", "to": "止", "verb": "类型", "actor": "操作人", "success": "结果", "q": "关键字"}
    parts = []
    for key in FILTER_KEYS:
        value = (params.get(key) or "").strip()
        if not value:
            continue
        if key == "verb" and value in Verb.values:
            value = str(Verb(value).label)
        if key == "success":
            value = "成功" if value == "1" else "失败"
        parts.append(f"{labels[key]}：{value}")
    return "；".join(parts)
