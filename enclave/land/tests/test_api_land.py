"""Land parcels, sub-parks (with milestones) and the resource library over the JSON API: same services and
scope as the pages; negative areas, milestones due before the land was won and another unit's records
are 4xx with a Chinese message and write nothing."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from typing import Any

import pytest
import time_machine
from django.test import Client

from enclave.audit.models import Event
from enclave.conftest import client_for
from enclave.land import services
from enclave.land.models import LandParcel, Milestone, Resource
from enclave.parks.models import Park, SubPark

pytestmark = pytest.mark.django_db
API = "/api/v1"


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2025, 5, 8, 9, 0, tzinfo=dt.UTC), tick=False):
        yield


def send(client: Client, method: str, path: str, body: Any = None) -> Any:
    payload = "" if body is None else json.dumps(body, ensure_ascii=False)
    return getattr(client, method)(API + path, data=payload, content_type="application/json")


def messages(response: Any) -> str:
    detail = response.json()["detail"]
    return detail if isinstance(detail, str) else " ".join(f"{d['field']}:{d['message']}" for d in detail)


def counts() -> tuple[int, ...]:
    """Rows that a refused call must not add (a refusal itself leaves a "denied" audit row, by design)."""
    return (LandParcel.objects.count(), SubPark.objects.count(), Milestone.objects.count(),
            Resource.objects.count(), Event.objects.exclude(verb="denied").count())  # fmt: skip


PARCEL = {"park": "mohan", "park_area": "南坡片区", "area_mu": "47.03", "auctioned_on": "2024-07-15",
          "price_fen": 29_200_000_000, "intended_use": "industrial"}  # fmt: skip


class TestParcelsAndSubParks:
    def test_a_unit_records_its_sub_park_land_and_a_milestone(self, wuhua, panlong, mohan_user):
        client = client_for(wuhua)
        response = send(client, "post", "/subparks", {"name": "五华接口测试园", "park": "mohan",
                                                      "target_industries": ["17", "C"]})  # fmt: skip
        assert response.status_code == 422 and "established_on:请填写园中园的设立日期" in messages(response)
        response = send(client, "post", "/subparks", {"name": "五华接口测试园", "park": "mohan",
                                                      "established_on": "2024-07-01",
                                                      "target_industries": ["17", "C"]})  # fmt: skip
        assert response.status_code == 201, response.content
        subpark = response.json()
        assert subpark["established_on"] == "2024-07-01"
        response = send(client, "post", "/parcels", {**PARCEL, "subpark": subpark["id"]})
        assert response.status_code == 201, response.content
        parcel = response.json()
        assert Decimal(str(parcel["area_mu"])) == Decimal("47.03")
        assert Decimal(str(parcel["area_m2"])) == Decimal("31353.33")
        response = send(client, "post", f"/subparks/{subpark['id']}/milestones",
                        {"name": "具备使用条件", "due_on": "2025-06-30", "is_completion": True})  # fmt: skip
        assert response.status_code == 201
        got = response.json()
        assert got["milestones"][0]["due_on"] == "2025-06-30" and Decimal(str(got["land_mu"])) == Decimal("47.03")
        assert send(client_for(mohan_user), "get", f"/parcels/{parcel['id']}").json()["may_edit"] is False
        assert send(client_for(panlong), "get", "/parcels").json()["total"] == 0
        assert send(client_for(panlong), "get", "/subparks").json()["total"] == 0

    @pytest.mark.parametrize(("area", "message"), [("-4", "面积应大于0"), ("0", "面积应大于0"),
                                                    ("1.234", "面积最多保留两位小数")])  # fmt: skip
    def test_a_bad_area_is_a_422_and_writes_nothing(self, wuhua, area, message):
        before = counts()
        response = send(client_for(wuhua), "post", "/parcels", {**PARCEL, "area_mu": area})
        assert response.status_code == 422 and f"area_mu:{message}" in messages(response)
        assert counts() == before

    def test_a_milestone_due_before_the_land_was_won_is_a_422_and_writes_nothing(self, wuhua):
        subpark = services.subpark_create(actor=wuhua, data={"name": "五华园", "park": Park.objects.get(code="mohan"), "established_on": dt.date(2024, 7, 1)})
        send(client_for(wuhua), "post", "/parcels", {**PARCEL, "subpark": subpark.pk})
        before = counts()
        response = send(client_for(wuhua), "post", f"/subparks/{subpark.pk}/milestones",
                        {"name": "开工", "due_on": "2024-07-01"})  # fmt: skip
        assert response.status_code == 422
        assert "计划完成日期不能早于土地竞得日期（2024-07-15）" in messages(response)
        assert counts() == before

    def test_another_units_land_and_sub_park_are_404_and_unchanged(self, wuhua, panlong):
        subpark = services.subpark_create(actor=wuhua, data={"name": "五华园", "park": Park.objects.get(code="mohan"), "established_on": dt.date(2024, 7, 1)})
        parcel = services.parcel_create(actor=wuhua, data={
            "park": Park.objects.get(code="mohan"), "area_mu": "47.03", "auctioned_on": dt.date(2024, 7, 15),
            "price_fen": 100})  # fmt: skip
        before = counts()
        client = client_for(panlong)
        for method, path, body in (("patch", f"/parcels/{parcel.pk}", {"area_mu": "1"}),
                                   ("patch", f"/subparks/{subpark.pk}", {"name": "抢"}),
                                   ("post", f"/subparks/{subpark.pk}/milestones", {"name": "x", "due_on": "2025-01-01"})):  # fmt: skip
            response = send(client, method, path, body)
            assert response.status_code == 404 and response.json() == {"detail": "不存在"}
        assert counts() == before

    def test_a_park_committee_may_not_record_land(self, mohan_user):
        response = send(client_for(mohan_user), "post", "/parcels", PARCEL)
        assert response.status_code == 403 and "只有协作地单位可以登记竞得土地" in messages(response)


class TestResourcesOverTheApi:
    def test_the_library_is_read_by_all_and_kept_by_its_owners(self, mohan_user, lingang_user, panlong):
        body = {"kind": "factory", "name": "磨憨厂房", "park": "mohan", "area_m2": 6000, "price_fen": 1500,
                "price_unit": "per_m2_month", "available_on": "2025-09-01", "industries": ["C"]}  # fmt: skip
        response = send(client_for(mohan_user), "post", "/resources", body)
        assert response.status_code == 201, response.content
        resource = response.json()
        assert resource["industries"] == ["C"] and resource["may_edit"] is True
        listed = send(client_for(panlong), "get", "/resources?park=mohan&kind=factory").json()
        assert listed["total"] == 1 and listed["items"][0]["may_edit"] is False
        assert send(client_for(panlong), "get", "/resources?available_by=2025-06-30").json()["total"] == 0
        before = counts()
        response = send(client_for(lingang_user), "patch", f"/resources/{resource['id']}", {"name": "改"})
        assert response.status_code == 403 and "只能修改本单位或本园区登记的资源" in messages(response)
        response = send(client_for(mohan_user), "post", "/resources", {**body, "area_m2": -5})
        assert response.status_code == 422 and "area_m2:面积应大于0" in messages(response)
        response = send(client_for(mohan_user), "post", "/resources", {**body, "price_fen": -1})
        assert response.status_code == 422
        assert counts() == before
