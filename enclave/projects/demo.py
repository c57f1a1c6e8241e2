"""The Kunming demo data set, built only through the services so that it meets every rule a user would.

It reproduces the figures of the city's reports (MECHANISM.md, "Figures reported"), counting a project as
landed on its recognition date: 25 projects / 6.38亿元 by 2024-06-30, 48 / 12.92亿元 in 2024, 7 / 1.27亿元 in
2025 Q1, 55 in all, and 41 projects of 41 enterprises / 11.29亿元 in Mohan. The four cases the reports name
are real records; everything else is marked sample (is_sample and a "（示例）" prefix). Only the named facts
come from the reports; each case's kind, industry, exact dates and (except 骏亨) amount are assumptions.
"""

from __future__ import annotations

import datetime as dt
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.hashers import PBKDF2PasswordHasher, make_password
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from enclave.accounts.models import Role, User
from enclave.enterprises import services as enterprise_services
from enclave.enterprises.models import Enterprise, OriginKind
from enclave.lib.codes import uscc_with_check
from enclave.lib.money import FEN_PER_WAN
from enclave.lib.periods import add_months
from enclave.parks.models import Industry, Park, ParkArea, Unit
from enclave.projects import services
from enclave.projects.models import ClaimKind, Conflict, Kind, Project, RelocationClass

SAMPLE = "（示例）"
MEASURES_IN_FORCE = dt.date(2024, 5, 1)  # the measures took effect; nothing lands earlier


class DemoRefused(Exception):
    """The database is not one the demo may fill; the message says why, in Chinese."""


# ---------------------------------------------------------------- users


@dataclass(frozen=True)
class DemoUser:
    username: str
    role: str
    unit: str = ""
    park: str = ""
    full_name: str = ""


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("city", Role.CITY_ADMIN, full_name="市发展改革委（演示）"),
    DemoUser("reviewer", Role.REVIEWER, full_name="市投资促进局（演示）"),
    DemoUser("caizheng", Role.FINANCE, full_name="市财政局/市税务局（演示）"),
    DemoUser("auditor", Role.AUDITOR, full_name="审计人员（演示）"),
    # Bonus-points workflow (enclave/assessment/services.py): city-level accounts in the groups 市考核办 and
    # 行业主管部门 (see enclave/assessment/demo.py).
    DemoUser("kaohe", Role.AUDITOR, full_name="市考核办（演示）"),
    DemoUser("gongxin", Role.AUDITOR, full_name="市工业和信息化局（演示）"),
    DemoUser("xitong", Role.SYS_ADMIN, full_name="系统管理员（演示）"),
    DemoUser("anquan", Role.SECURITY_ADMIN, full_name="安全管理员（演示）"),
    DemoUser("shenji", Role.AUDIT_ADMIN, full_name="审计管理员（演示）"),
    DemoUser("mohan", Role.PARK, park="mohan", full_name="磨憨—磨丁合作区管委会（演示）"),
    DemoUser("lingang", Role.PARK, park="lingang", full_name="沪滇临港昆明科技城（演示）"),
    DemoUser("wuhua", Role.UNIT, unit="530102", full_name="五华区（演示）"),
    DemoUser("panlong", Role.UNIT, unit="530103", full_name="盘龙区（演示）"),
    DemoUser("guandu", Role.UNIT, unit="530111", full_name="官渡区（演示）"),
    DemoUser("xishan", Role.UNIT, unit="530112", full_name="西山区（演示）"),
    DemoUser("dongchuan", Role.UNIT, unit="530113", full_name="东川区（演示）"),
    DemoUser("chenggong", Role.UNIT, unit="530114", full_name="呈贡区（演示）"),
    DemoUser("jinning", Role.UNIT, unit="530115", full_name="晋宁区（演示）"),
    DemoUser("fumin", Role.UNIT, unit="530124", full_name="富民县（演示）"),
    DemoUser("yiliang", Role.UNIT, unit="530125", full_name="宜良县（演示）"),
    DemoUser("shilin", Role.UNIT, unit="530126", full_name="石林县（演示）"),
    DemoUser("songming", Role.UNIT, unit="530127", full_name="嵩明县（演示）"),
    DemoUser("luquan", Role.UNIT, unit="530128", full_name="禄劝县（演示）"),
    DemoUser("xundian", Role.UNIT, unit="530129", full_name="寻甸县（演示）"),
    DemoUser("anning", Role.UNIT, unit="530181", full_name="安宁市（演示）"),
    DemoUser("gaoxin", Role.UNIT, unit="gaoxin", full_name="高新区（演示）"),
    DemoUser("jingkai", Role.UNIT, unit="jingkai", full_name="经开区（演示）"),
    DemoUser("dianchi", Role.UNIT, unit="dianchi", full_name="滇池度假区（演示）"),
    DemoUser("yangzonghai", Role.UNIT, unit="yangzonghai", full_name="阳宗海（演示）"),
    DemoUser("dianzhong", Role.UNIT, unit="dianzhong", full_name="滇中新区（演示）"),
)
DEMO_USERNAMES = tuple(u.username for u in DEMO_USERS)
UNIT_USERNAME = {u.unit: u.username for u in DEMO_USERS if u.unit}


