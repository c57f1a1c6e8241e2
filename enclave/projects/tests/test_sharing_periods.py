"""Sharing periods from the policy (issue 13 item 1): recognition by service, page and API; the move date on
the project; the first-tax start read back by the report check and the settlement's inputs."""

from __future__ import annotations

import datetime as dt
import json

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from enclave.audit.models import Event
from enclave.conftest import make_draft, make_filed
from enclave.projects import services
from enclave.projects.models import Agreement, Project, SharingPolicy
from enclave.projects.tests.conftest import client_for
from enclave.projects.workflow import Status
from enclave.sharing import fetch
from enclave.sharing import services as sharing_services

pytestmark = pytest.mark.django_db
TODAY = dt.datetime(2025, 6, 14, 10, 0, tzinfo=dt.UTC)
D = dt.date
RECOGNISED = D(2024, 6, 20)
MOVE_PROOF = "盘龙区市场监管局变更登记通知书（盘市监变〔2024〕12号）"


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


def under_review(unit, reviewer, **overrides) -> Project:
    return services.project_start_review(actor=reviewer, project=make_filed(unit, **overrides))


def voluntary(unit, reviewer, **overrides) -> Project:
    data = {"kind": "relocation", "relocation_class": "voluntary", "origin": "盘龙区"}
    return under_review(unit, reviewer, **{**data, **overrides})


def recognise(project, reviewer, **kwargs) -> Agreement:
    services.project_recognise(actor=reviewer, project=project, on=RECOGNISED, **kwargs)
    return Agreement.objects.get(project=project)


def refusal(project, reviewer, **kwargs) -> dict[str, list[str]]:
    with pytest.raises(ValidationError) as caught:
        services.project_recognise(actor=reviewer, project=project, on=RECOGNISED, **kwargs)
    project.refresh_from_db()
    assert project.status == Status.UNDER_REVIEW and not Agreement.objects.filter(project=project).exists()
    return caught.value.message_dict


