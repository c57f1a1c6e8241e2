"""Writing audit events. Services call `event_record` inside their own transaction, never via signals."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils import translation

from enclave.audit import context
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
) -> Event:
    """Append one audit row. Call inside the transaction of the change it records."""
    ctx = context.current()
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
