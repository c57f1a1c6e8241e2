"""Scoring items and bonus rules in the admin: effective-dated rows the city administrator keeps. Targets are
shown here read-only; they change on the assessment's own page (a new row with a reason, never an edit).

A row saved here is the city's own figure, no longer a shipped default (is_default is cleared). Published
runs keep the targets and weights they used (stored with each result), so editing a row never changes a
published score; it takes effect in the next run (a correction, if the period was published).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest
from django.utils.translation import gettext as _

from enclave.admin_site import CityAdminPermissions
from enclave.assessment.models import BonusRule, ScoringItem, Target
from enclave.audit.admin import AuditedAdmin


class CityFigureAdmin(AuditedAdmin, CityAdminPermissions, admin.ModelAdmin):
    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if form.changed_data:
            obj.is_default = False
        super().save_model(request, obj, form, change)


@admin.register(ScoringItem)
class ScoringItemAdmin(CityFigureAdmin):
    list_display = ("tier", "period_kind", "source", "effective_from", "weight", "rule", "cap_bp", "floor_bp",
                    "is_default")  # fmt: skip
    list_filter = ("tier", "period_kind", "source", "is_default")
    exclude = ("is_default",)


@admin.register(Target)
class TargetAdmin(CityFigureAdmin):
    """Read-only here: a target changes on /assessment/targets/ as a new row with its reason (history kept)."""

    list_display = ("tier", "source", "quarter", "effective_from", "value", "is_default", "reason", "created_at")
    list_filter = ("tier", "quarter", "source", "is_default")

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class BonusRuleForm(forms.ModelForm):
    class Meta:
        model = BonusRule
        exclude = ("is_default",)

    def clean_bands(self) -> Any:
        bands = self.cleaned_data["bands"]
        if not isinstance(bands, list) or not all(
            isinstance(b, list) and len(b) == 2 and all(isinstance(v, int) and v >= 0 for v in b)
            for b in bands
        ):
            raise forms.ValidationError(
                _("投资额档次应为 [[下限（分）, 加分（百分之一分）], …]，均为非负整数")
            )
        return bands


@admin.register(BonusRule)
class BonusRuleAdmin(CityFigureAdmin):
    form = BonusRuleForm
    list_display = ("effective_from", "per_project_centi", "cap_centi", "is_default")
