"""Effective-dated rule rows (按生效日期管理的规则): a rule changes from a date on, in one step, history kept.

The money path's rules are rows valid from `effective_from` to `effective_to` (inclusive; empty means
open-ended): the retention rates (sharing.RetentionRate, by month) and the sharing defaults
(projects.SharingPolicy, by day). A change never edits a row's values. The row in force on the change's
first day ends the day (or month) before; a successor starts that day and runs to where the old row ran,
carrying every other concrete field of the old row — also fields added later, which nothing here names —
and one audit row records both halves with the reason. The services say what may change and when.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, TypeVar

from django.db import models
from django.db.models import Q

from enclave.audit.models import Verb
from enclave.audit.services import event_record, snapshot

FROM, TO = "effective_from", "effective_to"
Row = TypeVar("Row", bound=models.Model)


def row_in_force(rows: models.QuerySet[Row], on: dt.date) -> Row | None:
    """The row of `rows` in force on `on` (the latest start when rows overlap), locked for the change."""
    return (
        rows.select_for_update()
        .filter(**{f"{FROM}__lte": on})
        .filter(Q(**{f"{TO}__isnull": True}) | Q(**{f"{TO}__gte": on}))
        .order_by(f"-{FROM}")
        .first()
    )


def successor_build(running: Row, *, start: dt.date, changes: Mapping[str, Any]) -> Row:
    """An unsaved copy of `running` starting on `start`, with `changes` applied (field name → value).

    Every concrete field but the primary key is copied, so a field added to the model later is carried
    without this code knowing it; a change naming no field of the model is a programming error."""
    model = type(running)
    fields = {f.name: f for f in model._meta.concrete_fields if not f.primary_key}
    unknown = sorted(set(changes) - set(fields))
    if unknown:
        raise ValueError(f"{model.__name__} has no field {', '.join(unknown)}")
    values = {f.attname: getattr(running, f.attname) for f in fields.values()}
    for name, value in changes.items():
        values.pop(fields[name].attname)
        values[name] = value
    values[FROM] = start
    return model(**values)


def succession_save(*, actor: Any, running: Row, successor: Row, running_ends: dt.date, reason: str) -> Row:
    """End `running` on `running_ends`, store `successor` and write the change's one audit row."""
    before = snapshot(running)
    setattr(running, TO, running_ends)
    running.save(update_fields=[TO])
    successor.save()
    event_record(
        actor=actor,
        verb=Verb.UPDATE,
        target=successor,
        before={"in_force": before},
        after={"ended": {"id": running.pk, TO: running_ends.isoformat()}, "started": snapshot(successor)},
        reason=reason,
    )
    return successor
