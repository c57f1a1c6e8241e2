"""The progress bulletin (工作简报): the seed report's kind of narrative, written from the data.

`bulletin_facts` reads the figures as of a cut-off date (recognised projects counted on their recognition
date, public facts only); `bulletin_write` turns them into Chinese paragraphs and needs no database, so the
wording is tested on its own. Land won by units (土地竞得) and the sub-parks they build come from the land
app's bulletin queries (`land_won_up_to`, `subparks_established_by`, `subparks_under_construction_at`), as of
the same cut-off: a sub-park set up after the cut-off is not mentioned.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Min, QuerySet, Sum

from enclave.dashboards.queries import QUARTER_NAMES, DashboardFilter, by_unit
from enclave.land.models import BuildingKind, LandParcel, Milestone, Tenant, TenantStatus
from enclave.land.queries import land_won_up_to, subparks_established_by, subparks_under_construction_at
from enclave.lib import periods
from enclave.lib.money import format_report
from enclave.lib.units import format_area, format_mu
from enclave.parks.models import Park, Unit
from enclave.projects.models import Kind, Project
from enclave.projects.workflow import Status

TITLE = "昆明市重点产业协作园区工作简报"
MEASURES = "重点产业协作园区管理办法"
EXAMPLES = 4  # named example projects in the bulletin
TOP_UNITS = 3
TOP_ORIGINS = 4
TOP_INDUSTRIES = 4
# Province-level suffixes dropped when places are listed (“上海、福建、湖北、香港等地”).
PLACE_SUFFIXES = ("特别行政区", "维吾尔自治区", "壮族自治区", "回族自治区", "自治区", "省", "市")


@dataclass(frozen=True)
class Figure:
    count: int
    planned_fen: int
    enterprises: int = 0


@dataclass(frozen=True)
class Example:
    unit: str
    enterprise: str
    park: str
    project: str
    recognised_on: dt.date
    planned_fen: int


@dataclass(frozen=True)
class ParkFacts:
    name: str
    figure: Figure
    industries: tuple[str, ...]


@dataclass(frozen=True)
class LandFact:
    """Land a unit won in a key park (土地竞得) up to the cut-off: one parcel, or several (won_on the first)."""

    unit: str
    park: str
    won_on: dt.date
    area_mu: Decimal
    planned_fen: int = 0
    floor_area_m2: Decimal | None = None
    purpose: str = "标准厂房"
    parcels: int = 1


@dataclass(frozen=True)
class SubParkFacts:
    """A sub-park as of the cut-off: planned (not started), being built, or completed."""

    unit: str
    park: str
    area: str
    name: str
    projects: int
    stage: str = "planned"  # "planned" | "building" | "completed"
    started_on: dt.date | None = None
    completed_on: dt.date | None = None
    due_on: dt.date | None = None  # the completion milestone's planned date, while being built
    due_what: str = ""  # and its name, e.g. 具备使用条件
    planned_fen: int = 0
    buildings: tuple[tuple[str, int], ...] = ()  # (kind label, how many), in the model's order
    floor_area_m2: Decimal = Decimal(0)
    factory_only: bool = False  # every building is a standard factory
    land: LandFact | None = None  # the land it stands on, won up to the cut-off
    intending: int = 0  # enterprises that intend to enter (入园意向), as of the cut-off
    entered: int = 0  # enterprises that have entered


@dataclass(frozen=True)
class BulletinFacts:
    as_of: dt.date
    total: Figure
    last_year: Figure
    this_year: Figure
    this_quarter: Figure
    relocation: int
    new: int
    origins: tuple[str, ...]
    examples: tuple[Example, ...]
    parks: tuple[ParkFacts, ...]
    units: tuple[tuple[str, Figure], ...]
    subparks: tuple[SubParkFacts, ...]
    land: tuple[LandFact, ...] = ()


@dataclass(frozen=True)
class Section:
    heading: str
    paragraphs: tuple[str, ...]


@dataclass(frozen=True)
class Bulletin:
    title: str
    subtitle: str
    sections: tuple[Section, ...]

    @property
    def text(self) -> str:
        """Plain text: title, subtitle, then each heading and its paragraphs (for the command and tests)."""
        lines = [self.title, self.subtitle, ""]
        for section in self.sections:
            lines.append(section.heading)
            lines.extend(f"　　{p}" for p in section.paragraphs)
            lines.append("")
        return "\n".join(lines).rstrip() + "\n"


# ---------------------------------------------------------------- reading the figures


def _figure(qs: QuerySet[Project]) -> Figure:
    agg = qs.aggregate(
        count=Count("pk"),
        planned=Sum("planned_investment_fen"),
        enterprises=Count("enterprise", distinct=True),
    )
    return Figure(agg["count"] or 0, int(agg["planned"] or 0), agg["enterprises"] or 0)


def landed_by(as_of: dt.date) -> QuerySet[Project]:
    """Every project recognised (landed) on or before the cut-off: a public count, the same for everyone."""
    return Project.objects.filter(
        status=Status.RECOGNISED, recognised_on__isnull=False, recognised_on__lte=as_of
    ).order_by()


def land_facts(as_of: dt.date) -> tuple[LandFact, ...]:
    """Land won by units up to the cut-off, per key park and unit (`land_won_up_to`), in the order won."""
    facts = []
    short = dict(Unit.objects.values_list("code", "short_name"))
    for park in Park.objects.filter(is_active=True).order_by("code"):
        for won in land_won_up_to(as_of, park_code=park.code):
            facts.append(LandFact(short.get(won.unit_code, won.unit_name), park.short_name,
                                  won.first_won_on or as_of, won.area_mu, parcels=won.parcels))  # fmt: skip
    return tuple(sorted(facts, key=lambda f: (f.park, f.won_on, f.unit)))


def subpark_facts(as_of: dt.date, landed: QuerySet[Project]) -> tuple[SubParkFacts, ...]:
    """Every sub-park set up by the cut-off (`subparks_established_by`): those being built (`subparks_under_construction_at`) with their land,
    investment, buildings, floor area, completion date and tenants; those completed; those only planned."""
    building = {s.pk for s in subparks_under_construction_at(as_of)}
    kinds = dict(BuildingKind.choices)
    rank = {kind: i for i, kind in enumerate(BuildingKind.values)}  # research, services, then factories
    out = []
    subparks = subparks_established_by(as_of).prefetch_related("buildings")  # none before it was set up
    for s in subparks.order_by("park__code", "name"):
        if s.pk in building:
            stage = "building"
        elif s.completed_on is not None and s.completed_on <= as_of:
            stage = "completed"
        else:
            stage = "planned"
        counts: dict[str, int] = {}
        for b in sorted(s.buildings.all(), key=lambda b: (rank.get(b.kind, len(rank)), b.pk)):
            counts[str(kinds.get(b.kind, b.kind))] = counts.get(str(kinds.get(b.kind, b.kind)), 0) + 1
        floor_area = sum((b.floor_area_m2 for b in s.buildings.all()), Decimal(0))
        factory_only = bool(counts) and all(b.kind == BuildingKind.FACTORY for b in s.buildings.all())
        parcels = LandParcel.objects.filter(subpark=s, auctioned_on__lte=as_of).aggregate(
            n=Count("pk"), area=Sum("area_mu"), first=Min("auctioned_on")
        )
        land = (
            LandFact(s.unit.short_name, s.park.short_name, parcels["first"],
                     Decimal(parcels["area"]).quantize(Decimal("0.01")), parcels=parcels["n"])
            if parcels["n"] else None
        )  # fmt: skip
        due = (
            Milestone.objects.filter(subpark=s, is_completion=True, done_on__isnull=True)
            .order_by("due_on")
            .values_list("due_on", "name")
            .first()
        )
        tenants = Tenant.objects.filter(subpark=s, since_on__lte=as_of)
        out.append(
            SubParkFacts(
                unit=s.unit.short_name, park=s.park.short_name, area=s.area.name if s.area_id else "",
                name=s.name, projects=landed.filter(subpark=s).count(), stage=stage,
                started_on=s.construction_started_on if s.construction_started_on
                and s.construction_started_on <= as_of else None,
                completed_on=s.completed_on if stage == "completed" else None,
                due_on=due[0] if due and stage == "building" else None,
                due_what=due[1] if due and stage == "building" else "", planned_fen=s.planned_investment_fen or 0,
                buildings=tuple(counts.items()), floor_area_m2=floor_area, factory_only=factory_only, land=land,
                intending=tenants.filter(status=TenantStatus.INTENDING).count(),
                entered=tenants.filter(status=TenantStatus.ENTERED).count(),
            )
        )  # fmt: skip
    order = {"building": 0, "completed": 1, "planned": 2}
    return tuple(sorted(out, key=lambda f: (order[f.stage], f.land.won_on if f.land else dt.date.max,
                                            f.park, f.name)))  # fmt: skip


def bulletin_facts(as_of: dt.date) -> BulletinFacts:
    landed = landed_by(as_of)
    quarter = periods.quarter(as_of.year, periods.quarter_of(as_of))
    new = landed.exclude(kind=Kind.RELOCATION)
    origins = [
        r["origin"]
        for r in new.values("origin").annotate(n=Count("pk"), planned=Sum("planned_investment_fen"))
        .order_by("-n", "-planned", "origin")[:TOP_ORIGINS]
    ]  # fmt: skip
    real = landed.filter(is_sample=False)
    chosen = real if real.exists() else landed
    example_rows = chosen.select_related("filing_unit", "enterprise", "park").order_by(
        "-planned_investment_fen" if chosen is landed else "recognised_on", "pk"
    )[:EXAMPLES]
    examples = tuple(
        Example(p.filing_unit.short_name, p.enterprise.name, p.park.short_name, p.name, p.recognised_on, p.planned_investment_fen)
        for p in sorted(example_rows, key=lambda p: (p.recognised_on, p.pk))
    )  # fmt: skip
    parks = []
    for park in Park.objects.filter(is_active=True):
        in_park = landed.filter(park=park)
        figure = _figure(in_park)
        if not figure.count:
            continue
        industries = tuple(
            r["industry__name"]
            for r in in_park.values("industry__name").annotate(n=Count("pk")).order_by("-n", "industry__name")[:TOP_INDUSTRIES]
        )  # fmt: skip
        parks.append(ParkFacts(park.short_name, figure, industries))
    parks.sort(key=lambda p: (-p.figure.count, p.name))
    ranked = by_unit(landed, DashboardFilter()).bars[:TOP_UNITS]
    short = dict(Unit.objects.values_list("code", "short_name"))
    return BulletinFacts(
        as_of=as_of,
        total=_figure(landed),
        last_year=_figure(landed.filter(recognised_on__year=as_of.year - 1)),
        this_year=_figure(landed.filter(recognised_on__year=as_of.year)),
        this_quarter=_figure(landed.filter(recognised_on__gte=quarter.start)),
        relocation=landed.filter(kind=Kind.RELOCATION).count(),
        new=new.count(),
        origins=tuple(origins),
        examples=examples,
        parks=tuple(parks),
        units=tuple((short.get(b.params["unit"], b.label), Figure(b.count, b.planned_fen)) for b in ranked),
        subparks=subpark_facts(as_of, landed),
        land=land_facts(as_of),
    )


# ---------------------------------------------------------------- writing


def cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def place_short(name: str) -> str:
    """'上海市' → '上海', '香港特别行政区' → '香港', '老挝' stays."""
    for suffix in PLACE_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


def land_sentence(fact: LandFact) -> str:
    """'五华区于2024年7月15日在磨憨—磨丁合作区竞得47.03亩土地，计划投资2.92亿元建设5.18万平方米标准厂房'."""
    if fact.parcels > 1:
        text = (
            f"{fact.unit}自{cn_date(fact.won_on)}起在{fact.park}先后竞得{fact.parcels}宗"
            f"共{format_mu(fact.area_mu)}土地"
        )
    else:
        text = f"{fact.unit}于{cn_date(fact.won_on)}在{fact.park}竞得{format_mu(fact.area_mu)}土地"
    if fact.planned_fen:
        text += f"，计划投资{format_report(fact.planned_fen)}"
        text += (
            f"建设{format_area(fact.floor_area_m2)}{fact.purpose}"
            if fact.floor_area_m2
            else f"建设{fact.purpose}"
        )
    elif fact.floor_area_m2:
        text += f"，建设{format_area(fact.floor_area_m2)}{fact.purpose}"
    return text


def _overview(f: BulletinFacts) -> str:
    text = (
        f"自{MEASURES}实施以来，截至{cn_date(f.as_of)}，已有{f.total.count}个项目完成备案审核程序，"
        f"落地重点产业协作园区，计划总投资{format_report(f.total.planned_fen)}，涉及企业{f.total.enterprises}户。"
    )
    parts = []
    if f.last_year.count:
        parts.append(
            f"{f.as_of.year - 1}年有{f.last_year.count}个项目落地，计划总投资{format_report(f.last_year.planned_fen)}"
        )
    quarter = periods.quarter_of(f.as_of)
    if quarter > 1 and f.this_year.count:
        parts.append(
            f"今年以来有{f.this_year.count}个项目落地，计划总投资{format_report(f.this_year.planned_fen)}"
        )
    if f.this_quarter.count:
        parts.append(
            f"今年{QUARTER_NAMES[quarter]}有{f.this_quarter.count}个项目完成备案审核程序，"
            f"总投资约{format_report(f.this_quarter.planned_fen)}"
        )
    elif parts:
        parts.append(f"今年{QUARTER_NAMES[quarter]}暂无新认定项目")
    if parts:
        text += "其中，" + "；".join(parts) + "。"
    return text


def _origins(f: BulletinFacts) -> str:
    if not f.relocation and not f.new:
        return ""
    pieces = []
    if f.relocation:
        pieces.append(f"需扩大对外生产经营、主动流转的市域内存量企业项目{f.relocation}个")
    if f.new:
        places = "、".join(place_short(o) for o in f.origins)
        pieces.append(f"从{places}等地新招引的省外（境外）企业项目{f.new}个")
    if len(pieces) == 2:
        return f"从项目来源地看，既包括{pieces[0]}，也包括{pieces[1]}。"
    return f"从项目来源地看，均为{pieces[0]}。"


def _examples(f: BulletinFacts) -> str:
    sentences = [
        f"{e.unit}于{e.recognised_on.year}年{e.recognised_on.month}月推动{e.enterprise}在{e.park}落地"
        f"{e.project}，计划总投资{format_report(e.planned_fen)}"
        for e in f.examples
    ]
    return "；".join(sentences) + "。" if sentences else ""


def _parks(f: BulletinFacts) -> list[str]:
    out = []
    for p in f.parks:
        text = (
            f"昆明各县（市）区、开发（度假）区、滇中新区已有{p.figure.enterprises}户企业、{p.figure.count}个项目"
            f"落地{p.name}，计划总投资{format_report(p.figure.planned_fen)}"
        )
        if p.industries:
            text += f"，涵盖{'、'.join(p.industries)}等领域"
        out.append(text + "。")
    return out


def _units(f: BulletinFacts) -> str:
    if not f.units:
        return ""
    listed = "、".join(
        f"{name}（{fig.count}个项目，计划总投资{format_report(fig.planned_fen)}）" for name, fig in f.units
    )
    return f"从协作地看，{listed}落地项目数量位居全市前列。"


def _land_overview(f: BulletinFacts) -> list[str]:
    """'截至…，五华区、禄劝县…等5个县（市）区已在磨憨—磨丁合作区竞得土地5宗，共196.43亩。' per park."""
    out = []
    parks = sorted({fact.park for fact in f.land})
    for park in parks:
        facts = [fact for fact in f.land if fact.park == park]
        units = (
            "、".join(f"{fact.unit}（{format_mu(fact.area_mu)}）" for fact in facts)
            if len(facts) > 1
            else facts[0].unit
        )
        many = f"等{len(facts)}个协作地" if len(facts) > 1 else ""
        total = sum((fact.area_mu for fact in facts), Decimal(0))
        out.append(
            f"截至{cn_date(f.as_of)}，{units}{many}已在{park}竞得土地{sum(x.parcels for x in facts)}宗，"
            f"共{format_mu(total)}。"
        )
    return out


def subpark_sentence(s: SubParkFacts) -> str:
    """A sub-park being built, in the report's words: its land, investment, buildings and floor area, start,
    promised completion and tenants."""
    where = f"{s.park}{s.area}" if s.area else s.park
    if s.land is not None and s.factory_only:
        text = land_sentence(
            LandFact(s.land.unit, s.land.park, s.land.won_on, s.land.area_mu, s.planned_fen, s.floor_area_m2,
                     "标准厂房", s.land.parcels)
        )  # fmt: skip
        text += f"（{s.name}）"
    else:
        text = land_sentence(s.land) + f"，建设{s.name}" if s.land else f"{s.unit}在{where}建设{s.name}"
        if s.planned_fen:
            text += f"，计划投资{format_report(s.planned_fen)}"
        if s.buildings:
            parts = "、".join(f"{n}幢{label}" for label, n in s.buildings)
            text += f"，由{parts}组成，总建筑面积{format_area(s.floor_area_m2)}"
    if s.started_on:
        text += f"，{cn_date(s.started_on)}开工"
    if s.due_on:
        text += f"，计划{cn_date(s.due_on)}前{s.due_what or '建成投入使用'}"
    tenants = []
    if s.projects:
        tenants.append(f"已有{s.projects}个项目入驻")
    if s.entered:
        tenants.append(f"已有{s.entered}家企业入园")
    if s.intending:
        tenants.append(f"与{s.intending}家企业达成入园合作意向")
    if tenants:
        text += "；" + "，".join(tenants)
    return text + "。"


def _subparks(f: BulletinFacts) -> list[str]:
    out = _land_overview(f)
    building = [s for s in f.subparks if s.stage == "building"]
    out.extend(subpark_sentence(s) for s in building)
    for s in f.subparks:
        where = f"{s.park}{s.area}" if s.area else s.park
        if s.stage == "completed" and s.completed_on:
            text = f"{s.unit}在{where}建设的{s.name}已于{cn_date(s.completed_on)}建成投入使用"
        elif s.stage == "planned":
            text = f"{s.unit}在{where}规划建设{s.name}"
        else:
            continue
        if s.projects:
            text += f"，已有{s.projects}个项目入驻"
        out.append(text + "。")
    # Units whose land is not the site of a sub-park being built: named together, as the report does.
    # (the overview names them all with their areas; this follows the paragraphs of the sub-parks).
    covered = {(s.land.unit, s.land.park) for s in building if s.land is not None}
    others = [fact for fact in f.land if (fact.unit, fact.park) not in covered] if building else []
    for park in sorted({fact.park for fact in others}):
        here = [fact for fact in others if fact.park == park]
        listed = "、".join(fact.unit for fact in here)
        out.append(f"此外，{listed}也{'先后' if len(here) > 1 else ''}在{park}竞拍获得土地。")
    return out


def bulletin_write(f: BulletinFacts) -> Bulletin:
    """The bulletin's sections in the seed report's order and wording; empty paragraphs are left out."""
    progress = tuple(p for p in (_overview(f), _origins(f), _examples(f)) if p)
    layout = tuple(p for p in (*_parks(f), _units(f)) if p)
    sections = [Section("一、项目落地情况", progress), Section("二、园区与协作地", layout)]
    subparks = tuple(_subparks(f))
    if subparks:
        sections.append(Section("三、跨区域合作园区建设", subparks))
    return Bulletin(TITLE, f"（截至{cn_date(f.as_of)}）", tuple(s for s in sections if s.paragraphs))


def bulletin(as_of: dt.date) -> Bulletin:
    return bulletin_write(bulletin_facts(as_of))
