"""Audit in the Django admin: every reference-data save or delete leaves an audit row, and the trail is viewable.

The admin writes outside services.py, so `AuditedAdmin` records the change itself, inside the transaction
Django's admin opens around each add, change, list edit and delete: a failing audit insert rolls the change
back, as in the services.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.core import checks
from django.db import models, transaction
from django.http import HttpRequest

from enclave.audit.models import Event, Verb
from enclave.audit.services import diff, event_record, snapshot

ADMIN_REASON = "基础数据管理（管理后台）"
_BEFORE = "_enclave_audit_before"


def audit_state(instance: models.Model) -> dict[str, Any]:
    """Concrete fields plus many-to-many links (as sorted ids), so a park's positioning change is recorded."""
    data = snapshot(instance)
    if instance.pk is not None:
        for field in instance._meta.many_to_many:
            data[field.name] = sorted(getattr(instance, field.name).values_list("pk", flat=True))
    return data


class AuditedAdmin:
    """Mix into a ModelAdmin before admin.ModelAdmin. The audit row is written once the related objects
    (many-to-many) are saved too, so one change gives one row with its before and after."""

    def save_model(self, request: HttpRequest, obj: models.Model, form: Any, change: bool) -> None:
        before = None
        if change and obj.pk is not None:
            stored = type(obj)._default_manager.filter(pk=obj.pk).first()
            before = audit_state(stored) if stored is not None else None
        setattr(obj, _BEFORE, before)
        super().save_model(request, obj, form, change)  # type: ignore[misc]

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)  # type: ignore[misc]
        obj = form.instance
        after = audit_state(obj)
        before = getattr(obj, _BEFORE, None)
        if change:
            changed_before, changed_after = diff(before, after)
            if changed_before or changed_after:
                event_record(
                    actor=request.user,
                    verb=Verb.UPDATE,
                    target=obj,
                    before=changed_before,
                    after=changed_after,
                    reason=ADMIN_REASON,
                )
        else:
            event_record(actor=request.user, verb=Verb.CREATE, target=obj, after=after, reason=ADMIN_REASON)

    def delete_model(self, request: HttpRequest, obj: models.Model) -> None:
        before = audit_state(obj)
        object_type, object_id, object_repr = obj._meta.label_lower, str(obj.pk), str(obj)[:200]
        super().delete_model(request, obj)  # type: ignore[misc]
        event_record(
            actor=request.user,
            verb=Verb.DELETE,
            object_type=object_type,
            object_id=object_id,
            object_repr=object_repr,
            before=before,
            reason=ADMIN_REASON,
        )

    def delete_queryset(self, request: HttpRequest, queryset: models.QuerySet[Any]) -> None:
        """The “delete selected” action: one audit row per object, all in one transaction."""
        with transaction.atomic(using=queryset.db):
            for obj in queryset:
                self.delete_model(request, obj)

    def check(self, **kwargs: Any) -> list[checks.CheckMessage]:
        errors = super().check(**kwargs)  # type: ignore[misc]
        if getattr(self, "inlines", None):
            errors.append(
                checks.Error(
                    "AuditedAdmin does not audit inline formsets; register the related model separately.",
                    obj=self.__class__,
                    id="enclave.E001",
                )
            )
        return errors


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    """The audit trail is not readable in the admin console, and nobody adds, changes or deletes rows here
    (the database refuses too). Registered so that its admin URLs answer 403 rather than 404."""

    list_display = (
        "at",
        "actor",
        "actor_role",
        "actor_scope",
        "verb",
        "object_type",
        "object_repr",
        "success",
        "ip",
    )
    list_filter = ("verb", "actor_role", "success", "object_type")
    search_fields = (
        "object_repr",
        "object_id",
        "actor__username",
        "actor__full_name",
        "reason",
        "request_id",
    )
    date_hierarchy = "at"
    list_select_related = ("actor",)
    list_per_page = 50

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return [f.name for f in Event._meta.fields]

    # 三权分立: only the audit administrator reads the trail, at /audit/ (filtered, paged, each view audited);
    # the admin console belongs to the city administrator, who must not read it here.
    def has_module_permission(self, request: HttpRequest) -> bool:
        return False

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
