from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from enclave.audit.models import Event, Verb
from enclave.conftest import make_enterprise, make_filed, make_recognised
from enclave.enterprises.models import Enterprise
from enclave.enterprises.tests.conftest import client_for
from enclave.lib.codes import uscc_with_check
from enclave.parks.models import Unit
from enclave.projects import services as project_services

pytestmark = pytest.mark.django_db

CREATE = reverse("enterprises:create")
GOOD_CODE = uscc_with_check("91310000MA1FL8TQ0")  # a Shanghai company code with its real check character


def wrong_check(code: str) -> str:
    last = code[-1]
    return code[:-1] + ("1" if last != "1" else "2")


def form_data(**overrides: str) -> dict[str, str]:
    data = {
        "name": "上海精密机电有限公司",
        "credit_code": GOOD_CODE,
        "registered_address": "上海市浦东新区临港大道1号",
        "registered_capital_wan": "1,234.56",
        "origin_kind": "out_of_province",
        "origin": "上海市",
        "industry": "34",
        "contact_name": "张经理",
    }
    data.update(overrides)
    return data


class TestEnterpriseCreate:
    def test_a_unit_registers_an_enterprise_in_wan_stored_as_fen(self, wuhua):
        response = client_for(wuhua).post(CREATE, form_data())
        enterprise = Enterprise.objects.get(credit_code=GOOD_CODE)
        assert response.status_code == 302
        assert response["Location"] == reverse("enterprises:detail", args=[enterprise.pk])
        assert enterprise.registered_capital_fen == 1_234_560_000  # 1234.56万元
        assert enterprise.owner_unit.code == "530102" and enterprise.created_by == wuhua
        assert enterprise.industry.code == "34"
        event = Event.objects.get(verb=Verb.CREATE, object_type="enterprises.enterprise")
        assert event.object_id == str(enterprise.pk) and event.actor == wuhua

    def test_the_form_offers_divisions_grouped_by_section_and_the_origins(self, wuhua):
        body = client_for(wuhua).get(CREATE).content.decode()
        assert '<optgroup label="C 制造业">' in body
        assert '<option value="34">34 通用设备制造业</option>' in body
        assert '<datalist id="origins">' in body
        for origin in ("上海市", "广西壮族自治区", "老挝", "泰国", "越南", "缅甸", "新加坡"):
            assert f'<option value="{origin}">' in body

    @pytest.mark.parametrize(
        ("code", "message"),
        [
            ("91310000MA1FL8TQ", "统一社会信用代码应为18位"),
            (wrong_check(GOOD_CODE), "统一社会信用代码校验位不正确"),
        ],
    )
    def test_a_bad_credit_code_is_refused_at_the_field_and_nothing_is_written(self, wuhua, code, message):
        before = (Enterprise.objects.count(), Event.objects.count())
        response = client_for(wuhua).post(CREATE, form_data(credit_code=code))
        body = response.content.decode()
        assert response.status_code == 200
        assert message in body
        assert f'value="{code}"' in body and 'value="上海精密机电有限公司"' in body  # typed values kept
        assert (Enterprise.objects.count(), Event.objects.count()) == before

    def test_a_duplicate_credit_code_is_refused_with_a_link_to_the_existing_enterprise(self, wuhua):
        existing = make_enterprise(name="已登记企业", owner_unit=Unit.objects.get(code="530102"))
        response = client_for(wuhua).post(CREATE, form_data(credit_code=existing.credit_code.lower()))
        body = response.content.decode()
        assert "该统一社会信用代码已登记" in body
        assert reverse("enterprises:detail", args=[existing.pk]) in body
        assert Enterprise.objects.filter(credit_code=existing.credit_code).count() == 1

    def test_a_duplicate_another_unit_keeps_to_itself_is_refused_without_revealing_it(self, panlong):
        hidden = make_enterprise(name="五华独家企业", owner_unit=Unit.objects.get(code="530102"))
        body = client_for(panlong).post(CREATE, form_data(credit_code=hidden.credit_code)).content.decode()
        assert "该统一社会信用代码已登记" in body
        assert "五华独家企业" not in body
        assert Enterprise.objects.filter(credit_code=hidden.credit_code).count() == 1

    @pytest.mark.parametrize(
        ("capital", "message"),
        [
            ("12.3456789", "精确到分以下"),
            ("-5", "注册资本不能为负数"),
            ("99999999999", "注册资本超过1000亿元"),
            ("一百万", "不是有效的金额"),
            ("", "请填写注册资本"),
        ],
    )
    def test_an_unreadable_capital_is_refused_at_the_field(self, wuhua, capital, message):
        body = client_for(wuhua).post(CREATE, form_data(registered_capital_wan=capital)).content.decode()
        assert message in body
        assert not Enterprise.objects.filter(credit_code=GOOD_CODE).exists()

    def test_the_services_origin_rule_is_shown_at_the_origin_field(self, wuhua):
        body = client_for(wuhua).post(CREATE, form_data(origin="火星")).content.decode()
        assert "“火星”不是省级行政区名称" in body
        assert 'value="火星"' in body
        assert not Enterprise.objects.filter(credit_code=GOOD_CODE).exists()

    def test_missing_fields_are_named_in_chinese(self, wuhua):
        body = client_for(wuhua).post(CREATE, {}).content.decode()
        for message in ("请填写企业名称", "请填写统一社会信用代码", "请选择来源地类型", "请选择所属行业"):
            assert message in body

    def test_the_city_may_register_but_auditors_and_parks_may_not(self, reviewer, auditor, mohan_user):
        assert client_for(reviewer).post(CREATE, form_data()).status_code == 302
        assert Enterprise.objects.get(credit_code=GOOD_CODE).owner_unit is None
        for user in (auditor, mohan_user):
            client = client_for(user)
            assert client.get(CREATE).status_code == 403
            assert (
                client.post(CREATE, form_data(credit_code=uscc_with_check("91310000MA1FL8TR0"))).status_code
                == 403
            )
        assert Enterprise.objects.count() == 1


