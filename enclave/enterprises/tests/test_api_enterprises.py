from __future__ import annotations

import json
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from enclave.audit.models import Event, Verb
from enclave.conftest import make_enterprise, make_recognised
from enclave.enterprises.models import Enterprise
from enclave.lib.codes import uscc_with_check
from enclave.parks.models import Unit

pytestmark = pytest.mark.django_db

API = "/api/v1"


def client_for(user: Any, **kwargs: Any) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def send(client: Client, method: str, path: str, body: Any = None, **extra: Any) -> Any:
    payload = "" if body is None else json.dumps(body, ensure_ascii=False)
    return getattr(client, method)(API + path, data=payload, content_type="application/json", **extra)


def fields(response: Any) -> dict[str, str]:
    return {e["field"]: e["message"] for e in response.json()["detail"]}


def has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def new_body(**overrides: Any) -> dict[str, Any]:
    body = {
        "name": "云南新能源电池有限公司",
        "credit_code": uscc_with_check("91530102MA6000001"),
        "registered_address": "昆明市五华区某路1号",
        "registered_capital_fen": 100_000_000_00,
        "origin_kind": "out_of_province",
        "origin": "福建省",
        "industry": "38",
        "contact_name": "张经理",
    }
    body.update(overrides)
    return body


class TestEnterpriseCreate:
    def test_a_unit_registers_an_enterprise_as_its_own(self, wuhua):
        response = send(client_for(wuhua), "post", "/enterprises", new_body())
        assert response.status_code == 201, response.content
        data = response.json()
        assert data["access"] == "full" and data["may_edit"] is True
        assert data["owner_unit"] == {"code": "530102", "name": "五华区"}
        assert data["industry"] == {"code": "38", "name": "电气机械和器材制造业"}
        enterprise = Enterprise.objects.get(pk=data["id"])
        assert enterprise.registered_capital_fen == 100_000_000_00
        assert Event.objects.filter(verb=Verb.CREATE, object_id=str(enterprise.pk)).count() == 1

    def test_a_bad_credit_code_is_a_422_in_chinese(self, wuhua):
        response = send(client_for(wuhua), "post", "/enterprises", new_body(credit_code="91530102MA60000019"))
        assert response.status_code == 422
        assert "校验位" in fields(response)["credit_code"]
        assert not Enterprise.objects.exists()

    def test_a_duplicate_credit_code_is_a_422(self, wuhua, panlong):
        existing = make_enterprise(owner_unit=Unit.objects.get(code="530103"))
        response = send(client_for(wuhua), "post", "/enterprises", new_body(credit_code=existing.credit_code))
        assert response.status_code == 422 and "已登记" in fields(response)["credit_code"]

    @pytest.mark.parametrize("capital", [-1, 1.5, "100", 10**16])
    def test_capital_must_be_integer_fen_within_bounds(self, wuhua, capital):
        response = send(client_for(wuhua), "post", "/enterprises", new_body(registered_capital_fen=capital))
        assert response.status_code == 422
        assert has_chinese(fields(response)["registered_capital_fen"])
        assert not Enterprise.objects.exists()

    def test_missing_fields_are_reported_together(self, wuhua):
        response = send(client_for(wuhua), "post", "/enterprises", {})
        assert response.status_code == 422
        assert {"origin_kind", "industry"} <= set(fields(response))

    def test_owner_unit_and_sample_flags_cannot_be_set(self, wuhua):
        response = send(
            client_for(wuhua), "post", "/enterprises", new_body(owner_unit="530103", is_sample=True)
        )
        assert response.status_code == 422 and set(fields(response)) == {"owner_unit", "is_sample"}
        assert not Enterprise.objects.exists()

    def test_the_auditor_cannot_register_and_the_refusal_is_audited(self, auditor):
        response = send(client_for(auditor), "post", "/enterprises", new_body())
        assert response.status_code == 403 and has_chinese(response.json()["detail"])
        assert not Enterprise.objects.exists()
        assert Event.objects.filter(verb=Verb.DENIED, actor=auditor, success=False).exists()

    def test_csrf_is_enforced(self, wuhua):
        client = client_for(wuhua, enforce_csrf_checks=True)
        assert send(client, "post", "/enterprises", new_body()).status_code == 403
        assert not Enterprise.objects.exists()
        client.cookies[settings.CSRF_COOKIE_NAME] = "b" * 32
        assert send(client, "post", "/enterprises", new_body(), HTTP_X_CSRFTOKEN="b" * 32).status_code == 201


