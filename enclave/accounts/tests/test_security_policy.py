"""SECURITY.md check 8 (the security administrator sets policy) and check 18 (every setting change is one
audit row with before and after): the policy page changes the rules in force, within 等保 bounds."""

from __future__ import annotations

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from enclave.accounts.models import SecurityPolicy
from enclave.audit.models import Event, Verb
from enclave.conftest import PASSWORD, client_for

pytestmark = pytest.mark.django_db


def save(client, **values):
    data = {"otp_all_users": "unknown", **{k: str(v) for k, v in values.items()}}
    return client.post(reverse("accounts:policy"), data)


class TestSecurityPolicy:
    def test_a_change_takes_effect_at_once_and_is_one_audit_row(self, security_admin, wuhua):
        validate_password("Kun#2024a", wuhua)  # 9 characters: fine under the default 8
        response = save(client_for(security_admin), password_min_length=10, lockout_failures=3)
        assert response.status_code == 302
        with pytest.raises(ValidationError, match="至少需要 10 个字符"):
            validate_password("Kun#2024a", wuhua)
        for _ in range(3):
            Client().post(reverse("accounts:login"), {"username": "wuhua", "password": "Wrong#2025x"})
        assert (
            Client().post(reverse("accounts:login"), {"username": "wuhua", "password": PASSWORD}).status_code
            == 429
        )
        row = Event.objects.get(verb=Verb.UPDATE, object_type="accounts.securitypolicy")
        assert row.actor == security_admin
        assert row.before == {"lockout_failures": None, "password_min_length": None}
        assert row.after == {"lockout_failures": 3, "password_min_length": 10}
        page = client_for(security_admin).get(reverse("accounts:policy")).content.decode()
        assert "<td>10</td>" in page

    def test_values_weaker_than_the_level_3_profile_are_refused_and_kept_in_the_form(self, security_admin):
        response = save(client_for(security_admin), password_min_length=6, session_idle_minutes=60)
        body = response.content.decode()
        assert response.status_code == 200 and "须在 8 到 64 之间" in body and "须在 5 到 30 之间" in body
        assert 'value="6"' in body
        assert not SecurityPolicy.objects.exists()
        assert not Event.objects.filter(object_type="accounts.securitypolicy").exists()

    def test_the_all_users_switch_can_be_turned_on_here(self, security_admin, wuhua):
        assert client_for(wuhua).get(reverse("projects:library")).status_code == 200
        save(client_for(security_admin), otp_all_users="true")
        response = client_for(wuhua).get(reverse("projects:library"))
        assert response.status_code == 302 and response["Location"] == reverse("accounts:otp_verify")

    def test_nobody_else_may_change_it(self, sys_admin, city_admin):
        for user in (sys_admin, city_admin):
            assert save(client_for(user), password_min_length=12).status_code == 403
        assert not SecurityPolicy.objects.exists()
