from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
import time_machine
from django.test import Client

from enclave.land.models import LandParcel
from enclave.parks.models import SubPark

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2025, 7, 8, 9, 0, tzinfo=dt.UTC), tick=False):
        yield


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


class TestLandPages:
    def test_recording_land_in_mu_and_wan_then_listing_and_exporting_it(self, wuhua, panlong):
        client = signed_in(wuhua)
        response = client.post(
            "/land/new/",
            {
                "park": "mohan",
                "area_mu": "47.03",
                "auctioned_on": "2024-07-15",
                "price_wan": "29200",
                "intended_use": "industrial",
            },
        )
        parcel = LandParcel.objects.get()
        assert (
            response.status_code == 302
            and parcel.area_mu == Decimal("47.03")
            and parcel.price_fen == 292_000_000_00
        )
        body = client.get("/land/").content.decode()
        assert "47.03亩" in body and "31,353.33平方米" in body
        sheet = openpyxl.load_workbook(io.BytesIO(client.get("/land/export.xlsx").content)).active
        assert sheet["F3"].value == 47.03 and sheet["I3"].value == 29200
        assert "47.03" not in signed_in(panlong).get("/land/").content.decode()

    def test_a_negative_area_is_refused_and_the_input_kept(self, wuhua):
        response = signed_in(wuhua).post(
            "/land/new/",
            {
                "park": "mohan",
                "area_mu": "-4",
                "auctioned_on": "2024-07-15",
                "price_wan": "100",
                "intended_use": "industrial",
            },
        )
        body = response.content.decode()
        assert response.status_code == 200 and "面积不能为负数" in body and 'value="-4"' in body
        assert not LandParcel.objects.exists()

    def test_the_sub_park_page_shows_plans_and_takes_milestones(self, wuhua, panlong):
        client = signed_in(wuhua)
        form = {"name": "五华测试园", "park": "mohan", "planned_investment_wan": "29200"}
        response = client.post("/land/subparks/new/", form)
        assert response.status_code == 200 and "请填写园中园的设立日期" in response.content.decode()
        assert not SubPark.objects.filter(name="五华测试园").exists()
        client.post("/land/subparks/new/", {**form, "established_on": "2024-07-01"})
        sp = SubPark.objects.get(name="五华测试园")
        assert sp.established_on == dt.date(2024, 7, 1)
        client.post(
            f"/land/subparks/{sp.pk}/buildings/",
            {"kind": "factory", "name": "1号厂房", "floor_area_m2": "51800"},
        )
        client.post(
            f"/land/subparks/{sp.pk}/milestones/",
            {"name": "具备使用条件", "due_on": "2025-06-30", "is_completion": "on"},
        )
        body = client.get(f"/land/subparks/{sp.pk}/").content.decode()
        assert "2.92亿元" in body and "5.18万平方米" in body and "已逾期" in body
        assert "设立日期" in body and "2024-07-01" in body
        assert "2024-07-01" in client.get("/land/subparks/").content.decode()
        assert signed_in(panlong).get(f"/land/subparks/{sp.pk}/").status_code == 404
        assert signed_in(panlong).post(f"/land/subparks/{sp.pk}/buildings/", {}).status_code == 404
