"""Demo data for the pipeline, land and sub-parks, reproducing the seed (report of 2025-05-08).

From the seed: 五华区 won 47.03亩 in Mohan (南坡片区) on 2024-07-15 for 云南五华产业园磨憨园区 — planned
investment 2.92亿元, one R&D centre, one service building, two standard factories, usable by 2025-06-30 —
and by the report date had contacted 100+ enterprises, taken 30+ of them on 7 visits to Mohan, found 23
intending, advanced 3 projects and signed 1 investment agreement. 禄劝县 won 52.57亩 on 2024-09-24 to build
5.18万 m² of standard factories (3.13亿元) with 8 intending enterprises; 寻甸县, 安宁市 and 东川区 also won
land in Mohan. Everything else — enterprise names, dates within the period, land prices, floor areas of
五华's buildings, the land of 寻甸/安宁/东川 — is invented sample data, marked is_sample and “（示例）”.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from enclave.enterprises import services as enterprise_services
from enclave.land import services as land_services
from enclave.leads import services
from enclave.leads.models import Lead
from enclave.leads.pipeline import Stage
from enclave.lib.codes import uscc_with_check
from enclave.lib.money import FEN_PER_WAN, FEN_PER_YI
from enclave.parks.models import Industry, Park, ParkArea, SubPark

SAMPLE = "（示例）"
WUHUA_SUBPARK = "云南五华产业园磨憨园区"
CONTACTED, VISITS, VISITORS, INTENDING, FILED, SIGNED = 104, 7, 31, 23, 3, 1
REPORT_DAY = dt.date(2025, 5, 8)
TRADES = [
    "纺织",
    "服装",
    "机电",
    "五金电器",
    "消费电子",
    "家居用品",
    "箱包",
    "照明电器",
    "小家电",
    "塑料制品",
]
PLACES = ["上海", "福建", "浙江", "广东", "湖北", "江苏"]
PROVINCE = {
    "上海": "上海市",
    "福建": "福建省",
    "浙江": "浙江省",
    "广东": "广东省",
    "湖北": "湖北省",
    "江苏": "江苏省",
}
INDUSTRY = {"纺织": "17", "服装": "18", "机电": "38", "五金电器": "33", "消费电子": "39", "家居用品": "21",
            "箱包": "19", "照明电器": "38", "小家电": "38", "塑料制品": "29"}  # fmt: skip


def _day(rng: random.Random, start: dt.date, end: dt.date) -> dt.date:
    return start + dt.timedelta(days=rng.randint(0, (end - start).days))


def _wuhua(users: dict[str, Any], rng: random.Random) -> None:
    wuhua = users["wuhua"]
    mohan = Park.objects.get(code="mohan")
    nanpo = ParkArea.objects.get(park=mohan, name="南坡片区")
    subpark = SubPark.objects.get(name=WUHUA_SUBPARK)
    land_services.subpark_update(
        actor=wuhua,
        subpark=subpark,
        data={
            "planned_investment_fen": 292 * FEN_PER_YI // 100,
            "area": nanpo,
            "target_industries": list(Industry.objects.filter(code__in=["17", "18", "38", "39", "33", "F"])),
            "focus": "轻纺、机电、五金电器、消费电子等出口导向型加工制造业；跨境贸易、跨境旅游、跨境结算等现代服务业",
            "established_on": dt.date(2024, 7, 15),  # set up when its land was won (the seed's date)
            "construction_started_on": dt.date(2024, 9, 1),
        },
    )
    land_services.parcel_create(
        actor=wuhua,
        data={
            "park": mohan, "park_area": nanpo, "subpark": subpark, "area_mu": Decimal("47.03"),
            "auctioned_on": dt.date(2024, 7, 15), "price_fen": 1_411 * FEN_PER_WAN, "intended_use": "industrial",
            "note": "面积与竞得日期据2025-05-08报道；成交价为示例数据",
        },
    )  # fmt: skip
    for kind, name, area in (
        ("rd_centre", "研发中心", "8600"), ("service", "后勤综合楼", "6200"),
        ("factory", "1号标准化厂房", "12800"), ("factory", "2号标准化厂房", "12800"),
    ):  # fmt: skip
        land_services.building_add(
            actor=wuhua, subpark=subpark, kind=kind, name=name, floor_area_m2=area, note="建筑面积为示例数据"
        )
    topped = land_services.milestone_add(
        actor=wuhua, subpark=subpark, name="主体结构封顶", due_on=dt.date(2025, 3, 31), note="示例节点"
    )
    land_services.milestone_done(actor=wuhua, milestone=topped, done_on=dt.date(2025, 3, 25))
    land_services.milestone_add(
        actor=wuhua, subpark=subpark, name="具备使用条件", due_on=dt.date(2025, 6, 30), is_completion=True
    )

    # The pipeline: 104 contacted, 7 visits with 31 distinct enterprises, 23 intending, 3 filed, 1 signed.
    leads: list[Lead] = []
    for n in range(CONTACTED):
        trade, place = TRADES[n % len(TRADES)], PLACES[n % len(PLACES)]
        leads.append(
            services.lead_create(
                actor=wuhua,
                contacted_on=_day(rng, dt.date(2024, 6, 1), dt.date(2025, 3, 31)),
                is_sample=True,
                data={
                    "enterprise_name": f"{SAMPLE}{place}{trade}企业{n + 1:03d}",
                    "park": mohan,
                    "subpark": subpark,
                    "industry": Industry.objects.get(code=INDUSTRY[trade]),
                    "origin_kind": "out_of_province",
                    "origin": PROVINCE[place],
                    "channel": rng.choice(["visit", "referral", "fair", "agency"]),
                    "expected_investment_fen": rng.randint(10, 300) * 100 * FEN_PER_WAN // 10,
                    "needed_area_m2": Decimal(1000 * (1 + n % 6)),  # 1,000–6,000 m² of factory space
                    "next_step": "电话回访，邀请参加下一批考察团",
                    "next_step_on": _day(rng, dt.date(2025, 4, 1), dt.date(2025, 5, 30)),
                },
            )  # fmt: skip
        )
    visitors = sorted(leads, key=lambda lead: lead.contacted_on)[:VISITORS]
    visit_days = [dt.date(2024, 8, 20), dt.date(2024, 9, 24), dt.date(2024, 10, 29), dt.date(2024, 12, 10),
                  dt.date(2025, 1, 14), dt.date(2025, 3, 18), dt.date(2025, 4, 22)]  # fmt: skip
    groups: list[list[Lead]] = [[] for _ in visit_days]
    for lead in visitors:
        eligible = [i for i, day in enumerate(visit_days) if day >= lead.contacted_on]
        groups[eligible[0] if eligible else len(visit_days) - 1].append(lead)
    for i, (day, group) in enumerate(zip(visit_days, groups, strict=True), start=1):
        group = [lead for lead in group if lead.contacted_on <= day]
        services.visit_create(
            actor=wuhua,
            is_sample=True,
            data={"title": f"{SAMPLE}五华区第{i}批企业赴磨憨考察团", "visited_on": day, "park": mohan, "subpark": subpark,
                  "leads": group, "outcome": "实地察看园区建设进度和南坡片区配套，座谈了解用地、厂房和出口需求"},
        )  # fmt: skip
    intending = [lead for lead in (Lead.objects.get(pk=v.pk) for v in visitors)][:INTENDING]
    for lead in intending:
        services.lead_move(
            actor=wuhua,
            lead=lead,
            stage=Stage.INTENDING,
            on=min(lead.stage_on + dt.timedelta(days=rng.randint(7, 30)), REPORT_DAY),
        )
    for n, lead in enumerate(intending[:FILED], start=1):
        lead.refresh_from_db()
        enterprise = enterprise_services.enterprise_create(
            actor=wuhua,
            is_sample=True,
            data={"name": lead.enterprise_name, "credit_code": uscc_with_check(f"91530102LD{n:07d}"),
                  "origin_kind": "out_of_province", "origin": lead.origin, "industry": lead.industry,
                  "registered_capital_fen": 0},
        )  # fmt: skip
        services.lead_update(actor=wuhua, lead=lead, data={"enterprise": enterprise})
        if n == 1:
            services.lead_fact_record(
                actor=wuhua, lead=lead, kind="signed", on=lead.stage_on + dt.timedelta(days=10)
            )
            lead.refresh_from_db()
        services.lead_file(
            actor=wuhua, lead=lead, name=f"{SAMPLE}{lead.enterprise_name.removeprefix(SAMPLE)}入驻五华产业园项目",
            on=min(lead.stage_on + dt.timedelta(days=20), REPORT_DAY),
        )  # fmt: skip
    for lead in intending[FILED:]:
        land_services.tenant_add(
            actor=wuhua, subpark=subpark, enterprise_name=lead.enterprise_name, status="intending", lead=lead,
            since_on=lead.stage_on if lead.stage_on <= REPORT_DAY else REPORT_DAY, is_sample=True,
        )  # fmt: skip


def _luquan(users: dict[str, Any]) -> None:
    luquan = users["luquan"]
    mohan = Park.objects.get(code="mohan")
    subpark = land_services.subpark_create(
        actor=luquan,
        data={"name": "禄劝县磨憨标准厂房园区", "park": mohan, "planned_investment_fen": 313 * FEN_PER_YI // 100,
              "focus": "轻工业企业", "target_industries": list(Industry.objects.filter(code__in=["C"])),
              "established_on": dt.date(2024, 9, 24), "construction_started_on": dt.date(2024, 11, 1),
              "note": "报道未载明园区名称，此为按报道内容所起的描述性名称；计划投资、厂房面积、竞得日期和面积据2025-05-08报道"},
    )  # fmt: skip
    land_services.parcel_create(
        actor=luquan,
        data={"park": mohan, "subpark": subpark, "area_mu": Decimal("52.57"), "auctioned_on": dt.date(2024, 9, 24),
              "price_fen": 1_577 * FEN_PER_WAN, "note": "成交价为示例数据"},
    )  # fmt: skip
    for n, area in enumerate(("17300", "17300", "17200"), start=1):
        land_services.building_add(
            actor=luquan, subpark=subpark, kind="factory", name=f"{n}号标准厂房", floor_area_m2=area
        )
    land_services.milestone_add(
        actor=luquan, subpark=subpark, name="建成投入使用", due_on=dt.date(2025, 12, 31), is_completion=True
    )
    for n in range(1, 9):
        land_services.tenant_add(
            actor=luquan, subpark=subpark, enterprise_name=f"{SAMPLE}轻工企业{n}", status="intending",
            since_on=dt.date(2025, 1, 10) + dt.timedelta(days=9 * n), is_sample=True,
        )  # fmt: skip


def _others(users: dict[str, Any]) -> None:
    mohan = Park.objects.get(code="mohan")
    for username, area, day in (("xundian", "30.15", dt.date(2024, 10, 18)), ("anning", "41.60", dt.date(2024, 11, 22)),
                                ("dongchuan", "25.08", dt.date(2024, 12, 20))):  # fmt: skip
        land_services.parcel_create(
            actor=users[username],
            is_sample=True,
            data={"park": mohan, "area_mu": Decimal(area), "auctioned_on": day, "price_fen": int(Decimal(area) * 30 * FEN_PER_WAN),
                  "note": "报道只说明已竞得土地；面积、日期和成交价均为示例数据"},
        )  # fmt: skip


def _resources(users: dict[str, Any]) -> None:
    """The resource library (资源库): offers of both parks (kept by their committees) and of the 五华 and 禄劝
    sub-parks (kept by the units). All invented sample data; the sub-park offers follow their buildings."""
    mohan, lingang = Park.objects.get(code="mohan"), Park.objects.get(code="lingang")
    wuhua_sp = SubPark.objects.get(name=WUHUA_SUBPARK)
    luquan_sp = SubPark.objects.get(name="禄劝县磨憨标准厂房园区")
    industries = {
        i.code: i
        for i in Industry.objects.filter(code__in=["17", "18", "19", "33", "38", "39", "C", "I", "M"])
    }
    rows = (
        ("mohan", {"kind": "land", "name": "磨憨南坡片区工业用地", "park": mohan, "area_m2": Decimal("66666.67"),
                   "price_fen": 30 * FEN_PER_WAN, "price_unit": "per_mu", "available_on": dt.date(2025, 3, 1),
                   "note": "约100亩，可分宗出让"}, []),
        ("mohan", {"kind": "factory", "name": "磨憨国际物流园标准厂房", "park": mohan, "area_m2": Decimal("12000"),
                   "price_fen": 1500, "price_unit": "per_m2_month", "available_on": dt.date(2025, 9, 1)}, []),
        ("mohan", {"kind": "office", "name": "磨憨口岸商务楼办公用房", "park": mohan, "area_m2": Decimal("2000"),
                   "price_fen": 4000, "price_unit": "per_m2_month", "available_on": dt.date(2025, 1, 1)}, []),
        ("lingang", {"kind": "office", "name": "临港科技城研发办公楼", "park": lingang, "area_m2": Decimal("5000"),
                     "price_fen": 4500, "price_unit": "per_m2_month", "available_on": dt.date(2025, 4, 1)},
         ["I", "M"]),
        ("lingang", {"kind": "factory", "name": "临港科技城标准厂房", "park": lingang, "area_m2": Decimal("20000"),
                     "price_fen": 2000, "price_unit": "per_m2_month", "available_on": dt.date(2025, 10, 1)},
         ["39"]),
        ("lingang", {"kind": "land", "name": "临港科技城产业用地", "park": lingang, "area_m2": Decimal("40000"),
                     "price_fen": 45 * FEN_PER_WAN, "price_unit": "per_mu", "available_on": dt.date(2026, 3, 1)},
         []),
        ("wuhua", {"kind": "factory", "name": "五华产业园2号标准厂房", "park": mohan, "subpark": wuhua_sp,
                   "area_m2": Decimal("6000"), "price_fen": 1200, "price_unit": "per_m2_month",
                   "available_on": dt.date(2025, 6, 30), "note": "具备使用条件后招租"}, ["17", "18", "19"]),
        ("wuhua", {"kind": "office", "name": "五华产业园研发中心办公用房", "park": mohan, "subpark": wuhua_sp,
                   "area_m2": Decimal("1500"), "price_fen": 3000, "price_unit": "per_m2_month",
                   "available_on": dt.date(2025, 6, 30)}, []),
        ("luquan", {"kind": "factory", "name": "禄劝园区1号标准厂房", "park": mohan, "subpark": luquan_sp,
                    "area_m2": Decimal("17300"), "price_fen": 1000, "price_unit": "per_m2_month",
                    "available_on": dt.date(2025, 12, 31)}, ["C"]),
        ("luquan", {"kind": "factory", "name": "禄劝园区2号标准厂房", "park": mohan, "subpark": luquan_sp,
                    "area_m2": Decimal("17300"), "price_fen": 1000, "price_unit": "per_m2_month",
                    "available_on": dt.date(2025, 12, 31)}, ["C"]),
    )  # fmt: skip
    for username, data, codes in rows:
        land_services.resource_save(
            actor=users[username],
            data={**data, "name": f"{data['name']}{SAMPLE}", "industries": [industries[c] for c in codes]},
            is_sample=True,
        )


def demo_pipeline_build(users: dict[str, Any]) -> None:
    rng = random.Random(20250508)
    _wuhua(users, rng)
    _luquan(users)
    _others(users)
    _resources(users)
