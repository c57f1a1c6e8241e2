"""Leads, visits and lead sharing over the JSON API: the same services, scope and Chinese refusals as the
pages. Each bad input of issue 4 is a 4xx with a Chinese message and writes nothing (not even an audit
row of the thing refused)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
import time_machine
from django.test import Client

from enclave.audit.models import Event
from enclave.conftest import client_for
from enclave.leads import services
from enclave.leads.models import Lead, LeadEvent, Visit
from enclave.leads.tests.conftest import make_lead
from enclave.parks.models import Unit

pytestmark = pytest.mark.django_db
API = "/api/v1"


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2025, 5, 8, 9, 0, tzinfo=dt.UTC), tick=False):
        yield


def send(client: Client, method: str, path: str, body: Any = None) -> Any:
    payload = "" if body is None else json.dumps(body, ensure_ascii=False)
    return getattr(client, method)(API + path, data=payload, content_type="application/json")


def snapshot() -> tuple[int, int, int, int]:
    return Lead.objects.count(), LeadEvent.objects.count(), Visit.objects.count(), Event.objects.count()


def messages(response: Any) -> str:
    detail = response.json()["detail"]
    return detail if isinstance(detail, str) else " ".join(f"{d['field']}:{d['message']}" for d in detail)


LEAD = {"enterprise_name": "上海某纺织有限公司", "park": "mohan", "industry": "17", "origin_kind": "out_of_province",
        "origin": "上海市", "channel": "visit", "needed_area_m2": "5000", "next_step": "约考察",
        "next_step_on": "2025-06-01", "contacted_on": "2025-03-01"}  # fmt: skip


class TestLeadsOverTheApi:
    def test_a_unit_registers_moves_and_lists_its_lead(self, wuhua):
        client = client_for(wuhua)
        response = send(client, "post", "/leads", LEAD)
        assert response.status_code == 201, response.content
        lead = response.json()
        assert lead["unit"]["code"] == "530102" and lead["stage"] == "contacted"
        assert lead["needed_area_m2"] == "5000.00" or float(lead["needed_area_m2"]) == 5000
        response = send(client, "patch", f"/leads/{lead['id']}", {"expected_investment_fen": 3_000_000_000})
        assert response.status_code == 200 and response.json()["expected_investment_fen"] == 3_000_000_000
        response = send(client, "post", f"/leads/{lead['id']}/move", {"stage": "intending", "on": "2025-04-01"})
        assert response.status_code == 200 and response.json()["stage"] == "intending"
        assert [e["kind"] for e in response.json()["events"]] == ["contacted", "intending"]
        response = send(client, "post", f"/leads/{lead['id']}/facts", {"kind": "signed", "on": "2025-04-10"})
        assert response.json()["signed_on"] == "2025-04-10"
        listed = send(client, "get", "/leads?stage=intending").json()
        assert listed["total"] == 1 and listed["items"][0]["enterprise_name"] == "上海某纺织有限公司"
        assert Event.objects.filter(verb="transition", object_type="leads.lead").count() == 1

    def test_a_stage_jump_that_skips_required_data_is_a_409_and_writes_nothing(self, wuhua):
        lead = make_lead(wuhua, expected_investment_fen=None)
        before = snapshot()
        response = send(client_for(wuhua), "post", f"/leads/{lead.pk}/move", {"stage": "intending"})
        assert response.status_code == 409
        assert "进入“有意向”阶段前须填写：预计投资额" in messages(response)
        assert snapshot() == before
        lead.refresh_from_db()
        assert lead.stage == "contacted"

    def test_a_negative_area_or_amount_is_a_422_in_chinese_and_writes_nothing(self, wuhua):
        before = snapshot()
        response = send(client_for(wuhua), "post", "/leads", {**LEAD, "needed_area_m2": "-10"})
        assert response.status_code == 422 and "需求面积不能为负数" in messages(response)
        response = send(client_for(wuhua), "post", "/leads", {**LEAD, "expected_investment_fen": -1})
        assert response.status_code == 422 and "不能小于0" in messages(response)
        assert snapshot() == before

    def test_a_lead_of_another_unit_is_a_404_and_its_changes_are_refused(self, wuhua, panlong):
        lead = make_lead(wuhua)
        client = client_for(panlong)
        before = snapshot()
        for method, path, body in (("get", f"/leads/{lead.pk}", None),
                                   ("patch", f"/leads/{lead.pk}", {"note": "改"}),
                                   ("post", f"/leads/{lead.pk}/move", {"stage": "dropped", "reason": "抢"})):  # fmt: skip
            response = send(client, method, path, body)
            assert response.status_code == 404 and response.json() == {"detail": "不存在"}
        assert "上海某纺织" not in json.dumps(send(client, "get", "/leads").json(), ensure_ascii=False)
        assert snapshot() == before

    def test_the_park_committee_reads_but_may_not_change_a_lead(self, wuhua, mohan_user):
        lead = make_lead(wuhua)
        client = client_for(mohan_user)
        assert send(client, "get", f"/leads/{lead.pk}").json()["may_edit"] is False
        response = send(client, "patch", f"/leads/{lead.pk}", {"note": "改"})
        assert response.status_code == 403 and "只有协作地单位可以修改招商线索" in messages(response)


class TestVisitsOverTheApi:
    def test_a_visit_moves_its_leads_to_visited(self, wuhua):
        lead = make_lead(wuhua, contacted_on=dt.date(2025, 3, 1))
        response = send(client_for(wuhua), "post", "/visits",
                        {"title": "五华第1批考察团", "visited_on": "2025-04-01", "park": "mohan", "leads": [lead.pk]})  # fmt: skip
        assert response.status_code == 201 and response.json()["leads"] == [lead.pk]
        lead.refresh_from_db()
        assert lead.stage == "visited" and lead.stage_on == dt.date(2025, 4, 1)

    def test_a_visit_before_the_lead_existed_is_refused_and_writes_nothing(self, wuhua):
        lead = make_lead(wuhua, contacted_on=dt.date(2025, 3, 1))
        before = snapshot()
        response = send(client_for(wuhua), "post", "/visits",
                        {"title": "早到的考察团", "visited_on": "2025-02-01", "park": "mohan", "leads": [lead.pk]})  # fmt: skip
        assert response.status_code == 422
        assert "考察日期早于这些线索的首次接洽日期：上海某纺织有限公司" in messages(response)
        assert snapshot() == before

    def test_a_visit_with_another_units_lead_is_refused_without_saying_it_exists(self, wuhua, panlong):
        lead = make_lead(wuhua)
        before = snapshot()
        for lead_id in (lead.pk, 999_999):
            response = send(client_for(panlong), "post", "/visits",
                            {"title": "盘龙考察团", "visited_on": "2025-04-01", "park": "mohan", "leads": [lead_id]})  # fmt: skip
            assert response.status_code == 422 and messages(response) == "leads:只能选择本单位的线索"
        assert snapshot() == before


class TestSharingALead:
    def test_a_shared_lead_is_readable_by_the_partner_and_only_by_it(self, wuhua, panlong):
        lead = make_lead(wuhua)
        response = send(client_for(wuhua), "post", f"/leads/{lead.pk}/share", {"units": ["530103"]})
        assert response.status_code == 200 and response.json()["shared_with"][0]["code"] == "530103"
        change = Event.objects.filter(object_type="leads.lead", verb="update").latest("pk")
        assert change.before == {"shared_with": []} and change.after == {"shared_with": ["530103"]}
        partner = client_for(panlong)
        seen = send(partner, "get", f"/leads/{lead.pk}").json()
        assert seen["enterprise_name"] == "上海某纺织有限公司" and seen["may_edit"] is False
        assert send(partner, "get", "/leads").json()["total"] == 1
        response = send(partner, "patch", f"/leads/{lead.pk}", {"note": "改"})
        assert response.status_code == 403 and "只能修改招商线索本单位的记录" in messages(response)
        response = send(partner, "post", f"/leads/{lead.pk}/share", {"units": ["530103", "530111"]})
        assert response.status_code == 403

    def test_the_partner_does_not_count_a_shared_lead_in_its_funnel_or_attention(self, wuhua, panlong):
        lead = make_lead(wuhua, next_step_on=dt.date(2025, 4, 1))
        services.lead_share(actor=wuhua, lead=lead, units=[Unit.objects.get(code="530103")])
        from enclave.leads.queries import funnel_for, leads_overdue

        assert funnel_for(panlong).counts["contacted"] == 0 and funnel_for(wuhua).counts["contacted"] == 1
        assert not leads_overdue(panlong, today=dt.date(2025, 5, 8)).exists()
        assert leads_overdue(wuhua, today=dt.date(2025, 5, 8)).count() == 1

    def test_stopping_sharing_hides_it_again_and_bad_units_are_refused(self, wuhua, panlong):
        lead = make_lead(wuhua)
        client = client_for(wuhua)
        send(client, "post", f"/leads/{lead.pk}/share", {"units": ["530103"]})
        assert send(client, "post", f"/leads/{lead.pk}/share", {"units": []}).status_code == 200
        assert send(client_for(panlong), "get", f"/leads/{lead.pk}").status_code == 404
        response = send(client, "post", f"/leads/{lead.pk}/share", {"units": ["530102"]})
        assert response.status_code == 422 and "无须共享给本单位" in messages(response)
        response = send(client, "post", f"/leads/{lead.pk}/share", {"units": ["999999"]})
        assert response.status_code == 422 and "单位“999999”不存在" in messages(response)

    def test_the_share_form_on_the_lead_page(self, wuhua, panlong):
        lead = make_lead(wuhua)
        client = client_for(wuhua)
        assert "共享线索" in client.get(f"/leads/{lead.pk}/").content.decode()
        response = client.post(f"/leads/{lead.pk}/share/", {"shared_with": ["530103"]})
        assert response.status_code == 302
        body = client_for(panlong).get(f"/leads/{lead.pk}/").content.decode()
        assert "由五华区共享给本单位" in body and "共享线索" not in body
        assert client_for(panlong).post(f"/leads/{lead.pk}/share/", {"shared_with": []}).status_code == 403


class TestMatchesOverTheApi:
    def test_the_matches_of_a_lead(self, wuhua, mohan_user):
        from decimal import Decimal

        from enclave.land import services as land_services
        from enclave.parks.models import Park

        land_services.resource_save(
            actor=mohan_user,
            data={"kind": "factory", "name": "磨憨厂房", "park": Park.objects.get(code="mohan"),
                  "area_m2": Decimal("6000"), "available_on": dt.date(2025, 1, 1)},
        )  # fmt: skip
        lead = make_lead(wuhua, needed_area_m2=Decimal("5000"))
        found = send(client_for(wuhua), "get", f"/leads/{lead.pk}/matches").json()
        assert [m["name"] for m in found] == ["磨憨厂房"]
        assert "面积6,000平方米，满足需求5,000平方米" in found[0]["reasons"]
