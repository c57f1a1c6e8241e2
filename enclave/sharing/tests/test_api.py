from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from enclave.conftest import make_recognised
from enclave.sharing.models import MonthlyReport, SettlementRun

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_park_posts_a_report_the_city_confirms_runs_and_closes(wuhua, reviewer, mohan_user, city_admin, finance):
    project = make_recognised(wuhua, reviewer)
    park = client_for(mohan_user)
    created = park.post(
        "/api/v1/reports",
        {"project_code": project.code, "month": "2024-08", "taxes": {"vat": 1_000_001}, "rebates_fen": 1},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    report_id = created.json()["id"]
    city = client_for(city_admin)
    run = city.post("/api/v1/settlements/run", {"period": "2024Q3"}, content_type="application/json").json()
    assert run["retained_fen"] == 199_999 and run["created"] is True
    assert {p["code"]: p["share_fen"] for p in run["parties"]} == {"530102": 99_999, "mohan": 100_000}
    again = city.post("/api/v1/settlements/run", {"period": "2024Q3"}, content_type="application/json").json()
    assert again["created"] is False and again["input_digest"] == run["input_digest"]
    refused = city.post("/api/v1/settlements/close", {"period": "2024Q3"}, content_type="application/json")
    assert refused.status_code == 422 and "预估" in refused.content.decode()
    refused = city.post(f"/api/v1/reports/{report_id}/confirm", {"what": "tax"}, content_type="application/json")
    assert refused.status_code == 403  # the city administrator no longer confirms taxes
    confirmed = client_for(finance).post(
        f"/api/v1/reports/{report_id}/confirm", {"what": "tax"}, content_type="application/json"
    )
    assert confirmed.status_code == 200 and confirmed.json()["tax_status"] == "confirmed"
    assert (
        city.post(
            "/api/v1/settlements/close", {"period": "2024Q3"}, content_type="application/json"
        ).status_code
        == 200
    )
    statement = client_for(wuhua).get("/api/v1/statements/530102?period=2024Q3").json()
    assert statement["closed"] is True and statement["share_fen"] == 99_999
    assert statement["lines"][0]["project_code"] == project.code


def test_bad_reports_get_chinese_422s_and_nothing_is_written(wuhua, reviewer, mohan_user):
    project = make_recognised(wuhua, reviewer)
    park = client_for(mohan_user)
    for body, text in (
        ({"project_code": project.code, "month": "2024-08", "taxes": {"vat": -1}}, "不能小于0"),
        ({"project_code": project.code, "month": "2024-08", "taxes": {"vat": 1.5}}, "整数"),
        ({"project_code": project.code, "month": "2024-06", "taxes": {"vat": 1}}, "分享期限"),
        (
            {"project_code": project.code, "month": "2024-08", "taxes": {"vat": 10}, "rebates_fen": 11},
            "不能超过",
        ),
        ({"project_code": project.code, "month": "2024-08", "status": "confirmed"}, "不接受该字段"),
    ):
        response = park.post("/api/v1/reports", body, content_type="application/json")
        assert response.status_code == 422, (body, response.content)
        assert text in response.content.decode()
    assert not MonthlyReport.objects.exists()


def test_statements_and_reports_stay_within_scope(wuhua, panlong, reviewer, mohan_user, city_admin):
    project = make_recognised(wuhua, reviewer)
    client_for(mohan_user).post(
        "/api/v1/reports", {"project_code": project.code, "month": "2024-08", "taxes": {"vat": 500}},
        content_type="application/json",
    )  # fmt: skip
    other = client_for(panlong)
    assert other.get("/api/v1/statements/530102?period=2024Q3").status_code == 403
    assert other.get("/api/v1/reports").json()["count"] == 0
    assert (
        other.post(
            "/api/v1/settlements/run", {"period": "2024Q3"}, content_type="application/json"
        ).status_code
        == 403
    )
    assert not SettlementRun.objects.exists()
    assert dt.date(2024, 8, 1) == MonthlyReport.objects.get().month


def test_bulk_reports_are_all_or_nothing_with_every_error_named(wuhua, reviewer, mohan_user):
    project = make_recognised(wuhua, reviewer)
    park = client_for(mohan_user)
    bad = park.post(
        "/api/v1/reports/bulk",
        {"reports": [
            {"project_code": project.code, "month": "2024-08", "taxes": {"vat": 100}},
            {"project_code": project.code, "month": "2024-05", "taxes": {"vat": 100}},
            {"project_code": "NOPE-1", "month": "2024-09", "taxes": {}},
        ]},
        content_type="application/json",
    )  # fmt: skip
    assert bad.status_code == 422
    fields = {e["field"] for e in bad.json()["detail"]}
    assert fields == {"reports.1.month", "reports.2.project_code"}
    assert not MonthlyReport.objects.exists()
    good = park.post(
        "/api/v1/reports/bulk",
        {
            "reports": [
                {"project_code": project.code, "month": f"2024-{m:02d}", "taxes": {"vat": 100}}
                for m in (7, 8, 9)
            ]
        },
        content_type="application/json",
    )
    assert good.status_code == 201 and good.json() == {"created": 3}
    assert MonthlyReport.objects.count() == 3
