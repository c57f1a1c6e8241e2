"""Forms of the accounting pages: amounts typed as officials write them (元 for taxes, 万元 for indicators)."""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from enclave.lib.money import FEN_PER_WAN, FEN_PER_YUAN, MoneyError, parse_fen
from enclave.projects.models import Project, StartEvent
from enclave.projects.workflow import Status
from enclave.sharing.models import INDICATORS, AdjustmentTarget, TaxType

MONTH_RE = re.compile(r"^(\d{4})-(\d{1,2})$")


def parse_month(text: str) -> dt.date:
    match = MONTH_RE.fullmatch((text or "").strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise forms.ValidationError(_("月份格式应为 YYYY-MM，如 2024-07"))
    return dt.date(int(match.group(1)), int(match.group(2)), 1)


class MoneyField(forms.CharField):
    """An amount typed in 元 or 万元 (units may be written: 1,234.5万元), cleaned to integer fen."""

    def __init__(self, *, unit_fen: int = FEN_PER_YUAN, allow_negative: bool = False, **kwargs):
        self.unit_fen, self.allow_negative = unit_fen, allow_negative
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, value):
        text = super().clean(value)
        if not text:
            if self.required:
                raise forms.ValidationError(_("请填写金额"))
            return 0
        try:
            fen = parse_fen(text, unit_fen=self.unit_fen)
        except MoneyError as exc:
            raise forms.ValidationError(str(exc)) from exc
        if fen < 0 and not self.allow_negative:
            raise forms.ValidationError(_("金额不能为负数；如需冲减，请在已关账后录入带原因的调整记录"))
        if abs(fen) > 10**15:
            raise forms.ValidationError(_("金额超过上限，请核对单位（元/万元）"))
        return fen


class MonthField(forms.CharField):
    widget = forms.TextInput(attrs={"type": "month"})

    def clean(self, value):
        return parse_month(super().clean(value))


