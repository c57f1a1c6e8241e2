from __future__ import annotations

import pytest
from django.urls import reverse

from enclave.conftest import make_draft, make_filed, make_recognised
from enclave.parks.models import Unit
from enclave.projects import services
from enclave.projects.tests.conftest import client_for

pytestmark = pytest.mark.django_db


def detail(project) -> str:
    return reverse("projects:detail", args=[project.pk])


class TestDetailFacts:
    def test_the_owner_sees_every_field_with_chinese_labels(self, wuhua):
        project = make_filed(wuhua, name="轻纺出口加工项目", investment_code="2024-530102-17-03-000123")
        body = client_for(wuhua).get(detail(project)).content.decode()
        assert project.code in body
        for text in ("项目编号", "统一社会信用代码", "报备单位（协作地）", "计划总投资", "5,000.00万元", "0.50亿元",
                     "全国投资项目代码", "2024-530102-17-03-000123", "报备日期", "2024-06-03",
                     'class="badge status-filed"'):  # fmt: skip
            assert text in body

    def test_the_agreement_shows_parties_in_percent_and_basis_points(self, wuhua, reviewer):
        project = make_recognised(wuhua, reviewer)
        body = client_for(wuhua).get(detail(project)).content.decode()
        assert "利益分享协议" in body
        assert "五华区" in body and "磨憨—磨丁合作区（承载地）" in body
        assert "50%" in body and ">5000<" in body
        # New recruitment counts from its first month with tax; none reported yet, so the end is open.
        assert "2024-07 — " in body and "自认定后首个纳税月份起60个月" in body and "2029-06" not in body


class TestTimeline:
    def test_the_owner_and_the_city_see_the_timeline_and_audit_diffs(self, wuhua, reviewer, city_admin):
        project = make_filed(wuhua)
        services.project_return(actor=reviewer, project=project, reason="请补充投资协议")
        project.refresh_from_db()
        services.project_update(actor=wuhua, project=project, data={"name": "改名后的项目"})
        for user in (wuhua, city_admin):
            body = client_for(user).get(detail(project)).content.decode()
            assert "办理记录" in body
            assert "退回修改" in body and "请补充投资协议" in body
            assert "审计记录" in body
            assert "轻纺出口加工项目" in body and "改名后的项目" in body  # the name change, before → after
            assert "项目名称" in body

    def test_another_unit_sees_only_public_fields_of_a_recognised_project(self, wuhua, panlong, reviewer):
        project = make_recognised(wuhua, reviewer, description="内部简介不公开")
        response = client_for(panlong).get(detail(project))
        body = response.content.decode()
        assert response.status_code == 200
        assert project.code in body and project.name in body and project.enterprise.name in body
        assert "办理记录" not in body and "审计记录" not in body
        assert "内部简介不公开" not in body
        assert project.enterprise.credit_code not in body
        assert "仅显示公开信息" in body

    def test_another_units_draft_is_a_404_that_names_nothing(self, wuhua, panlong):
        draft = make_draft(wuhua, name="五华保密草稿")
        filed = make_filed(wuhua, name="五华保密报备")
        for project in (draft, filed):
            response = client_for(panlong).get(detail(project))
            body = response.content.decode()
            assert response.status_code == 404
            assert project.name not in body
            assert project.display_code not in body

    def test_a_partner_unit_has_full_access_once_filed(self, wuhua, panlong):
        project = make_filed(wuhua, partner_units=[Unit.objects.get(code="530103")])
        body = client_for(panlong).get(detail(project)).content.decode()
        assert "办理记录" in body


class TestActionButtons:
    def test_the_owner_may_edit_and_file_a_draft_but_not_review_it(self, wuhua):
        project = make_draft(wuhua)
        body = client_for(wuhua).get(detail(project)).content.decode()
        assert reverse("projects:edit", args=[project.pk]) in body
        assert reverse("projects:file", args=[project.pk]) in body
        assert 'value="start_review"' not in body

    def test_a_reviewer_gets_the_review_steps_of_the_current_status(self, wuhua, reviewer):
        project = make_filed(wuhua)
        body = client_for(reviewer).get(detail(project)).content.decode()
        assert 'value="start_review"' in body and 'value="return"' in body and 'value="reject"' in body
        assert 'value="close"' not in body  # city admin only
        assert reverse("projects:recognise", args=[project.pk]) not in body  # not under review yet
        project = services.project_start_review(actor=reviewer, project=project)
        body = client_for(reviewer).get(detail(project)).content.decode()
        assert reverse("projects:recognise", args=[project.pk]) in body

    def test_a_park_user_acts_only_on_its_own_park(self, wuhua, mohan_user, lingang_user):
        project = make_filed(wuhua)
        assert 'value="start_review"' in client_for(mohan_user).get(detail(project)).content.decode()
        assert client_for(lingang_user).get(detail(project)).status_code == 404

    def test_the_auditor_reads_without_buttons(self, wuhua, auditor):
        project = make_filed(wuhua)
        body = client_for(auditor).get(detail(project)).content.decode()
        assert "办理记录" in body
        assert reverse("projects:action", args=[project.pk]) not in body


class TestInvestmentProgress:
    def test_the_owner_sees_planned_against_actual_investment_and_the_far_behind_flag(
        self, wuhua, panlong, reviewer, mohan_user
    ):
        import datetime as dt

        from enclave.sharing import services as sharing_services

        project = make_recognised(wuhua, reviewer)  # planned 5000万元, recognised 2024-06-20
        sharing_services.report_create(
            actor=mohan_user, project=project, month=dt.date(2024, 7, 1), taxes={},
            values={"fixed_asset_investment_fen": 500 * 10**6},
        )  # fmt: skip
        body = client_for(wuhua).get(detail(project)).content.decode()
        assert "投资进度" in body and "累计完成固定资产投资" in body
        assert "500.00万元 (10%)" in body
        assert "含预估数" in body  # the July report is not yet confirmed
        assert "投资进度严重滞后于承诺" in body  # years after recognition, only a tenth is built
        assert f"?q={project.code}" in body
        # another unit sees public fields only: no progress figures
        assert "投资进度" not in client_for(panlong).get(detail(project)).content.decode()

    def test_a_project_not_yet_recognised_has_no_progress_block(self, wuhua):
        body = client_for(wuhua).get(detail(make_filed(wuhua))).content.decode()
        assert "投资进度" not in body
