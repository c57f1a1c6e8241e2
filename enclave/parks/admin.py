"""Reference data in the admin (基础数据管理): industries, units, parks, areas and sub-parks.

Only the city administrator gets here (see enclave/admin_site.py); every save and delete is audited
(enclave/audit/admin.py). Codes are fixed once created: projects, users and the reference loader refer to
them, so a typo is corrected by deactivating the row and adding a new one.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib import admin
from django.core.validators import MaxLengthValidator
from django.http import HttpRequest
from django.utils.translation import gettext as _

from enclave.admin_site import CityAdminPermissions
from enclave.audit.admin import AuditedAdmin
from enclave.lib.codes import CodeError, normalise_division_code, normalise_unit_code
from enclave.parks.models import Industry, Park, ParkArea, SubPark, Unit

CODE_PREFIX_RE = re.compile(r"^[A-Z]{2,4}$")


class ReferenceAdmin(AuditedAdmin, CityAdminPermissions, admin.ModelAdmin):
    """Audited, city administrator only; `fixed_fields` become read-only once the row exists."""

    fixed_fields: tuple[str, ...] = ()

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return (*super().get_readonly_fields(request, obj), *(self.fixed_fields if obj is not None else ()))


@admin.register(Industry)
class IndustryAdmin(ReferenceAdmin):
    list_display = ("code", "name", "level", "section")
    list_filter = ("level", ("section", admin.RelatedOnlyFieldListFilter))
    search_fields = ("code", "name")
    fixed_fields = ("code",)
    list_select_related = ("section",)
    list_per_page = 120

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "section":
            kwargs["queryset"] = Industry.objects.filter(level=Industry.SECTION)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class UnitAdminForm(forms.ModelForm):
    class Meta:
        model = Unit
        fields = "__all__"

    def clean_code(self) -> str:
        try:
            return normalise_unit_code(self.cleaned_data["code"])
        except CodeError as exc:
            raise forms.ValidationError(str(exc), code="invalid_unit_code") from exc

    def clean_division_code(self) -> str:
        text = (self.cleaned_data.get("division_code") or "").strip()
        if not text:
            return ""
        try:
            return normalise_division_code(text)
        except CodeError as exc:
            raise forms.ValidationError(str(exc), code="invalid_division_code") from exc

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        code = cleaned.get("code") or (self.instance.code if self.instance.pk else "")
        division = cleaned.get("division_code")
        if code and code.isdigit() and division and division != code:
            self.add_error("division_code", _("县（市）区的行政区划代码应与单位代码一致"))
        return cleaned


@admin.register(Unit)
class UnitAdmin(ReferenceAdmin):
    form = UnitAdminForm
    list_display = ("sort_order", "code", "name", "short_name", "kind", "tier", "division_code", "is_active")
    list_display_links = ("code", "name")
    list_editable = ("is_active",)
    list_filter = ("kind", "tier", "is_active")
    search_fields = ("code", "name", "short_name")
    # A unit's tier is effective-dated: after it is created it moves only on the assessment's tier page
    # (/assessment/tiers/), as a new dated row with its reason, so earlier periods keep their tier.
    fixed_fields = ("code", "tier")


class ParkAdminForm(forms.ModelForm):
    class Meta:
        model = Park
        fields = "__all__"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # One message for every wrong prefix, too long included (the browser still stops at 4 characters).
        field = self.fields["code_prefix"]
        field.validators = [v for v in field.validators if not isinstance(v, MaxLengthValidator)]

    def clean_code_prefix(self) -> str:
        text = (self.cleaned_data.get("code_prefix") or "").strip().upper()
        if not CODE_PREFIX_RE.fullmatch(text):
            raise forms.ValidationError(
                _("项目编号前缀应为2–4个大写英文字母，如 MH、LG"), code="invalid_prefix"
            )
        return text


@admin.register(Park)
class ParkAdmin(ReferenceAdmin):
    form = ParkAdminForm
    list_display = ("code", "name", "short_name", "code_prefix", "host_unit", "is_active")
    list_filter = ("is_active",)
    search_fields = ("code", "name", "short_name")
    filter_horizontal = ("industries",)
    fixed_fields = ("code",)
    list_select_related = ("host_unit",)


@admin.register(ParkArea)
class ParkAreaAdmin(ReferenceAdmin):
    list_display = ("name", "park", "note")
    list_filter = ("park",)
    search_fields = ("name", "note")
    list_select_related = ("park",)


class SubParkAdminForm(forms.ModelForm):
    class Meta:
        model = SubPark
        fields = "__all__"

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        park, area = cleaned.get("park"), cleaned.get("area")
        if park and area and area.park_id != park.pk:
            self.add_error(
                "area", _("片区“%(area)s”不属于%(park)s") % {"area": area.name, "park": park.short_name}
            )
        return cleaned


@admin.register(SubPark)
class SubParkAdmin(ReferenceAdmin):
    form = SubParkAdminForm
    list_display = ("name", "unit", "park", "area", "established_on")
    list_filter = ("park", "unit")
    search_fields = ("name", "note")
    list_select_related = ("unit", "park", "area")
