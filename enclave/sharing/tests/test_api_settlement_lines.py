"""GET /api/v1/settlements/{run_id}/lines: a run's project-months, scoped like the statements."""

from __future__ import annotations

import datetime as dt

import pytest

from enclave.conftest import client_for, make_recognised
from enclave.parks.models import Park
from enclave.sharing import services

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(wuhua, reviewer, mohan_user, city_admin):
    """Wuhua's project in Mohan (50:50) pays 10,000.01元 of VAT in August (1元 rebated) and 5,000元 in
    September: the county keeps 20 % of VAT, so August retains 2,000.00 − 0.01 = 1,999.99元 (Wuhua 999.99,
    Mohan 1,000.00, the odd fen to the host) and September 1,000.00元 (500.00 each)."""
    project = make_recognised(wuhua, reviewer)
    services.report_create(actor=mohan_user, project=project, month=dt.date(2024, 8, 1),
                           taxes={"vat": 1_000_001}, values={"rebates_fen": 1})  # fmt: skip
    services.report_create(actor=mohan_user, project=project, month=dt.date(2024, 9, 1),
                           taxes={"vat": 500_000}, values={})  # fmt: skip
    return services.settlement_run(actor=city_admin, period="2024Q3").run


def test_the_city_reads_every_line_with_its_county_parts_and_shares(run, city_admin):
    body = client_for(city_admin).get(f"/api/v1/settlements/{run.pk}/lines").json()
    assert body["run_id"] == run.pk and body["period"] == "2024Q3" and body["count"] == 2
    august, september = body["items"]
    mohan = Park.objects.get(code="mohan").short_name
    assert august["month"] == "2024-08-01" and august["county_parts"] == {"vat": 200_000}
    assert (august["rebates_fen"], august["adjustments_fen"], august["retained_fen"]) == (1, 0, 199_999)
    assert august["shares"] == [
        {"party_code": "530102", "party_kind": "unit", "party_name": "五华区", "amount_fen": 99_999},
        {"party_code": "mohan", "party_kind": "park", "party_name": mohan, "amount_fen": 100_000},
    ]
    assert september["county_parts"] == {"vat": 100_000} and september["retained_fen"] == 100_000
    assert [s["amount_fen"] for s in september["shares"]] == [50_000, 50_000]


def test_the_lines_are_paged(run, city_admin):
    body = client_for(city_admin).get(f"/api/v1/settlements/{run.pk}/lines?limit=1&offset=1").json()
    assert body["count"] == 2 and [i["month"] for i in body["items"]] == ["2024-09-01"]
    refused = client_for(city_admin).get(f"/api/v1/settlements/{run.pk}/lines?limit=0")
    assert refused.status_code == 400  # a query parameter (enclave.query_params)


def test_the_parties_read_their_lines_and_nobody_else_does(run, wuhua, mohan_user, panlong, lingang_user):
    for party in (wuhua, mohan_user):
        assert client_for(party).get(f"/api/v1/settlements/{run.pk}/lines").json()["count"] == 2
    for stranger in (panlong, lingang_user):
        body = client_for(stranger).get(f"/api/v1/settlements/{run.pk}/lines").json()
        assert body["count"] == 0 and body["items"] == []


def test_an_unknown_run_is_not_found(run, city_admin):
    response = client_for(city_admin).get(f"/api/v1/settlements/{run.pk + 1000}/lines")
    assert response.status_code == 404 and response.json() == {"detail": "不存在"}
