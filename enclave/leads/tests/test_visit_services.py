from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core.exceptions import ValidationError

from enclave.leads import services
from enclave.leads.pipeline import Stage
from enclave.leads.tests.conftest import make_lead
from enclave.parks.models import Park

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2025, 5, 8, 9, 0, tzinfo=dt.UTC), tick=False):
        yield


def visit_data(**overrides):
    return {
        "title": "赴磨憨考察团",
        "visited_on": dt.date(2024, 9, 10),
        "park": Park.objects.get(code="mohan"),
        **overrides,
    }


class TestVisit:
    def test_a_visit_moves_its_contacted_leads_to_visited_on_its_date(self, wuhua):
        contacted = make_lead(wuhua, enterprise_name="甲公司")
        intending = make_lead(wuhua, enterprise_name="乙公司")
        services.lead_move(actor=wuhua, lead=intending, stage=Stage.INTENDING, on=dt.date(2024, 8, 20))
        visit = services.visit_create(actor=wuhua, data=visit_data(leads=[contacted, intending]))
        contacted.refresh_from_db()
        intending.refresh_from_db()
        assert contacted.stage == Stage.VISITED and contacted.stage_on == dt.date(2024, 9, 10)
        assert contacted.events.get(kind="visited").visit == visit
        assert intending.stage == Stage.INTENDING  # further on already: stays

    def test_a_visit_before_the_lead_existed_is_refused(self, wuhua):
        lead = make_lead(wuhua, contacted_on=dt.date(2024, 9, 20))
        with pytest.raises(ValidationError, match="早于这些线索的首次接洽日期"):
            services.visit_create(actor=wuhua, data=visit_data(leads=[lead]))

    def test_a_visit_may_not_carry_another_units_lead(self, wuhua, panlong):
        foreign = make_lead(panlong)
        with pytest.raises(ValidationError, match="本单位"):
            services.visit_create(actor=wuhua, data=visit_data(leads=[foreign]))

    def test_adding_a_lead_later_moves_it_too(self, wuhua):
        visit = services.visit_create(actor=wuhua, data=visit_data(leads=[]))
        lead = make_lead(wuhua)
        services.visit_update(actor=wuhua, visit=visit, data={"leads": [lead]})
        lead.refresh_from_db()
        assert lead.stage == Stage.VISITED
