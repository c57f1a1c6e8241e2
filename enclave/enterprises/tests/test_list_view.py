from __future__ import annotations

import pytest
from django.urls import reverse

from enclave.conftest import make_enterprise, make_filed, make_recognised
from enclave.enterprises.models import Enterprise
from enclave.enterprises.tests.conftest import client_for
from enclave.parks.models import Unit

pytestmark = pytest.mark.django_db

LIST = reverse("enterprises:list")


def wuhua_unit() -> Unit:
    return Unit.objects.get(code="530102")


class TestEnterpriseListScope:
    def test_anonymous_users_are_sent_to_login(self, client):
        response = client.get(LIST)
        assert response.status_code == 302
        assert reverse("accounts:login") in response["Location"]

    def test_the_city_sees_the_whole_library(self, reviewer):
        make_enterprise(name="市级甲企业")
        make_enterprise(name="五华乙企业", owner_unit=wuhua_unit())
        body = client_for(reviewer).get(LIST).content.decode()
        assert "市级甲企业" in body and "五华乙企业" in body

    def test_panlong_does_not_see_an_enterprise_wuhua_registered_without_a_recognised_project(
        self, wuhua, panlong
    ):
        hidden = make_enterprise(name="五华独家线索企业", owner_unit=wuhua_unit())
        make_filed(wuhua, enterprise=hidden)  # filed, not recognised: still Wuhua's business
        body = client_for(panlong).get(LIST).content.decode()
        assert "五华独家线索企业" not in body
        assert hidden.credit_code not in body
        assert "五华独家线索企业" in client_for(wuhua).get(LIST).content.decode()

    def test_panlong_sees_an_enterprise_with_a_recognised_project_but_not_its_capital(
        self, wuhua, panlong, reviewer
    ):
        public = make_enterprise(name="已认定项目企业", owner_unit=wuhua_unit())
        Enterprise.objects.filter(pk=public.pk).update(registered_capital_fen=1_234_560_000)
        make_recognised(wuhua, reviewer, enterprise=public)
        body = client_for(panlong).get(LIST).content.decode()
        assert "已认定项目企业" in body
        assert "1,234.56万元" not in body
        assert "1,234.56万元" in client_for(wuhua).get(LIST).content.decode()

    def test_the_register_button_shows_only_for_those_who_may_register(self, wuhua, auditor, mohan_user):
        create = reverse("enterprises:create")
        assert create in client_for(wuhua).get(LIST).content.decode()
        for user in (auditor, mohan_user):
            assert create not in client_for(user).get(LIST).content.decode()


class TestEnterpriseListFilters:
    @pytest.fixture
    def library(self, db):
        make_enterprise(name="滇沪轻纺有限公司", industry="17")  # C 制造业, 上海市
        abroad = make_enterprise(name="老挝万象物流公司", industry="58")  # G 交通运输
        Enterprise.objects.filter(pk=abroad.pk).update(origin_kind="abroad", origin="老挝")
        return Enterprise.objects.get(pk=abroad.pk)

    def test_it_filters_by_industry_section(self, reviewer, library):
        body = client_for(reviewer).get(LIST, {"section": "G"}).content.decode()
        assert "老挝万象物流公司" in body and "滇沪轻纺有限公司" not in body
        assert "共 1 家企业" in body

    def test_it_filters_by_origin_kind_and_origin(self, reviewer, library):
        body = client_for(reviewer).get(LIST, {"origin_kind": "abroad"}).content.decode()
        assert "老挝万象物流公司" in body and "滇沪轻纺有限公司" not in body
        body = client_for(reviewer).get(LIST, {"origin": "上海市"}).content.decode()
        assert "滇沪轻纺有限公司" in body and "老挝万象物流公司" not in body

    def test_it_searches_names_and_credit_codes(self, reviewer, library):
        body = client_for(reviewer).get(LIST, {"q": "轻纺"}).content.decode()
        assert "滇沪轻纺有限公司" in body and "老挝万象物流公司" not in body
        part = library.credit_code[-8:].lower()
        body = client_for(reviewer).get(LIST, {"q": part}).content.decode()
        assert "老挝万象物流公司" in body and "滇沪轻纺有限公司" not in body

    @pytest.mark.parametrize("params, named", [({"section": "ZZ"}, "section"), ({"origin_kind": "mars"}, "origin_kind")])
    def test_an_unknown_filter_value_is_refused_naming_it_not_ignored(self, reviewer, library, params, named):
        """Dropping it would list every enterprise under a filter the official believes applied (issue 14)."""
        response = client_for(reviewer).get(LIST, params)
        assert response.status_code == 400 and f"参数“{named}”" in response.content.decode()

    def test_the_export_link_carries_the_filter(self, reviewer, library):
        body = client_for(reviewer).get(LIST, {"section": "G", "page": "1"}).content.decode()
        assert f'href="{reverse("enterprises:export")}?section=G"' in body


class TestEnterpriseListPaging:
    def test_it_pages_by_the_configured_size_and_keeps_the_filter(self, reviewer, settings):
        settings.ENCLAVE_PAGE_SIZE = 2
        for n in range(5):
            make_enterprise(name=f"翻页企业{n}")
        client = client_for(reviewer)
        first = client.get(LIST, {"q": "翻页"}).content.decode()
        assert "翻页企业0" in first and "翻页企业1" in first and "翻页企业2" not in first
        assert "第 1 / 3 页" in first
        assert "?q=%E7%BF%BB%E9%A1%B5&amp;page=2" in first
        last = client.get(LIST, {"q": "翻页", "page": "3"}).content.decode()
        assert "翻页企业4" in last and "翻页企业3" not in last

    def test_an_out_of_range_page_shows_the_last_page(self, reviewer, settings):
        settings.ENCLAVE_PAGE_SIZE = 2
        for n in range(3):
            make_enterprise(name=f"越界企业{n}")
        body = client_for(reviewer).get(LIST, {"page": "99"}).content.decode()
        assert "越界企业2" in body