class TestRecognitionService:
    def test_voluntary_relocation_gets_36_months_from_the_move_month(self, wuhua, reviewer):
        project = voluntary(wuhua, reviewer, moved_on=D(2024, 5, 8), move_evidence=MOVE_PROOF)
        agreement = recognise(project, reviewer)
        assert (agreement.start_month, agreement.end_month) == (D(2024, 5, 1), D(2027, 4, 1))
        assert (agreement.start_event, agreement.duration_months, agreement.end_explicit) == (
            "move",
            36,
            False,
        )
        assert [(p.party_code, p.share_bp) for p in agreement.parties.all()] == [
            ("530102", 3000),
            ("mohan", 7000),
        ]

    def test_stock_relocation_without_a_move_date_is_refused_at_moved_on(self, wuhua, reviewer):
        errors = refusal(voluntary(wuhua, reviewer), reviewer)
        assert set(errors) == {"moved_on"} and "搬迁日期" in errors["moved_on"][0]

    def test_stock_relocation_without_a_move_date_may_take_a_month_set_on_the_agreement(
        self, wuhua, reviewer
    ):
        agreement = recognise(voluntary(wuhua, reviewer), reviewer, start_month=D(2024, 8, 1))
        assert (agreement.start_month, agreement.end_month, agreement.start_event) == (
            D(2024, 8, 1), D(2027, 7, 1), "agreement_month")  # fmt: skip
        assert [(p.party_code, p.share_bp) for p in agreement.parties.all()] == [
            ("530102", 3000),
            ("mohan", 7000),
        ]

    def test_new_recruitment_waits_for_the_first_tax(self, wuhua, reviewer):
        agreement = recognise(under_review(wuhua, reviewer), reviewer)
        assert (agreement.start_event, agreement.end_explicit, agreement.duration_months) == (
            "first_tax_after_recognition", False, 60)  # fmt: skip
        assert agreement.start_month == D(2024, 7, 1)  # reports are taken from the month after recognition
        months = fetch.agreement_months(agreement)
        assert months.pending and months.end is None and months.covers(D(2031, 1, 1))

    def test_new_recruitment_starts_in_the_first_month_with_tax(self, wuhua, reviewer, mohan_user):
        project = under_review(wuhua, reviewer)
        agreement = recognise(project, reviewer)
        for month, vat in ((D(2024, 7, 1), 0), (D(2024, 8, 1), 0), (D(2024, 9, 1), 120_000)):
            sharing_services.report_create(
                actor=mohan_user, project=project, month=month, taxes={"vat": vat}, values={}
            )
        months = fetch.agreement_months(agreement)
        assert (months.start, months.end) == (D(2024, 9, 1), D(2029, 8, 1))
        assert months.covers(D(2029, 8, 1)) and not months.covers(D(2029, 9, 1))
        page = client_for(wuhua).get(reverse("projects:detail", args=[project.pk])).content.decode()
        assert "2024-09 — 2029-08" in page
        inputs = fetch.load([D(2024, 9, 1)])
        engine_agreement = inputs.agreements[project.code]
        assert (engine_agreement.start_month, engine_agreement.end_month) == (D(2024, 7, 1), D(2029, 8, 1))

    def test_a_report_after_the_first_tax_period_is_refused(self, wuhua, reviewer, mohan_user):
        project = under_review(wuhua, reviewer)
        recognise(project, reviewer, end_month=D(2024, 12, 1))
        sharing_services.report_create(
            actor=mohan_user, project=project, month=D(2024, 9, 1), taxes={"vat": 1}, values={}
        )
        with pytest.raises(ValidationError) as caught:
            sharing_services.report_create(
                actor=mohan_user, project=project, month=D(2025, 1, 1), taxes={"vat": 1}, values={}
            )
        assert "不在该项目的利益分享期限内（2024-07至2024-12）" in caught.value.message_dict["month"][0]

    def test_an_explicit_end_wins(self, wuhua, reviewer):
        project = voluntary(wuhua, reviewer, moved_on=D(2024, 5, 8), move_evidence=MOVE_PROOF)
        agreement = recognise(project, reviewer, end_month=D(2025, 12, 1))
        assert (agreement.start_month, agreement.end_month, agreement.end_explicit) == (
            D(2024, 5, 1), D(2025, 12, 1), True)  # fmt: skip

    def test_an_explicit_start_is_the_agreement_month(self, wuhua, reviewer):
        agreement = recognise(under_review(wuhua, reviewer), reviewer, start_month=D(2024, 10, 1))
        assert (agreement.start_month, agreement.end_month, agreement.start_event) == (
            D(2024, 10, 1), D(2029, 9, 1), "agreement_month")  # fmt: skip

    def test_end_before_start_is_refused_at_end_month_and_nothing_is_written(self, wuhua, reviewer):
        project = under_review(wuhua, reviewer)
        events = Event.objects.count()
        errors = refusal(project, reviewer, start_month=D(2024, 10, 1), end_month=D(2024, 9, 1))
        assert errors == {"end_month": ["分享终止月份（2024-09）不能早于起始月份（2024-10）"]}
        assert Event.objects.count() == events

    def test_negative_cap_is_refused_at_cap_fen(self, wuhua, reviewer):
        errors = refusal(under_review(wuhua, reviewer), reviewer, cap_fen=-1)
        assert errors == {"cap_fen": ["协作地分享上限不能为负数"]}

    def test_cap_and_extension_are_kept_on_the_agreement(self, wuhua, reviewer):
        agreement = recognise(
            under_review(wuhua, reviewer), reviewer, cap_fen=300_000_00, extension_months=24
        )
        assert (agreement.cap_fen, agreement.extension_months) == (300_000_00, 24)
        event = Event.objects.filter(object_type="projects.agreement").latest("id")
        assert event.after["cap_fen"] == 300_000_00 and event.after["start_pending"] is True

    def test_host_contribution_picks_its_policy_row(self, wuhua, reviewer):
        agreement = recognise(under_review(wuhua, reviewer), reviewer, host_contribution="no_input")
        assert agreement.policy.host_contribution == "no_input"
        assert [(p.party_code, p.share_bp) for p in agreement.parties.all()] == [
            ("530102", 9500),
            ("mohan", 500),
        ]

    def test_a_policy_cap_asks_for_the_amount(self, wuhua, reviewer):
        SharingPolicy.objects.filter(relocation_class="voluntary").update(
            cap_years_before_move=3, extension_months=24
        )
        project = voluntary(wuhua, reviewer, moved_on=D(2024, 5, 8), move_evidence=MOVE_PROOF)
        assert "搬迁前3年" in refusal(project, reviewer)["cap_fen"][0]
        agreement = recognise(project, reviewer, cap_fen=1_000_000_00)
        assert (agreement.cap_fen, agreement.extension_months, agreement.end_month) == (
            1_000_000_00,
            24,
            D(2027, 4, 1),
        )