class TestEnterpriseReads:
    def test_units_see_their_own_enterprises_and_not_each_others(self, wuhua, panlong, city_admin):
        ours = make_enterprise(name="五华登记企业", owner_unit=wuhua.unit)
        theirs = make_enterprise(name="盘龙登记企业", owner_unit=panlong.unit)
        names = [e["name"] for e in client_for(wuhua).get(f"{API}/enterprises").json()["items"]]
        assert names == ["五华登记企业"]
        hidden = client_for(wuhua).get(f"{API}/enterprises/{theirs.pk}")
        assert hidden.status_code == 404 and "盘龙登记企业" not in hidden.content.decode()
        assert client_for(wuhua).get(f"{API}/enterprises/{ours.pk}").json()["access"] == "full"
        assert client_for(city_admin).get(f"{API}/enterprises").json()["total"] == 2

    def test_an_enterprise_seen_through_a_recognised_project_shows_public_facts_only(
        self, wuhua, panlong, reviewer
    ):
        enterprise = make_enterprise(owner_unit=wuhua.unit)
        Enterprise.objects.filter(pk=enterprise.pk).update(
            contact_name="李联系人", registered_address="保密地址", registered_capital_fen=123
        )
        make_recognised(wuhua, reviewer, enterprise=enterprise)
        response = client_for(panlong).get(f"{API}/enterprises/{enterprise.pk}")
        assert response.status_code == 200
        data = response.json()
        assert data["access"] == "public"
        assert set(data) == {"access", "id", "name", "credit_code", "origin_kind", "origin", "industry"}
        assert "李联系人" not in response.content.decode() and "保密地址" not in response.content.decode()
        listed = client_for(panlong).get(f"{API}/enterprises").json()["items"]
        assert [e["access"] for e in listed] == ["public"]

    def test_search_and_filters(self, city_admin):
        make_enterprise(name="昆明纺织有限公司", industry="17")
        make_enterprise(name="昆明电器有限公司", industry="38")
        client = client_for(city_admin)
        assert client.get(f"{API}/enterprises", {"q": "纺织"}).json()["total"] == 1
        assert client.get(f"{API}/enterprises", {"industry": "C"}).json()["total"] == 2
        assert client.get(f"{API}/enterprises", {"industry": "38"}).json()["total"] == 1
        assert client.get(f"{API}/enterprises", {"origin_kind": "abroad"}).json()["total"] == 0
        assert client.get(f"{API}/enterprises", {"limit": 1}).json()["items"][0]["name"] == "昆明电器有限公司"
        assert client.get(f"{API}/enterprises", {"origin_kind": "mars"}).status_code == 400

    def test_anonymous_is_401(self):
        assert Client().get(f"{API}/enterprises").status_code == 401


class TestEnterpriseUpdate:
    def test_the_owning_unit_corrects_its_enterprise(self, wuhua):
        enterprise = make_enterprise(owner_unit=wuhua.unit)
        response = send(
            client_for(wuhua), "patch", f"/enterprises/{enterprise.pk}", {"contact_name": "王经理"}
        )
        assert response.status_code == 200 and response.json()["contact_name"] == "王经理"
        event = Event.objects.get(verb=Verb.UPDATE, object_id=str(enterprise.pk))
        assert event.after == {"contact_name": "王经理"}

    def test_a_unit_that_sees_it_publicly_cannot_edit_it(self, wuhua, panlong, reviewer):
        enterprise = make_enterprise(owner_unit=wuhua.unit)
        make_recognised(wuhua, reviewer, enterprise=enterprise)
        response = send(client_for(panlong), "patch", f"/enterprises/{enterprise.pk}", {"name": "改名"})
        assert response.status_code == 403
        assert Enterprise.objects.get(pk=enterprise.pk).name == enterprise.name
        assert Event.objects.filter(verb=Verb.DENIED, actor=panlong).count() == 1

    def test_another_units_enterprise_is_404(self, wuhua, panlong):
        enterprise = make_enterprise(owner_unit=panlong.unit)
        assert (
            send(client_for(wuhua), "patch", f"/enterprises/{enterprise.pk}", {"name": "x"}).status_code
            == 404
        )

    def test_mass_assignment_changes_nothing(self, wuhua):
        enterprise = make_enterprise(owner_unit=wuhua.unit)
        before = Enterprise.objects.filter(pk=enterprise.pk).values().get()
        for extra in ({"owner_unit": "530103"}, {"is_sample": True}, {"created_by": 1}, {"id": 999}):
            response = send(
                client_for(wuhua), "patch", f"/enterprises/{enterprise.pk}", {"name": "新", **extra}
            )
            assert response.status_code == 422, extra
        assert Enterprise.objects.filter(pk=enterprise.pk).values().get() == before

    def test_invalid_values_are_422_and_change_nothing(self, wuhua):
        enterprise = make_enterprise(owner_unit=wuhua.unit)
        client = client_for(wuhua)
        for bad in (
            {"credit_code": "123"},
            {"name": None},
            {"name": "   "},
            {"industry": "ZZ"},
            {"origin": "云南省"},
            {"registered_capital_fen": -1},
        ):
            response = send(
                client, "patch", f"/enterprises/{enterprise.pk}", {"origin_kind": "out_of_province", **bad}
            )
            assert response.status_code == 422, bad
            assert all(has_chinese(m) for m in fields(response).values()), bad
        assert Enterprise.objects.get(pk=enterprise.pk).name == enterprise.name
