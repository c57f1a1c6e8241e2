"""The resource library pages (资源库): list with filters, paging and export; create and edit with Chinese
errors; who may change what; and the suggestions on a lead's page."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest
import time_machine

from enclave.audit.models import Event
from enclave.conftest import client_for
from enclave.land import services
from enclave.land.models import Resource
from enclave.leads.tests.conftest import make_lead
from enclave.parks.models import Industry, Park, Unit

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2025, 5, 8, 9, 0, tzinfo=dt.UTC), tick=False):
        yield


@pytest.fixture
def wuhua_subpark(wuhua):
    return services.subpark_create(
        actor=wuhua, data={"name": "五华测试园", "park": Park.objects.get(code="mohan"), "established_on": dt.date(2024, 7, 1)}
    )


def offer(actor, **overrides) -> Resource:
    data = {"kind": "factory", "name": "磨憨标准厂房A", "park": Park.objects.get(code="mohan"),
            "area_m2": Decimal("6000"), "price_fen": 1500, "price_unit": "per_m2_month",
            "available_on": dt.date(2025, 3, 1)}  # fmt: skip
    data.update(overrides)
    return services.resource_save(actor=actor, data=data)


FORM = {"kind": "factory", "name": "五华园1号厂房", "park": "mohan", "area_m2": "6,000", "price_yuan": "12.50",
        "price_unit": "per_m2_month", "available_on": "2025-06-30", "industries": ["17"],
        "is_available": "on"}  # fmt: skip


class TestResourceList:
    def test_everyone_signed_in_reads_the_library_filtered_paged_and_exported(
        self, mohan_user, lingang_user, panlong, auditor, settings
    ):
        offer(mohan_user)
        offer(mohan_user, kind="office", name="磨憨办公楼", available_on=dt.date(2025, 9, 1))
        offer(lingang_user, kind="land", name="临港用地", park=Park.objects.get(code="lingang"),
              area_m2=Decimal("40000"), price_unit="per_mu")  # fmt: skip
        for user in (panlong, auditor):
            body = client_for(user).get("/land/resources/").content.decode()
            assert "磨憨标准厂房A" in body and "临港用地" in body and "15.00 租金（元/平方米·月）" in body
        client = client_for(panlong)
        body = client.get("/land/resources/", {"park": "mohan", "kind": "factory"}).content.decode()
        assert "磨憨标准厂房A" in body and "磨憨办公楼" not in body and "临港用地" not in body
        body = client.get("/land/resources/", {"available_by": "2025-06-30"}).content.decode()
        assert "磨憨办公楼" not in body and "临港用地" in body
        settings.ENCLAVE_PAGE_SIZE = 2
        assert "第 2 / 2 页" in client.get("/land/resources/", {"page": 2}).content.decode()
        response = client.get("/land/resources/export.xlsx", {"park": "mohan"})
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        names = [sheet.cell(row=r, column=2).value for r in range(3, sheet.max_row + 1)]
        assert sorted(names) == ["磨憨办公楼", "磨憨标准厂房A"]
        assert "园区：磨憨" in sheet["A1"].value
        assert Event.objects.filter(verb="export", object_type="land.resource", actor=panlong).count() == 1


class TestResourceForms:
    def test_a_unit_registers_an_offer_of_its_own_sub_park(self, wuhua, wuhua_subpark):
        response = client_for(wuhua).post("/land/resources/new/", {**FORM, "subpark": str(wuhua_subpark.pk)})
        assert response.status_code == 302
        resource = Resource.objects.get()
        assert resource.area_m2 == Decimal("6000") and resource.price_fen == 1250
        assert resource.unit == Unit.objects.get(code="530102") and resource.subpark == wuhua_subpark
        assert list(resource.industries.values_list("code", flat=True)) == ["17"]
        assert Event.objects.filter(verb="create", object_type="land.resource").count() == 1

    @pytest.mark.parametrize(
        ("field", "value", "message"),
        [
            ("area_m2", "-5", "面积不能为负数"),
            ("area_m2", "0", "面积应大于0"),
            ("area_m2", "12.345", "面积最多保留两位小数"),
            ("area_m2", "许多", "面积应为数字"),
            ("price_yuan", "-3", "价格不能为负数"),
            ("available_on", "2025-02-30", "请填写有效日期，如 2024-07-15"),
            ("name", "", "请填写资源名称"),
        ],
    )
    def test_bad_input_is_refused_in_chinese_and_nothing_is_written(
        self, wuhua, wuhua_subpark, field, value, message
    ):
        response = client_for(wuhua).post(
            "/land/resources/new/", {**FORM, "subpark": str(wuhua_subpark.pk), field: value}
        )
        body = response.content.decode()
        assert response.status_code == 200 and "请按提示修改标红的内容后重新提交" in body
        assert message in body
        assert not Resource.objects.exists()

    def test_a_unit_may_not_offer_space_outside_its_sub_parks(self, wuhua, panlong, wuhua_subpark):
        body = client_for(wuhua).post("/land/resources/new/", FORM).content.decode()
        assert "协作地单位只能登记本单位园中园的资源" in body
        body = (
            client_for(panlong)
            .post("/land/resources/new/", {**FORM, "subpark": str(wuhua_subpark.pk)})
            .content.decode()
        )
        assert "协作地单位只能登记本单位园中园的资源" in body
        assert not Resource.objects.exists()

    def test_a_park_committee_keeps_its_own_park_and_not_the_other(self, mohan_user, lingang_user):
        client = client_for(lingang_user)
        assert "只能登记本园区的资源" in client.post("/land/resources/new/", FORM).content.decode()
        mine = offer(mohan_user)
        assert client.get(f"/land/resources/{mine.pk}/edit/").status_code == 403
        response = client_for(mohan_user).post(
            f"/land/resources/{mine.pk}/edit/", {**FORM, "name": "磨憨标准厂房A（改）", "is_available": ""}
        )
        mine.refresh_from_db()
        assert response.status_code == 302 and mine.name == "磨憨标准厂房A（改）" and not mine.is_available
        change = Event.objects.filter(verb="update", object_type="land.resource").get()
        assert change.before["is_available"] is True and change.after["is_available"] is False

    def test_the_city_keeps_every_offer_and_the_auditor_none(self, reviewer, auditor, mohan_user):
        mine = offer(mohan_user)
        assert client_for(reviewer).get(f"/land/resources/{mine.pk}/edit/").status_code == 200
        assert client_for(auditor).get(f"/land/resources/{mine.pk}/edit/").status_code == 403
        assert client_for(auditor).get("/land/resources/new/").status_code == 403
        assert "登记资源" not in client_for(auditor).get("/land/resources/").content.decode()


class TestSuggestionsOnTheLead:
    def test_the_lead_page_ranks_offers_with_their_reasons(self, wuhua, panlong, mohan_user, wuhua_subpark):
        sub = services.resource_save(
            actor=wuhua,
            data={"kind": "factory", "name": "五华园2号厂房", "park": Park.objects.get(code="mohan"),
                  "subpark": wuhua_subpark, "area_m2": Decimal("6000"), "available_on": dt.date(2025, 6, 30),
                  "industries": [Industry.objects.get(code="17")]},
        )  # fmt: skip
        offer(mohan_user, name="磨憨电子厂房", industries=[Industry.objects.get(code="39")])
        offer(mohan_user, name="磨憨通用厂房", area_m2=Decimal("3000"))
        lead = make_lead(wuhua, subpark=wuhua_subpark, needed_area_m2=Decimal("5000"))
        body = client_for(wuhua).get(f"/leads/{lead.pk}/").content.decode()
        assert "资源库匹配建议" in body
        assert body.index(sub.name) < body.index("磨憨通用厂房")
        assert "位于目标园中园（五华测试园）" in body and "行业17在资源的适合行业之内" in body
        assert "面积不足：3,000平方米，比需求少2,000平方米" in body
        assert "磨憨电子厂房" not in body  # positioned for electronics, the lead is textiles

    def test_a_lead_without_matching_offers_says_so(self, wuhua):
        lead = make_lead(wuhua)
        body = client_for(wuhua).get(f"/leads/{lead.pk}/").content.decode()
        assert "资源库中暂无与该线索的目标园区和行业相符的可供资源" in body
