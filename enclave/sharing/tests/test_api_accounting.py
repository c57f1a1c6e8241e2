"""GET /api/v1/accounting: the double-accounting table of /sharing/accounting/ with each figure's ledger."""

from __future__ import annotations

import datetime as dt

import pytest

from enclave.conftest import client_for, make_recognised
from enclave.sharing import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def settled(wuhua, reviewer, mohan_user, city_admin):
    """Wuhua's project in Mohan reports 123,456元 of investment and 1万元 of out-of-province funds in August."""
    project = make_recognised(wuhua, reviewer)
    services.report_create(
        actor=mohan_user, project=project, month=dt.date(2024, 8, 1), taxes={"vat": 1_000_001},
        values={"fixed_asset_investment_fen": 12_345_600, "out_of_province_funds_fen": 1_000_000},
    )  # fmt: skip
    return project


def figures(row: dict) -> dict:
    return {k: v for k, v in row.items() if k.endswith("_fen") and v}


def test_the_city_gets_every_place_the_places_sum_and_the_count_once_total(settled, city_admin):
    body = client_for(city_admin).get("/api/v1/accounting?period=2024Q3").json()
    assert body["period"] == "2024Q3" and body["note"].startswith("考核口径：")
    rows = {r["code"]: r for r in body["rows"]}
    assert rows["530102"]["kind"] == "unit" and rows["530102"]["basis"] == "assessment"
    assert figures(rows["530102"]) == {
        "fixed_asset_investment_fen": 12_345_600,
        "out_of_province_funds_fen": 1_000_000,
    }
    # The host park is credited with investment in full, never with out-of-province funds.
    assert rows["mohan"]["kind"] == "park" and figures(rows["mohan"]) == {
        "fixed_asset_investment_fen": 12_345_600
    }
    assert body["places_sum"]["basis"] == "assessment" and figures(body["places_sum"]) == {
        "fixed_asset_investment_fen": 24_691_200, "out_of_province_funds_fen": 1_000_000}  # fmt: skip
    assert body["city"]["basis"] == "in_place" and figures(body["city"]) == {
        "fixed_asset_investment_fen": 12_345_600, "out_of_province_funds_fen": 1_000_000}  # fmt: skip
    differences = {d["indicator"]: d for d in body["differences"]}
    assert differences["fixed_asset_investment_fen"] == {
        "indicator": "fixed_asset_investment_fen", "places_fen": 24_691_200, "city_fen": 12_345_600,
        "difference_fen": 12_345_600}  # fmt: skip
    assert differences["out_of_province_funds_fen"]["difference_fen"] == 0


def test_a_unit_gets_its_own_row_only_and_no_city_totals_as_on_the_page(settled, wuhua, panlong):
    body = client_for(wuhua).get("/api/v1/accounting?period=2024").json()
    assert [r["code"] for r in body["rows"]] == ["530102"]
    assert figures(body["rows"][0])["fixed_asset_investment_fen"] == 12_345_600
    assert body["city"] is None and body["places_sum"] is None and body["differences"] == []
    other = client_for(panlong).get("/api/v1/accounting?period=2024").json()
    assert [r["code"] for r in other["rows"]] == ["530103"] and not figures(other["rows"][0])


def test_a_park_gets_its_own_row(settled, mohan_user):
    body = client_for(mohan_user).get("/api/v1/accounting?period=2024Q3").json()
    assert [(r["code"], r["kind"]) for r in body["rows"]] == [("mohan", "park")]


def test_without_a_period_it_is_the_quarter_of_the_latest_report_like_the_page(settled, city_admin):
    assert client_for(city_admin).get("/api/v1/accounting").json()["period"] == "2024Q3"


def test_a_malformed_period_is_refused_in_chinese(settled, city_admin):
    response = client_for(city_admin).get("/api/v1/accounting?period=2024Q9")
    assert response.status_code == 422 and "period" in response.content.decode()
    assert any("\u4e00" <= ch <= "\u9fff" for ch in response.content.decode())