class ReportForm(forms.Form):
    """One project-month: taxes per type and rebates in 元, indicators in 万元."""

    project_code = forms.CharField(label=_("项目编号"), max_length=20)
    month = MonthField(label=_("月份"))
    rebates_fen = MoneyField(label=_("优惠政策返还（元）"))

    def __init__(self, *args, fixed_project: Project | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.tax_types = list(TaxType.objects.filter(is_active=True))
        for tax_type in self.tax_types:
            self.fields[f"tax_{tax_type.code}"] = MoneyField(
                label=gettext("%(name)s（元）") % {"name": tax_type.name}
            )
        for field, name, _both in INDICATORS:
            self.fields[field] = MoneyField(
                label=gettext("%(name)s（万元）") % {"name": name}, unit_fen=FEN_PER_WAN
            )
        if fixed_project is not None:
            self.fields["project_code"].disabled = True
            self.fields["month"].disabled = True

    def clean_project_code(self) -> Project:
        code = self.cleaned_data["project_code"].strip().upper()
        project = Project.objects.filter(code=code).first()
        if project is None:
            raise forms.ValidationError(gettext("没有编号为“%(code)s”的项目") % {"code": code})
        if project.status != Status.RECOGNISED:
            raise forms.ValidationError(gettext("项目“%(code)s”尚未认定，不能填报月度数据") % {"code": code})
        return project

    def taxes(self) -> dict[str, int]:
        return {t.code: self.cleaned_data[f"tax_{t.code}"] for t in self.tax_types}

    def values(self) -> dict[str, int]:
        return {f: self.cleaned_data[f] for f in ("rebates_fen", *(f for f, _, _ in INDICATORS))}


class AdjustmentForm(forms.Form):
    project_code = forms.CharField(label=_("项目编号"), max_length=20)
    concerns_month = MonthField(label=_("更正的已关账月份"))
    target = forms.ChoiceField(label=_("调整对象"), choices=AdjustmentTarget.choices)
    amount_fen = MoneyField(label=_("调整金额（元，冲减填负数）"), allow_negative=True, required=True)
    reason = forms.CharField(label=_("原因"), widget=forms.Textarea(attrs={"rows": 2}))

    def clean_project_code(self) -> Project:
        code = self.cleaned_data["project_code"].strip().upper()
        project = Project.objects.filter(code=code, status=Status.RECOGNISED).first()
        if project is None:
            raise forms.ValidationError(gettext("没有编号为“%(code)s”的已认定项目") % {"code": code})
        return project


class RateForm(forms.Form):
    tax_type = forms.ModelChoiceField(label=_("税种"), queryset=TaxType.objects.filter(is_active=True))
    effective_from = MonthField(label=_("生效月份"))
    effective_to = forms.CharField(
        label=_("失效月份（含，可空）"), required=False, widget=forms.TextInput(attrs={"type": "month"})
    )
    rate_percent = forms.DecimalField(
        label=_("县级留成比例（%）"), min_value=0, max_value=100, decimal_places=2
    )
    note = forms.CharField(label=_("说明"), required=False, max_length=200)

    def clean_effective_to(self) -> dt.date | None:
        text = self.cleaned_data.get("effective_to")
        return parse_month(text) if text else None

    def rate_bp(self) -> int:
        return int(self.cleaned_data["rate_percent"] * 100)


class RateChangeForm(forms.Form):
    """A running rate changed from a month on (sharing.services.rate_change)."""

    tax_type = forms.ModelChoiceField(label=_("税种"), queryset=TaxType.objects.filter(is_active=True))
    from_month = MonthField(label=_("自哪个月起"))
    rate_percent = forms.DecimalField(
        label=_("新的县级留成比例（%）"), min_value=0, max_value=100, decimal_places=2
    )
    reason = forms.CharField(label=_("原因"), max_length=200, widget=forms.Textarea(attrs={"rows": 2}))

    def rate_bp(self) -> int:
        return int(self.cleaned_data["rate_percent"] * 100)


class PeriodForm(forms.Form):
    period = forms.CharField(label=_("期间"), max_length=10, help_text=_("如 2024-07、2024Q3、2024"))


class PolicyChangeForm(forms.Form):
    """A sharing default changed from a day on (projects.services.policy_change); blank values stay."""

    rule = forms.ChoiceField(label=_("项目类型 / 流转类别"))
    from_date = forms.DateField(label=_("自哪一天起"), widget=forms.DateInput(attrs={"type": "date"}))
    cooperating_percent = forms.DecimalField(
        label=_("协作地分成（%）"), required=False, min_value=0, max_value=100, decimal_places=2
    )
    host_percent = forms.DecimalField(
        label=_("承载地分成（%）"), required=False, min_value=0, max_value=100, decimal_places=2
    )
    duration_months = forms.IntegerField(label=_("分享期限（月）"), required=False, min_value=1, max_value=600)
    start_event = forms.ChoiceField(label=_("期限起算"), required=False)
    cap_years_before_move = forms.IntegerField(
        label=_("分享上限（搬迁前年数）"),
        required=False,
        min_value=0,
        max_value=10,
        help_text=_("协作地累计分得不超过企业搬迁前若干年的纳税额；填0取消上限"),
    )
    extension_months = forms.IntegerField(
        label=_("未达上限延长（月）"), required=False, min_value=0, max_value=600
    )
    reason = forms.CharField(label=_("原因"), max_length=200, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, rules: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rule"].choices = rules
        self.fields["start_event"].choices = [("", _("（不变）"))] + list(StartEvent.choices)

    def values(self) -> dict[str, int]:
        data = self.cleaned_data
        out = {f"{side}_bp": int(data[f"{side}_percent"] * 100) for side in ("cooperating", "host")
               if data.get(f"{side}_percent") is not None}  # fmt: skip
        for name in ("duration_months", "extension_months"):
            if data.get(name) is not None:
                out[name] = data[name]
        if data.get("start_event"):
            out["start_event"] = data["start_event"]
        if data.get("cap_years_before_move") is not None:
            out["cap_years_before_move"] = data["cap_years_before_move"] or None  # 0: no cap
        return out
