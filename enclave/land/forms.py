"""Forms of the land, sub-park and resource pages: typed text into typed values (万元 → fen, areas as
Decimal), a Chinese sentence for each problem. What may be stored is decided in land/services.py."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from enclave.land.models import BuildingKind, LandUse, PriceUnit, ResourceKind, TenantStatus
from enclave.leads.forms import DATE, DATE_ERRORS, area_parse, park_choices, subpark_choices, wan_parse
from enclave.lib import limits
from enclave.lib.money import FEN_PER_WAN, FEN_PER_YUAN, MoneyError, fen_to_decimal, parse_fen
from enclave.parks.models import Industry, Park, ParkArea, SubPark, Unit
from enclave.projects.forms import industry_choices


def area_choices() -> list[tuple[str, Any]]:
    return [("", _("无"))] + [(str(a.pk), str(a)) for a in ParkArea.objects.select_related("park")]


def _wan_text(fen: int | None) -> str:
    return "" if fen is None else f"{fen_to_decimal(fen, FEN_PER_WAN).normalize():f}"


class ParcelForm(forms.Form):
    park = forms.ChoiceField(label=_("所在园区"), error_messages={"required": _("请选择所在园区")})
    park_area = forms.ChoiceField(label=_("片区"), required=False)
    subpark = forms.ChoiceField(label=_("建设的园中园"), required=False)
    parcel_no = forms.CharField(label=_("宗地编号"), max_length=40, required=False)
    area_mu = forms.CharField(label=_("面积（亩）"), max_length=20, help_text=_("如 47.03，最多两位小数"))
    auctioned_on = forms.DateField(
        label=_("竞得日期"), widget=DATE, error_messages={**DATE_ERRORS, "required": _("请填写竞得日期")}
    )
    price_wan = forms.CharField(
        label=_("成交价（万元）"), max_length=30, error_messages={"required": _("请填写成交价")}
    )
    intended_use = forms.ChoiceField(label=_("用途"), choices=LandUse.choices)
    note = forms.CharField(
        label=_("备注"), required=False, max_length=limits.LONG_TEXT, widget=forms.Textarea(attrs={"rows": 2})
    )

    SERVICE_FIELDS = {"price_fen": "price_wan"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["park"].choices = park_choices()
        self.fields["park_area"].choices = area_choices()
        self.fields["subpark"].choices = subpark_choices()

    @classmethod
    def initial_for(cls, parcel: Any) -> dict[str, Any]:
        return {
            "park": parcel.park.code, "park_area": str(parcel.park_area_id or ""), "subpark": str(parcel.subpark_id or ""),
            "parcel_no": parcel.parcel_no, "area_mu": f"{parcel.area_mu:f}", "auctioned_on": parcel.auctioned_on,
            "price_wan": _wan_text(parcel.price_fen), "intended_use": parcel.intended_use, "note": parcel.note,
        }  # fmt: skip

    def clean_park(self) -> Park | None:
        return Park.objects.filter(code=self.cleaned_data["park"]).first()

    def clean_park_area(self) -> ParkArea | None:
        pk = self.cleaned_data["park_area"]
        return ParkArea.objects.filter(pk=pk).first() if pk else None

    def clean_subpark(self) -> SubPark | None:
        pk = self.cleaned_data["subpark"]
        return SubPark.objects.filter(pk=pk).first() if pk else None

    def clean_area_mu(self) -> Decimal | None:
        value = area_parse(self.cleaned_data["area_mu"], label=_("面积"), required=True)
        if value is not None and value == 0:
            raise forms.ValidationError(_("面积应大于0"), code="zero")
        return value

    def clean_price_wan(self) -> int | None:
        return wan_parse(self.cleaned_data["price_wan"], label=_("成交价"))

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["price_fen"] = data.pop("price_wan")
        return data


class SubParkForm(forms.Form):
    name = forms.CharField(
        label=_("名称"), max_length=100, error_messages={"required": _("请填写园中园名称")}
    )
    park = forms.ChoiceField(label=_("所在园区"), error_messages={"required": _("请选择所在园区")})
    area = forms.ChoiceField(label=_("片区"), required=False)
    established_on = forms.DateField(
        label=_("设立日期"),
        widget=DATE,
        help_text=_("园中园设立（规划建设）的日期；此前的简报和统计不计入该园中园"),
        error_messages={**DATE_ERRORS, "required": _("请填写园中园的设立日期")},
    )
    planned_investment_wan = forms.CharField(label=_("计划投资（万元）"), max_length=30, required=False)
    target_industries = forms.MultipleChoiceField(label=_("重点引进行业"), required=False)
    focus = forms.CharField(
        label=_("产业定位说明"),
        required=False,
        max_length=limits.LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    construction_started_on = forms.DateField(
        label=_("开工日期"), required=False, widget=DATE, error_messages=DATE_ERRORS
    )
    completed_on = forms.DateField(
        label=_("建成投用日期"), required=False, widget=DATE, error_messages=DATE_ERRORS
    )
    note = forms.CharField(
        label=_("备注"), required=False, max_length=limits.LONG_TEXT, widget=forms.Textarea(attrs={"rows": 2})
    )

    SERVICE_FIELDS = {"planned_investment_fen": "planned_investment_wan"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["park"].choices = park_choices()
        self.fields["area"].choices = area_choices()
        self.fields["target_industries"].choices = industry_choices(sections_selectable=True)

    @classmethod
    def initial_for(cls, subpark: SubPark) -> dict[str, Any]:
        return {
            "name": subpark.name, "park": subpark.park.code, "area": str(subpark.area_id or ""),
            "established_on": subpark.established_on,
            "planned_investment_wan": _wan_text(subpark.planned_investment_fen),
            "target_industries": list(subpark.target_industries.values_list("code", flat=True)),
            "focus": subpark.focus, "construction_started_on": subpark.construction_started_on,
            "completed_on": subpark.completed_on, "note": subpark.note,
        }  # fmt: skip

    def clean_park(self) -> Park | None:
        return Park.objects.filter(code=self.cleaned_data["park"]).first()

    def clean_area(self) -> ParkArea | None:
        pk = self.cleaned_data["area"]
        return ParkArea.objects.filter(pk=pk).first() if pk else None

    def clean_planned_investment_wan(self) -> int | None:
        return wan_parse(self.cleaned_data["planned_investment_wan"], label=_("计划投资"))

    def clean_target_industries(self) -> list[Industry]:
        return list(Industry.objects.filter(code__in=self.cleaned_data["target_industries"]))

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["planned_investment_fen"] = data.pop("planned_investment_wan")
        return data


class BuildingForm(forms.Form):
    kind = forms.ChoiceField(label=_("类型"), choices=BuildingKind.choices)
    name = forms.CharField(label=_("名称"), max_length=60, error_messages={"required": _("请填写建筑名称")})
    floor_area_m2 = forms.CharField(
        label=_("建筑面积（平方米）"), max_length=20, error_messages={"required": _("请填写建筑面积")}
    )

    def clean_floor_area_m2(self) -> Decimal | None:
        return area_parse(self.cleaned_data["floor_area_m2"], label=_("建筑面积"), required=True)


class MilestoneForm(forms.Form):
    name = forms.CharField(
        label=_("节点名称"), max_length=100, error_messages={"required": _("请填写节点名称")}
    )
    due_on = forms.DateField(
        label=_("计划完成日期"),
        widget=DATE,
        error_messages={**DATE_ERRORS, "required": _("请填写计划完成日期")},
    )
    is_completion = forms.BooleanField(label=_("竣工投用节点"), required=False)


class MilestoneDoneForm(forms.Form):
    milestone = forms.IntegerField(widget=forms.HiddenInput)
    done_on = forms.DateField(
        label=_("实际完成日期"),
        widget=DATE,
        error_messages={**DATE_ERRORS, "required": _("请填写实际完成日期")},
    )


class TenantForm(forms.Form):
    enterprise_name = forms.CharField(
        label=_("企业名称"), max_length=120, error_messages={"required": _("请填写企业名称")}
    )
    status = forms.ChoiceField(label=_("状态"), choices=TenantStatus.choices)
    since_on = forms.DateField(
        label=_("日期"), widget=DATE, error_messages={**DATE_ERRORS, "required": _("请填写日期")}
    )
    floor_area_m2 = forms.CharField(label=_("使用面积（平方米）"), max_length=20, required=False)

    def clean_floor_area_m2(self) -> Decimal | None:
        return area_parse(self.cleaned_data["floor_area_m2"], label=_("使用面积"))


class LandFilterForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False, widget=forms.TextInput(attrs={"type": "search"}))
    park = forms.ChoiceField(label=_("园区"), required=False)
    unit = forms.ChoiceField(label=_("单位"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["park"].choices = park_choices(_("全部"))
        self.fields["unit"].choices = [("", _("全部"))] + [(u.code, u.name) for u in Unit.objects.all()]


class ResourceForm(forms.Form):
    kind = forms.ChoiceField(label=_("资源类型"), choices=ResourceKind.choices)
    name = forms.CharField(label=_("名称"), max_length=100, error_messages={"required": _("请填写资源名称")})
    park = forms.ChoiceField(label=_("园区"), error_messages={"required": _("请选择园区")})
    subpark = forms.ChoiceField(label=_("园中园"), required=False)
    area_m2 = forms.CharField(
        label=_("面积（平方米）"), max_length=20, error_messages={"required": _("请填写面积（平方米）")}
    )
    price_yuan = forms.CharField(
        label=_("价格（元）"), max_length=30, required=False, help_text=_("按所选计价方式填写，最多保留到分")
    )
    price_unit = forms.ChoiceField(label=_("计价方式"), choices=PriceUnit.choices)
    available_on = forms.DateField(
        label=_("可用日期"), widget=DATE, error_messages={**DATE_ERRORS, "required": _("请填写可用日期")}
    )
    industries = forms.MultipleChoiceField(label=_("适合行业"), required=False)
    is_available = forms.BooleanField(label=_("可供"), required=False, initial=True)
    note = forms.CharField(label=_("备注"), max_length=200, required=False)

    SERVICE_FIELDS = {"price_fen": "price_yuan"}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["park"].choices = park_choices()
        self.fields["subpark"].choices = subpark_choices()
        self.fields["industries"].choices = industry_choices(sections_selectable=True)

    @classmethod
    def initial_for(cls, resource: Any) -> dict[str, Any]:
        return {
            "kind": resource.kind, "name": resource.name, "park": resource.park.code,
            "subpark": str(resource.subpark_id or ""), "area_m2": f"{resource.area_m2:f}",
            "price_yuan": f"{fen_to_decimal(resource.price_fen, FEN_PER_YUAN):f}", "price_unit": resource.price_unit,
            "available_on": resource.available_on, "industries": list(resource.industries.values_list("code", flat=True)),
            "is_available": resource.is_available, "note": resource.note,
        }  # fmt: skip

    def clean_park(self) -> Park | None:
        return Park.objects.filter(code=self.cleaned_data["park"]).first()

    def clean_subpark(self) -> SubPark | None:
        pk = self.cleaned_data["subpark"]
        return SubPark.objects.filter(pk=pk).first() if pk else None

    def clean_area_m2(self) -> Decimal | None:
        return area_parse(self.cleaned_data["area_m2"], label=_("面积"), required=True)

    def clean_price_yuan(self) -> int:
        text = (self.cleaned_data["price_yuan"] or "").strip()
        if not text:
            return 0
        try:
            fen = parse_fen(text, unit_fen=FEN_PER_YUAN)
        except MoneyError as exc:
            raise forms.ValidationError(str(exc), code="invalid_amount") from exc
        if fen < 0:
            raise forms.ValidationError(_("价格不能为负数"), code="negative")
        return fen

    def clean_industries(self) -> list[Industry]:
        return list(Industry.objects.filter(code__in=self.cleaned_data["industries"]))

    def service_data(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["price_fen"] = data.pop("price_yuan")
        return data


class ResourceFilterForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False, widget=forms.TextInput(attrs={"type": "search"}))
    park = forms.ChoiceField(label=_("园区"), required=False)
    subpark = forms.ChoiceField(label=_("园中园"), required=False)
    kind = forms.ChoiceField(label=_("资源类型"), required=False)
    available_by = forms.DateField(label=_("在此日期前可用"), required=False, widget=DATE)
    only_available = forms.BooleanField(label=_("仅显示可供"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["park"].choices = park_choices(_("全部"))
        self.fields["subpark"].choices = subpark_choices(_("全部"))
        self.fields["kind"].choices = [("", _("全部")), *ResourceKind.choices]
