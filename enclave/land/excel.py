"""Excel exports of land parcels, sub-parks and resources (adapter only; rows come from scoped queries)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from enclave.excel.export import Column, wan
from enclave.land.models import LandParcel, Resource
from enclave.lib.money import FEN_PER_YUAN, fen_to_decimal
from enclave.lib.units import square_metres_from_mu
from enclave.parks.models import SubPark

PARCEL_COLUMNS = (
    Column("竞得单位", 14),
    Column("所在园区", 20),
    Column("片区", 14),
    Column("建设的园中园", 26),
    Column("宗地编号", 14),
    Column("面积（亩）", 12, "#,##0.00"),
    Column("面积（平方米）", 14, "#,##0.00"),
    Column("竞得日期", 12, "yyyy-mm-dd"),
    Column("成交价（万元）", 14, "#,##0.00"),
    Column("用途", 12),
    Column("备注", 10),
)
SUBPARK_COLUMNS = (
    Column("园中园", 28),
    Column("建设单位", 14),
    Column("所在园区", 20),
    Column("片区", 14),
    Column("设立日期", 12, "yyyy-mm-dd"),
    Column("土地面积（亩）", 14, "#,##0.00"),
    Column("计划投资（万元）", 16, "#,##0.00"),
    Column("建筑面积（平方米）", 16, "#,##0.00"),
    Column("开工日期", 12, "yyyy-mm-dd"),
    Column("建成投用日期", 12, "yyyy-mm-dd"),
    Column("意向入园企业", 12, "0"),
    Column("已入园企业", 12, "0"),
)
RESOURCE_COLUMNS = (
    Column("资源类型", 12),
    Column("名称", 28),
    Column("园区", 20),
    Column("园中园", 26),
    Column("面积（平方米）", 14, "#,##0.00"),
    Column("价格（元）", 14, "#,##0.00"),
    Column("计价方式", 18),
    Column("可用日期", 12, "yyyy-mm-dd"),
    Column("可供", 8),
    Column("适合行业", 24),
    Column("备注", 10),
)


def parcel_row(parcel: LandParcel) -> list[Any]:
    return [
        parcel.unit.short_name,
        parcel.park.short_name,
        parcel.park_area.name if parcel.park_area_id else "",
        parcel.subpark.name if parcel.subpark_id else "",
        parcel.parcel_no,
        parcel.area_mu,
        square_metres_from_mu(parcel.area_mu).quantize(Decimal("0.01")),
        parcel.auctioned_on,
        wan(parcel.price_fen),
        parcel.get_intended_use_display(),
        "示例数据" if parcel.is_sample else "",
    ]


def subpark_row(subpark: SubPark) -> list[Any]:
    return [
        subpark.name,
        subpark.unit.short_name,
        subpark.park.short_name,
        subpark.area.name if subpark.area_id else "",
        subpark.established_on,
        subpark.land_mu or Decimal(0),
        wan(subpark.planned_investment_fen) if subpark.planned_investment_fen is not None else None,
        subpark.floor_m2 or Decimal(0),
        subpark.construction_started_on,
        subpark.completed_on,
        subpark.tenants_intending,
        subpark.tenants_entered,
    ]


def resource_row(resource: Resource) -> list[Any]:
    return [
        resource.get_kind_display(),
        resource.name,
        resource.park.short_name,
        resource.subpark.name if resource.subpark_id else "",
        resource.area_m2,
        fen_to_decimal(resource.price_fen, FEN_PER_YUAN),
        resource.get_price_unit_display(),
        resource.available_on,
        "是" if resource.is_available else "否",
        "、".join(f"{i.code} {i.name}" for i in resource.industries.all()) or "不限",
        "示例数据" if resource.is_sample else "",
    ]
