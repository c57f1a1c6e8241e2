from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from enclave.audit.models import Event
from enclave.leads import services
from enclave.leads.models import LeadEvent
from enclave.leads.pipeline import Stage, StageError
from enclave.leads.tests.conftest import make_lead
from enclave.projects.workflow import Status

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2025, 5, 8, 9, 0, tzinfo=dt.UTC), tick=False):
        yield


class TestLeadStage:
    def test_registering_a_lead_records_its_contact_as_a_dated_audited_event(self, wuhua):
        lead = make_lead(wuhua)
        assert lead.stage == Stage.CONTACTED and lead.unit.code == "530102" and lead.owner == wuhua
        assert list(lead.events.values_list("kind", "on")) == [("contacted", dt.date(2024, 8, 1))]
        assert (
            Event.objects.filter(verb="create", object_type="leads.lead", object_id=str(lead.pk)).count() == 1
        )

    def test_each_stage_change_is_dated_and_audited(self, wuhua):
        lead = make_lead(wuhua)
        services.lead_move(actor=wuhua, lead=lead, stage=Stage.VISITED, on=dt.date(2024, 9, 2))
        services.lead_move(actor=wuhua, lead=lead, stage=Stage.INTENDING, on=dt.date(2024, 10, 8))
        lead.refresh_from_db()
        assert lead.stage == Stage.INTENDING and lead.stage_on == dt.date(2024, 10, 8)
        assert list(lead.events.values_list("kind", flat=True)) == ["contacted", "visited", "intending"]
        moves = Event.objects.filter(verb="transition", object_id=str(lead.pk)).order_by("id")
        assert [e.after["to_stage"] for e in moves] == ["visited", "intending"]

    def test_a_stage_dated_before_the_current_one_or_in_the_future_is_refused(self, wuhua):
        lead = make_lead(wuhua)
        with pytest.raises(ValidationError, match="不能早于"):
            services.lead_move(actor=wuhua, lead=lead, stage=Stage.VISITED, on=dt.date(2024, 7, 1))
        with pytest.raises(ValidationError, match="不能晚于今天"):
            services.lead_move(actor=wuhua, lead=lead, stage=Stage.VISITED, on=dt.date(2025, 6, 1))

    def test_a_jump_to_intending_without_investment_is_refused(self, wuhua):
        lead = make_lead(wuhua, expected_investment_fen=None)
        with pytest.raises(StageError, match="预计投资额"):
            services.lead_move(actor=wuhua, lead=lead, stage=Stage.INTENDING, on=dt.date(2024, 9, 1))
        assert LeadEvent.objects.filter(lead=lead).count() == 1

    def test_dropping_keeps_the_reason(self, wuhua):
        lead = make_lead(wuhua)
        services.lead_move(
            actor=wuhua, lead=lead, stage=Stage.DROPPED, on=dt.date(2024, 9, 1), reason="企业选择越南建厂"
        )
        lead.refresh_from_db()
        assert lead.stage == Stage.DROPPED and lead.drop_reason == "企业选择越南建厂"

    def test_the_second_of_two_concurrent_moves_is_refused(self, wuhua):
        lead = make_lead(wuhua)
        stale = type(lead).objects.get(pk=lead.pk)
        services.lead_move(actor=wuhua, lead=lead, stage=Stage.VISITED, on=dt.date(2024, 9, 2))
        with pytest.raises(StageError):
            services.lead_move(
                actor=wuhua, lead=stale, stage=Stage.DROPPED, on=dt.date(2024, 9, 3), reason="x"
            )
        assert LeadEvent.objects.filter(lead=lead).count() == 2

    def test_another_unit_may_not_touch_the_lead(self, wuhua, panlong, city_admin):
        lead = make_lead(wuhua)
        for actor in (panlong, city_admin):
            with pytest.raises(PermissionDenied):
                services.lead_move(actor=actor, lead=lead, stage=Stage.VISITED, on=dt.date(2024, 9, 2))
            with pytest.raises(PermissionDenied):
                services.lead_update(actor=actor, lead=lead, data={"next_step": "x"})

    def test_negative_amounts_and_areas_are_refused(self, wuhua):
        with pytest.raises(ValidationError) as caught:
            make_lead(wuhua, expected_investment_fen=-1, needed_area_m2="-5")
        assert set(caught.value.message_dict) == {"expected_investment_fen", "needed_area_m2"}


class TestLeadFact:
    def test_signing_and_registering_are_dated_events_not_gates(self, wuhua):
        lead = make_lead(wuhua)
        services.lead_fact_record(actor=wuhua, lead=lead, kind="signed", on=dt.date(2024, 11, 1))
        lead.refresh_from_db()
        assert lead.signed_on == dt.date(2024, 11, 1) and lead.stage == Stage.CONTACTED
        with pytest.raises(ValidationError, match="已登记过"):
            services.lead_fact_record(actor=wuhua, lead=lead, kind="signed", on=dt.date(2024, 11, 2))


class TestLeadFiling:
    def test_filing_carries_the_leads_data_into_a_project_draft(self, wuhua, wuhua_enterprise):
        lead = make_lead(wuhua, enterprise=wuhua_enterprise)
        services.lead_move(actor=wuhua, lead=lead, stage=Stage.INTENDING, on=dt.date(2024, 9, 1))
        services.lead_fact_record(actor=wuhua, lead=lead, kind="signed", on=dt.date(2024, 10, 1))
        lead.refresh_from_db()
        lead = services.lead_file(actor=wuhua, lead=lead, name="轻纺出口加工项目", on=dt.date(2024, 10, 9))
        project = lead.project
        assert lead.stage == Stage.FILED and project.status == Status.DRAFT
        assert project.enterprise == wuhua_enterprise and project.park.code == "mohan"
        assert project.planned_investment_fen == 30_000_000_00 and project.industry.code == "17"
        assert (
            project.kind == "new_domestic"
            and project.origin == "上海市"
            and project.signed_on == dt.date(2024, 10, 1)
        )
        assert project.filing_unit.code == "530102"

    def test_filing_without_an_enterprise_record_is_refused(self, wuhua):
        lead = make_lead(wuhua)
        with pytest.raises(StageError, match="企业库"):
            services.lead_file(actor=wuhua, lead=lead, name="项目", on=dt.date(2024, 10, 9))

    def test_a_local_enterprise_needs_a_relocation_class(self, wuhua, wuhua_enterprise):
        lead = make_lead(wuhua, enterprise=wuhua_enterprise, origin_kind="local", origin="昆明市")
        with pytest.raises(ValidationError, match="流转类别"):
            services.lead_file(actor=wuhua, lead=lead, name="项目", on=dt.date(2024, 10, 9))
        lead = services.lead_file(
            actor=wuhua, lead=lead, name="项目", relocation_class="voluntary", on=dt.date(2024, 10, 9)
        )
        assert lead.project.kind == "relocation"
