from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from enclave.audit.models import Event, Verb
from enclave.conftest import make_draft, make_enterprise, make_filed, make_recognised
from enclave.parks.models import Industry, Park, Unit
from enclave.projects import services
from enclave.projects.filters import ProjectFilter, project_filter
from enclave.projects.models import Project
from enclave.projects.tests.conftest import client_for

pytestmark = pytest.mark.django_db

LIBRARY = reverse("projects:library")
EXPORT = reverse("projects:export")


def recognised_on(user, reviewer, on: dt.date, **overrides) -> Project:
    project = services.project_file(actor=user, project=make_draft(user, **overrides), on=on)
    project = services.project_start_review(actor=reviewer, project=project)
    return services.project_recognise(actor=reviewer, project=project, on=on)


def workbook_rows(response) -> list[tuple]:
    wb = load_workbook(io.BytesIO(response.content))
    return list(wb.active.iter_rows(values_only=True))


class TestLibraryScope:
    def test_anonymous_users_are_sent_to_login(self, client):
        response = client.get(LIBRARY)
        assert response.status_code == 302
        assert reverse("accounts:login") in response["Location"]

    def test_a_unit_sees_its_own_drafts_and_filings_with_the_total(self, wuhua):
        make_draft(wuhua, name="五华草稿项目")
        make_filed(wuhua, name="五华已报备项目", planned_investment_fen=12_345_678_900)
        body = client_for(wuhua).get(LIBRARY).content.decode()
        assert "五华草稿项目" in body and "五华已报备项目" in body
        assert "2个项目，计划总投资 1.73亿元" in body  # 5000万 + 12345.6789万 = 1.73亿
        assert "12,345.68" in body  # 万元, right-aligned column

    def test_panlong_sees_wuhuas_recognised_projects_but_none_of_its_unrecognised_filings(
        self, wuhua, panlong, reviewer
    ):
        draft = make_draft(wuhua, name="五华草稿甲")
        filed = make_filed(wuhua, name="五华报备乙")
        recognised = make_recognised(wuhua, reviewer, name="五华认定丙")
        body = client_for(panlong).get(LIBRARY).content.decode()
        assert "五华认定丙" in body and recognised.code in body
        for hidden in (draft, filed):
            assert hidden.name not in body
            assert hidden.display_code not in body
        assert "1个项目" in body

    def test_the_positioning_flag_shows_only_with_full_access(self, wuhua, panlong, reviewer):
        make_recognised(wuhua, reviewer, name="教育项目", industry=Industry.objects.get(code="83"))
        assert "行业不符定位" in client_for(wuhua).get(LIBRARY).content.decode()
        assert "行业不符定位" in client_for(reviewer).get(LIBRARY).content.decode()
        assert "行业不符定位" not in client_for(panlong).get(LIBRARY).content.decode()

    def test_sample_projects_carry_a_badge(self, wuhua):
        services.project_create(actor=wuhua, data=_data(name="示例项目"), is_sample=True)
        assert 'class="badge sample"' in client_for(wuhua).get(LIBRARY).content.decode()


def _data(**overrides):
    from enclave.conftest import project_data

    return project_data(**overrides)