class TestMoveDate:
    def test_a_move_date_needs_its_evidence(self, wuhua):
        with pytest.raises(ValidationError) as caught:
            make_draft(
                wuhua,
                kind="relocation",
                relocation_class="voluntary",
                origin="盘龙区",
                moved_on=D(2024, 5, 8),
            )
        assert set(caught.value.message_dict) == {"move_evidence"}

    def test_a_move_date_is_only_for_stock_relocation(self, wuhua):
        with pytest.raises(ValidationError) as caught:
            make_draft(wuhua, moved_on=D(2024, 5, 8), move_evidence=MOVE_PROOF)
        assert caught.value.message_dict["moved_on"] == ["搬迁日期只适用于存量流转项目"]

    def test_a_future_move_date_is_refused(self, wuhua):
        with pytest.raises(ValidationError) as caught:
            make_draft(
                wuhua, kind="relocation", relocation_class="voluntary", origin="盘龙区", moved_on=D(2025, 7, 1),
                move_evidence=MOVE_PROOF,
            )  # fmt: skip
        assert "搬迁日期不能晚于今天" in caught.value.message_dict["moved_on"][0]

    def test_the_filing_form_keeps_the_move(self, wuhua):
        draft = make_draft(wuhua, kind="relocation", relocation_class="voluntary", origin="盘龙区")
        url = reverse("projects:edit", args=[draft.pk])
        from enclave.projects.forms import ProjectForm

        data = {**ProjectForm.data_from(draft), "moved_on": "2024-05-08", "move_evidence": ""}
        response = client_for(wuhua).post(url, data)
        assert response.status_code == 200
        assert "填写搬迁日期须同时填写搬迁证明" in response.content.decode()
        data["move_evidence"] = MOVE_PROOF
        response = client_for(wuhua).post(url, data)
        assert response.status_code == 302, response.content.decode()[:2000]
        draft.refresh_from_db()
        assert (draft.moved_on, draft.move_evidence) == (D(2024, 5, 8), MOVE_PROOF)


class TestRecognisePage:
    def url(self, project) -> str:
        return reverse("projects:recognise", args=[project.pk])

    def post(self, project, reviewer, **overrides):
        data = {"recognised_on": "2024-06-20", "start_month": "", "end_month": "", "cap_wan": "",
                "extension_months": "", "host_contribution": "", "share_0": "3000", "share_1": "7000"}  # fmt: skip
        return client_for(reviewer).post(self.url(project), {**data, **overrides})

    def test_blank_months_follow_the_policy(self, wuhua, reviewer):
        project = voluntary(wuhua, reviewer, moved_on=D(2024, 5, 8), move_evidence=MOVE_PROOF)
        page = client_for(reviewer).get(self.url(project)).content.decode()
        assert "自搬迁月份起36个月" in page and "2024-05 至 2027-04" in page
        assert self.post(project, reviewer).status_code == 302
        agreement = Agreement.objects.get(project=project)
        assert (agreement.start_month, agreement.end_month) == (D(2024, 5, 1), D(2027, 4, 1))

    def test_end_before_start_stands_at_its_field(self, wuhua, reviewer):
        project = voluntary(wuhua, reviewer, moved_on=D(2024, 5, 8), move_evidence=MOVE_PROOF)
        response = self.post(project, reviewer, end_month="2024-04")
        assert response.context["form"].errors["end_month"] == [
            "分享终止月份（2024-04）不能早于起始月份（2024-05）"
        ]
        assert 'value="2024-04"' in response.content.decode()
        assert not Agreement.objects.exists()

    def test_negative_cap_stands_at_its_field(self, wuhua, reviewer):
        project = voluntary(wuhua, reviewer, moved_on=D(2024, 5, 8), move_evidence=MOVE_PROOF)
        response = self.post(project, reviewer, cap_wan="-10")
        assert response.context["form"].errors["cap_wan"] == ["协作地分享上限不能为负数"]
        assert not Agreement.objects.exists()

    def test_cap_in_wan_is_stored_in_fen(self, wuhua, reviewer):
        project = voluntary(wuhua, reviewer, moved_on=D(2024, 5, 8), move_evidence=MOVE_PROOF)
        assert self.post(project, reviewer, cap_wan="300", extension_months="24").status_code == 302
        agreement = Agreement.objects.get(project=project)
        assert (agreement.cap_fen, agreement.extension_months) == (300_000_000, 24)