class TestEnterpriseEdit:
    def test_the_registering_unit_corrects_its_enterprise_and_the_change_is_audited(self, wuhua):
        enterprise = make_enterprise(name="旧名称公司", owner_unit=Unit.objects.get(code="530102"))
        url = reverse("enterprises:edit", args=[enterprise.pk])
        client = client_for(wuhua)
        assert 'value="0"' in client.get(url).content.decode()  # capital shown back in 万元
        response = client.post(url, form_data(name="新名称公司", credit_code=enterprise.credit_code))
        assert response.status_code == 302
        enterprise.refresh_from_db()
        assert enterprise.name == "新名称公司" and enterprise.registered_capital_fen == 1_234_560_000
        event = Event.objects.get(verb=Verb.UPDATE, object_id=str(enterprise.pk))
        assert event.before["name"] == "旧名称公司" and event.after["name"] == "新名称公司"

    def test_the_form_shows_the_stored_capital_in_wan_exactly(self, reviewer):
        enterprise = make_enterprise()
        Enterprise.objects.filter(pk=enterprise.pk).update(registered_capital_fen=1_234_567_801)
        body = client_for(reviewer).get(reverse("enterprises:edit", args=[enterprise.pk])).content.decode()
        assert 'value="1234.567801"' in body

    def test_taking_another_enterprises_code_is_refused(self, reviewer):
        first, second = make_enterprise(name="甲公司"), make_enterprise(name="乙公司")
        url = reverse("enterprises:edit", args=[second.pk])
        body = (
            client_for(reviewer)
            .post(url, form_data(name="乙公司", credit_code=first.credit_code))
            .content.decode()
        )
        assert "该统一社会信用代码已被其他企业使用" in body
        second.refresh_from_db()
        assert second.credit_code != first.credit_code

    def test_only_the_registering_unit_and_the_city_may_edit(self, wuhua, panlong, reviewer, auditor):
        enterprise = make_enterprise(name="五华企业", owner_unit=Unit.objects.get(code="530102"))
        make_recognised(wuhua, reviewer, enterprise=enterprise)  # now public: Panlong may see it
        url = reverse("enterprises:edit", args=[enterprise.pk])
        assert client_for(panlong).get(url).status_code == 403
        assert client_for(auditor).get(url).status_code == 403
        assert client_for(reviewer).get(url).status_code == 200
        assert client_for(panlong).post(url, form_data(credit_code=enterprise.credit_code)).status_code == 403
        enterprise.refresh_from_db()
        assert enterprise.name == "五华企业"

    def test_an_enterprise_the_user_cannot_see_is_not_found(self, panlong):
        hidden = make_enterprise(name="五华私有企业", owner_unit=Unit.objects.get(code="530102"))
        response = client_for(panlong).get(reverse("enterprises:edit", args=[hidden.pk]))
        assert response.status_code == 404
        assert "五华私有企业" not in response.content.decode()


