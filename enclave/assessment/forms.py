"""Forms of the assessment pages: they parse and explain; the services decide."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _

from enclave.assessment.models import COUNT_SOURCES, Deduction, Source
from enclave.lib import periods
from enclave.lib.money import FEN_PER_WAN, MoneyError, parse_fen
from enclave.parks.models import Unit


def _period(text: str, *, allow_month: bool = False) -> str:
    try:
        span = periods.parse(text)
    except ValueError as exc:
        raise forms.ValidationError(_("无法识别的期间，应为 2024Q3 或 2024")) from exc
    if not allow_month and "-" in span.label:
        raise forms.ValidationError(_("考核期间只能是季度（如 2024Q3）或年度（如 2024）"))
    return span.label


def _centi(value: Decimal | None) -> int | None:
    """Points with at most two decimals → centi-points."""
    if value is None:
        return None
    try:
        centi = value * 100
    except InvalidOperation as exc:  # pragma: no cover - DecimalField already refuses
        raise forms.ValidationError(_("分值无效")) from exc
    if centi != centi.to_integral_value():
        raise forms.ValidationError(_("分值最多保留两位小数"))
    return int(centi)


class RunForm(forms.Form):
    period = forms.CharField(
        label=_("考核期间"), max_length=10, help_text=_("如 2024Q3（季度）或 2024（年度）")
    )
    provisional = forms.BooleanField(label=_("临时结果（结算未关账时）"), required=False)
    reason = forms.CharField(
        label=_("更正原因（已发布后重新运行时必填）"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def clean_period(self) -> str:
        return _period(self.cleaned_data["period"])


class DeductionForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("单位"), queryset=Unit.objects.filter(is_active=True))
    period = forms.CharField(label=_("考核期间"), max_length=10)
    kind = forms.ChoiceField(
        label=_("类型"), choices=[(Deduction.DEDUCT, _("扣分")), (Deduction.VETO, _("一票否决"))]
    )
    points = forms.DecimalField(
        label=_("扣分（分）"), required=False, min_value=0, max_digits=6, decimal_places=2
    )
    reason = forms.CharField(label=_("原因"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2}))

    def clean_period(self) -> str:
        return _period(self.cleaned_data["period"])

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned.get("kind") == Deduction.DEDUCT and not cleaned.get("points"):
            self.add_error("points", _("扣分时请填写扣分分值"))
        return cleaned

    def points_centi(self) -> int:
        return _centi(self.cleaned_data.get("points")) or 0


class RemarkForm(forms.Form):
    text = forms.CharField(
        label=_("行业主管部门意见"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class ConfirmForm(forms.Form):
    points = forms.DecimalField(
        label=_("确认加分（分）"), required=False, min_value=0, max_digits=6, decimal_places=2,
        help_text=_("留空表示按建议分值确认"),
    )  # fmt: skip
    reason = forms.CharField(
        label=_("调整原因（与建议分值不同时必填）"), required=False, max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip

    def points_centi(self) -> int | None:
        return _centi(self.cleaned_data.get("points"))


class TargetForm(forms.Form):
    """A target from a year on. The value is typed as shown: projects as a count, amounts in 万元."""

    tier = forms.ChoiceField(label=_("考核分类"), choices=Unit.Tier.choices)
    source = forms.ChoiceField(label=_("指标"), choices=Source.choices)
    quarter = forms.TypedChoiceField(
        label=_("考核期间"), coerce=int,
        choices=[(0, _("全年")), (1, _("第一季度")), (2, _("第二季度")), (3, _("第三季度")), (4, _("第四季度"))],
        error_messages={"invalid_choice": _("未知的考核期间：季度目标为第1–4季度，年度目标为全年")},
    )  # fmt: skip
    effective_from = forms.CharField(label=_("起始年度"), max_length=4)
    value = forms.CharField(label=_("目标值"), max_length=30, help_text=_("项目数为个，金额为万元"))
    reason = forms.CharField(
        label=_("调整原因"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("调整目标必须填写原因")},
    )  # fmt: skip

    def clean_effective_from(self) -> int:
        text = self.cleaned_data["effective_from"].strip()
        if not (text.isdigit() and len(text) == 4):
            raise forms.ValidationError(_("起始年度应为四位年份，如 2026"))
        return int(text)

    def clean(self) -> dict:
        cleaned = super().clean()
        text, source = (cleaned.get("value") or "").strip(), cleaned.get("source")
        if "value" in cleaned and source:
            if source in COUNT_SOURCES:
                body = text.removeprefix("-")
                if not body.isdigit():
                    self.add_error("value", _("项目数应为整数"))
                else:
                    cleaned["value"] = int(text)
            else:
                try:
                    cleaned["value"] = parse_fen(text, unit_fen=FEN_PER_WAN)
                except MoneyError as exc:
                    self.add_error("value", str(exc))
        return cleaned


class TierForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("单位"), queryset=Unit.objects.filter(is_active=True))
    tier = forms.ChoiceField(label=_("调整为"), choices=Unit.Tier.choices)
    valid_from = forms.DateField(
        label=_("生效日期"), help_text=_("季度首日，如 2026-01-01"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )  # fmt: skip
    reason = forms.CharField(
        label=_("调整原因"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("调整考核分类必须填写原因")},
    )  # fmt: skip
