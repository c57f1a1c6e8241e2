"""A project's audit events made readable: field changes with the Chinese field names and display values.

Audit rows store raw values (ids, fen, choice keys) so they stay exact; this module only translates them
for the detail page.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enclave.audit.models import Event
from enclave.i18n import joined, wan
from enclave.parks.models import Unit
from enclave.projects.models import Project

# Bookkeeping that says nothing to a reader.
HIDDEN = frozenset({"id", "created_at", "updated_at", "is_sample"})
EMPTY = "—"
# Labels for values shown differently from how they are stored.
LABELS = {"partner_units": gettext_lazy("其他协作单位"), "planned_investment_fen": gettext_lazy("计划总投资")}


class _Names:
    """Display names of related rows, looked up once per page."""

    def __init__(self) -> None:
        self.cache: dict[tuple[type[models.Model], Any], str] = {}

    def get(self, model: type[models.Model], pk: Any) -> str:
        key = (model, pk)
        if key not in self.cache:
            obj = model._default_manager.filter(pk=pk).first()
            self.cache[key] = str(obj) if obj is not None else f"#{pk}"
        return self.cache[key]


def _fields() -> dict[str, models.Field]:
    return {f.attname: f for f in Project._meta.concrete_fields}


def _label(key: str, fields: dict[str, models.Field]) -> str:
    if key in LABELS:
        return str(LABELS[key])
    field = fields.get(key)
    return str(field.verbose_name) if field is not None else key


def _display(key: str, value: Any, fields: dict[str, models.Field], names: _Names) -> str:
    if value is None or value == "" or value == []:
        return EMPTY
    if key == "partner_units":
        units = dict(Unit.objects.filter(code__in=value).values_list("code", "name"))
        return joined(units.get(code, code) for code in value)
    if key == "planned_investment_fen" and isinstance(value, int):
        return wan(value)
    if isinstance(value, bool):
        return _("是") if value else _("否")
    field = fields.get(key)
    if field is not None and field.is_relation and field.related_model is not None:
        return names.get(field.related_model, value)
    if field is not None and field.choices:
        return str(dict(field.flatchoices).get(value, value))
    return str(value)


def event_rows(events: Iterable[Event]) -> list[dict[str, Any]]:
    """Each event with its changes as (label, before, after); creations list the values set."""
    fields, names = _fields(), _Names()
    rows = []
    for event in events:
        before, after = event.before or {}, event.after or {}
        keys = [k for k in after if k not in HIDDEN] + [
            k for k in before if k not in after and k not in HIDDEN
        ]
        changes = []
        for key in keys:
            old, new = before.get(key), after.get(key)
            if not before and new in (None, "", [], False):
                continue  # a creation: only the values actually set
            changes.append(
                (_label(key, fields), _display(key, old, fields, names), _display(key, new, fields, names))
            )
        rows.append(
            {
                "event": event,
                "verb": event.get_verb_display(),
                "actor": str(event.actor) if event.actor_id else EMPTY,
                "changes": changes,
                "is_creation": not before,
            }
        )
    return rows
