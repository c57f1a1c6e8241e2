"""Forms of the lead and visit pages: typed text into typed values, with a Chinese sentence for each problem.

What may be stored (stage rules, scope, origin rules) is decided in leads/services.py and pipeline.py.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from enclave.accounts.models import Role, User
from enclave.enterprises.forms import ORIGINS, division_choices
from enclave.enterprises.models import Enterprise, OriginKind
from enclave.enterprises.queries import enterprises_visible_to
from enclave.leads.models import Channel, Lead
from enclave.leads.pipeline import EventKind, Stage
from enclave.lib import limits
from enclave.lib.codes import CodeError, normalise_uscc
from enclave.lib.money import FEN_PER_WAN, MoneyError, fen_to_decimal, parse_fen
from enclave.parks.models import Industry, Park, SubPark, Unit
from enclave.projects.forms import industry_choices
from enclave.projects.models import Kind, RelocationClass

DATE = forms.DateInput(attrs={"type": "date"})
DATE_ERRORS = {"invalid": _("请填写有效日期，如 2024-07-15")}

__all__ = [
    "ORIGINS",
    "LeadForm",
    "LeadFilterForm",
    "MoveForm",
    "FactForm",
    "FileForm",
    "ShareForm",
    "VisitForm",
]


def park_choices(empty: Any = None) -> list[tuple[str, Any]]:
    return [("", empty or _("请选择"))] + [
        (p.code, p.short_name) for p in Park.objects.filter(is_active=True)
    ]


def subpark_choices(empty: Any = None) -> list[tuple[str, Any]]:
    return [("", empty or _("无"))] + [(str(s.pk), s.name) for s in SubPark.objects.select_related("park")]


def wan_parse(text: str, *, label: str) -> int | None:
    """An amount typed in 万元 into fen, or None when left empty."""
    if not (text or "").strip():
        return None
    try:
        fen = parse_fen(text, unit_fen=FEN_PER_WAN)
    except MoneyError as exc:
        raise forms.ValidationError(str(exc), code="invalid_amount") from exc
    if fen < 0:
        raise forms.ValidationError(_("%(label)s不能为负数") % {"label": label}, code="negative")
    if fen > settings.ENCLAVE_MAX_AMOUNT_FEN:
        raise forms.ValidationError(
            _("金额超过1000亿元，请核对金额和单位（本栏单位为万元）"), code="too_large"
        )
    return fen


def area_parse(text: str, *, label: str, required: bool = False) -> Decimal | None:
    """An area typed as a number (thousands separators allowed), two places at most, never negative."""
    raw = (text or "").strip().replace(",", "").replace("，", "")
    if not raw:
        if required:
            raise forms.ValidationError(_("请填写%(label)s") % {"label": label}, code="required")
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation as exc:
        raise forms.ValidationError(
            _("%(label)s应为数字，如 51800") % {"label": label}, code="invalid"
        ) from exc
    if not value.is_finite():
        raise forms.ValidationError(_("%(label)s应为数字，如 51800") % {"label": label}, code="invalid")
    if value < 0:
        raise forms.ValidationError(_("%(label)s不能为负数") % {"label": label}, code="negative")
    if value != value.quantize(Decimal("0.01")):
        raise forms.ValidationError(_("%(label)s最多保留两位小数") % {"label": label}, code="places")
    if value >= Decimal("10000000000"):
        raise forms.ValidationError(_("%(label)s过大，请核对单位") % {"label": label}, code="too_large")
    return value


class LeadForm(forms.Form):
    """Register or change a lead. The expected investment is typed in 万元 and handed over in fen."""

    SERVICE_FIELDS = {"expected_investment_fen": "expected_investment_wan", "enterprise": "credit_code"}

    enterprise_name = forms.CharField(label=_("企业名称"), max_length=120, required=False)
    credit_code = forms.CharField(
        label=_("企业库中的企业（统一社会信用代码）"),
        max_length=40,
        required=False,
        help_text=_("已在企业库登记的企业请填写信用代码；转为项目报备前必须关联企业库中的企业"),
    )
    contacted_on = forms.DateField(
        label=_("首次接洽日期"),
        widget=DATE,
        error_messages={**DATE_ERRORS, "required": _("请填写首次接洽日期")},
    )
    park = forms.ChoiceField(label=_("目标园区"), required=False)
    subpark = forms.ChoiceField(label=_("目标园中园"), required=False)
    industry = forms.ChoiceField(label=_("所属行业（国民经济行业大类）"), required=False)
    expected_investment_wan = forms.CharField(
        label=_("预计投资额（万元）"), max_length=30, required=False, help_text=_("单位为万元，最多保留到分")
    )
    needed_area_m2 = forms.CharField(label=_("需求面积（平方米）"), max_length=20, required=False)
    origin_kind = forms.ChoiceField(
        label=_("来源地类型"), required=False, choices=[("", _("请选择"))] + list(OriginKind.choices)
    )
    origin = forms.CharField(
        label=_("来源地（省份或国家/地区）"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"list": "origins", "autocomplete": "off"}),
    )
    channel = forms.ChoiceField(label=_("对接渠道"), choices=Channel.choices, initial=Channel.VISIT)
    contact_name = forms.CharField(label=_("企业联系人"), max_length=40, required=False)
    owner = forms.ChoiceField(label=_("负责人"), required=False)
    next_step = forms.CharField(label=_("下一步工作"), max_length=200, required=False)
    next_step_on = forms.DateField(
        label=_("下一步日期"), required=False, widget=DATE, error_messages=DATE_ERRORS
    )
    note = forms.CharField(
        label=_("备注"), required=False, max_length=limits.LONG_TEXT, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, user: Any, lead: Lead | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["park"].choices = park_choices()
        self.fields["subpark"].choices = subpark_choices()
        self.fields["industry"].choices = [("", _("请选择行业"))] + division_choices()
        unit_id = lead.unit_id if lead else getattr(user, "unit_id", None)
        owners = User.objects.filter(unit_id=unit_id, role=Role.UNIT, is_active=True).order_by("username")
        self.fields["owner"].choices = [("", _("请选择"))] + [(str(u.pk), str(u)) for u in owners]
        if lead is not None:
            del self.fields["contacted_on"]

    @classmethod
    def initial_for(cls, lead: Lead) -> dict[str, Any]:
        amount = lead.expected_investment_fen
        return {
            "enterprise_name": lead.enterprise_name,
            "credit_code": lead.enterprise.credit_code if lead.enterprise_id else "",
            "park": lead.park.code if lead.park_id else "",
            "subpark": str(lead.subpark_id or ""),
            "industry": lead.industry.code if lead.industry_id else "",
            "expected_investment_wan": f"{fen_to_decimal(amount, FEN_PER_WAN).normalize():f}"
            if amount is not None
            else "",
            "needed_area_m2": f"{lead.needed_area_m2.normalize():f}"
            if lead.needed_area_m2 is not None
            else "",
            "origin_kind": lead.origin_kind,
            "origin": lead.origin,
            "channel": lead.channel,
            "contact_name": lead.contact_name,
            "owner": str(lead.owner_id or ""),
            "next_step": lead.next_step,
            "next_step_on": lead.next_step_on,
            "note": lead.note,
        }

    def clean_credit_code(self) -> Enterprise | None:
        text = self.cleaned_data["credit_code"].strip()
        if not text:
            return None
        try:
            code = normalise_uscc(text)
        except CodeError as exc:
            raise forms.ValidationError(str(exc), code="invalid_uscc") from exc
        enterprise = enterprises_visible_to(self.user).filter(credit_code=code).first()
        if enterprise is None:
            raise forms.ValidationError(_("企业库中没有该信用代码的企业，请先登记企业"), code="unknown")
        return enterprise

    def clean_park(self) -> Park | None:
        code = self.cleaned_data["park"]
        return Park.objects.filter(code=code).first() if code else None

    def clean_subpark(self) -> SubPark | None:
        pk = self.cleaned_data["subpark"]
        return SubPark.objects.filter(pk=pk).first() if pk else None

    def clean_industry(self) -> Industry | None:
        code = self.cleaned_data["industry"]
        return Industry.objects.filter(code=code, level=Industry.DIVISION).first() if code else None

    def clean_expected_investment_wan(self) -> int | None:
        return wan_parse(self.cleaned_data["expected_investment_wan"], label=_("预计投资额"))

    def clean_needed_area_m2(self) -> Decimal | None:
        return area_parse(self.cleaned_data["needed_area_m2"], label=_("需求面积"))

    def clean_owner(self) -> User | None:
        pk = self.cleaned_data["owner"]
        return User.objects.filter(pk=pk).first() if pk else None

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("contacted_on", None)
        data["enterprise"] = data.pop("credit_code")
        data["expected_investment_fen"] = data.pop("expected_investment_wan")
        return data


class LeadFilterForm(forms.Form):
    """Only renders the filter bar; filters.LeadFilter reads the same parameters."""

    q = forms.CharField(label=_("搜索"), required=False, widget=forms.TextInput(attrs={"type": "search"}))
    stage = forms.ChoiceField(label=_("阶段"), required=False, choices=[("", _("全部"))] + Stage.CHOICES)
    unit = forms.ChoiceField(label=_("招商单位"), required=False)
    park = forms.ChoiceField(label=_("目标园区"), required=False)
    industry = forms.ChoiceField(label=_("行业"), required=False)
    channel = forms.ChoiceField(
        label=_("对接渠道"), required=False, choices=[("", _("全部"))] + list(Channel.choices)
    )
    overdue = forms.BooleanField(label=_("下一步已逾期"), required=False)
    date_from = forms.DateField(label=_("首次接洽自"), required=False, widget=DATE)
    date_to = forms.DateField(label=_("至"), required=False, widget=DATE)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["park"].choices = park_choices(_("全部"))
        self.fields["unit"].choices = [("", _("全部"))] + [(u.code, u.name) for u in Unit.objects.all()]
        self.fields["industry"].choices = [("", _("全部"))] + industry_choices(sections_selectable=True)

    def add_prefix(self, field_name: str) -> str:
        return {"date_from": "from", "date_to": "to"}.get(field_name, field_name)


class MoveForm(forms.Form):
    stage = forms.ChoiceField(
        label=_("新阶段"),
        choices=(),
        error_messages={"required": _("请选择新阶段"), "invalid_choice": _("请从列表中选择新阶段")},
    )
    on = forms.DateField(
        label=_("日期"), widget=DATE, error_messages={**DATE_ERRORS, "required": _("请填写日期")}
    )
    reason = forms.CharField(
        label=_("说明（放弃时必填原因）"),
        required=False,
        max_length=limits.REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, stages: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [(s, Stage.LABELS[s]) for s in stages]


class FactForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("事项"),
        choices=[
            (EventKind.SIGNED, EventKind.LABELS[EventKind.SIGNED]),
            (EventKind.REGISTERED, EventKind.LABELS[EventKind.REGISTERED]),
        ],
        error_messages={"required": _("请选择事项"), "invalid_choice": _("请选择签约或注册")},
    )
    on = forms.DateField(
        label=_("日期"), widget=DATE, error_messages={**DATE_ERRORS, "required": _("请填写日期")}
    )
    note = forms.CharField(label=_("说明"), required=False, max_length=500)


class ShareForm(forms.Form):
    """Which other units may read a lead (replaces the current list; none = confidential to the unit)."""

    shared_with = forms.MultipleChoiceField(
        label=_("共享给（其他单位，只读）"), required=False, widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("单位不存在")},
    )  # fmt: skip

    def __init__(self, *args: Any, lead: Lead, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        from enclave.parks.models import Unit

        self.fields["shared_with"].choices = [
            (u.code, u.name) for u in Unit.objects.exclude(pk=lead.unit_id).order_by("sort_order", "code")
        ]

    def clean_shared_with(self) -> list[Any]:
        from enclave.parks.models import Unit

        return list(Unit.objects.filter(code__in=self.cleaned_data["shared_with"]))


class FileForm(forms.Form):
    """Filing a lead as a project: only what the lead does not already carry."""

    name = forms.CharField(
        label=_("项目名称"), max_length=120, error_messages={"required": _("请填写项目名称")}
    )
    kind = forms.ChoiceField(label=_("项目类型"), choices=Kind.choices)
    relocation_class = forms.ChoiceField(
        label=_("流转类别（存量流转项目）"),
        required=False,
        choices=[("", _("不适用"))] + list(RelocationClass.choices),
    )
    description = forms.CharField(
        label=_("项目简介"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    on = forms.DateField(
        label=_("转报备日期"), widget=DATE, error_messages={**DATE_ERRORS, "required": _("请填写日期")}
    )


class VisitForm(forms.Form):
    title = forms.CharField(
        label=_("考察团名称"), max_length=120, error_messages={"required": _("请填写考察团名称")}
    )
    visited_on = forms.DateField(
        label=_("考察日期"), widget=DATE, error_messages={**DATE_ERRORS, "required": _("请填写考察日期")}
    )
    park = forms.ChoiceField(label=_("考察园区"), error_messages={"required": _("请选择考察园区")})
    subpark = forms.ChoiceField(label=_("考察园中园"), required=False)
    leads = forms.MultipleChoiceField(
        label=_("参加企业（本单位线索）"), required=False, widget=forms.CheckboxSelectMultiple
    )
    outcome = forms.CharField(
        label=_("考察成果"),
        required=False,
        max_length=limits.LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["park"].choices = park_choices()
        self.fields["subpark"].choices = subpark_choices()
        leads = Lead.objects.filter(unit_id=getattr(user, "unit_id", None)).exclude(stage=Stage.DROPPED)
        self.fields["leads"].choices = [
            (str(lead.pk), f"{lead.enterprise_name}（{lead.stage_label}）")
            for lead in leads.order_by("enterprise_name")
        ]

    def clean_park(self) -> Park | None:
        return Park.objects.filter(code=self.cleaned_data["park"]).first()

    def clean_subpark(self) -> SubPark | None:
        pk = self.cleaned_data["subpark"]
        return SubPark.objects.filter(pk=pk).first() if pk else None

    def clean_leads(self) -> list[Lead]:
        ids = [int(pk) for pk in self.cleaned_data["leads"]]
        return list(Lead.objects.filter(pk__in=ids, unit_id=getattr(self.user, "unit_id", None)))
