from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.urls import reverse

from enclave.audit.models import Event
from enclave.conftest import make_draft, make_enterprise, make_filed, make_recognised
from enclave.parks.models import Park, Unit
from enclave.projects.models import Project
from enclave.projects.tests.conftest import client_for
from enclave.projects.workflow import Status

pytestmark = pytest.mark.django_db

CREATE = reverse("projects:create")


def form_data(enterprise, **overrides) -> dict:
    data = {
        "name": "轻纺出口加工项目",
        "enterprise_code": enterprise.credit_code,
        "park": str(Park.objects.get(code="mohan").pk),
        "kind": "new_domestic",
        "relocation_class": "",
        "nature": "industrial",
        "industry": "17",
        "planned_investment_wan": "5,000",
        "origin": "上海市",
        "investment_code": "",
        "description": "",
        "signed_on": "2024-05-20",
        "submit": "draft",
    }
    data.update(overrides)
    return data


def field_errors(response, field) -> list[str]:
    return response.context["form"].errors.get(field, [])


class TestCreateErrors:
    def test_a_bad_credit_code_is_reported_at_its_field_and_values_are_kept(self, wuhua):
        response = client_for(wuhua).post(
            CREATE, form_data(make_enterprise(), enterprise_code="91530100MA0000001X", name="保留的名称")
        )
        assert response.status_code == 200
        assert field_errors(response, "enterprise_code") == ["统一社会信用代码校验位不正确，请核对后重新输入"]
        body = response.content.decode()
        assert 'value="保留的名称"' in body and 'value="91530100MA0000001X"' in body
        assert 'value="5,000"' in body
        assert Project.objects.count() == 0

    def test_an_unknown_credit_code_points_to_the_enterprise_library(self, wuhua):
        from enclave.lib.codes import uscc_with_check

        response = client_for(wuhua).post(
            CREATE, form_data(make_enterprise(), enterprise_code=uscc_with_check("91530100MA9999999"))
        )
        assert field_errors(response, "enterprise_code") == [
            "企业库中没有该统一社会信用代码，请先在企业库登记该企业"
        ]
        assert reverse("enterprises:create") in response.content.decode()
        assert Project.objects.count() == 0

    @pytest.mark.parametrize(
        ("typed", "message"),
        [
            ("12.3456789万", "精确到分以下"),
            ("-5", "不能为负数"),
            ("1000001亿", "超过1000亿元"),
            ("五千万", "不是有效的金额"),
        ],
    )
    def test_a_bad_amount_is_reported_at_its_field(self, wuhua, typed, message):
        response = client_for(wuhua).post(
            CREATE, form_data(make_enterprise(), planned_investment_wan=typed, name="金额有误项目")
        )
        assert response.status_code == 200
        assert message in " ".join(field_errors(response, "planned_investment_wan"))
        assert f'value="{typed}"' in response.content.decode()
        assert Project.objects.count() == 0

    def test_fen_precision_in_wan_is_accepted(self, wuhua):
        client_for(wuhua).post(CREATE, form_data(make_enterprise(), planned_investment_wan="12.345678万"))
        assert Project.objects.get().planned_investment_fen == 12_345_678  # 123,456.78元 exactly

    @time_machine.travel(dt.datetime(2025, 3, 1, 10, tzinfo=dt.UTC), tick=False)
    def test_a_future_date_is_refused_at_its_field(self, wuhua):
        response = client_for(wuhua).post(CREATE, form_data(make_enterprise(), signed_on="2025-03-02"))
        assert response.status_code == 200
        assert field_errors(response, "signed_on") == ["签约日期不能晚于今天（2025-03-01）"]
        assert 'value="2025-03-02"' in response.content.decode()
        assert Project.objects.count() == 0

    def test_every_problem_is_reported_at_once(self, wuhua):
        response = client_for(wuhua).post(
            CREATE,
            form_data(make_enterprise(), name="", planned_investment_wan="abc", kind="relocation", origin=""),
        )
        errors = response.context["form"].errors
        assert {"name", "planned_investment_wan", "relocation_class", "origin"} <= set(errors)
        assert errors["name"] == ["请填写项目名称"]
        assert Project.objects.count() == 0

    def test_only_unit_users_may_file(self, reviewer, auditor):
        for user in (reviewer, auditor):
            assert client_for(user).get(CREATE).status_code == 403


