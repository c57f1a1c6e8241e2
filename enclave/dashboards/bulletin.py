"""The progress bulletin (工作简报): the seed report's kind of narrative, written from the data.

`bulletin_facts` reads the figures as of a cut-off date (recognised projects counted on their recognition
date, public facts only); `bulletin_write` turns them into Chinese paragraphs and needs no database, so the
wording is tested on its own. Land won by units (土地竞得) enters as `LandFact`s: the sentence is written
here; the land records come from the land app once it exists (see `land_facts`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, QuerySet, Sum

from enclave.dashboards.queries import QUARTER_NAMES, DashboardFilter, by_unit
from enclave.lib import periods
from enclave.lib.money import format_report
from enclave.lib.units import format_area, format_mu
from enclave.parks.models import Park, SubPark, Unit
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
class SubParkFacts:
    unit: str
    park: str
    area: str
    name: str
    projects: int


@dataclass(frozen=True)
class LandFact:
    """A parcel a unit won in a key park (土地竞得), for the sub-park paragraph."""

    unit: str
    park: str
    won_on: dt.date
    area_mu: Decimal
    planned_fen: int = 0
    floor_area_m2: Decimal | None = None
    purpose: str = "标准厂房"


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
    """Land won by units up to the cut-off. Enclave keeps no land records yet (the land app is to come):
    when it does, return its parcels here and the bulletin's sub-park paragraph names them."""
    return ()


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
    subparks = tuple(
        SubParkFacts(s.unit.short_name, s.park.short_name, s.area.name if s.area_id else "", s.name,
                     landed.filter(subpark=s).count())
        for s in SubPark.objects.select_related("unit", "park", "area").order_by("park__code", "name")
    )  # fmt: skip
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
        subparks=subparks,
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
    text = f"{fact.unit}于{cn_date(fact.won_on)}在{fact.park}竞得{format_mu(fact.area_mu)}土地"
    if fact.planned_fen:
        text += f"，计划投资{format_report(fact.planned_fen)}"
        text += (
            f"建设{format_area(fact.floor_area_m2)}{fact.purpose}"
            if fact.floor_area_m2
            else f"建设{fact.purpose}"
        )
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


def _subparks(f: BulletinFacts) -> list[str]:
    out = []
    for s in f.subparks:
        where = f"{s.park}{s.area}" if s.area else s.park
        text = f"{s.unit}在{where}建设{s.name}"
        if s.projects:
            text += f"，已有{s.projects}个项目入驻"
        out.append(text + "。")
    out.extend(land_sentence(fact) + "。" for fact in f.land)
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
