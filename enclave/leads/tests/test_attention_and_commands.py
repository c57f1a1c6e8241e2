from __future__ import annotations

import datetime as dt
import io
import json

import openpyxl
import pytest
import time_machine
from django.core import mail
from django.core.management import call_command
from django.test import Client

from enclave.land import services as land_services
from enclave.leads import services
from enclave.leads.tests.conftest import make_lead
from enclave.parks.models import Park

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2025, 7, 8, 9, 0, tzinfo=dt.UTC), tick=False):
        yield


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def overdue(wuhua, panlong):
    make_lead(wuhua, enterprise_name="五华逾期线索", next_step_on=dt.date(2025, 7, 1))
    make_lead(wuhua, enterprise_name="五华未到期线索", next_step_on=dt.date(2025, 8, 1))
    make_lead(panlong, enterprise_name="盘龙逾期线索", next_step_on=dt.date(2025, 6, 1))
    subpark = land_services.subpark_create(
        actor=wuhua, data={"name": "五华测试园", "park": Park.objects.get(code="mohan"), "established_on": dt.date(2024, 7, 1)}
    )
    land_services.milestone_add(
        actor=wuhua, subpark=subpark, name="具备使用条件", due_on=dt.date(2025, 6, 30)
    )


def test_the_attention_page_lists_overdue_items_within_scope(overdue, wuhua, city_admin):
    body = signed_in(wuhua).get("/leads/attention/").content.decode()
    assert "五华逾期线索" in body and "具备使用条件" in body
    assert "盘龙逾期线索" not in body and "五华未到期线索" not in body
    city = signed_in(city_admin).get("/leads/attention/").content.decode()
    assert "盘龙逾期线索" in city and "五华逾期线索" in city
    sheet = openpyxl.load_workbook(
        io.BytesIO(signed_in(wuhua).get("/leads/attention/?format=xlsx").content)
    ).active
    assert {sheet.cell(row=r, column=2).value for r in (3, 4)} == {"五华逾期线索", "五华测试园"}


def test_the_digest_mails_each_owner_their_items_and_exports_the_city_list(overdue, wuhua, panlong, tmp_path):
    wuhua.email, panlong.email = "wuhua@example.cn", "panlong@example.cn"
    wuhua.save()
    panlong.save()
    out = io.StringIO()
    call_command("digest", "--email", "--export", str(tmp_path / "d.xlsx"), stdout=out)
    by_to = {m.to[0]: m.body for m in mail.outbox}
    assert "五华逾期线索" in by_to["wuhua@example.cn"] and "盘龙" not in by_to["wuhua@example.cn"]
    assert "盘龙逾期线索" in by_to["panlong@example.cn"]
    sheet = openpyxl.load_workbook(tmp_path / "d.xlsx").active
    assert sheet.max_row == 2 + 3


def test_the_funnel_command_prints_the_stage_counts(wuhua):
    lead = make_lead(wuhua)
    services.lead_move(actor=wuhua, lead=lead, stage="intending", on=dt.date(2024, 9, 1))
    services.lead_fact_record(actor=wuhua, lead=lead, kind="signed", on=dt.date(2024, 9, 2))
    make_lead(wuhua, contacted_on=dt.date(2025, 1, 5))
    out = io.StringIO()
    call_command("funnel", "--unit", "530102", "--to", "2024-12-31", "--json", stdout=out)
    assert json.loads(out.getvalue()) == {
        "contacted": 1, "visited": 0, "intending": 1, "filed": 0, "dropped": 0, "agreements": 1, "registered": 0,
        "visits": 0, "visit_enterprises": 0,
    }  # fmt: skip


def test_the_funnel_page_is_scoped(wuhua, panlong):
    make_lead(wuhua)
    assert '<td class="num">1</td>' in signed_in(wuhua).get("/leads/funnel/").content.decode()
    assert '<td class="num">1</td>' not in signed_in(panlong).get("/leads/funnel/").content.decode()