class TestSaveAndFile:
    def test_save_draft_then_file(self, wuhua):
        client = client_for(wuhua)
        enterprise = make_enterprise()
        partner = Unit.objects.get(code="530103")
        response = client.post(
            CREATE, form_data(enterprise, partner_units=[str(partner.pk)], planned_investment_wan="1,250.5")
        )
        project = Project.objects.get()
        assert response.status_code == 302 and response["Location"] == reverse(
            "projects:detail", args=[project.pk]
        )
        assert project.status == Status.DRAFT
        assert project.enterprise == enterprise
        assert project.planned_investment_fen == 1_250_500_000
        assert list(project.partner_units.all()) == [partner]
        assert project.signed_on == dt.date(2024, 5, 20)

        data = form_data(enterprise, name="改后名称", submit="file")
        response = client.post(reverse("projects:edit", args=[project.pk]), data)
        project.refresh_from_db()
        assert project.status == Status.FILED and project.name == "改后名称"
        assert project.code.startswith("MH-")
        assert list(project.partner_units.all()) == []  # unticked on the form: removed

    def test_save_and_file_in_one_step(self, wuhua):
        client_for(wuhua).post(CREATE, form_data(make_enterprise(), submit="file"))
        assert Project.objects.get().status == Status.FILED

    def test_an_ineligible_filing_stays_a_draft_and_says_why(self, wuhua):
        client = client_for(wuhua)
        response = client.post(CREATE, form_data(make_enterprise(), nature="infrastructure", submit="file"))
        project = Project.objects.get()
        assert project.status == Status.DRAFT
        assert response["Location"] == reverse("projects:edit", args=[project.pk])
        page = client.get(response["Location"])
        body = page.content.decode()
        assert "未能提交报备" in body
        assert page.context["form"].errors["nature"] == ["公共基础设施项目不纳入重点产业协作园区项目认定范围"]
        assert 'value="轻纺出口加工项目"' in body

    def test_a_returned_filing_is_corrected_and_refiled(self, wuhua, reviewer):
        from enclave.projects import services

        project = services.project_return(actor=reviewer, project=make_filed(wuhua), reason="补充协议")
        client = client_for(wuhua)
        page = client.get(reverse("projects:edit", args=[project.pk]))
        assert "退回原因：补充协议" in page.content.decode()
        data = form_data(project.enterprise, submit="file", signed_on="")
        client.post(reverse("projects:edit", args=[project.pk]), data)
        project.refresh_from_db()
        assert project.status == Status.FILED

    def test_the_file_button_on_the_detail_page(self, wuhua):
        project = make_draft(wuhua)
        response = client_for(wuhua).post(reverse("projects:file", args=[project.pk]))
        assert response.status_code == 302
        project.refresh_from_db()
        assert project.status == Status.FILED


class TestEditScope:
    def test_a_unit_cannot_edit_another_units_project(self, wuhua, panlong, reviewer):
        draft = make_draft(wuhua)
        recognised = make_recognised(wuhua, reviewer)
        client = client_for(panlong)
        for project in (draft, recognised):
            url = reverse("projects:edit", args=[project.pk])
            assert client.get(url).status_code == 404
            assert client.post(url, form_data(project.enterprise, name="盘龙篡改")).status_code == 404
        assert not Project.objects.filter(name="盘龙篡改").exists()
        assert client.post(reverse("projects:file", args=[draft.pk])).status_code == 404

    def test_a_filed_project_is_not_editable_by_its_own_unit(self, wuhua):
        project = make_filed(wuhua)
        response = client_for(wuhua).post(
            reverse("projects:edit", args=[project.pk]), form_data(project.enterprise)
        )
        assert response.status_code == 302
        project.refresh_from_db()
        assert project.name == "轻纺出口加工项目"

    def test_status_and_workflow_fields_in_the_post_are_ignored(self, wuhua):
        client = client_for(wuhua)
        enterprise = make_enterprise()
        smuggled = {
            "status": "recognised",
            "code": "MH-2024-9999",
            "filing_unit": str(Unit.objects.get(code="530103").pk),
            "recognised_on": "2024-01-01",
            "positioning_mismatch": "on",
            "is_sample": "on",
            "share_bp": "10000",
        }
        client.post(CREATE, {**form_data(enterprise), **smuggled})
        project = Project.objects.get()
        assert project.status == Status.DRAFT
        assert project.code is None and project.recognised_on is None
        assert project.filing_unit.code == "530102"
        assert not project.is_sample and not project.positioning_mismatch
        client.post(reverse("projects:edit", args=[project.pk]), {**form_data(enterprise), **smuggled})
        project.refresh_from_db()
        assert project.status == Status.DRAFT and project.code is None
        assert project.filing_unit.code == "530102"

    def test_edits_are_audited_with_the_change(self, wuhua):
        project = make_draft(wuhua)
        client_for(wuhua).post(
            reverse("projects:edit", args=[project.pk]), form_data(project.enterprise, name="新名称")
        )
        event = Event.objects.filter(object_id=str(project.pk), verb="update").get()
        assert event.before["name"] == "轻纺出口加工项目" and event.after["name"] == "新名称"
