"""Excel import kinds of the pipeline: leads (招商线索导入) and site visits (投资考察团导入).

Adapters only (enclave/excel does the reading, checking, all-or-nothing and error report): each parsed
row goes through the same services as the forms — lead_create / lead_update / lead_move /
lead_fact_record, visit_create / visit_update — so the same scope, stage rules and audit rows apply.
The columns are those of the exports (leads/excel.py), so an export imported again changes nothing;
export-only columns (招商单位, 负责人, 项目编号, 参加企业数, …) are ignored.

Natural keys, within the importing unit: a lead by its enterprise name, a visit by its date and title.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from enclave.accounts.models import Role
from enclave.accounts.scope import scope_of
from enclave.enterprises.models import OriginKind
from enclave.enterprises.queries import enterprises_visible_to
from enclave.excel import cells
from enclave.excel.export import DATE, MONEY, TEXT
from enclave.excel.kinds import Field, ImportKind, Outcome, kind_register
from enclave.excel.lookups import Lookups, industry_options
from enclave.leads import services
from enclave.leads.models import Channel, Lead, Visit
from enclave.leads.pipeline import EventKind, Stage, StageError, rank
from enclave.lib.codes import PROVINCES, CodeError, normalise_uscc
from enclave.lib.money import FEN_PER_WAN
from enclave.parks.models import Park, SubPark


class PlaceLookups(Lookups):
    """Parks, industries and units as in every import, plus sub-parks by name."""

    def __init__(self) -> None:
        super().__init__()
        self.subparks = {cells.folded(s.name): s for s in SubPark.objects.all()}

    def subpark(self, raw: Any) -> SubPark:
        found = self.subparks.get(cells.folded(raw))
        if found is None:
            raise cells.CellError(_("没有该名称的园中园，请从下拉列表中选择"))
        return found


def park_options() -> list[str]:
    return [p.short_name for p in Park.objects.filter(is_active=True)]


def subpark_options() -> list[str]:
    return list(SubPark.objects.order_by("park", "name").values_list("name", flat=True))


def area(raw: Any) -> Decimal:
    """An area cell (m² or 亩) as the decimal typed; sign and places are judged by the services."""
    return cells.number(raw)


def _resolve(values: dict[str, Any], lookups: PlaceLookups, keys: dict[str, str]) -> dict[str, Any]:
    """Cell text of reference columns into rows; a miss is a ValidationError at that column."""
    data = dict(values)
    errors: dict[str, str] = {}
    for key, how in keys.items():
        if data.get(key) in (None, ""):
            continue
        try:
            data[key] = getattr(lookups, how)(data[key])
        except cells.CellError as exc:
            errors[key] = str(exc)
    if errors:
        raise ValidationError(errors)
    return data


def _unit_only(user: Any) -> bool:
    return scope_of(user).role == Role.UNIT


# ---------------------------------------------------------------- leads


def _stage(raw: Any) -> str:
    return cells.choice(raw, {k: str(v) for k, v in Stage.LABELS.items()})


def _credit_code(raw: Any) -> str:
    try:
        return normalise_uscc(cells.folded(raw))
    except CodeError as exc:
        raise cells.CellError(str(exc)) from exc


def lead_fields() -> tuple[Field, ...]:
    return (
        Field("enterprise_name", "企业名称", required=True, width=32, example="示例：上海某纺织有限公司",
              note=_lazy("本单位的线索以企业名称识别：已有同名线索时按本行更新，否则登记为新线索")),
        Field("enterprise", "统一社会信用代码", _credit_code, width=22, number_format=TEXT,
              note=_lazy("企业已在企业库中时填写，转为项目报备前须关联")),
        Field("park", "目标园区", cells.text, width=20, choices=park_options, example="磨憨"),
        Field("subpark", "目标园中园", cells.text, width=24, choices=subpark_options),
        Field("industry", "所属行业", cells.text, width=28, choices=industry_options, example="17 纺织业",
              note=_lazy("国民经济行业大类，可只填两位代码")),
        Field("expected_investment_fen", "预计投资额（万元）", money_unit=FEN_PER_WAN, width=16,
              number_format=MONEY, example=3000),
        Field("needed_area_m2", "需求面积（平方米）", area, width=16, number_format=MONEY, example=5000),
        Field("origin_kind", "来源地类型", lambda raw: cells.choice(raw, dict(OriginKind.choices)), width=12,
              choices=lambda: [str(label) for _v, label in OriginKind.choices]),
        Field("origin", "来源地", cells.text, width=12,
              choices=lambda: [*PROVINCES.values(), "老挝", "泰国", "越南", "缅甸", "新加坡"], example="上海市"),
        Field("channel", "对接渠道", lambda raw: cells.choice(raw, dict(Channel.choices)), width=14,
              choices=lambda: [str(label) for _v, label in Channel.choices], example="上门拜访"),
        Field("contact_name", "企业联系人", cells.text, width=12),
        Field("contacted_on", "首次接洽日期", cells.date, required=True, width=12, number_format=DATE,
              example=dt.date(2025, 3, 1)),
        Field("stage", "阶段", _stage, width=10,
              choices=lambda: [str(label) for s, label in Stage.CHOICES if s != Stage.FILED], example="有意向",
              note=_lazy("只能向后推进（已接洽→已考察→有意向），或“已放弃”并填写放弃原因；转为项目报备请在页面上操作")),
        Field("stage_on", "进入当前阶段日期", cells.date, width=14, number_format=DATE,
              example=dt.date(2025, 4, 1)),
        Field("drop_reason", "放弃原因", cells.text, width=20),
        Field("signed_on", "签约日期", cells.date, width=12, number_format=DATE),
        Field("registered_on", "注册日期", cells.date, width=12, number_format=DATE),
        Field("next_step", "下一步工作", cells.text, width=28, example="约企业负责人赴磨憨考察"),
        Field("next_step_on", "下一步日期", cells.date, width=12, number_format=DATE,
              example=dt.date(2025, 6, 1)),
    )  # fmt: skip


CONTENT = ("enterprise", "enterprise_name", "park", "subpark", "industry", "expected_investment_fen",
           "needed_area_m2", "origin_kind", "origin", "channel", "contact_name", "next_step", "next_step_on")  # fmt: skip


def _lead_data(actor: Any, values: dict[str, Any], lookups: PlaceLookups) -> dict[str, Any]:
    data = _resolve(values, lookups, {"park": "park", "subpark": "subpark", "industry": "industry"})
    if data.get("enterprise"):
        code = data["enterprise"]
        data["enterprise"] = enterprises_visible_to(actor).filter(credit_code=code).first()
        if data["enterprise"] is None:
            raise ValidationError({"enterprise": _("企业库中没有该统一社会信用代码的企业，请先登记企业")})
    return data


def _same(lead: Lead, content: dict[str, Any]) -> bool:
    return all(getattr(lead, key) == value for key, value in content.items())


def _lead_apply(actor: Any, values: dict[str, Any], lookups: PlaceLookups) -> Outcome:
    data = _lead_data(actor, values, lookups)
    content = {k: data[k] for k in CONTENT if k in data}
    lead = (
        Lead.objects.filter(unit_id=actor.unit_id, enterprise_name=data["enterprise_name"])
        .order_by("pk")
        .first()
    )
    outcome = Outcome.UNCHANGED
    if lead is None:
        lead = services.lead_create(actor=actor, data=content, contacted_on=data["contacted_on"])
        outcome = Outcome.NEW
    else:
        if data["contacted_on"] != lead.contacted_on:
            raise ValidationError({"contacted_on": _("首次接洽日期（%(day)s）已记录，不能通过导入修改") % {
                "day": f"{lead.contacted_on:%Y-%m-%d}"}})  # fmt: skip
        if not _same(lead, content):
            services.lead_update(actor=actor, lead=lead, data=content)
            outcome = Outcome.UPDATED
    stage = data.get("stage")
    if stage and stage != lead.stage:
        if stage == Stage.FILED:
            raise ValidationError({"stage": _("转为项目报备须在线索页面上操作（填写项目名称等）")})
        if stage != Stage.DROPPED and rank(stage) < rank(lead.stage):
            raise ValidationError({"stage": _("线索已处于“%(source)s”，不能退回“%(target)s”") % {
                "source": Stage.LABELS[lead.stage], "target": Stage.LABELS[stage]}})  # fmt: skip
        try:
            services.lead_move(actor=actor, lead=lead, stage=stage, on=data.get("stage_on"),
                               reason=data.get("drop_reason", ""))  # fmt: skip
        except StageError as exc:
            raise ValidationError({"stage": str(exc)}) from exc
        outcome = Outcome.UPDATED if outcome == Outcome.UNCHANGED else outcome
    for kind, key in ((EventKind.SIGNED, "signed_on"), (EventKind.REGISTERED, "registered_on")):
        day = data.get(key)
        if day and day != getattr(lead, key):
            try:
                services.lead_fact_record(actor=actor, lead=lead, kind=kind, on=day)
            except ValidationError as exc:
                raise ValidationError({key: exc.messages}) from exc
            outcome = Outcome.UPDATED if outcome == Outcome.UNCHANGED else outcome
    return outcome


LEADS = kind_register(
    ImportKind(
        name="leads",
        label=_lazy("招商线索"),
        sheet="招商线索",
        fields=lead_fields,
        may_import=_unit_only,
        refusal=_lazy("只有协作地单位可以导入招商线索"),
        prepare=lambda actor: PlaceLookups(),
        natural_key=lambda v: (v.get("enterprise_name"),) if v.get("enterprise_name") else (),
        apply=_lead_apply,
        service_fields={"on": "stage_on", "reason": "drop_reason"},
        instructions=(
            _lazy("每行一条本单位的线索，以企业名称识别；导出的“招商线索”表可直接修改后导入。"),
            _lazy(
                "阶段只能向后推进，跳过的阶段所需的信息须已填写（如进入“有意向”前须有目标园区、所属行业和预计投资额）。"
            ),
        ),
    )
)


# ---------------------------------------------------------------- visits


def visit_fields() -> tuple[Field, ...]:
    return (
        Field("visited_on", "考察日期", cells.date, required=True, width=12, number_format=DATE,
              example=dt.date(2025, 4, 22)),
        Field("title", "考察团名称", cells.text, required=True, width=30, example="示例：五华区第1批企业赴磨憨考察团",
              note=_lazy("与考察日期一起识别考察团：已有时按本行更新")),
        Field("park", "考察园区", cells.text, required=True, width=20, choices=park_options, example="磨憨"),
        Field("subpark", "考察园中园", cells.text, width=24, choices=subpark_options),
        Field("leads", "参加企业", cells.split_list, width=50, example="上海某纺织有限公司、浙江某服装有限公司",
              note=_lazy("本单位线索的企业名称，用顿号分隔；考察日期不能早于其首次接洽日期")),
        Field("outcome", "考察成果", cells.text, width=40),
    )  # fmt: skip


def _visit_apply(actor: Any, values: dict[str, Any], lookups: PlaceLookups) -> Outcome:
    data = _resolve(values, lookups, {"park": "park", "subpark": "subpark"})
    if "leads" in data:
        names = list(dict.fromkeys(data["leads"]))
        found = {lead.enterprise_name: lead for lead in Lead.objects.filter(unit_id=actor.unit_id,
                                                                            enterprise_name__in=names)}  # fmt: skip
        missing = [n for n in names if n not in found]
        if missing:
            raise ValidationError(
                {"leads": _("本单位没有这些企业的线索：%(names)s") % {"names": "、".join(missing)}}
            )
        data["leads"] = [found[n] for n in names]
    visit = Visit.objects.filter(
        unit_id=actor.unit_id, visited_on=data["visited_on"], title=data["title"]
    ).first()
    if visit is None:
        services.visit_create(actor=actor, data=data)
        return Outcome.NEW
    same = all(getattr(visit, k) == data[k] for k in ("park", "subpark", "outcome") if k in data)
    if "leads" in data:
        same = same and set(visit.leads.values_list("pk", flat=True)) == {lead.pk for lead in data["leads"]}
    if same:
        return Outcome.UNCHANGED
    services.visit_update(actor=actor, visit=visit, data=data)
    return Outcome.UPDATED


VISITS = kind_register(
    ImportKind(
        name="visits",
        label=_lazy("投资考察团"),
        sheet="投资考察团",
        fields=visit_fields,
        may_import=_unit_only,
        refusal=_lazy("只有协作地单位可以导入投资考察团"),
        prepare=lambda actor: PlaceLookups(),
        natural_key=lambda v: (v.get("visited_on"), v.get("title")) if v.get("title") else (),
        apply=_visit_apply,
        instructions=(
            _lazy("每行一个考察团；参加的企业须已登记为本单位的线索，考察后其中“已接洽”的线索进入“已考察”。"),
        ),
    )
)