class _DemoHasher(PBKDF2PasswordHasher):
    """PBKDF2 with fewer rounds, so 24 accounts take milliseconds instead of seconds.

    Safe only because demo passwords are long random strings (≈95 bits), where key stretching adds nothing
    an attacker could notice; Django re-hashes with the full default rounds at each user's first login.
    """

    iterations = 10_000


def password_new(username: str, role: str = "") -> str:
    """A random password that passes the project's validators."""
    while True:
        candidate = f"Km-{secrets.token_urlsafe(12)}"
        try:
            validate_password(candidate, User(username=username, role=role))
        except ValidationError:
            continue
        return candidate


def _users_create() -> dict[str, tuple[User, str]]:
    units = {u.code: u for u in Unit.objects.all()}
    parks = {p.code: p for p in Park.objects.all()}
    made: dict[str, tuple[User, str]] = {}
    for index, spec in enumerate(DEMO_USERS, start=1):
        password = password_new(spec.username, spec.role)
        # Seeded accounts are initial passwords: each must be changed at first sign-in (等保 account hygiene).
        user = User.objects.create(
            username=spec.username,
            password=make_password(password, hasher=_DemoHasher()),
            role=spec.role,
            full_name=spec.full_name,
            unit=units[spec.unit] if spec.unit else None,
            park=parks[spec.park] if spec.park else None,
            is_staff=spec.role == Role.CITY_ADMIN,  # the reference-data admin admits the city administrator
            employee_id=f"DEMO-{index:03d}",
            must_change_password=True,
            password_changed_at=timezone.now(),
        )
        made[spec.username] = (user, password)
    return made


def demo_users() -> list[User]:
    """The demo accounts that exist, in the order of DEMO_USERS."""
    found = {
        u.username: u for u in User.objects.filter(username__in=DEMO_USERNAMES).select_related("unit", "park")
    }
    return [found[name] for name in DEMO_USERNAMES if name in found]


@transaction.atomic
def demo_passwords_reset() -> dict[str, str]:
    """New random passwords for the demo accounts (the old ones are only stored hashed)."""
    passwords: dict[str, str] = {}
    for user in demo_users():
        passwords[user.username] = password_new(user.username, user.role)
        user.password = make_password(passwords[user.username], hasher=_DemoHasher())
        user.must_change_password = True
        user.save(update_fields=["password", "must_change_password"])
    return passwords


# ---------------------------------------------------------------- the landed projects


@dataclass(frozen=True)
class Landing:
    """One project as the reports count it: where, when it landed (was recognised), how much."""

    unit: str
    park: str
    recognised_on: dt.date | None  # None for the filings that stay out of the figures
    amount_wan: int
    kind: str
    relocation_class: str
    origin: str  # "" for a relocation: the filing unit is where it moves from
    industry: str
    project_name: str
    enterprise_name: str
    capital_wan: int
    is_sample: bool = True
    partner: str = ""
    registered_on: dt.date | None = None
    description: str = ""


