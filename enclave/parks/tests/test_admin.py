"""The admin is the city administrator's reference-data console: nobody else gets in, every change is audited."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib import admin
from django.core import checks
from django.db import DatabaseError
from django.urls import reverse

from enclave.audit.admin import AuditedAdmin
from enclave.audit.models import Event, Verb
from enclave.audit.services import event_record
from enclave.conftest import make_recognised
from enclave.parks.models import Industry, Park, ParkArea, SubPark, Unit
from enclave.parks.tests.conftest import client_for
from enclave.projects.models import SharingPolicy

pytestmark = pytest.mark.django_db

ADMIN = reverse("admin:index")


def unit_post(unit: Unit, **overrides: Any) -> dict[str, Any]:
    data = {
        "name": unit.name,
        "short_name": unit.short_name,
        "kind": unit.kind,
        "division_code": unit.division_code,
        "tier": unit.tier,
        "note": unit.note,
        "is_active": "on" if unit.is_active else "",
        "sort_order": unit.sort_order,
        "_save": "保存",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v != "" or k not in {"is_active"}}


def park_post(park: Park, **overrides: Any) -> dict[str, Any]:
    data = {
        "name": park.name,
        "short_name": park.short_name,
        "code_prefix": park.code_prefix,
        "host_unit": park.host_unit_id or "",
        "industries": [i.pk for i in park.industries.all()],
        "focus": park.focus,
        "note": park.note,
        "is_active": "on",
        "_save": "保存",
    }
    data.update(overrides)
    return data


class TestWhoGetsIn:
    def test_anonymous_users_are_sent_to_the_audited_login_page(self, client):
        response = client.get(ADMIN, follow=True)
        assert response.redirect_chain[-1][0].startswith(reverse("accounts:login"))
        assert "next=%2Fadmin%2F" in response.redirect_chain[-1][0]

    @pytest.mark.parametrize("persona", ["reviewer", "wuhua", "mohan_user", "auditor", "city_admin"])
    def test_everyone_but_a_staff_city_administrator_is_refused(self, request, persona):
        user = request.getfixturevalue(persona)
        user.is_staff = (
            persona != "city_admin"
        )  # the city administrator without the staff flag is refused too
        user.save()
        client = client_for(user)
        for url in (ADMIN, reverse("admin:parks_unit_changelist"), reverse("admin:audit_event_changelist")):
            response = client.get(url)
            assert response.status_code == 302, url
            assert client.get(response["Location"]).status_code == 403
        assert Event.objects.filter(verb=Verb.DENIED, actor=user).exists()

    def test_a_staff_city_administrator_gets_the_console(self, staff_city_admin):
        response = client_for(staff_city_admin).get(ADMIN)
        body = response.content.decode()
        assert response.status_code == 200
        for label in (
            "协作地单位",
            "重点产业协作园区",
            "园区片区",
            "国民经济行业",
            "利益分享默认比例",
        ):
            assert label in body
        assert "审计事件" not in body  # the trail is the audit administrator's, at /audit/
        assert "基础数据管理" in body

    def test_admin_sign_out_goes_through_the_audited_logout(self, staff_city_admin):
        client = client_for(staff_city_admin)
        response = client.post(reverse("admin:logout"))
        assert response.status_code == 302 and response["Location"] == reverse("accounts:login")
        assert Event.objects.filter(verb=Verb.LOGOUT, actor=staff_city_admin).exists()
        assert client.get(ADMIN).status_code == 302

    def test_the_admin_login_does_not_redirect_off_site(self, staff_city_admin):
        response = client_for(staff_city_admin).get(reverse("admin:login"), {"next": "https://evil.example/"})
        assert response["Location"] == ADMIN


class TestAuditedChanges:
    def test_changing_a_unit_writes_one_audit_row_with_before_and_after(self, staff_city_admin):
        unit = Unit.objects.get(code="530113")  # 东川区, T3
        url = reverse("admin:parks_unit_change", args=[unit.pk])
        response = client_for(staff_city_admin).post(url, unit_post(unit, short_name="东川", note="调整说明"))
        assert response.status_code == 302
        unit.refresh_from_db()
        assert unit.short_name == "东川"
        event = Event.objects.get(object_type="parks.unit", object_id=str(unit.pk))
        assert event.verb == Verb.UPDATE and event.actor == staff_city_admin
        assert event.before == {"short_name": "东川区", "note": "北部县区"}
        assert event.after == {"short_name": "东川", "note": "调整说明"}

    def test_the_tier_is_not_changed_in_the_admin_but_on_the_dated_tier_page(self, staff_city_admin):
        unit = Unit.objects.get(code="530113")
        url = reverse("admin:parks_unit_change", args=[unit.pk])
        client_for(staff_city_admin).post(url, unit_post(unit, tier="T1"))
        unit.refresh_from_db()
        assert unit.tier == "T3" and list(unit.tier_history.values_list("tier", flat=True)) == ["T3"]

    def test_saving_without_a_change_writes_no_row(self, staff_city_admin):
        unit = Unit.objects.get(code="530102")
        client_for(staff_city_admin).post(reverse("admin:parks_unit_change", args=[unit.pk]), unit_post(unit))
        assert not Event.objects.filter(object_type="parks.unit").exists()

    def test_the_unit_code_is_fixed_once_created(self, staff_city_admin):
        unit = Unit.objects.get(code="530102")
        url = reverse("admin:parks_unit_change", args=[unit.pk])
        client_for(staff_city_admin).post(url, {**unit_post(unit), "code": "530199"})
        unit.refresh_from_db()
        assert unit.code == "530102"

    def test_a_failing_audit_insert_rolls_the_admin_change_back(self, staff_city_admin, monkeypatch):
        unit = Unit.objects.get(code="530113")

        def broken(**kwargs: Any) -> None:
            raise DatabaseError("audit store unavailable")

        monkeypatch.setattr("enclave.audit.admin.event_record", broken)
        with pytest.raises(DatabaseError):
            client_for(staff_city_admin).post(
                reverse("admin:parks_unit_change", args=[unit.pk]), unit_post(unit, note="改")
            )
        unit.refresh_from_db()
        assert unit.note == "北部县区"

    def test_a_list_edit_is_audited_too(self, staff_city_admin):
        units = list(Unit.objects.order_by("sort_order", "code"))
        data: dict[str, Any] = {
            "form-TOTAL_FORMS": len(units),
            "form-INITIAL_FORMS": len(units),
            "form-MIN_NUM_FORMS": 0,
            "form-MAX_NUM_FORMS": 1000,
            "_save": "保存",
        }
        for i, unit in enumerate(units):
            data[f"form-{i}-id"] = unit.pk
            if unit.is_active and unit.code != "gaoxin":
                data[f"form-{i}-is_active"] = "on"
        response = client_for(staff_city_admin).post(reverse("admin:parks_unit_changelist"), data)
        assert response.status_code == 302
        event = Event.objects.get(object_type="parks.unit")
        assert (event.before, event.after) == ({"is_active": True}, {"is_active": False})

    def test_adding_and_deleting_are_audited(self, staff_city_admin):
        client = client_for(staff_city_admin)
        mohan = Park.objects.get(code="mohan")
        response = client.post(
            reverse("admin:parks_parkarea_add"),
            {"park": mohan.pk, "name": "磨憨片区", "note": "", "_save": "保存"},
        )
        assert response.status_code == 302
        area = ParkArea.objects.get(name="磨憨片区")
        created = Event.objects.get(verb=Verb.CREATE, object_type="parks.parkarea")
        assert created.after["name"] == "磨憨片区" and created.object_id == str(area.pk)

        response = client.post(reverse("admin:parks_parkarea_delete", args=[area.pk]), {"post": "yes"})
        assert response.status_code == 302
        assert not ParkArea.objects.filter(pk=area.pk).exists()
        deleted = Event.objects.get(verb=Verb.DELETE, object_type="parks.parkarea")
        assert deleted.object_id == str(area.pk) and deleted.before["name"] == "磨憨片区"

    def test_deleting_several_at_once_writes_a_row_for_each(self, staff_city_admin):
        mohan = Park.objects.get(code="mohan")
        areas = [ParkArea.objects.create(park=mohan, name=f"临时片区{n}") for n in range(2)]
        response = client_for(staff_city_admin).post(
            reverse("admin:parks_parkarea_changelist"),
            {"action": "delete_selected", "_selected_action": [a.pk for a in areas], "post": "yes"},
        )
        assert response.status_code == 302
        assert Event.objects.filter(verb=Verb.DELETE, object_type="parks.parkarea").count() == 2

    def test_a_park_positioning_change_records_the_industries(self, staff_city_admin):
        lingang = Park.objects.get(code="lingang")
        before = sorted(lingang.industries.values_list("pk", flat=True))
        section_j = Industry.objects.get(code="I")
        new = [i for i in before if i != section_j.pk]
        response = client_for(staff_city_admin).post(
            reverse("admin:parks_park_change", args=[lingang.pk]), park_post(lingang, industries=new)
        )
        assert response.status_code == 302
        event = Event.objects.get(object_type="parks.park")
        assert event.before == {"industries": before} and event.after == {"industries": new}


class TestValidation:
    @pytest.mark.parametrize(
        ("code", "message"),
        [
            ("53010", "行政区划代码应为6位数字"),
            ("990102", "省级代码“99”不存在"),
            ("Gaoxin", "单位代码应为6位行政区划代码，或小写字母开头的平台代码"),
        ],
    )
    def test_a_bad_unit_code_is_refused_in_chinese_and_nothing_is_written(
        self, staff_city_admin, code, message
    ):
        data = {
            "code": code,
            "name": "新单位",
            "short_name": "新单位",
            "kind": "district",
            "division_code": "",
            "tier": "T2",
            "note": "",
            "sort_order": 99,
            "_save": "保存",
        }
        response = client_for(staff_city_admin).post(reverse("admin:parks_unit_add"), data)
        assert response.status_code == 200
        assert message in response.content.decode()
        assert not Unit.objects.filter(name="新单位").exists()
        assert not Event.objects.exists()

    def test_a_county_division_code_must_match_its_unit_code(self, staff_city_admin):
        unit = Unit.objects.get(code="530102")
        response = client_for(staff_city_admin).post(
            reverse("admin:parks_unit_change", args=[unit.pk]), unit_post(unit, division_code="530103")
        )
        assert "县（市）区的行政区划代码应与单位代码一致" in response.content.decode()

    @pytest.mark.parametrize("prefix", ["M", "MOHAN", "M1", "磨憨"])
    def test_a_park_prefix_is_two_to_four_capital_letters(self, staff_city_admin, prefix):
        mohan = Park.objects.get(code="mohan")
        response = client_for(staff_city_admin).post(
            reverse("admin:parks_park_change", args=[mohan.pk]), park_post(mohan, code_prefix=prefix)
        )
        assert "项目编号前缀应为2–4个大写英文字母" in response.content.decode()
        mohan.refresh_from_db()
        assert mohan.code_prefix == "MH"

    def test_a_lowercase_prefix_is_read_as_capitals(self, staff_city_admin):
        mohan = Park.objects.get(code="mohan")
        client_for(staff_city_admin).post(
            reverse("admin:parks_park_change", args=[mohan.pk]), park_post(mohan, code_prefix="mhd")
        )
        mohan.refresh_from_db()
        assert mohan.code_prefix == "MHD"

    def test_a_sub_park_area_must_belong_to_its_park(self, staff_city_admin):
        subpark = SubPark.objects.get(name="云南五华产业园磨憨园区")
        lingang_area = ParkArea.objects.get(name="科技城一期")
        data = {
            "name": subpark.name,
            "unit": subpark.unit_id,
            "park": subpark.park_id,
            "area": lingang_area.pk,
            "note": subpark.note,
            "_save": "保存",
        }
        response = client_for(staff_city_admin).post(
            reverse("admin:parks_subpark_change", args=[subpark.pk]), data
        )
        assert "片区“科技城一期”不属于磨憨—磨丁合作区" in response.content.decode()


class TestSharingPolicyAdmin:
    def policy_post(self, policy: SharingPolicy, **overrides: Any) -> dict[str, Any]:
        data = {
            "kind": policy.kind,
            "relocation_class": policy.relocation_class,
            "effective_from": policy.effective_from.isoformat(),
            "effective_to": "",
            "cooperating_bp": policy.cooperating_bp,
            "host_bp": policy.host_bp,
            "duration_months": policy.duration_months,
            "host_contribution": policy.host_contribution,
            "start_event": policy.start_event,
            "cap_years_before_move": "",
            "extension_months": policy.extension_months,
            "note": policy.note,
            "is_default": "on",
            "_save": "保存",
        }
        data.update(overrides)
        return data

    def test_shares_must_add_up_to_the_whole(self, staff_city_admin):
        policy = SharingPolicy.objects.get(relocation_class="voluntary")
        response = client_for(staff_city_admin).post(
            reverse("admin:projects_sharingpolicy_change", args=[policy.pk]),
            self.policy_post(policy, cooperating_bp=4000),
        )
        assert "协作地与承载地分成之和应为10000基点（100%）" in response.content.decode()
        policy.refresh_from_db()
        assert policy.cooperating_bp == 3000

    def test_confirming_a_default_is_audited(self, staff_city_admin):
        policy = SharingPolicy.objects.get(relocation_class="voluntary")
        data = self.policy_post(policy)
        del data["is_default"]
        response = client_for(staff_city_admin).post(
            reverse("admin:projects_sharingpolicy_change", args=[policy.pk]), data
        )
        assert response.status_code == 302
        event = Event.objects.get(object_type="projects.sharingpolicy")
        assert (event.before, event.after) == ({"is_default": True}, {"is_default": False})

    def test_a_ratio_cited_by_an_agreement_keeps_its_figures(self, staff_city_admin, wuhua, reviewer):
        project = make_recognised(wuhua, reviewer)
        policy = project.agreement.policy
        assert policy is not None
        response = client_for(staff_city_admin).post(
            reverse("admin:projects_sharingpolicy_change", args=[policy.pk]),
            self.policy_post(policy, cooperating_bp=6000, host_bp=4000),
        )
        assert "已有利益分享协议依据该比例，不能修改" in response.content.decode()
        closing = self.policy_post(policy, effective_to=dt.date(2025, 12, 31).isoformat())
        response = client_for(staff_city_admin).post(
            reverse("admin:projects_sharingpolicy_change", args=[policy.pk]), closing
        )
        assert response.status_code == 302  # closing the row with an end date is fine


class TestAuditTrailInAdmin:
    def test_the_city_administrator_cannot_read_add_change_or_delete_the_trail_in_the_console(
        self, staff_city_admin
    ):
        """三权分立: the audit administrator alone reads the trail (at /audit/, test_three_admins.py)."""
        event = event_record(actor=staff_city_admin, verb=Verb.LOGIN, target=staff_city_admin)
        client = client_for(staff_city_admin)
        for url in (
            reverse("admin:audit_event_changelist"),
            reverse("admin:audit_event_change", args=[event.pk]),
            reverse("admin:audit_event_add"),
        ):
            response = client.get(url)
            assert response.status_code == 403, url
        assert (
            client.post(reverse("admin:audit_event_delete", args=[event.pk]), {"post": "yes"}).status_code
            == 403
        )
        index = client.get(ADMIN).content.decode()
        assert reverse("admin:audit_event_changelist") not in index
        assert Event.objects.filter(pk=event.pk).exists()
        assert client.get(reverse("audit:list")).status_code == 403


class TestAuditedAdminCheck:
    def test_inline_formsets_are_refused_because_they_would_escape_the_audit(self):
        class WithInline(AuditedAdmin, admin.ModelAdmin):
            inlines = [type("AreaInline", (admin.TabularInline,), {"model": ParkArea})]

        errors = WithInline(Park, admin.site).check()
        assert any(isinstance(e, checks.Error) and e.id == "enclave.E001" for e in errors)
