"""Excel exports of the reference pages (adapter only): the parks, the sharing defaults and the units."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from enclave.excel.export import DATE, Column
from enclave.parks.models import Park, Unit
from enclave.projects.models import SharingPolicy

PERCENT = "0.00"

PARK_COLUMNS = (
    Column("园区代码", 10),
    Column("简称", 20),
    Column("全称", 34),
    Column("项目编号前缀", 10),
    Column("片区", 28),
    Column("产业定位（行业）", 34),
    Column("产业定位说明", 30),
    Column("承载方共建单位", 20),
    Column("园中园", 40),
    Column("状态", 8),
)
POLICY_COLUMNS = (
    Column("项目类型", 16),
    Column("流转类别", 16),
    Column("协作地分成（%）", 12, PERCENT),
    Column("承载地分成（%）", 12, PERCENT),
    Column("分享期限（月）", 12, "0"),
    Column("生效日期", 12, DATE),
    Column("失效日期", 12, DATE),
    Column("现行", 8),
    Column("默认值（须与财政部门确认）", 14),
    Column("说明", 30),
)
UNIT_COLUMNS = (
    Column("单位代码", 12),
    Column("名称", 24),
    Column("简称", 12),
    Column("类型", 16),
    Column("考核分类", 22),
    Column("园中园", 40),
    Column("状态", 8),
    Column("备注", 30),
)


def _yes(value: bool) -> str:
    return "是" if value else "否"


def percent(bp: int) -> Decimal:
    """Basis points as a percentage number (5000 → 50.00), exactly."""
    return Decimal(bp) / 100


def park_row(park: Park) -> list[Any]:
    return [
        park.code,
        park.short_name,
        park.name,
        park.code_prefix,
        "、".join(area.name for area in park.areas.all()),
        "、".join(f"{i.code} {i.name}" for i in park.industries.all()) or "未限定",
        park.focus,
        park.host_unit.name if park.host_unit_id else "",
        "、".join(s.name for s in park.subparks.all()),
        "启用" if park.is_active else "停用",
    ]


def policy_row(policy: SharingPolicy, *, in_force: bool) -> list[Any]:
    return [
        policy.get_kind_display(),
        policy.get_relocation_class_display() if policy.relocation_class else "",
        percent(policy.cooperating_bp),
        percent(policy.host_bp),
        policy.duration_months,
        policy.effective_from,
        policy.effective_to,
        _yes(in_force),
        _yes(policy.is_default),
        policy.note,
    ]


def unit_row(unit: Unit) -> list[Any]:
    return [
        unit.code,
        unit.name,
        unit.short_name,
        unit.get_kind_display(),
        f"{unit.tier} {unit.get_tier_display()}",
        "、".join(s.name for s in unit.subparks.all()),
        "启用" if unit.is_active else "停用",
        unit.note,
    ]