# The cases the reports name. Amounts are assumptions except 骏亨's "over 1亿元".
NAMED: tuple[Landing, ...] = (
    Landing(
        unit="530128",
        park="mohan",
        recognised_on=dt.date(2024, 6, 26),
        amount_wan=2_000,
        kind=Kind.RELOCATION,
        relocation_class=RelocationClass.HQ_ONLY,
        origin="",
        industry="15",
        is_sample=False,
        project_name="云南雅酌酒业出口酒类生产销售项目",
        enterprise_name="云南雅酌酒业有限公司",
        capital_wan=1_000,
        registered_on=dt.date(2024, 6, 5),
        description="禄劝县推动，2024年6月在磨憨注册，已完成出口备案。",
    ),
    Landing(
        unit="yangzonghai",
        park="mohan",
        recognised_on=dt.date(2024, 7, 26),
        amount_wan=12_000,
        kind=Kind.RELOCATION,
        relocation_class=RelocationClass.VOLUNTARY,
        origin="",
        industry="51",
        is_sample=False,
        project_name="云南骏亨经贸跨境贸易项目",
        enterprise_name="云南骏亨经贸有限公司",
        capital_wan=520,
        description="阳宗海风景名胜区引进，2024年7月落地磨憨，实缴资本520万元，计划投资超过1亿元。",
    ),
    Landing(
        unit="dianchi",
        park="mohan",
        recognised_on=dt.date(2024, 9, 26),
        amount_wan=600,
        kind=Kind.RELOCATION,
        relocation_class=RelocationClass.REGISTRATION_KEPT,
        origin="",
        industry="54",
        is_sample=False,
        project_name="中国铁塔磨憨共享电单车项目",
        enterprise_name="中国铁塔股份有限公司昆明市分公司",
        capital_wan=0,
        description="滇池度假区引进，在磨憨投放共享电单车500辆。",
    ),
    Landing(
        unit="530129",
        park="lingang",
        recognised_on=dt.date(2025, 3, 27),
        amount_wan=2_200,
        kind=Kind.RELOCATION,
        relocation_class=RelocationClass.VOLUNTARY,
        origin="",
        industry="13",
        is_sample=False,
        project_name="维先农业蓝莓研发及精深加工项目",
        enterprise_name="维先农业(科技)云南有限公司",
        capital_wan=1_000,
        description="寻甸县引进，2025年一季度落地沪滇临港昆明科技城（蓝莓）。",
    ),
)


@dataclass(frozen=True)
class Bucket:
    """The landings of one park in one reporting period: how many, how much, on which monthly batches."""

    park: str
    start: dt.date
    end: dt.date
    count: int
    total_wan: int
    batches: tuple[dt.date, ...]  # recognition in a monthly batch (按月批量认定)


H1 = (dt.date(2024, 5, 28), dt.date(2024, 6, 26))
H2 = tuple(dt.date(2024, m, d) for m, d in ((7, 26), (8, 28), (9, 26), (10, 29), (11, 27), (12, 26)))
Q1 = (dt.date(2025, 1, 22), dt.date(2025, 2, 26), dt.date(2025, 3, 27))
BUCKETS: tuple[Bucket, ...] = (
    Bucket("mohan", MEASURES_IN_FORCE, dt.date(2024, 6, 30), 18, 48_800, H1),
    Bucket("lingang", MEASURES_IN_FORCE, dt.date(2024, 6, 30), 7, 15_000, H1),
    Bucket("mohan", dt.date(2024, 7, 1), dt.date(2024, 12, 31), 18, 55_400, H2),
    Bucket("lingang", dt.date(2024, 7, 1), dt.date(2024, 12, 31), 5, 10_000, H2),
    Bucket("mohan", dt.date(2025, 1, 1), dt.date(2025, 3, 31), 5, 8_700, Q1),
    Bucket("lingang", dt.date(2025, 1, 1), dt.date(2025, 3, 31), 2, 4_000, Q1),
)