class TestLibraryFilters:
    @pytest.fixture
    def projects(self, wuhua, panlong, reviewer):
        lingang = Park.objects.get(code="lingang")
        return {
            "mohan_2024q2": recognised_on(wuhua, reviewer, dt.date(2024, 6, 20), name="磨憨轻纺"),
            "lingang_2024q4": recognised_on(
                wuhua,
                reviewer,
                dt.date(2024, 11, 5),
                name="临港研发",
                park=lingang,
                industry=Industry.objects.get(code="73"),
            ),
            "panlong_2025q1": recognised_on(
                panlong,
                reviewer,
                dt.date(2025, 2, 10),
                name="盘龙机电",
                industry=Industry.objects.get(code="38"),
                origin="福建省",
                partner_units=[Unit.objects.get(code="530102")],
            ),
            "relocation": make_filed(
                wuhua,
                name="存量流转项目",
                kind="relocation",
                relocation_class="policy",
                origin="昆明市内",
                enterprise=make_enterprise(name="云南老字号有限公司"),
            ),
        }

    def names(self, user, **params) -> set[str]:
        response = client_for(user).get(LIBRARY, params)
        assert response.status_code == 200
        return {row[0].name for row in response.context["rows"]}

    def test_each_filter_narrows_the_list(self, projects, reviewer):
        assert self.names(reviewer, park="lingang") == {"临港研发"}
        assert self.names(reviewer, status="filed") == {"存量流转项目"}
        assert self.names(reviewer, kind="relocation") == {"存量流转项目"}
        assert self.names(reviewer, industry="38") == {"盘龙机电"}
        assert self.names(reviewer, industry="M") == {"临港研发"}  # section 科学研究和技术服务业
        assert self.names(reviewer, industry="C") == {"磨憨轻纺", "盘龙机电", "存量流转项目"}
        assert self.names(reviewer, origin="福建省") == {"盘龙机电"}
        assert self.names(reviewer, year="2024") == {"磨憨轻纺", "临港研发"}
        assert self.names(reviewer, year="2024", quarter="4") == {"临港研发"}
        assert self.names(reviewer, quarter="1") == {"盘龙机电"}

    def test_the_unit_filter_counts_partner_units(self, projects, reviewer):
        assert self.names(reviewer, unit="530102") == {"磨憨轻纺", "临港研发", "盘龙机电", "存量流转项目"}
        assert self.names(reviewer, unit="530103") == {"盘龙机电"}

    def test_search_covers_code_name_enterprise_and_credit_code(self, projects, reviewer):
        target = projects["panlong_2025q1"]
        assert self.names(reviewer, q=target.code) == {"盘龙机电"}
        assert self.names(reviewer, q="机电") == {"盘龙机电"}
        assert self.names(reviewer, q="老字号") == {"存量流转项目"}
        assert self.names(reviewer, q=target.enterprise.credit_code.lower()) == {"盘龙机电"}

    @pytest.mark.parametrize(
        "params, named",
        [({"year": "二〇二四"}, "year"), ({"quarter": "9"}, "quarter"), ({"status": "bogus"}, "status"),
         ({"industry": "zz"}, "industry"), ({"kind": "x"}, "kind"), ({"park": "磨憨"}, "park")],
    )  # fmt: skip
    def test_a_malformed_value_is_refused_naming_it_not_ignored(self, projects, reviewer, params, named):
        """Ignoring it showed every project under a filter the official believed applied (issue 14)."""
        for url in (reverse("projects:library"), reverse("projects:export")):
            response = client_for(reviewer).get(url, params)
            assert response.status_code == 400 and f"参数“{named}”" in response.content.decode()

    def test_filters_never_widen_the_scope(self, projects, panlong):
        # Wuhua's unrecognised filing matches the search but is not Panlong's to see.
        assert self.names(panlong, q="存量流转") == set()

    def test_the_filter_function_is_plain_and_reusable(self, projects):
        qs = project_filter(Project.objects.all(), {"park": "mohan", "year": "2024"})
        assert {p.name for p in qs} == {"磨憨轻纺"}
        assert ProjectFilter.from_params({"year": "2024", "q": " "}).as_params() == {"year": "2024"}
        assert ProjectFilter.from_params({"park": "mohan", "quarter": "Q2"}).describe() == (
            "园区：磨憨—磨丁合作区；认定季度：第2季度"
        )


class TestPaging:
    def test_pages_keep_the_filters_and_the_total_counts_every_page(self, wuhua, settings):
        settings.ENCLAVE_PAGE_SIZE = 2
        for i in range(5):
            make_filed(wuhua, name=f"分页项目{i}")
        make_draft(wuhua, name="草稿不在筛选内")
        client = client_for(wuhua)
        response = client.get(LIBRARY, {"status": "filed"})
        body = response.content.decode()
        assert len(response.context["rows"]) == 2
        assert "5个项目" in body
        assert "?status=filed&amp;page=2" in body
        assert "?status=filed&amp;page=3" in body  # last page
        last = client.get(LIBRARY, {"status": "filed", "page": "3"})
        assert len(last.context["rows"]) == 1
        assert client.get(LIBRARY, {"page": "999"}).status_code == 200  # out of range: last page

    def test_the_export_link_carries_the_filter(self, wuhua):
        body = client_for(wuhua).get(LIBRARY, {"status": "filed", "page": "2", "q": "项目"}).content.decode()
        assert f'href="{EXPORT}?status=filed&amp;q=%E9%A1%B9%E7%9B%AE"' in body