class TestEnterpriseDetail:
    def test_panlong_gets_404_for_wuhuas_enterprise_without_a_recognised_project(self, wuhua, panlong):
        hidden = make_enterprise(name="五华未认定企业", owner_unit=Unit.objects.get(code="530102"))
        make_filed(wuhua, enterprise=hidden)
        response = client_for(panlong).get(reverse("enterprises:detail", args=[hidden.pk]))
        assert response.status_code == 404
        assert "五华未认定企业" not in response.content.decode()
        assert hidden.credit_code not in response.content.decode()

    def test_it_lists_the_projects_and_claims_the_user_may_see(self, wuhua, panlong, reviewer):
        enterprise = make_enterprise(name="多方接洽企业", owner_unit=Unit.objects.get(code="530102"))
        Enterprise.objects.filter(pk=enterprise.pk).update(contact_name="李联系")
        recognised = make_recognised(wuhua, reviewer, enterprise=enterprise, name="已认定的项目")
        filed = make_filed(wuhua, enterprise=enterprise, name="仅报备的项目")
        project_services.claim_register(
            actor=wuhua,
            enterprise=enterprise,
            contacted_on=dt.date(2024, 3, 1),
            kind="visit",
            note="五华首谈说明",
        )
        project_services.claim_register(
            actor=panlong,
            enterprise=enterprise,
            contacted_on=dt.date(2024, 4, 1),
            kind="letter",
            note="盘龙首谈说明",
        )
        url = reverse("enterprises:detail", args=[enterprise.pk])

        wuhua_body = client_for(wuhua).get(url).content.decode()
        assert "已认定的项目" in wuhua_body and "仅报备的项目" in wuhua_body
        assert reverse("projects:detail", args=[recognised.pk]) in wuhua_body
        assert "五华首谈说明" in wuhua_body and "盘龙首谈说明" not in wuhua_body
        assert "李联系" in wuhua_body

        panlong_body = client_for(panlong).get(url).content.decode()
        assert "已认定的项目" in panlong_body and filed.name not in panlong_body
        assert "盘龙首谈说明" in panlong_body and "五华首谈说明" not in panlong_body

        reviewer_body = client_for(reviewer).get(url).content.decode()
        assert "五华首谈说明" in reviewer_body and "盘龙首谈说明" in reviewer_body

    def test_public_only_access_hides_capital_address_and_contact(self, wuhua, panlong, reviewer):
        enterprise = make_enterprise(name="公开企业", owner_unit=Unit.objects.get(code="530102"))
        Enterprise.objects.filter(pk=enterprise.pk).update(
            contact_name="王联系", registered_address="五华区某路1号", registered_capital_fen=5_000_000_000
        )
        make_recognised(wuhua, reviewer, enterprise=enterprise)
        body = client_for(panlong).get(reverse("enterprises:detail", args=[enterprise.pk])).content.decode()
        assert "公开企业" in body and enterprise.credit_code in body
        assert "王联系" not in body and "五华区某路1号" not in body and "5,000.00万元" not in body
        assert reverse("enterprises:edit", args=[enterprise.pk]) not in body
        owner_body = (
            client_for(wuhua).get(reverse("enterprises:detail", args=[enterprise.pk])).content.decode()
        )
        assert "王联系" in owner_body and "5,000.00万元" in owner_body
