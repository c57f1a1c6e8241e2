from __future__ import annotations

import pytest
from django.urls import reverse

from enclave.parks.tests.conftest import client_for
from enclave.projects.models import SharingPolicy

pytestmark = pytest.mark.django_db

INDEX = reverse("parks:index")
UNITS = reverse("parks:unit_list")


class TestParksIndex:
    def test_anonymous_users_are_sent_to_login(self, client):
        for url in (INDEX, UNITS, reverse("parks:park_detail", args=["mohan"])):
            response = client.get(url)
            assert response.status_code == 302 and reverse("accounts:login") in response["Location"]

    def test_everyone_signed_in_reads_the_parks(self, wuhua, mohan_user, auditor, reviewer):
        for user in (wuhua, mohan_user, auditor, reviewer):
            assert client_for(user).get(INDEX).status_code == 200

    def test_it_shows_both_parks_with_areas_positioning_host_and_sub_parks(self, panlong):
        body = client_for(panlong).get(INDEX).content.decode()
        assert "磨憨—磨丁合作区" in body and "沪滇临港昆明科技城" in body
        assert "南坡片区" in body and "科技城一期" in body
        assert "C 制造业" in body and "出口导向型加工制造" in body
        assert "昆明经济技术开发区" in body  # Lingang's host unit
        assert "云南五华产业园磨憨园区" in body
        assert reverse("parks:park_detail", args=["lingang"]) in body

    def test_sharing_defaults_are_marked_to_be_confirmed(self, wuhua):
        body = client_for(wuhua).get(INDEX).content.decode()
        assert body.count("默认值，须与财政部门确认") == SharingPolicy.objects.filter(is_default=True).count()
        assert "企业自主流转" in body and "30%" in body and "70%" in body
        SharingPolicy.objects.update(is_default=False)
        assert "默认值，须与财政部门确认" not in client_for(wuhua).get(INDEX).content.decode()

    def test_only_a_city_administrator_who_may_use_the_admin_sees_the_link_to_it(self, city_admin, reviewer):
        admin_index = reverse("admin:index")
        assert admin_index not in client_for(city_admin).get(INDEX).content.decode()  # not staff yet
        reviewer.is_staff = city_admin.is_staff = True
        reviewer.save()
        city_admin.save()
        assert admin_index in client_for(city_admin).get(INDEX).content.decode()
        assert admin_index not in client_for(reviewer).get(INDEX).content.decode()


class TestParkDetail:
    def test_it_shows_one_park_with_its_prefix_and_sub_parks(self, mohan_user):
        body = client_for(mohan_user).get(reverse("parks:park_detail", args=["mohan"])).content.decode()
        assert "中国老挝磨憨—磨丁经济合作区" in body
        assert "<code>MH</code>" in body
        assert "云南五华产业园磨憨园区" in body and "五华区" in body and "47.03亩" in body

    def test_an_unknown_park_is_not_found(self, wuhua):
        assert client_for(wuhua).get(reverse("parks:park_detail", args=["nowhere"])).status_code == 404


class TestUnitList:
    def test_it_lists_the_nineteen_units_with_code_kind_and_tier(self, auditor):
        body = client_for(auditor).get(UNITS).content.decode()
        assert body.count("<tr>") == 1 + 19
        assert "<code>530102</code>" in body and "五华区" in body and "一类（主城区）" in body
        assert "<code>530181</code>" in body and "二类" in body
        assert "<code>gaoxin</code>" in body and "开发（度假）区及滇中新区" in body
        assert "县级市" in body and "开发区" in body
