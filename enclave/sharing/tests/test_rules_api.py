"""API of the effective-dated rules: GET /api/v1/rates, POST /api/v1/rates/change,
GET /api/v1/sharing-policies, POST /api/v1/sharing-policies/{id}/change."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from enclave.conftest import client_for
from enclave.projects.models import SharingPolicy
from enclave.sharing.models import RetentionRate

pytestmark = pytest.mark.django_db


def post(user, path, body):
    return client_for(user).post(f"/api/v1{path}", json.dumps(body), content_type="application/json")


def messages(response):
    return {e["field"]: e["message"] for e in response.json()["detail"]}


CHANGE = {"tax_type": "vat", "from_month": "2024-07", "rate_bp": 2500, "reason": "市财政局通知调整"}


class TestRatesApi:
    def test_the_list_filters_by_tax_type_and_pages(self, wuhua, city_admin):
        post(city_admin, "/rates/change", CHANGE)
        client = client_for(wuhua)
        body = client.get("/api/v1/rates?tax_type=vat").json()
        assert body["count"] == 2
        assert [(r["effective_from"], r["effective_to"], r["rate_bp"]) for r in body["items"]] == [
            ("2024-07-01", None, 2500), ("2024-01-01", "2024-06-01", 2000)]  # fmt: skip
        page = client.get("/api/v1/rates?limit=2&offset=2").json()
        assert page["count"] == 5 and len(page["items"]) == 2

    def test_the_city_administrator_changes_a_rate(self, city_admin):
        response = post(city_admin, "/rates/change", CHANGE)
        assert response.status_code == 201, response.content
        assert response.json()["rate_bp"] == 2500 and response.json()["note"] == "市财政局通知调整"
        assert RetentionRate.objects.get(tax_type__code="vat", effective_from=dt.date(2024, 1, 1)).effective_to == (
            dt.date(2024, 6, 1))  # fmt: skip

    def test_refusals_are_422_with_the_chinese_message_and_nothing_written(self, city_admin):
        cases = [
            ({**CHANGE, "rate_bp": 2000}, "rate_bp", "无需调整"),
            ({**CHANGE, "reason": " "}, "reason", "必须填写原因"),
            ({**CHANGE, "from_month": "2024-07-15"}, "from_month", "该月1日"),
            ({**CHANGE, "tax_type": "nope"}, "tax_type", "未知税种"),
            ({**CHANGE, "rate_bp": 10001}, "rate_bp", "不能大于10000"),
        ]
        for body, field, text in cases:
            response = post(city_admin, "/rates/change", body)
            assert response.status_code == 422 and text in messages(response)[field], response.content
        assert RetentionRate.objects.count() == 4

    def test_other_roles_are_refused(self, reviewer, wuhua):
        for user in (reviewer, wuhua):
            assert post(user, "/rates/change", CHANGE).status_code == 403
        assert RetentionRate.objects.count() == 4

    def test_the_endpoints_are_in_the_openapi_schema(self, wuhua):
        paths = client_for(wuhua).get("/api/v1/openapi.json").json()["paths"]
        assert {"/api/v1/rates", "/api/v1/rates/change", "/api/v1/sharing-policies",
                "/api/v1/sharing-policies/{policy_id}/change"} <= set(paths)  # fmt: skip
        assert "422" in paths["/api/v1/rates/change"]["post"]["responses"]


def voluntary():
    return SharingPolicy.objects.get(kind="relocation", relocation_class="voluntary")


class TestSharingPoliciesApi:
    def test_the_list_filters_by_kind(self, wuhua):
        body = client_for(wuhua).get("/api/v1/sharing-policies?kind=relocation").json()
        assert body["count"] == 4 and {p["kind"] for p in body["items"]} == {"relocation"}

    def test_the_city_administrator_changes_a_default_from_a_day_on(self, city_admin):
        policy = voluntary()
        body = {"from_date": "2025-01-01", "cooperating_bp": 4000, "host_bp": 6000, "reason": "新政策"}
        response = post(city_admin, f"/sharing-policies/{policy.pk}/change", body)
        assert response.status_code == 201, response.content
        new = response.json()
        assert (new["cooperating_bp"], new["host_bp"], new["duration_months"]) == (4000, 6000, 36)
        policy.refresh_from_db()
        assert policy.effective_to == dt.date(2024, 12, 31)

    def test_the_period_terms_change_and_are_listed(self, city_admin):
        policy = voluntary()
        body = {"from_date": "2025-01-01", "cap_years_before_move": 3, "extension_months": 24,
                "start_event": "agreement_month", "reason": "参照财预〔2015〕92号"}  # fmt: skip
        response = post(city_admin, f"/sharing-policies/{policy.pk}/change", body)
        assert response.status_code == 201, response.content
        new = response.json()
        assert (new["cap_years_before_move"], new["extension_months"], new["start_event"]) == (
            3, 24, "agreement_month")  # fmt: skip
        assert (new["cooperating_bp"], new["duration_months"], new["host_contribution"]) == (3000, 36, "")
        listed = client_for(city_admin).get("/api/v1/sharing-policies?kind=relocation").json()["items"]
        assert {p["start_event"] for p in listed} == {"move", "agreement_month"}
        # An extension without a cap, and a cap of 0 years (no cap) with the extension kept, are refused.
        body = {"from_date": "2025-06-01", "cap_years_before_move": 0, "reason": "取消上限"}
        response = post(city_admin, f"/sharing-policies/{new['id']}/change", body)
        assert (
            response.status_code == 422
            and "延长只在设有分享上限时适用" in messages(response)["extension_months"]
        )

    def test_refusals_are_422_and_unknown_fields_are_refused(self, city_admin):
        policy = voluntary()
        cases = [
            ({"from_date": "2025-01-01", "cooperating_bp": 4000, "reason": "x"}, "host_bp", "之和"),
            ({"from_date": "2025-01-01", "cooperating_bp": 3000, "reason": "x"}, "__all__", "无需调整"),
            ({"from_date": "2024-05-01", "duration_months": 48, "reason": "x"}, "from_date", "同一天"),
            ({"from_date": "2025-01-01", "duration_months": 48, "reason": ""}, "reason", "必须填写原因"),
            ({"from_date": "2025-01-01", "kind": "new_domestic", "reason": "x"}, "kind", "不接受"),
        ]
        for body, field, text in cases:
            response = post(city_admin, f"/sharing-policies/{policy.pk}/change", body)
            assert response.status_code == 422 and text in messages(response)[field], response.content
        assert SharingPolicy.objects.count() == 10

    def test_other_roles_are_refused(self, reviewer):
        body = {"from_date": "2025-01-01", "duration_months": 48, "reason": "x"}
        assert post(reviewer, f"/sharing-policies/{voluntary().pk}/change", body).status_code == 403
