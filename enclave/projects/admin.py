"""Sharing defaults (利益分享默认比例) in the admin: effective-dated rows the city administrator maintains.

Only the city administrator gets here (enclave/admin_site.py) and every change is audited
(enclave/audit/admin.py). A row that an agreement already cites keeps its figures: a new ratio is a new row
with a later effective date, so every settled figure can still be explained by the row it used.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.contrib import admin
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enclave.admin_site import CityAdminPermissions
from enclave.audit.admin import AuditedAdmin
from enclave.projects.models import Agreement, Kind, SharingPolicy

FULL_BP = 10_000
FIXED_WHEN_CITED = (
    "kind",
    "relocation_class",
    "effective_from",
    "cooperating_bp",
    "host_bp",
    "duration_months",
    "host_contribution",
    "start_event",
    "cap_years_before_move",
    "extension_months",
)


class SharingPolicyAdminForm(forms.ModelForm):
    class Meta:
        model = SharingPolicy
        fields = "__all__"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        kind, relocation_class = cleaned.get("kind"), cleaned.get("relocation_class")
        if kind == Kind.RELOCATION and not relocation_class:
            self.add_error("relocation_class", _("存量流转项目须选择流转类别"))
        if kind and kind != Kind.RELOCATION and relocation_class:
            self.add_error("relocation_class", _("只有存量流转项目填写流转类别"))
        coop, host = cleaned.get("cooperating_bp"), cleaned.get("host_bp")
        if coop is not None and host is not None and coop + host != FULL_BP:
            self.add_error("host_bp", _("协作地与承载地分成之和应为10000基点（100%）"))
        if cleaned.get("extension_months") and not cleaned.get("cap_years_before_move"):
            self.add_error("extension_months", _("延长只在设有分享上限时适用，请填写上限或将延长设为0"))
        start, end = cleaned.get("effective_from"), cleaned.get("effective_to")
        if start and end and end < start:
            self.add_error("effective_to", _("失效日期不能早于生效日期"))
        if self.instance.pk and Agreement.objects.filter(policy_id=self.instance.pk).exists():
            for name in FIXED_WHEN_CITED:
                if name in self.changed_data:
                    self.add_error(
                        name,
                        _(
                            "已有利益分享协议依据该比例，不能修改；请在“调整利益分享默认比例”页面"
                            "（/sharing/policies/change/）或 API 自某日起调整：本条在前一日结束，新比例自该日起生效"
                        ),
                    )
        return cleaned


@admin.register(SharingPolicy)
class SharingPolicyAdmin(AuditedAdmin, CityAdminPermissions, admin.ModelAdmin):
    form = SharingPolicyAdminForm
    list_display = (
        "kind", "relocation_class", "host_contribution", "cooperating_share", "host_share", "duration_months",
        "start_event", "cap_years_before_move", "extension_months", "effective_from", "effective_to", "is_default",
    )  # fmt: skip
    list_filter = ("kind", "relocation_class", "host_contribution", "start_event", "is_default")
    search_fields = ("note",)
    date_hierarchy = "effective_from"

    @admin.display(description=gettext_lazy("协作地分成"), ordering="cooperating_bp")
    def cooperating_share(self, obj: SharingPolicy) -> str:
        return _percent(obj.cooperating_bp)

    @admin.display(description=gettext_lazy("承载地分成"), ordering="host_bp")
    def host_share(self, obj: SharingPolicy) -> str:
        return _percent(obj.host_bp)


def _percent(bp: int) -> str:
    return f"{(Decimal(bp) / 100).normalize():f}%"