class TestApi:
    def send(self, user, path, body):
        return client_for(user).post(f"/api/v1{path}", data=json.dumps(body), content_type="application/json")

    def test_recognition_by_the_policy_and_its_terms_in_the_output(self, wuhua, reviewer):
        project = under_review(wuhua, reviewer)
        response = self.send(reviewer, f"/projects/{project.pk}/recognise", {"recognised_on": "2024-06-20"})
        assert response.status_code == 200, response.content
        agreement = response.json()["agreement"]
        assert (
            agreement["start_event"] == "first_tax_after_recognition" and agreement["start_pending"] is True
        )
        assert agreement["start_month"] == "2024-07-01" and agreement["cap_fen"] is None

    def test_negative_cap_and_end_before_start_are_refused_naming_the_field(self, wuhua, reviewer):
        project = under_review(wuhua, reviewer)
        body = {
            "recognised_on": "2024-06-20",
            "start_month": "2024-10",
            "end_month": "2024-09",
            "cap_fen": -5,
        }
        response = self.send(reviewer, f"/projects/{project.pk}/recognise", body)
        assert response.status_code == 422, response.content
        errors = {e["field"]: e["message"] for e in response.json()["detail"]}
        assert errors["end_month"] == "分享终止月份（2024-09）不能早于起始月份（2024-10）"
        assert errors["cap_fen"] == "协作地分享上限不能为负数"
        assert not Agreement.objects.exists()

    def test_the_move_date_through_the_api(self, wuhua, reviewer):
        draft = make_draft(wuhua, kind="relocation", relocation_class="voluntary", origin="盘龙区")
        response = client_for(wuhua).patch(
            f"/api/v1/projects/{draft.pk}",
            data=json.dumps({"moved_on": "2024-05-08", "move_evidence": MOVE_PROOF}),
            content_type="application/json",
        )
        assert response.status_code == 200, response.content
        assert response.json()["moved_on"] == "2024-05-08" and response.json()["move_evidence"] == MOVE_PROOF


def _data_migration():
    import importlib

    return importlib.import_module("enclave.projects.migrations.0004_policy_terms_defaults")


class TestMigration:
    def test_agreements_already_recognised_keep_their_months(self, wuhua, reviewer):
        from django.apps import apps

        project = under_review(wuhua, reviewer)
        # As an agreement recognised before the policy carried its terms: 60 months written, nothing else.
        agreement = recognise(project, reviewer, start_month=D(2024, 7, 1), end_month=D(2029, 6, 1))
        Agreement.objects.filter(pk=agreement.pk).update(
            start_event="", duration_months=None, end_explicit=True
        )
        _data_migration().backwards(apps, None)
        before = list(Agreement.objects.values())
        _data_migration().forwards(apps, None)
        assert list(Agreement.objects.values()) == before
        months = fetch.agreement_months(Agreement.objects.get(pk=agreement.pk))
        assert (months.start, months.end) == (D(2024, 7, 1), D(2029, 6, 1))

    def test_the_defaults_name_their_start_events(self):
        rows = {
            (p.kind, p.relocation_class, p.host_contribution): (
                p.cooperating_bp,
                p.duration_months,
                p.start_event,
            )
            for p in SharingPolicy.objects.all()
        }
        assert rows[("relocation", "voluntary", "")] == (3000, 36, "move")
        assert rows[("relocation", "policy", "")] == (5000, 60, "move")
        assert rows[("new_domestic", "", "")] == (5000, 60, "first_tax_after_recognition")
        assert rows[("new_abroad", "", "co_invested")] == (4900, 60, "first_tax_after_recognition")
        assert rows[("new_domestic", "", "no_input")] == (9500, 60, "first_tax_after_recognition")
        assert len(rows) == 10

    def test_the_data_migration_runs_backwards_and_forwards(self):
        from django.apps import apps

        _data_migration().backwards(apps, None)
        assert SharingPolicy.objects.count() == 6
        assert set(SharingPolicy.objects.values_list("start_event", flat=True)) == {"agreement_month"}
        _data_migration().forwards(apps, None)
        assert SharingPolicy.objects.count() == 10
