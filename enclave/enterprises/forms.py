"""Forms of the enterprise pages: they turn typed text into typed values and say in Chinese what was unreadable.

What may be registered (duplicates, origin rules) is decided in enterprises/services.py; the forms parse the
credit code, read 万元 into fen and offer the choices.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from enclave.enterprises.models import Enterprise, OriginKind
from enclave.lib.codes import PROVINCES, CodeError, normalise_uscc
from enclave.lib.money import FEN_PER_WAN, MoneyError, fen_to_decimal, parse_fen
from enclave.parks.models import Industry

COUNTRIES = ("老挝", "泰国", "越南", "缅甸", "新加坡")
ORIGINS = (*PROVINCES.values(), *COUNTRIES)


def division_choices() -> list[tuple[str, Any]]:
    """GB/T 4754 divisions (大类) grouped under their sections (门类), as <optgroup>s."""
    sections = Industry.objects.filter(level=Industry.SECTION).prefetch_related("divisions").order_by("code")
    return [
        (
            f"{section.code} {section.name}",
            [(d.code, f"{d.code} {d.name}") for d in sorted(section.divisions.all(), key=lambda d: d.code)],
        )
        for section in sections
    ]


def section_choices() -> list[tuple[str, str]]:
    sections = Industry.objects.filter(level=Industry.SECTION).order_by("code")
    return [("", _("全部门类"))] + [(s.code, f"{s.code} {s.name}") for s in sections]


class EnterpriseForm(forms.Form):
    """Register or correct an enterprise. Capital is typed in 万元 and handed to the service in fen."""

    # Where a service error about a model field is shown on this form.
    SERVICE_FIELDS = {"registered_capital_fen": "registered_capital_wan"}

    name = forms.CharField(
        label=_("企业名称"), max_length=120, error_messages={"required": _("请填写企业名称")}
    )
    credit_code = forms.CharField(
        label=_("统一社会信用代码"),
        max_length=40,
        help_text=_("18位，见营业执照"),
        error_messages={"required": _("请填写统一社会信用代码")},
    )
    registered_address = forms.CharField(label=_("注册地址"), max_length=200, required=False)
    registered_capital_wan = forms.CharField(
        label=_("注册资本（万元）"),
        max_length=30,
        help_text=_("单位为万元，最多保留到分，如 5000 或 1234.56"),
        error_messages={"required": _("请填写注册资本（万元），没有可填0")},
    )
    origin_kind = forms.ChoiceField(
        label=_("来源地类型"),
        choices=[("", _("请选择"))] + list(OriginKind.choices),
        error_messages={"required": _("请选择来源地类型"), "invalid_choice": _("请从列表中选择来源地类型")},
    )
    origin = forms.CharField(
        label=_("来源地（省份或国家/地区）"),
        max_length=40,
        help_text=_("省外企业填省级行政区全称，如“上海市”；境外企业填国家或地区，如“老挝”"),
        widget=forms.TextInput(attrs={"list": "origins", "autocomplete": "off"}),
        error_messages={"required": _("请填写来源地（省份或国家/地区）")},
    )
    industry = forms.ChoiceField(
        label=_("所属行业（国民经济行业大类）"),
        choices=(),
        error_messages={"required": _("请选择所属行业"), "invalid_choice": _("请从列表中选择所属行业")},
    )
    contact_name = forms.CharField(label=_("联系人"), max_length=40, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["industry"].choices = [("", _("请选择行业"))] + division_choices()

    @classmethod
    def initial_for(cls, enterprise: Enterprise) -> dict[str, Any]:
        """The stored enterprise as the form shows it (capital back in 万元, exactly)."""
        capital = fen_to_decimal(enterprise.registered_capital_fen, FEN_PER_WAN)
        return {
            "name": enterprise.name,
            "credit_code": enterprise.credit_code,
            "registered_address": enterprise.registered_address,
            "registered_capital_wan": f"{capital.normalize():f}",
            "origin_kind": enterprise.origin_kind,
            "origin": enterprise.origin,
            "industry": enterprise.industry.code,
            "contact_name": enterprise.contact_name,
        }

    def clean_credit_code(self) -> str:
        try:
            return normalise_uscc(self.cleaned_data["credit_code"])
        except CodeError as exc:
            raise forms.ValidationError(str(exc), code="invalid_uscc") from exc

    def clean_registered_capital_wan(self) -> int:
        text = self.cleaned_data["registered_capital_wan"]
        try:
            fen = parse_fen(text, unit_fen=FEN_PER_WAN)
        except MoneyError as exc:
            raise forms.ValidationError(str(exc), code="invalid_amount") from exc
        if fen < 0:
            raise forms.ValidationError(_("注册资本不能为负数"), code="negative")
        if fen > settings.ENCLAVE_MAX_AMOUNT_FEN:
            raise forms.ValidationError(
                _("注册资本超过1000亿元，请核对金额和单位（本栏单位为万元）"), code="too_large"
            )
        return fen

    def clean_industry(self) -> Industry:
        industry = Industry.objects.filter(
            code=self.cleaned_data["industry"], level=Industry.DIVISION
        ).first()
        if industry is None:
            raise forms.ValidationError(_("请从列表中选择所属行业"), code="invalid_choice")
        return industry

    def service_data(self) -> dict[str, Any]:
        """The cleaned values under the names enterprises.services expects."""
        data = dict(self.cleaned_data)
        data["registered_capital_fen"] = data.pop("registered_capital_wan")
        return data


class EnterpriseFilterForm(forms.Form):
    """Only renders the filter controls; enterprises.filters.EnterpriseFilter reads the same parameters."""

    q = forms.CharField(
        label=_("企业名称或信用代码"),
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("名称或代码的一部分")}),
    )
    section = forms.ChoiceField(label=_("行业门类"), required=False, choices=())
    origin_kind = forms.ChoiceField(
        label=_("来源地类型"), required=False, choices=[("", _("全部"))] + list(OriginKind.choices)
    )
    origin = forms.CharField(
        label=_("来源地"),
        required=False,
        widget=forms.TextInput(attrs={"list": "origins", "autocomplete": "off"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["section"].choices = section_choices()
