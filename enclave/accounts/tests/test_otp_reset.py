"""Resetting a lost authenticator (重置动态口令) from the security administrator's console: the devices are
deleted, the sessions end, the account enrols again at next sign-in; a reason is required and audited; only
the security administrator may do it, never on their own account (三权分立, as for roles)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from enclave.accounts.models import Session
from enclave.audit.models import Event, Verb
from enclave.conftest import PASSWORD, client_for, totp_device

pytestmark = pytest.mark.django_db
REASON = "手机丢失，已电话核实本人身份"


def reset_url(user) -> str:
    return reverse("accounts:otp_reset", args=[user.pk])


class TestOtpReset:
    def test_the_security_admin_resets_a_lost_authenticator_with_a_reason(self, security_admin, sys_admin):
        old = client_for(sys_admin)  # signed in past the second factor on its (now lost) device
        assert old.get(reverse("accounts:user_list")).status_code == 200
        security = client_for(security_admin)
        listing = security.get(reverse("accounts:security")).content.decode()
        assert reset_url(sys_admin) in listing and reset_url(security_admin) not in listing
        page = security.get(reset_url(sys_admin))
        assert page.status_code == 200 and "sysadm" in page.content.decode()

        response = security.post(reset_url(sys_admin), {"reason": "  "})
        assert response.status_code == 200 and "请填写重置原因" in response.content.decode()
        assert TOTPDevice.objects.filter(user=sys_admin).count() == 1
        assert not Event.objects.filter(verb=Verb.OTP_RESET).exists()

        response = security.post(reset_url(sys_admin), {"reason": REASON})
        assert response.status_code == 302 and response["Location"] == reverse("accounts:security")
        assert not TOTPDevice.objects.filter(user=sys_admin).exists()
        assert not Session.objects.filter(user_id=sys_admin.pk).exists()
        assert old.get(reverse("accounts:user_list")).status_code == 302  # that session has ended
        event = Event.objects.get(verb=Verb.OTP_RESET)
        assert (event.actor_id, event.object_type, event.object_id) == (
            security_admin.pk, "accounts.user", str(sys_admin.pk)
        )  # fmt: skip
        assert event.reason == REASON and event.after == {"devices": 1, "sessions": 1}
        assert reset_url(sys_admin) not in security.get(reverse("accounts:security")).content.decode()

        again = security.post(reset_url(sys_admin), {"reason": REASON})
        assert again.status_code == 200 and "没有绑定动态口令验证器" in again.content.decode()
        assert Event.objects.filter(verb=Verb.OTP_RESET).count() == 1

    def test_the_account_must_enrol_a_new_authenticator_at_next_sign_in(self, security_admin, sys_admin):
        lost = totp_device(sys_admin)
        client_for(security_admin).post(reset_url(sys_admin), {"reason": REASON})
        client = Client()
        response = client.post(reverse("accounts:login"), {"username": "sysadm", "password": PASSWORD})
        assert response.status_code == 302
        response = client.get(reverse("accounts:user_list"))
        assert response.status_code == 302 and response["Location"] == reverse("accounts:otp_verify")
        response = client.get(reverse("accounts:otp_verify"))
        assert response.status_code == 302 and response["Location"] == reverse("accounts:otp_enrol")
        enrol = client.get(reverse("accounts:otp_enrol"))
        assert (
            enrol.status_code == 200 and lost.key not in enrol.content.decode()
        )  # a new key, not the lost one

    @pytest.mark.parametrize("role", ["sys_admin", "audit_admin", "city_admin", "wuhua"])
    def test_everyone_else_gets_403_and_nothing_changes(self, request, role, security_admin, mohan_user):
        totp_device(mohan_user)
        actor = request.getfixturevalue(role)
        client = client_for(actor)
        assert client.get(reset_url(mohan_user)).status_code == 403
        assert client.post(reset_url(mohan_user), {"reason": REASON}).status_code == 403
        assert TOTPDevice.objects.filter(user=mohan_user).count() == 1
        assert not Event.objects.filter(verb=Verb.OTP_RESET).exists()

    def test_nobody_resets_their_own_device(self, security_admin):
        security = client_for(security_admin)
        assert security.get(reset_url(security_admin)).status_code == 403
        assert security.post(reset_url(security_admin), {"reason": REASON}).status_code == 403
        assert TOTPDevice.objects.filter(user=security_admin).count() == 1
        assert not Event.objects.filter(verb=Verb.OTP_RESET).exists()

    def test_the_reset_needs_the_csrf_token(self, security_admin, sys_admin):
        totp_device(sys_admin)
        client = client_for(security_admin)
        client.handler.enforce_csrf_checks = True
        assert client.post(reset_url(sys_admin), {"reason": REASON}).status_code == 403
        assert TOTPDevice.objects.filter(user=sys_admin).count() == 1
