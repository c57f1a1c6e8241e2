from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
import time_machine
from django.test import Client

from enclave.leads.models import Visit
from enclave.leads.tests.conftest import make_lead

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2025, 5, 8, 9, 0, tzinfo=dt.UTC), tick=False):
        yield


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


class TestVisitPages:
    def test_registering_a_visit_moves_the_chosen_leads(self, wuhua):
        lead = make_lead(wuhua)
        client = signed_in(wuhua)
        response = client.post(
            "/leads/visits/new/",
            {"title": "第一批考察团", "visited_on": "2024-09-10", "park": "mohan", "leads": [str(lead.pk)]},
        )
        visit = Visit.objects.get()
        assert response.status_code == 302
        lead.refresh_from_db()
        assert lead.stage == "visited"
        assert "第一批考察团" in client.get("/leads/visits/").content.decode()
        detail = client.get(f"/leads/visits/{visit.pk}/").content.decode()
        assert lead.enterprise_name in detail

    def test_a_visit_before_the_lead_was_contacted_is_refused_and_keeps_the_input(self, wuhua):
        lead = make_lead(wuhua, contacted_on=dt.date(2024, 10, 1))
        response = signed_in(wuhua).post(
            "/leads/visits/new/",
            {"title": "早到的考察团", "visited_on": "2024-09-10", "park": "mohan", "leads": [str(lead.pk)]},
        )
        body = response.content.decode()
        assert response.status_code == 200 and not Visit.objects.exists()
        assert "考察日期早于这些线索的首次接洽日期" in body and 'value="早到的考察团"' in body

    def test_the_export_lists_the_participants(self, wuhua, panlong):
        lead = make_lead(wuhua, enterprise_name="参加企业甲")
        signed_in(wuhua).post(
            "/leads/visits/new/",
            {"title": "考察团A", "visited_on": "2024-09-10", "park": "mohan", "leads": [str(lead.pk)]},
        )
        sheet = openpyxl.load_workbook(
            io.BytesIO(signed_in(wuhua).get("/leads/visits/export.xlsx").content)
        ).active
        assert sheet["B3"].value == "考察团A" and sheet["F3"].value == 1 and sheet["G3"].value == "参加企业甲"
        other = openpyxl.load_workbook(
            io.BytesIO(signed_in(panlong).get("/leads/visits/export.xlsx").content)
        ).active
        assert other.max_row == 2