# Industry division → (word in the enterprise name, kind of project).
INDUSTRY_WORDS = {
    "13": ("农产品", "农产品精深加工项目"),
    "14": ("食品", "高原特色食品加工项目"),
    "17": ("纺织", "出口针织面料加工项目"),
    "18": ("服饰", "跨境服装加工项目"),
    "27": ("药业", "中药配方颗粒生产项目"),
    "33": ("五金", "五金制品加工出口项目"),
    "34": ("机械", "农机设备组装出口项目"),
    "35": ("智能装备", "智能装备研发制造项目"),
    "38": ("电气", "电动工具及小家电组装出口项目"),
    "39": ("电子", "消费电子组装出口项目"),
    "40": ("仪器", "智能仪表制造项目"),
    "51": ("商贸", "跨境大宗商品贸易项目"),
    "54": ("运输", "跨境公路货运项目"),
    "58": ("国际货运代理", "中老铁路多式联运及货运代理项目"),
    "65": ("信息技术", "工业软件研发中心项目"),
    "72": ("商务咨询", "跨境商务咨询服务项目"),
    "73": ("生物技术", "生物技术研发中心项目"),
    "75": ("科技服务", "科技成果转化服务平台项目"),
}
# Park positioning: Mohan light textiles, electromechanical, trade, multimodal transport and freight agency;
# Lingang advanced manufacturing, R&D, digital economy, agricultural processing.
PARK_INDUSTRIES = {
    "mohan": ("17", "18", "38", "51", "58", "34", "18", "54", "17", "39", "51", "33", "58", "38"),
    "lingang": ("39", "35", "65", "73", "14", "27", "75", "40", "13"),
}
TRADE_NAMES = (
    "澜湄 南坡 磨丁 湄公 雨林 竹楼 曼庄 尚勇 勐远 金孔雀 彩云 滇沪 申滇 闽滇 楚滇 沪昆 象山 翠湖 星火 启明 "
    "臻远 恒通 汇川 锦程 瑞丰 宏昌 鼎泰 嘉和 华屹 泰和 祥云 远航 联诚 合盛 骏达 丰源 博远 新桥 天成 信诚 "
    "晨光 江城 港滇 南亚 通衢 云岭 苍山 洱源 怒江 高黎 红河 哀牢 乌蒙 金碧 云帆 聚丰 长风 致远 同舟 "
    "万象 琅勃 万荣 丰沙 会晒"
).split()
# Kind pattern of the sample projects; relocation covers all four classes.
KIND_CYCLE = (
    (Kind.NEW_OUT_OF_PROVINCE, ""),
    (Kind.NEW_OUT_OF_PROVINCE, ""),
    (Kind.NEW_ABROAD, ""),
    (Kind.RELOCATION, RelocationClass.POLICY),
    (Kind.NEW_OUT_OF_PROVINCE, ""),
    (Kind.RELOCATION, RelocationClass.VOLUNTARY),
    (Kind.NEW_OUT_OF_PROVINCE, ""),
    (Kind.NEW_ABROAD, ""),
    (Kind.RELOCATION, RelocationClass.REGISTRATION_KEPT),
    (Kind.RELOCATION, RelocationClass.HQ_ONLY),
)
PROVINCE_ORIGINS = (
    "上海市",
    "福建省",
    "湖北省",
    "浙江省",
    "广东省",
    "江苏省",
    "四川省",
    "重庆市",
    "山东省",
    "湖南省",
)
ABROAD_ORIGINS = ("香港特别行政区", "老挝", "泰国", "新加坡", "越南", "马来西亚")
SAMPLE_UNITS = (
    "530102", "530103", "530111", "530112", "530114", "530181", "gaoxin", "jingkai", "530113", "530115",
    "530124", "530125", "530126", "530127", "530128", "530129", "dianchi", "yangzonghai", "dianzhong",
)  # fmt: skip
WEIGHTS = (9, 14, 6, 22, 11, 17, 8, 30, 12, 5, 19, 10, 26, 7, 15)
# Sample projects filed by two units together (partner unit), by their position in the sample sequence.
PARTNERS = {4: "530102", 17: "530103", 30: "530181"}


