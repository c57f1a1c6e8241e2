"""The bulletin: figures on the demo data (the seed report's), wording from plain facts, page, .docx, command."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import docx
import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import Client, override_settings

from enclave.audit.models import Event
from enclave.dashboards.bulletin import (
    BulletinFacts,
    Example,
    Figure,
    LandFact,
    ParkFacts,
    SubParkFacts,
    bulletin,
    bulletin_facts,
    bulletin_write,
    land_sentence,
    place_short,
    subpark_sentence,
)
from enclave.projects.demo import landings

pytestmark = pytest.mark.django_db
CUT_OFF = dt.date(2025, 3, 31)


def command(*args: str) -> str:
    out = StringIO()
    call_command("bulletin", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture(scope="class")
def demo(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any) -> Any:
    """The demo built once for the class, rolled back afterwards (as in the demo command's tests)."""
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")),
        transaction.atomic(),
    ):
        call_command("demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)


def demo_expected() -> dict[str, tuple[int, int]]:
    """The figures as the demo's own plan defines them (not copied from the report): count, 万元."""
    landed = [x for x in landings() if x.recognised_on and x.recognised_on <= CUT_OFF]

    def fig(rows):
        return len(rows), sum(x.amount_wan for x in rows)

    return {
        "all": fig(landed),
        "2024": fig([x for x in landed if x.recognised_on.year == 2024]),
        "q1": fig([x for x in landed if x.recognised_on >= dt.date(2025, 1, 1)]),
        "mohan": fig([x for x in landed if x.park == "mohan"]),
    }


@pytest.mark.usefixtures("demo")
class TestBulletinOnTheDemo:
    def test_the_demo_plan_gives_the_reports_figures(self):
        assert demo_expected() == {"all": (55, 141_900), "2024": (48, 129_200), "q1": (7, 12_700),
                                   "mohan": (41, 112_900)}  # fmt: skip

    def test_it_states_the_seed_reports_figures(self):
        text = command("--as-of", "2025-03-31")
        assert "截至2025年3月31日，已有55个项目完成备案审核程序" in text
        assert "2024年有48个项目落地，计划总投资12.92亿元" in text
        assert "今年一季度有7个项目完成备案审核程序，总投资约1.27亿元" in text
        assert "41户企业、41个项目落地磨憨—磨丁合作区，计划总投资11.29亿元" in text

    def test_it_names_the_real_cases_and_the_sub_park(self):
        text = bulletin(CUT_OFF).text
        assert "禄劝县于2024年6月推动云南雅酌酒业有限公司在磨憨—磨丁合作区落地" in text
        assert "寻甸县于2025年3月推动维先农业(科技)云南有限公司在沪滇临港昆明科技城落地" in text
        assert "（示例）" not in text

    def test_it_states_the_land_won_and_the_sub_parks_being_built(self):
        """The seed's land paragraph: 五华 47.03亩 (2024-07-15), 禄劝 52.57亩 (2024-09-24) for 5.18万平方米 of
        standard factories, and 寻甸、安宁、东川 (sample areas, all won before the cut-off)."""
        text = command("--as-of", "2025-03-31")
        section = text.split("三、跨区域合作园区建设")[1]
        assert (
            "截至2025年3月31日，五华区（47.03亩）、禄劝县（52.57亩）、寻甸县（30.15亩）、安宁市（41.60亩）、"
            "东川区（25.08亩）等5个协作地已在磨憨—磨丁合作区竞得土地5宗，共196.43亩。" in section
        )
        assert (
            "五华区于2024年7月15日在磨憨—磨丁合作区竞得47.03亩土地，建设云南五华产业园磨憨园区，计划投资2.92亿元，"
            "由1幢研发中心、1幢后勤综合楼、2幢标准化厂房组成，总建筑面积4.04万平方米，2024年9月1日开工，"
            "计划2025年6月30日前具备使用条件" in section
        )
        assert (
            "禄劝县于2024年9月24日在磨憨—磨丁合作区竞得52.57亩土地，计划投资3.13亿元建设5.18万平方米标准厂房"
            "（禄劝县磨憨标准厂房园区），2024年11月1日开工，计划2025年12月31日前建成投入使用；"
            "与8家企业达成入园合作意向。" in section
        )
        assert "此外，寻甸县、安宁市、东川区也先后在磨憨—磨丁合作区竞拍获得土地。" in section

    def test_land_and_building_follow_the_cut_off(self):
        before_any = bulletin(dt.date(2024, 6, 30)).text
        assert "竞得" not in before_any and "开工" not in before_any
        assert "三、跨区域合作园区建设" not in before_any  # no sub-park had been set up yet
        won_not_started = bulletin(dt.date(2024, 8, 31)).text
        assert "截至2024年8月31日，五华区已在磨憨—磨丁合作区竞得土地1宗，共47.03亩。" in won_not_started
        assert "52.57亩" not in won_not_started and "开工" not in won_not_started
        completed = bulletin(dt.date(2026, 1, 1)).text
        assert "196.43亩" in completed  # land stays won; sub-parks without a completion date stay in building

    def test_a_sub_park_is_absent_before_the_date_it_was_set_up(self):
        """禄劝's sub-park was set up on 2024-09-24 (its land won) and 五华's on 2024-07-15: before those days the
        bulletin does not call them 规划建设, nor anything else."""
        for day, absent, present in (
            (dt.date(2024, 7, 14), ("云南五华产业园磨憨园区", "禄劝县磨憨标准厂房园区"), ()),
            (dt.date(2024, 7, 15), ("禄劝县磨憨标准厂房园区",), ("云南五华产业园磨憨园区",)),
            (dt.date(2024, 9, 23), ("禄劝县磨憨标准厂房园区",), ("云南五华产业园磨憨园区",)),
            (dt.date(2024, 9, 24), (), ("云南五华产业园磨憨园区", "禄劝县磨憨标准厂房园区")),
        ):
            text = bulletin(day).text
            names = {f.name for f in bulletin_facts(day).subparks}
            for name in absent:
                assert name not in text and name not in names, (day, name)
            for name in present:
                assert name in names, (day, name)
        assert "禄劝县在磨憨—磨丁合作区规划建设禄劝县磨憨标准厂房园区" not in bulletin(dt.date(2024, 9, 23)).text

    def test_an_earlier_cut_off_counts_only_what_had_landed(self):
        text = bulletin(dt.date(2024, 6, 30)).text
        assert "已有25个项目完成备案审核程序，落地重点产业协作园区，计划总投资6.38亿元" in text
        assert "今年二季度有25个项目" in text and "2023年" not in text
        assert "维先农业" not in text

    def test_the_page_and_the_docx_say_the_same(self, client: Client):
        from enclave.accounts.models import User

        User.objects.filter(username="mohan").update(must_change_password=False)  # seeded password replaced
        client.force_login(User.objects.get(username="mohan"))
        page = client.get("/dashboards/bulletin/?as_of=2025-03-31").content.decode()
        assert "2024年有48个项目落地，计划总投资12.92亿元" in page
        assert (
            "禄劝县于2024年9月24日在磨憨—磨丁合作区竞得52.57亩土地，计划投资3.13亿元建设5.18万平方米标准厂房"
            in page
        )
        assert "五华区（47.03亩）" in page and "共196.43亩" in page
        response = client.get("/dashboards/bulletin.docx?as_of=2025-03-31")
        assert response["Content-Type"].startswith(
            "application/vnd.openxmlformats-officedocument.wordprocessingml"
        )
        document = docx.Document(io.BytesIO(response.content))
        paragraphs = [p.text for p in document.paragraphs]
        assert paragraphs[0] == "昆明市重点产业协作园区工作简报" and paragraphs[1] == "（截至2025年3月31日）"
        assert paragraphs[2:] == [
            line.strip("　") for line in bulletin(CUT_OFF).text.splitlines()[3:] if line
        ]
        assert any("竞得52.57亩土地，计划投资3.13亿元建设5.18万平方米标准厂房" in p for p in paragraphs)
        assert any(p.startswith("五华区于2024年7月15日在磨憨—磨丁合作区竞得47.03亩土地") for p in paragraphs)
        assert Event.objects.filter(verb="export", object_type="dashboards.bulletin").count() == 1


def facts(**overrides: Any) -> BulletinFacts:
    base: dict[str, Any] = dict(
        as_of=dt.date(2025, 8, 15), total=Figure(10, 5 * 10**10, 9), last_year=Figure(0, 0),
        this_year=Figure(10, 5 * 10**10), this_quarter=Figure(3, 12_345 * 10**6), relocation=0, new=10,
        origins=("上海市", "香港特别行政区"), examples=(), parks=(), units=(), subparks=(),
    )  # fmt: skip
    base.update(overrides)
    return BulletinFacts(**base)


class TestWording:
    def test_after_the_first_quarter_it_speaks_of_the_year_so_far_and_the_quarter(self):
        text = bulletin_write(facts()).text
        assert (
            "其中，今年以来有10个项目落地，计划总投资5.00亿元；今年三季度有3个项目完成备案审核程序，总投资约1.23亿元。"
            in text
        )
        assert "年有" not in text.split("其中")[1].split("今年以来")[0]

    def test_a_quarter_without_landings_is_said_plainly(self):
        text = bulletin_write(facts(this_quarter=Figure(0, 0))).text
        assert "今年三季度暂无新认定项目" in text

    def test_origins_are_listed_without_province_suffixes(self):
        text = bulletin_write(facts(relocation=2, new=8)).text
        assert (
            "既包括需扩大对外生产经营、主动流转的市域内存量企业项目2个，也包括从上海、香港等地新招引" in text
        )
        assert bulletin_write(facts()).text.count("均为从上海、香港等地新招引的省外（境外）企业项目10个") == 1
        assert [place_short(x) for x in ("广西壮族自治区", "老挝", "重庆市")] == ["广西", "老挝", "重庆"]

    def test_examples_parks_units_and_sub_parks(self):
        text = bulletin_write(facts(
            examples=(Example("禄劝县", "云南雅酌酒业有限公司", "磨憨—磨丁合作区", "出口酒项目", dt.date(2024, 6, 26), 2_000 * 10**6),),
            parks=(ParkFacts("磨憨—磨丁合作区", Figure(41, 1_129 * 10**8, 41), ("轻纺", "机电")),),
            units=(("五华区", Figure(4, 6_960 * 10**6)),),
            subparks=(SubParkFacts("五华区", "磨憨—磨丁合作区", "南坡片区", "云南五华产业园磨憨园区", 2),),
        )).text  # fmt: skip
        assert (
            "禄劝县于2024年6月推动云南雅酌酒业有限公司在磨憨—磨丁合作区落地出口酒项目，计划总投资2000万元。"
            in text
        )
        assert "41户企业、41个项目落地磨憨—磨丁合作区，计划总投资11.29亿元，涵盖轻纺、机电等领域。" in text
        assert "从协作地看，五华区（4个项目，计划总投资6960万元）落地项目数量位居全市前列。" in text
        assert (
            "三、跨区域合作园区建设" in text
            and "南坡片区规划建设云南五华产业园磨憨园区，已有2个项目入驻。" in text
        )

    def test_land_is_written_in_mu_and_floor_space_in_wan_square_metres(self):
        fact = LandFact(
            "禄劝县", "磨憨—磨丁合作区", dt.date(2024, 9, 24), Decimal("52.57"), 313 * 10**8, Decimal(51_800)
        )
        assert land_sentence(fact) == (
            "禄劝县于2024年9月24日在磨憨—磨丁合作区竞得52.57亩土地，计划投资3.13亿元建设5.18万平方米标准厂房"
        )
        assert land_sentence(
            LandFact("五华区", "磨憨—磨丁合作区", dt.date(2024, 7, 15), Decimal("47.03"))
        ) == ("五华区于2024年7月15日在磨憨—磨丁合作区竞得47.03亩土地")
        text = bulletin_write(facts(land=(fact,))).text
        assert (
            "三、跨区域合作园区建设" in text and "禄劝县已在磨憨—磨丁合作区竞得土地1宗，共52.57亩。" in text
        )


class TestSubParkWording:
    def land(self, **overrides: Any) -> LandFact:
        return LandFact(**{"unit": "禄劝县", "park": "磨憨—磨丁合作区", "won_on": dt.date(2024, 9, 24),
                           "area_mu": Decimal("52.57"), **overrides})  # fmt: skip

    def test_several_parcels_are_counted_from_the_first(self):
        assert land_sentence(self.land(parcels=2, area_mu=Decimal("80.5"))) == (
            "禄劝县自2024年9月24日起在磨憨—磨丁合作区先后竞得2宗共80.50亩土地"
        )

    def test_a_factory_park_reads_like_the_report_and_a_mixed_one_lists_its_buildings(self):
        factories = SubParkFacts("禄劝县", "磨憨—磨丁合作区", "", "禄劝园", 0, stage="building",
                                 planned_fen=313 * 10**8, floor_area_m2=Decimal(51_800), factory_only=True,
                                 buildings=(("标准化厂房", 3),), land=self.land(), intending=8)  # fmt: skip
        assert subpark_sentence(factories) == (
            "禄劝县于2024年9月24日在磨憨—磨丁合作区竞得52.57亩土地，计划投资3.13亿元建设5.18万平方米标准厂房"
            "（禄劝园）；与8家企业达成入园合作意向。"
        )
        mixed = SubParkFacts("五华区", "磨憨—磨丁合作区", "南坡片区", "五华园", 2, stage="building",
                             buildings=(("研发中心", 1), ("标准化厂房", 2)), floor_area_m2=Decimal(8_500),
                             started_on=dt.date(2024, 9, 1), due_on=dt.date(2025, 6, 30), due_what="具备使用条件",
                             entered=1)  # fmt: skip
        assert subpark_sentence(mixed) == (
            "五华区在磨憨—磨丁合作区南坡片区建设五华园，由1幢研发中心、2幢标准化厂房组成，总建筑面积8,500平方米，"
            "2024年9月1日开工，计划2025年6月30日前具备使用条件；已有2个项目入驻，已有1家企业入园。"
        )

    def test_land_without_a_sub_park_being_built_is_only_in_the_overview(self):
        text = bulletin_write(
            facts(land=(self.land(), self.land(unit="寻甸县", area_mu=Decimal("30.15"))))
        ).text
        assert (
            "禄劝县（52.57亩）、寻甸县（30.15亩）等2个协作地已在磨憨—磨丁合作区竞得土地2宗，共82.72亩。"
            in text
        )
        assert "此外" not in text

    def test_a_completed_sub_park_on_the_data(self, wuhua):
        from enclave.land import services as land_services
        from enclave.parks.models import Park

        mohan = Park.objects.get(code="mohan")
        sp = land_services.subpark_create(actor=wuhua, data={"name": "测试园中园", "park": mohan, "established_on": dt.date(2024, 7, 1)})
        land_services.parcel_create(actor=wuhua, data={"park": mohan, "subpark": sp, "area_mu": "10.5",
                                                       "auctioned_on": dt.date(2024, 7, 15), "price_fen": 1})  # fmt: skip
        land_services.building_add(actor=wuhua, subpark=sp, kind="factory", name="1号", floor_area_m2="12000")
        building = bulletin(dt.date(2025, 3, 31)).text
        assert (
            "五华区于2024年7月15日在磨憨—磨丁合作区竞得10.50亩土地，建设1.20万平方米标准厂房（测试园中园）。"
            in building
        )
        land_services.subpark_update(actor=wuhua, subpark=sp, data={"name": "测试园中园", "park": mohan,
                                                                    "completed_on": dt.date(2025, 6, 28)})  # fmt: skip
        assert "测试园中园已于2025年6月28日建成投入使用" in bulletin(dt.date(2025, 7, 1)).text
        assert "建设1.20万平方米标准厂房（测试园中园）" in bulletin(dt.date(2025, 6, 1)).text


class TestCommand:
    def test_a_bad_date_is_refused_in_chinese(self):
        with pytest.raises(CommandError, match="截止日期“2025-13-01”无效"):
            command("--as-of", "2025-13-01")

    def test_it_can_save_a_docx(self, tmp_path: Path, wuhua):
        target = tmp_path / "bulletin.docx"
        out = StringIO()
        call_command(
            "bulletin", "--as-of", "2025-03-31", "--docx", str(target), stdout=out, stderr=StringIO()
        )
        assert "已有0个项目" in out.getvalue()
        assert docx.Document(str(target)).paragraphs[0].text == "昆明市重点产业协作园区工作简报"


class TestBulletinPage:
    def test_a_bad_cut_off_keeps_the_typed_value_and_says_why(self, wuhua):
        client = Client()
        client.force_login(wuhua)
        body = client.get("/dashboards/bulletin/?as_of=2025-02-30").content.decode()
        assert "截止日期应为有效日期" in body and 'value="2025-02-30"' in body
