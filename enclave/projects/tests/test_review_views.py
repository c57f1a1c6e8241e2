from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from enclave.audit.models import Event
from enclave.conftest import make_draft, make_filed
from enclave.parks.models import Unit
from enclave.projects import services
from enclave.projects.models import Agreement, Project, StatusChange
from enclave.projects.tests.conftest import client_for
from enclave.projects.workflow import Status

pytestmark = pytest.mark.django_db

TODAY = dt.datetime(2025, 3, 14, 2, tzinfo=dt.UTC)  # 10:00 in Kunming


def act(client, project, action, reason=""):
    return client.post(reverse("projects:action", args=[project.pk]), {"action": action, "reason": reason})


def status_of(project) -> str:
    return Project.objects.get(pk=project.pk).status


class TestReviewActions:
    def test_start_review(self, wuhua, reviewer):
        project = make_filed(wuhua)
        response = act(client_for(reviewer), project, "start_review")
        assert response.status_code == 302
        assert status_of(project) == Status.UNDER_REVIEW

    def test_return_needs_a_reason(self, wuhua, reviewer):
        project = make_filed(wuhua)
        client = client_for(reviewer)
        response = act(client, project, "return", reason="  ")
        assert response.status_code == 200
        body = response.content.decode()
        assert "“退回修改”须填写原因" in body
        assert status_of(project) == Status.FILED
        assert not StatusChange.objects.filter(action="return").exists()

        act(client, project, "return", reason="请补充投资协议扫描件")
        project.refresh_from_db()
        assert project.status == Status.RETURNED and project.status_reason == "请补充投资协议扫描件"
        assert StatusChange.objects.get(action="return").actor == reviewer

    def test_an_overlong_reason_is_refused_at_the_field(self, wuhua, reviewer):
        project = make_filed(wuhua)
        response = act(client_for(reviewer), project, "return", reason="长" * 2001)
        assert response.status_code == 200
        assert response.context["action_form"].errors["reason"]
        assert status_of(project) == Status.FILED

    def test_reject(self, wuhua, reviewer):
        project = make_filed(wuhua)
        act(client_for(reviewer), project, "reject", reason="属于房地产项目")
        assert status_of(project) == Status.REJECTED

    def test_close_is_for_the_city_admin(self, wuhua, reviewer, city_admin):
        project = make_filed(wuhua)
        response = act(client_for(reviewer), project, "close", reason="重复报备")
        assert response.status_code == 403  # a role refusal is an access refusal, logged
        assert status_of(project) == Status.FILED
        act(client_for(city_admin), project, "close", reason="重复报备")
        assert status_of(project) == Status.CLOSED

    def test_a_step_from_the_wrong_status_is_refused_with_a_message(self, wuhua, reviewer):
        project = make_filed(wuhua)
        client = client_for(reviewer)
        act(client, project, "start_review")
        response = act(client, project, "start_review")
        assert response.status_code == 302
        page = client.get(response["Location"])
        assert "不能执行“开始审查”" in page.content.decode()
        assert StatusChange.objects.filter(action="start_review").count() == 1

    def test_a_unit_cannot_review_its_own_filing(self, wuhua):
        project = make_filed(wuhua)
        act(client_for(wuhua), project, "start_review")
        assert status_of(project) == Status.FILED

    def test_a_park_user_outside_its_park_is_refused(self, wuhua, lingang_user):
        project = make_filed(wuhua)
        assert act(client_for(lingang_user), project, "start_review").status_code == 404
        assert status_of(project) == Status.FILED

    def test_an_unknown_action_changes_nothing(self, wuhua, reviewer):
        project = make_filed(wuhua)
        assert act(client_for(reviewer), project, "recognise").status_code == 302
        assert status_of(project) == Status.FILED

    def test_state_changing_routes_refuse_get(self, wuhua, reviewer, city_admin):
        project = make_filed(wuhua)
        client = client_for(reviewer)
        for name in ("projects:action", "projects:file"):
            assert client.get(reverse(name, args=[project.pk])).status_code == 405
        assert client_for(city_admin).get(reverse("projects:conflict_resolve", args=[1])).status_code == 405
        assert status_of(project) == Status.FILED

    def test_csrf_is_enforced(self, wuhua, reviewer):
        project = make_filed(wuhua)
        client = client_for(reviewer, enforce_csrf_checks=True)
        events = Event.objects.count()
        response = act(client, project, "start_review")
        assert response.status_code == 403
        response = client.post(
            reverse("projects:recognise", args=[project.pk]), {"recognised_on": "2024-06-20"}
        )
        assert response.status_code == 403
        assert status_of(project) == Status.FILED
        assert Event.objects.count() == events

    def test_csrf_is_enforced_on_filing_forms(self, wuhua):
        draft = make_draft(wuhua)
        client = client_for(wuhua, enforce_csrf_checks=True)
        assert client.post(reverse("projects:create"), {"name": "x"}).status_code == 403
        assert client.post(reverse("projects:file", args=[draft.pk])).status_code == 403
        assert Project.objects.count() == 1 and status_of(draft) == Status.DRAFT