class TestExport:
    def test_it_exports_exactly_the_filtered_rows_of_every_page(self, wuhua, reviewer, settings):
        settings.ENCLAVE_PAGE_SIZE = 2
        for i in range(3):
            make_filed(wuhua, name=f"导出项目{i}")
        make_draft(wuhua, name="未筛中的草稿")
        response = client_for(wuhua).get(EXPORT, {"status": "filed"})
        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/vnd.openxmlformats")
        assert "attachment" in response["Content-Disposition"]
        rows = workbook_rows(response)
        assert "状态：已报备" in rows[0][0] and "导出时间" in rows[0][0]
        assert rows[1][0] == "项目编号" and rows[1][9] == "计划总投资（万元）"
        assert sorted(r[1] for r in rows[2:]) == ["导出项目0", "导出项目1", "导出项目2"]

    def test_the_title_names_the_filter_and_the_time_in_beijing(self, wuhua):
        with time_machine.travel(dt.datetime(2025, 3, 14, 2, 5, tzinfo=dt.UTC), tick=False):
            response = client_for(wuhua).get(EXPORT, {"park": "mohan", "year": "2024"})
        title = workbook_rows(response)[0][0]
        assert "园区：磨憨—磨丁合作区；认定年份：2024" in title
        assert "导出时间：2025-03-14 10:05（北京时间）" in title
        assert "20250314-1005" in response["Content-Disposition"]

    def test_it_exports_only_what_the_user_may_see(self, wuhua, panlong, reviewer):
        make_filed(wuhua, name="五华未认定")
        make_recognised(wuhua, reviewer, name="五华已认定")
        rows = workbook_rows(client_for(panlong).get(EXPORT))
        assert [r[1] for r in rows[2:]] == ["五华已认定"]
        assert rows[2][12] is None  # filing date is not public

    def test_round_trip_keeps_numbers_dates_and_literal_text(self, wuhua, reviewer):
        hostile = '=HYPERLINK("http://x",A1)'
        recognised_on(
            wuhua,
            reviewer,
            dt.date(2024, 6, 20),
            name=hostile,
            enterprise=make_enterprise(name="+cmd|' /C calc'!A0"),
            planned_investment_fen=12_345_678_901,
        )
        wb = load_workbook(io.BytesIO(client_for(wuhua).get(EXPORT).content))
        ws = wb.active
        assert ws.freeze_panes == "A3"
        assert ws.auto_filter.ref == "A2:O3"
        name, enterprise, amount, recognised = ws["B3"], ws["C3"], ws["J3"], ws["N3"]
        assert name.value == hostile and isinstance(name.value, str) and name.data_type == "s"
        assert enterprise.value.startswith("+") and enterprise.data_type == "s"
        assert isinstance(amount.value, int | float) and not isinstance(amount.value, bool)
        assert Decimal(str(amount.value)) == Decimal("12345.678901")
        assert amount.number_format == "#,##0.00"
        assert recognised.value.date() == dt.date(2024, 6, 20)  # a real date cell, not text
        assert ws.column_dimensions["B"].width > 20

    def test_every_export_is_audited_with_its_filter(self, wuhua):
        make_filed(wuhua)
        client_for(wuhua).get(EXPORT, {"status": "filed", "park": "mohan", "page": "4"})
        event = Event.objects.get(verb=Verb.EXPORT)
        assert event.actor == wuhua
        assert event.after["filters"] == {"park": "mohan", "status": "filed"}
        assert event.after["rows"] == 1

    def test_export_is_read_only_and_needs_login(self, client, wuhua):
        assert client.get(EXPORT).status_code == 302
        assert client_for(wuhua).post(EXPORT).status_code == 405
