"""Writing audit events. Services call `event_record` inside their own transaction, never via signals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, models, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone, translation

from enclave.audit import chain, context
from enclave.audit.models import Event, Verb

# Fields never copied into an audit row, whatever the model.
SECRET_FIELDS = frozenset({"password", "otp_secret", "session_key", "secret", "token"})
# Bookkeeping timestamps that change with every save: not part of a change's diff.
NOISE_FIELDS = frozenset({"updated_at"})


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, FieldFile):  # before any attribute probe: .url raises when there is no file
        return value.name or ""
    return value


def snapshot(instance: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
    """A JSON-safe dict of the instance's concrete fields (foreign keys by id), secrets left out."""
    data: dict[str, Any] = {}
    for field in instance._meta.concrete_fields:
        name = field.attname
        if fields is not None and field.name not in fields and name not in fields:
            continue
        if field.name in SECRET_FIELDS:
            continue
        data[name] = _json_value(getattr(instance, name))
    return data


def diff(
    before: dict[str, Any] | None, after: dict[str, Any] | None
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Only the keys that changed, as (before, after)."""
    before, after = before or {}, after or {}
    keys = [
        k for k in sorted(set(before) | set(after)) if k not in NOISE_FIELDS and before.get(k) != after.get(k)
    ]
    return {k: before.get(k) for k in keys}, {k: after.get(k) for k in keys}


def event_record(
    *,
    actor: Any,
    verb: Verb | str,
    target: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    object_repr: str = "",
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
    reason: str = "",
    success: bool = True,
) -> Event | None:
    """Append one audit row. Call inside the transaction of the change it records.

    An export asked for with HEAD writes nothing: Django runs the GET view but sends no body, so no file
    left the platform (an uptime monitor probing `?format=xlsx` must not fill the trail with exports)."""
    ctx = context.current()
    if str(verb) == Verb.EXPORT and ctx.method == "HEAD":
        return None
    user = actor if getattr(actor, "is_authenticated", False) else None
    # Snapshots are written in the default language (Chinese), whatever the language of the page used.
    with translation.override(settings.LANGUAGE_CODE):
        actor_scope = user.display_scope if user else ""
        if target is not None:
            object_type = object_type or target._meta.label_lower
            object_id = object_id or str(target.pk)
            object_repr = object_repr or str(target)[:200]
    for blob in (before, after):
        if blob:
            for key in list(blob):
                if key in SECRET_FIELDS:
                    del blob[key]
    return Event.objects.create(
        actor=user,
        actor_role=getattr(user, "role", "") if user else "",
        actor_scope=actor_scope[:40],
        verb=str(verb),
        object_type=object_type,
        object_id=object_id,
        object_repr=object_repr[:200],
        before=before,
        after=after,
        reason=reason,
        success=success,
        ip=ctx.ip,
        request_id=ctx.request_id,
    )


# ---------------------------------------------------------------- retention and the chain

SECURITY_ADMIN_ROLE = "security_admin"  # 安全管理员 (三权分立): accounts.models.Role.SECURITY_ADMIN


def retention_floor(today: dt.date | None = None) -> dt.date:
    """The earliest date a purge may reach: rows of the last ENCLAVE_AUDIT_RETENTION_DAYS (never under
    180, 等保 level 3) always stay."""
    days = max(180, getattr(settings, "ENCLAVE_AUDIT_RETENTION_DAYS", 180))
    return (today or timezone.localdate()) - dt.timedelta(days=days)


def audit_purge(*, actor: Any, before: dt.date) -> int:
    """Delete audit rows older than `before` (清理过期审计记录), by the security administrator only, never
    reaching into the retention period, and leave a purge row that anchors the chain where it now starts."""
    if getattr(actor, "role", None) != SECURITY_ADMIN_ROLE:
        raise PermissionDenied("只有安全管理员可以清理审计日志")
    floor = retention_floor()
    if before > floor:
        raise ValidationError({"before": f"审计日志至少保留180天：只能清理 {floor:%Y-%m-%d} 之前的记录"})
    cutoff = dt.datetime.combine(before, dt.time.min, tzinfo=timezone.get_current_timezone())
    with transaction.atomic():
        chain.lock(Event.objects.db)
        doomed = Event.objects.filter(at__lt=cutoff)
        last = doomed.order_by("-id").values("id", "mac").first()
        count = doomed.count()
        if count:
            with connection.cursor() as cursor:
                if connection.vendor == "postgresql":
                    cursor.execute("SET LOCAL enclave.audit_purge = 'on'")
                else:
                    cursor.execute("INSERT INTO audit_purge_permit (id) VALUES (1)")
                cursor.execute("DELETE FROM audit_event WHERE at < %s", [cutoff])
                if connection.vendor == "postgresql":
                    cursor.execute("SET LOCAL enclave.audit_purge = 'off'")
                else:
                    cursor.execute("DELETE FROM audit_purge_permit")
        event_record(
            actor=actor,
            verb=Verb.PURGE,
            object_type="audit.event",
            object_repr=f"{before:%Y-%m-%d} 之前的审计记录",
            after={
                "before": before.isoformat(),
                "deleted": count,
                "anchor_id": last["id"] if last else None,
                "anchor_mac": last["mac"] if last else None,
            },
        )
    return count


def purged_through() -> int:
    """The highest audit row id a recorded purge removed (0: none): rows up to it may be gone."""
    ids = [
        a
        for a in Event.objects.filter(verb=Verb.PURGE).values_list("after__anchor_id", flat=True)
        if isinstance(a, int)
    ]
    return max(ids, default=0)


def head_problem(path: Any, purged: int | None = None) -> str | None:
    """Check one chain head file written by `audit_chain_head` against the trail: its head row must
    still be there with the same MAC (or have gone in a recorded purge). None when it holds, else why."""
    import json

    try:
        kept = json.loads(path.read_text())
        if kept["head_id"] is None:
            return None  # exported from an empty trail: nothing to hold against it
        head_id, head_mac, day, rows = int(kept["head_id"]), str(kept["head_mac"]), kept["date"], kept["rows"]
    except (OSError, ValueError, TypeError, KeyError) as exc:
        return f"链头文件 {path.name} 无法读取（{type(exc).__name__}）：不能与它核对"
    stored = Event.objects.filter(pk=head_id).values_list("mac", flat=True).first()
    if stored == head_mac:
        return None
    if stored is None and head_id <= (purged_through() if purged is None else purged):
        return None  # removed by a recorded, audited purge of old rows
    return (
        f"审计链与链头文件 {path.name} 不符：{day} 的链头 id={head_id}（当时共 {rows} 条记录）"
        "已不在日志中或已改变：审计日志被截短或清空"
    )


def chain_verify() -> chain.Report:
    """Check the whole trail. A purge's recorded anchor is where a trail may legitimately begin."""
    anchors = {
        a
        for a in Event.objects.filter(verb=Verb.PURGE).values_list("after__anchor_mac", flat=True)
        if isinstance(a, str)
    }
    return chain.verify(chain.rows_in_order(Event.objects.all()), anchors)
