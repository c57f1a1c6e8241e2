"""Excel import kinds of land won at auction (竞得土地导入) and sub-parks (园中园导入).

Adapters only: every row goes through land/services.py (parcel_create / parcel_update, subpark_create /
subpark_update) exactly as the forms do, so negative or zero areas, another unit's sub-park and dates in
the future are refused at their cell and nothing is written. The columns are those of the exports
(land/excel.py); computed export columns (面积（平方米）, 建筑面积, 入园企业数, …) are ignored.

Natural keys, within the importing unit: a parcel by its 宗地编号, or when it has none by park, auction
date and area; a sub-park by its name.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from enclave.excel import cells
from enclave.excel.export import DATE, MONEY
from enclave.excel.kinds import Field, ImportKind, Outcome, kind_register
from enclave.excel.lookups import industry_options
from enclave.land import services
from enclave.land.models import LandParcel, LandUse
from enclave.leads.imports import PlaceLookups, _resolve, _unit_only, area, park_options, subpark_options
from enclave.lib.money import FEN_PER_WAN
from enclave.parks.models import ParkArea, SubPark


def _park_area(data: dict[str, Any], key: str) -> None:
    """The 片区 by its name within the row's park."""
    name = data.get(key)
    if name in (None, ""):
        return
    area_row = ParkArea.objects.filter(park=data.get("park"), name=cells.text(name)).first()
    if area_row is None:
        raise ValidationError({key: _("所选片区不属于该园区")})
    data[key] = area_row


def area_options() -> list[str]:
    return list(ParkArea.objects.order_by("park", "name").values_list("name", flat=True).distinct())


# ---------------------------------------------------------------- parcels


def parcel_fields() -> tuple[Field, ...]:
    return (
        Field("park", "所在园区", cells.text, required=True, width=20, choices=park_options, example="磨憨"),
        Field("park_area", "片区", cells.text, width=14, choices=area_options, example="南坡片区"),
        Field("subpark", "建设的园中园", cells.text, width=26, choices=subpark_options,
              note=_lazy("本单位在该园区的园中园")),
        Field("parcel_no", "宗地编号", cells.text, width=14, example="示例：MH-NP-2024-01",
              note=_lazy("有编号时以编号识别宗地；没有时以园区、竞得日期和面积识别")),
        Field("area_mu", "面积（亩）", area, required=True, width=12, number_format=MONEY, example=47.03,
              note=_lazy("单位亩，最多两位小数，须大于0")),
        Field("auctioned_on", "竞得日期", cells.date, required=True, width=12, number_format=DATE,
              example=dt.date(2024, 7, 15)),
        Field("price_fen", "成交价（万元）", required=True, money_unit=FEN_PER_WAN, width=14,
              number_format=MONEY, example=29200, note=_lazy("单位万元；也可写“2.92亿元”")),
        Field("intended_use", "用途", lambda raw: cells.choice(raw, dict(LandUse.choices)), width=12,
              choices=lambda: [str(label) for _v, label in LandUse.choices], example="工业用地"),
    )  # fmt: skip


PARCEL_FIELDS = ("park", "park_area", "subpark", "parcel_no", "area_mu", "auctioned_on", "price_fen",
                 "intended_use")  # fmt: skip


def _parcel_key(values: dict[str, Any]) -> tuple[Any, ...]:
    if values.get("parcel_no"):
        return ("no", values["parcel_no"])
    if values.get("park") and values.get("auctioned_on") and values.get("area_mu") is not None:
        return ("place", cells.folded(values["park"]), values["auctioned_on"], values["area_mu"])
    return ()


def _parcel_apply(actor: Any, values: dict[str, Any], lookups: PlaceLookups) -> Outcome:
    data = _resolve(values, lookups, {"park": "park", "subpark": "subpark"})
    _park_area(data, "park_area")
    mine = LandParcel.objects.filter(unit_id=actor.unit_id)
    if data.get("parcel_no"):
        parcel = mine.filter(parcel_no=data["parcel_no"]).first()
    else:
        parcel = mine.filter(park=data["park"], auctioned_on=data["auctioned_on"], area_mu=data["area_mu"],
                             parcel_no="").first()  # fmt: skip
    content = {k: data[k] for k in PARCEL_FIELDS if k in data}
    if parcel is None:
        services.parcel_create(actor=actor, data=content)
        return Outcome.NEW
    if all(getattr(parcel, k) == v for k, v in content.items()):
        return Outcome.UNCHANGED
    services.parcel_update(actor=actor, parcel=parcel, data=content)
    return Outcome.UPDATED