def amounts_split(total_wan: int, n: int, *, salt: int) -> list[int]:
    """n varied amounts in whole 10万元 steps that add up to total_wan exactly (largest remainder)."""
    steps = total_wan // 10
    if steps * 10 != total_wan or n <= 0:
        raise ValueError("total must be a positive multiple of 10万元")
    weights = [WEIGHTS[(salt + 7 * i) % len(WEIGHTS)] for i in range(n)]
    whole = sum(weights)
    parts = [steps * w // whole for w in weights]
    by_remainder = sorted(range(n), key=lambda i: (-(steps * weights[i] % whole), i))
    for i in by_remainder[: steps - sum(parts)]:
        parts[i] += 1
    return [p * 10 for p in parts]


def landings() -> list[Landing]:
    """Every recognised project of the demo: the named cases plus generated sample ones, bucket by bucket."""
    result: list[Landing] = []
    serial = 0
    origins_used = {Kind.NEW_OUT_OF_PROVINCE: 0, Kind.NEW_ABROAD: 0}
    for b_index, bucket in enumerate(BUCKETS):
        named = [n for n in NAMED if n.park == bucket.park and bucket.start <= n.recognised_on <= bucket.end]
        rest = bucket.count - len(named)
        amounts = amounts_split(bucket.total_wan - sum(n.amount_wan for n in named), rest, salt=b_index * 3)
        result.extend(named)
        for i, amount in enumerate(amounts):
            unit = SAMPLE_UNITS[serial % len(SAMPLE_UNITS)]
            if (
                unit == "jingkai" and bucket.park == "lingang"
            ):  # the host's co-builder does not cooperate with itself
                unit = "530102"
            kind, relocation_class = KIND_CYCLE[serial % len(KIND_CYCLE)]
            origin = ""
            if kind != Kind.RELOCATION:
                choices = PROVINCE_ORIGINS if kind == Kind.NEW_OUT_OF_PROVINCE else ABROAD_ORIGINS
                origin = choices[origins_used[kind] % len(choices)]
                origins_used[kind] += 1
            industries = PARK_INDUSTRIES[bucket.park]
            industry = industries[serial % len(industries)]
            word, what = INDUSTRY_WORDS[industry]
            trade = TRADE_NAMES[serial]
            result.append(
                Landing(
                    unit=unit,
                    park=bucket.park,
                    recognised_on=bucket.batches[i % len(bucket.batches)],
                    amount_wan=amount,
                    kind=kind,
                    relocation_class=relocation_class,
                    origin=origin,
                    industry=industry,
                    project_name=f"{SAMPLE}{trade}{what}",
                    enterprise_name=f"{SAMPLE}{trade}{word}有限公司",
                    capital_wan=max(100, amount // 50 * 10),
                    partner=PARTNERS.get(serial, ""),
                )
            )
            serial += 1
    return result


def _weekday_before(day: dt.date, days: int) -> dt.date:
    """`days` before `day`, moved back to a Friday if that falls on a weekend."""
    out = day - dt.timedelta(days=days)
    while out.weekday() >= 5:
        out -= dt.timedelta(days=1)
    return out


def _dates(landing: Landing, index: int) -> tuple[dt.date, dt.date]:
    """Filing 5–20 days (weekdays only) before the recognition batch, signing up to 24 days before that (varied by index)."""
    assert landing.recognised_on is not None
    filed_on = max(_weekday_before(landing.recognised_on, 5 + (index * 7) % 14), MEASURES_IN_FORCE)
    signed_on = max(filed_on - dt.timedelta(days=3 + (index * 5) % 22), MEASURES_IN_FORCE)
    return filed_on, signed_on


# ---------------------------------------------------------------- building


@dataclass
class _Builder:
    """Holds the reference rows and accounts while the demo is built, so each lookup is made once."""

    users: dict[str, User]
    units: dict[str, Unit] = field(default_factory=dict)
    parks: dict[str, Park] = field(default_factory=dict)
    industries: dict[str, Industry] = field(default_factory=dict)
    areas: dict[str, ParkArea] = field(default_factory=dict)
    serial: Iterator[int] = field(default_factory=lambda: iter(range(1, 10**6)))

    def __post_init__(self) -> None:
        self.units = {u.code: u for u in Unit.objects.all()}
        self.parks = {p.code: p for p in Park.objects.all()}
        self.industries = {i.code: i for i in Industry.objects.filter(level=Industry.DIVISION)}
        self.areas = {a.park.code: a for a in ParkArea.objects.select_related("park")}

    def unit_user(self, code: str) -> User:
        return self.users[UNIT_USERNAME[code]]

    def enterprise(
        self,
        *,
        unit: str,
        name: str,
        kind: str,
        origin: str,
        industry: str,
        park: str,
        capital_wan: int,
        sample: bool,
    ) -> Enterprise:
        if kind == Kind.NEW_OUT_OF_PROVINCE:
            origin_kind, enterprise_origin = OriginKind.OUT_OF_PROVINCE, origin
        elif kind == Kind.NEW_ABROAD:
            origin_kind, enterprise_origin = OriginKind.ABROAD, origin
        else:
            origin_kind, enterprise_origin = OriginKind.LOCAL, "昆明市"
        address = "西双版纳州勐腊县磨憨镇" if park == "mohan" else "昆明经济技术开发区沪滇临港昆明科技城"
        return enterprise_services.enterprise_create(
            actor=self.unit_user(unit),
            data={
                "name": name,
                "credit_code": uscc_with_check(f"91530100MA{next(self.serial):07d}"),
                "registered_address": address,
                "registered_capital_fen": capital_wan * FEN_PER_WAN,
                "origin_kind": origin_kind,
                "origin": enterprise_origin,
                "industry": self.industries[industry],
            },
            is_sample=sample,
        )

    def draft(
        self, landing: Landing, *, enterprise: Enterprise, signed_on: dt.date | None, index: int
    ) -> Project:
        unit = self.units[landing.unit]
        data: dict[str, Any] = {
            "name": landing.project_name,
            "enterprise": enterprise,
            "park": self.parks[landing.park],
            "park_area": self.areas.get(landing.park) if index % 3 == 0 else None,
            "kind": landing.kind,
            "relocation_class": landing.relocation_class,
            "nature": "industrial",
            "industry": self.industries[landing.industry],
            "planned_investment_fen": landing.amount_wan * FEN_PER_WAN,
            "origin": landing.origin or unit.name,
            "description": landing.description,
            "signed_on": signed_on,
            "registered_on": landing.registered_on,
            "partner_units": [self.units[landing.partner]] if landing.partner else [],
        }
        if landing.kind == Kind.RELOCATION and landing.recognised_on is not None:
            # The move's month starts a relocation's sharing period; the samples move the month after
            # recognition, so their periods are the ones the figures were worked out with.
            data["moved_on"] = add_months(landing.recognised_on.replace(day=1), 1)
            data["move_evidence"] = "示例：迁入地市场监管部门变更登记通知书"
        if landing.park == "mohan" and landing.amount_wan >= 5_000 and signed_on:
            data["investment_code"] = f"{signed_on.year}-532823-{landing.industry}-03-{index + 1:06d}"
        return services.project_create(
            actor=self.unit_user(landing.unit), data=data, is_sample=landing.is_sample
        )

    def land(self, landing: Landing, index: int) -> Project:
        """File, review and recognise one project on the dates the reports imply."""
        assert landing.recognised_on is not None
        filed_on, signed_on = _dates(landing, index)
        enterprise = self.enterprise(
            unit=landing.unit,
            name=landing.enterprise_name,
            kind=landing.kind,
            origin=landing.origin,
            industry=landing.industry,
            park=landing.park,
            capital_wan=landing.capital_wan,
            sample=landing.is_sample,
        )
        project = self.draft(landing, enterprise=enterprise, signed_on=signed_on, index=index)
        project = services.project_file(actor=self.unit_user(landing.unit), project=project, on=filed_on)
        # Projects of 1亿元 and above are reviewed by the city; smaller ones by the host park.
        big = landing.amount_wan >= 10_000
        reviewer = self.users["reviewer"] if big or index % 4 == 0 else self.users[landing.park]
        project = services.project_start_review(actor=reviewer, project=project)
        return services.project_recognise(
            actor=self.users["reviewer"], project=project, on=landing.recognised_on
        )

    def pending(
        self,
        *,
        unit: str,
        park: str,
        industry: str,
        trade: str,
        amount_wan: int,
        origin: str = "上海市",
        enterprise: Enterprise | None = None,
    ) -> Project:
        """A sample draft that stays out of the figures (not recognised)."""
        word, what = INDUSTRY_WORDS[industry]
        landing = Landing(
            unit=unit,
            park=park,
            recognised_on=None,
            amount_wan=amount_wan,
            kind=Kind.NEW_OUT_OF_PROVINCE,
            relocation_class="",
            origin=origin,
            industry=industry,
            project_name=f"{SAMPLE}{trade}{what}",
            enterprise_name=f"{SAMPLE}{trade}{word}有限公司",
            capital_wan=max(100, amount_wan // 50 * 10),
        )
        enterprise = enterprise or self.enterprise(
            unit=unit,
            name=landing.enterprise_name,
            kind=landing.kind,
            origin=origin,
            industry=industry,
            park=park,
            capital_wan=landing.capital_wan,
            sample=True,
        )
        return self.draft(landing, enterprise=enterprise, signed_on=None, index=1)


def _evidence_pdf(text: str) -> bytes:
    """A one-page PDF standing in for a scanned first-contact record (evidence must be PDF/JPG/PNG)."""
    stream = f"BT /F1 14 Tf 72 770 Td ({text}) Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _other_states(b: _Builder) -> None:
    """Filings in every state that does not count: draft, filed, under review, returned, rejected, closed."""
    u = b.unit_user
    city, reviewer, mohan, lingang = (b.users[n] for n in ("city", "reviewer", "mohan", "lingang"))
    file = services.project_file

    # Drafts.
    b.pending(unit="530111", park="mohan", industry="17", trade="锦纶", amount_wan=1_800)
    b.pending(unit="530124", park="lingang", industry="14", trade="禾丰", amount_wan=900, origin="四川省")

    # Filed, waiting for review.
    p = b.pending(unit="530115", park="mohan", industry="58", trade="畅联", amount_wan=3_200, origin="广东省")
    file(actor=u("530115"), project=p, on=dt.date(2026, 11, 20))
    p = b.pending(
        unit="gaoxin", park="lingang", industry="65", trade="数研", amount_wan=2_500, origin="北京市"
    )
    file(actor=u("gaoxin"), project=p, on=dt.date(2026, 11, 18))

    # Under review, by the host park and by the city (1.5亿元: the city reviews).
    p = b.pending(unit="530125", park="mohan", industry="38", trade="能拓", amount_wan=4_600, origin="浙江省")
    p = file(actor=u("530125"), project=p, on=dt.date(2026, 11, 9))
    services.project_start_review(actor=mohan, project=p)
    p = b.pending(
        unit="dianzhong", park="lingang", industry="35", trade="精工", amount_wan=15_000, origin="江苏省"
    )
    p = file(actor=u("dianzhong"), project=p, on=dt.date(2026, 11, 5))
    services.project_start_review(actor=reviewer, project=p)

    # Returned for correction: outside the park's positioning; documents missing.
    p = b.pending(unit="530113", park="mohan", industry="72", trade="汇智", amount_wan=600, origin="湖南省")
    p = file(actor=u("530113"), project=p, on=dt.date(2026, 10, 20))
    p = services.project_start_review(actor=mohan, project=p)
    services.project_return(
        actor=mohan,
        project=p,
        reason="所属行业（商务服务业）不符合磨憨园区产业定位，请核实项目实际经营内容后修改行业或说明理由",
        on=dt.date(2026, 10, 28),
    )
    p = b.pending(
        unit="530127", park="lingang", industry="40", trade="测控", amount_wan=2_100, origin="陕西省"
    )
    p = file(actor=u("530127"), project=p, on=dt.date(2026, 10, 26))
    services.project_return(
        actor=reviewer,
        project=p,
        reason="请补充已签订的投资协议扫描件及企业营业执照",
        on=dt.date(2026, 11, 3),
    )

    # Rejected: landed before the measures.
    p = b.pending(unit="530126", park="mohan", industry="18", trade="锦绣", amount_wan=1_200, origin="福建省")
    p = file(actor=u("530126"), project=p, on=dt.date(2025, 9, 3))
    p = services.project_start_review(actor=reviewer, project=p)
    services.project_reject(
        actor=reviewer,
        project=p,
        reason="经核查，该企业2023年已在磨憨注册经营，不属于《办法》施行后新招引或流转的项目，不予认定",
        on=dt.date(2025, 9, 12),
    )

    # Two units file the same enterprise into Lingang; the earliest evidenced first contact wins.
    first = b.pending(
        unit="530103", park="lingang", industry="39", trade="智联", amount_wan=5_800, origin="广东省"
    )
    enterprise = first.enterprise
    for unit, on, kind in (
        ("530103", dt.date(2026, 8, 5), ClaimKind.VISIT),
        ("530112", dt.date(2026, 9, 10), ClaimKind.MEETING),
    ):
        services.claim_register(
            actor=u(unit),
            enterprise=enterprise,
            contacted_on=on,
            kind=kind,
            document=ContentFile(
                _evidence_pdf(f"Enclave demo: first contact {on:%Y-%m-%d}"), name="evidence.pdf"
            ),
            note=f"{SAMPLE}{b.units[unit].short_name}首次接洽记录",
        )
    second = b.pending(
        unit="530112", park="lingang", industry="39", trade="智联", amount_wan=5_800, enterprise=enterprise
    )
    file(actor=u("530103"), project=first, on=dt.date(2026, 9, 22))
    file(actor=u("530112"), project=second, on=dt.date(2026, 9, 25))
    conflict = Conflict.objects.get(enterprise=enterprise, status=Conflict.OPEN)
    services.conflict_resolve(actor=city, conflict=conflict)  # the second filing is closed
    services.project_start_review(actor=lingang, project=Project.objects.get(pk=first.pk))


def demo_present() -> bool:
    """Whether the demo has been loaded: the first named enterprise exists as a real (non-sample) record."""
    return Enterprise.objects.filter(name=NAMED[0].enterprise_name, is_sample=False).exists()


@transaction.atomic
def demo_build() -> dict[str, str]:
    """Create the accounts and the data set in an empty database; returns username → password."""
    if Project.objects.exists() or Enterprise.objects.exists():
        raise DemoRefused(
            "数据库中已有企业或项目数据，演示数据只能在空库中生成；请换用新的数据库文件后再运行"
        )
    taken = sorted(User.objects.filter(username__in=DEMO_USERNAMES).values_list("username", flat=True))
    if taken:
        raise DemoRefused(f"用户名已被占用：{'、'.join(taken)}；演示数据只能在空库中生成")
    if Park.objects.filter(code__in=["mohan", "lingang"]).count() != 2:
        raise DemoRefused("缺少园区基础数据，请先运行 manage.py migrate")
    made = _users_create()
    builder = _Builder(users={name: user for name, (user, _) in made.items()})
    # In filing order, so that project codes (MH-2024-0001 …) follow the dates.
    plan = sorted(enumerate(landings()), key=lambda item: (_dates(item[1], item[0])[0], item[0]))
    for index, landing in plan:
        builder.land(landing, index)
    _other_states(builder)
    from enclave.sharing.demo import demo_reports_build

    demo_reports_build(
        park_users={"mohan": builder.users["mohan"], "lingang": builder.users["lingang"]},
        city_admin=builder.users["city"],
        finance=builder.users["caizheng"],
    )
    from enclave.assessment.demo import demo_assessment_build

    demo_assessment_build(users=builder.users)

    from enclave.leads.demo import demo_pipeline_build

    demo_pipeline_build(builder.users)
    return {name: password for name, (_, password) in made.items()}