class TestRecognise:
    @pytest.fixture(autouse=True)
    def _frozen(self):
        with time_machine.travel(TODAY, tick=False):
            yield

    @pytest.fixture
    def project(self, wuhua, reviewer):
        project = make_filed(wuhua, partner_units=[Unit.objects.get(code="530103")])
        return services.project_start_review(actor=reviewer, project=project)

    def url(self, project) -> str:
        return reverse("projects:recognise", args=[project.pk])

    def test_the_form_is_prefilled_with_the_default_split(self, project, reviewer):
        response = client_for(reviewer).get(self.url(project))
        assert response.status_code == 200
        form = response.context["form"]
        assert form.initial["recognised_on"] == dt.date(2025, 3, 14)
        # Months stay blank (typed months are the agreement's own); the policy's rule is shown instead.
        assert "start_month" not in form.initial and "end_month" not in form.initial
        assert response.context["proposal"].span.covers_from == dt.date(2025, 4, 1)
        assert [form.initial[f"share_{i}"] for i in range(3)] == [2500, 2500, 5000]
        body = response.content.decode()
        assert "五华区" in body and "盘龙区" in body and "（承载地）" in body
        assert "25%" in body and "50%" in body
        assert 'type="month"' in body
        assert 'max="2025-03-14"' in body  # no recognition in the future

    def test_recognise_with_custom_shares(self, project, reviewer):
        data = {
            "recognised_on": "2025-03-10",
            "start_month": "2025-04",
            "end_month": "2028-03",
            "share_0": "3000",
            "share_1": "2100",
            "share_2": "4900",
            "reason": "按投资比例协商",
        }
        response = client_for(reviewer).post(self.url(project), data)
        assert response.status_code == 302
        project.refresh_from_db()
        assert project.status == Status.RECOGNISED and project.recognised_on == dt.date(2025, 3, 10)
        agreement = Agreement.objects.get(project=project)
        assert agreement.start_month == dt.date(2025, 4, 1) and agreement.end_month == dt.date(2028, 3, 1)
        assert sorted((p.party_code, p.share_bp) for p in agreement.parties.all()) == [
            ("530102", 3000),
            ("530103", 2100),
            ("mohan", 4900),
        ]

    def test_shares_not_adding_to_10000_change_nothing(self, project, reviewer):
        data = {
            "recognised_on": "2025-03-10",
            "start_month": "2025-04",
            "end_month": "2028-03",
            "share_0": "3000",
            "share_1": "2000",
            "share_2": "4900",
        }
        response = client_for(reviewer).post(self.url(project), data)
        assert response.status_code == 200
        assert "各方分成之和应为10000基点（100%），当前为9900" in response.content.decode()
        assert 'value="2000"' in response.content.decode()
        assert status_of(project) == Status.UNDER_REVIEW
        assert not Agreement.objects.exists()

    def test_a_future_recognition_date_is_refused_at_its_field(self, project, reviewer):
        data = {"recognised_on": "2025-03-15", "start_month": "2025-04", "end_month": "2028-03",
                "share_0": "2500", "share_1": "2500", "share_2": "5000"}  # fmt: skip
        response = client_for(reviewer).post(self.url(project), data)
        assert response.context["form"].errors["recognised_on"] == ["认定日期不能晚于今天"]
        assert status_of(project) == Status.UNDER_REVIEW

    def test_unreadable_months_and_shares_are_reported(self, project, reviewer):
        data = {"recognised_on": "2025-03-10", "start_month": "四月", "end_month": "2028-03",
                "share_0": "25%", "share_1": "", "share_2": "5000"}  # fmt: skip
        errors = client_for(reviewer).post(self.url(project), data).context["form"].errors
        assert errors["start_month"] == ["分享起始月份应为年-月，如 2025-07"]
        assert errors["share_0"] == ["分成应为整数基点，如 5000 表示50%"]
        assert errors["share_1"] == ["请填写分成基点（0–10000）"]

    def test_units_cannot_recognise(self, project, wuhua):
        assert client_for(wuhua).get(self.url(project)).status_code == 403

    def test_a_filed_project_is_not_yet_recognisable(self, wuhua, reviewer):
        project = make_filed(wuhua)
        response = client_for(reviewer).get(self.url(project))
        assert response.status_code == 302 and response["Location"] == reverse(
            "projects:detail", args=[project.pk]
        )