PARCELS = kind_register(
    ImportKind(
        name="parcels",
        label=_lazy("竞得土地"),
        sheet="竞得土地",
        fields=parcel_fields,
        may_import=_unit_only,
        refusal=_lazy("只有协作地单位可以导入竞得土地"),
        prepare=lambda actor: PlaceLookups(),
        natural_key=_parcel_key,
        apply=_parcel_apply,
        instructions=(_lazy("每行一宗本单位竞得的土地；导出的“竞得土地”表可直接修改后导入。"),),
    )
)


# ---------------------------------------------------------------- sub-parks


def _codes(raw: Any) -> list[str]:
    """Industry codes from “17 纺织业、C”, “17,18” or “C 制造业”: the leading code of each item."""
    out = []
    for item in cells.split_list(raw):
        code = cells.folded(item.split(" ")[0] if " " in item else item).upper()
        code = code[:2] if code[:2].isdigit() else code[:1]
        if not code:
            raise cells.CellError(_("行业应写代码，如“17”或“C”"))
        out.append(code)
    return out


def subpark_fields() -> tuple[Field, ...]:
    return (
        Field("name", "园中园", cells.text, required=True, width=28, example="示例：云南五华产业园磨憨园区",
              note=_lazy("以名称识别：本单位已有同名园中园时按本行更新")),
        Field("park", "所在园区", cells.text, required=True, width=20, choices=park_options, example="磨憨"),
        Field("area", "片区", cells.text, width=14, choices=area_options, example="南坡片区"),
        Field("established_on", "设立日期", cells.date, required=True, width=12, number_format=DATE,
              example=dt.date(2024, 7, 15), note=_lazy("园中园设立（规划建设）的日期，不能晚于开工日期")),
        Field("planned_investment_fen", "计划投资（万元）", money_unit=FEN_PER_WAN, width=16, number_format=MONEY,
              example=29200),
        Field("target_industries", "重点引进行业", _codes, width=24, choices=industry_options,
              example="17、18、C", note=_lazy("行业门类字母或大类代码，多个用顿号分隔")),
        Field("focus", "产业定位说明", cells.text, width=30),
        Field("construction_started_on", "开工日期", cells.date, width=12, number_format=DATE),
        Field("completed_on", "建成投用日期", cells.date, width=12, number_format=DATE),
    )  # fmt: skip


SUBPARK_FIELDS = ("name", "park", "area", "established_on", "planned_investment_fen", "focus",
                  "construction_started_on", "completed_on")  # fmt: skip


def _subpark_apply(actor: Any, values: dict[str, Any], lookups: PlaceLookups) -> Outcome:
    from enclave.parks.models import Industry

    data = _resolve(values, lookups, {"park": "park"})
    _park_area(data, "area")
    if "target_industries" in data:
        codes = data["target_industries"]
        found = {i.code: i for i in Industry.objects.filter(code__in=codes)}
        missing = [c for c in codes if c not in found]
        if missing:
            raise ValidationError(
                {"target_industries": _("行业“%(codes)s”不存在") % {"codes": "、".join(missing)}}
            )
        data["target_industries"] = [found[c] for c in dict.fromkeys(codes)]
    subpark = SubPark.objects.filter(name=data["name"]).first()
    if subpark is None:
        services.subpark_create(actor=actor, data=data)
        return Outcome.NEW
    same = all(getattr(subpark, k) == data[k] for k in SUBPARK_FIELDS if k in data)
    if "target_industries" in data:
        same = same and set(subpark.target_industries.values_list("pk", flat=True)) == {
            i.pk for i in data["target_industries"]
        }
    if same and subpark.unit_id == actor.unit_id:
        return Outcome.UNCHANGED
    services.subpark_update(actor=actor, subpark=subpark, data=data)  # another unit's: refused there
    return Outcome.UPDATED


SUBPARKS = kind_register(
    ImportKind(
        name="subparks",
        label=_lazy("园中园"),
        sheet="园中园",
        fields=subpark_fields,
        may_import=_unit_only,
        refusal=_lazy("只有协作地单位可以导入园中园"),
        prepare=lambda actor: PlaceLookups(),
        natural_key=lambda v: (v.get("name"),) if v.get("name") else (),
        apply=_subpark_apply,
        instructions=(_lazy("每行一个本单位建设的园中园；建筑、建设节点和入园企业请在园中园页面上登记。"),),
    )
)
