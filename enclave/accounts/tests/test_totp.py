"""SECURITY.md check 5: TOTP (django-otp, RFC 6238) for the three administrators, the all-users switch,
wrong and replayed codes counting toward the lockout, the administrators' allowed networks."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP

from enclave.audit.models import Event, Verb
from enclave.conftest import PASSWORD, client_for, totp_device

pytestmark = pytest.mark.django_db
START = dt.datetime(2025, 3, 3, 9, tzinfo=dt.UTC)


def code(device, at: dt.datetime | None = None) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    if at is not None:
        totp.time = at.timestamp()
    return f"{totp.token():06d}"


def password_step(username: str, **extra) -> Client:
    client = Client(**extra)
    response = client.post(reverse("accounts:login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


class TestTotp:
    def test_an_administrator_reaches_no_page_before_a_valid_code(self, sys_admin):
        device = totp_device(sys_admin)
        with time_machine.travel(START, tick=False):
            client = password_step("sysadm")
            for url in (reverse("accounts:user_list"), reverse("accounts:user_create"), "/api/v1/projects"):
                response = client.get(url)
                assert response.status_code in (302, 401) and "otp" in response.get("Location", "otp"), url
            response = client.post(reverse("accounts:otp_verify"), {"otp_token": code(device)})
            assert response.status_code == 302
            assert client.get(reverse("accounts:user_list")).status_code == 200

    def test_the_rfc_6238_reference_vector(self):
        """RFC 6238 appendix B, SHA-1, T = 59 s: 94287082 (8 digits); django-otp computes it offline."""
        totp = TOTP(b"12345678901234567890", step=30, t0=0, digits=8)
        totp.time = 59
        assert totp.token() == 94287082

    def test_wrong_and_replayed_codes_count_toward_the_lockout(self, security_admin):
        device = totp_device(security_admin)
        with time_machine.travel(START, tick=False) as clock:
            client = password_step("secadm")
            good = code(device)
            assert client.post(reverse("accounts:otp_verify"), {"otp_token": good}).status_code == 302
            client.post(reverse("accounts:logout"))
            for attempt in range(5):
                client = password_step("secadm") if attempt == 0 else client
                token = (
                    good if attempt == 0 else "000000" if good != "000000" else "111111"
                )  # a replay, then wrong
                response = client.post(reverse("accounts:otp_verify"), {"otp_token": token})
            assert response.status_code == 429 and "已被锁定" in response.content.decode()
            # Locked now: even the correct password is refused for 30 minutes.
            response = Client().post(reverse("accounts:login"), {"username": "secadm", "password": PASSWORD})
            assert response.status_code == 429
            clock.shift(dt.timedelta(minutes=31))
            password_step("secadm")
        assert Event.objects.filter(verb=Verb.LOGIN_FAILED, reason="动态口令错误或已使用").count() == 5
        assert Event.objects.filter(verb=Verb.LOCK, object_repr="secadm").count() == 1

    def test_business_users_need_totp_when_the_all_users_switch_is_on(self, wuhua, settings):
        client = password_step("wuhua")
        assert client.get(reverse("projects:library")).status_code == 200
        settings.ENCLAVE_OTP_ALL_USERS = True
        response = client.get(reverse("projects:library"))
        assert response.status_code == 302 and response["Location"] == reverse("accounts:otp_verify")

    def test_enrolment_shows_the_secret_and_a_locally_drawn_qr_code_then_confirms(self, audit_admin):
        with time_machine.travel(START, tick=False):
            client = password_step("audadm")
            response = client.get(reverse("audit:list"))
            assert response["Location"] == reverse("accounts:otp_verify")
            response = client.get(reverse("accounts:otp_verify"), follow=True)
            body = response.content.decode()
            assert response.redirect_chain[-1][0] == reverse("accounts:otp_enrol")
            assert "otpauth://totp/" in body and reverse("accounts:otp_qr") in body
            assert "no-store" in response["Cache-Control"]
            qr = client.get(reverse("accounts:otp_qr"))
            assert qr.status_code == 200 and qr["Content-Type"] == "image/svg+xml" and b"<svg" in qr.content
            from django_otp.plugins.otp_totp.models import TOTPDevice

            assert not TOTPDevice.objects.filter(user=audit_admin).exists()  # nothing stored before a code
            pending = TOTPDevice(key=client.session["enclave_otp_pending_key"])
            wrong = "000000" if code(pending) != "000000" else "111111"
            assert client.post(reverse("accounts:otp_enrol"), {"otp_token": wrong}).status_code == 200
            assert not TOTPDevice.objects.filter(user=audit_admin).exists()
            assert client.post(reverse("accounts:otp_enrol"), {"otp_token": code(pending)}).status_code == 302
            device = TOTPDevice.objects.get(user=audit_admin)
            assert device.confirmed and device.key == pending.key
            assert client.get(reverse("audit:list")).status_code == 200
            assert client.get(reverse("accounts:otp_qr")).status_code == 404  # no enrolment in progress
        assert Event.objects.filter(verb=Verb.OTP_ENROL, actor=audit_admin).count() == 1


class TestAdminTerminals:
    def test_administrators_are_refused_from_outside_the_allowed_networks(self, sys_admin, settings):
        settings.ENCLAVE_ADMIN_ALLOWED_NETWORKS = ["10.20.0.0/16"]
        outside = Client(REMOTE_ADDR="192.0.2.7")
        response = outside.post(reverse("accounts:login"), {"username": "sysadm", "password": PASSWORD})
        assert response.status_code == 200 and "管理终端" in response.content.decode()
        inside = Client(REMOTE_ADDR="10.20.3.4")
        response = inside.post(reverse("accounts:login"), {"username": "sysadm", "password": PASSWORD})
        assert response.status_code == 302

    def test_an_administrator_session_used_from_outside_is_refused(self, sys_admin, settings):
        settings.ENCLAVE_ADMIN_ALLOWED_NETWORKS = ["10.20.0.0/16"]
        client = client_for(sys_admin)
        assert client.get(reverse("accounts:user_list"), REMOTE_ADDR="10.20.3.4").status_code == 200
        assert client.get(reverse("accounts:user_list"), REMOTE_ADDR="192.0.2.7").status_code == 403

    def test_the_client_address_comes_from_the_trusted_proxy_header(self, sys_admin, settings):
        settings.ENCLAVE_ADMIN_ALLOWED_NETWORKS = ["10.20.0.0/16"]
        settings.ENCLAVE_TRUSTED_PROXY_HEADER = "HTTP_X_FORWARDED_FOR"
        settings.ENCLAVE_TRUSTED_PROXIES = ["127.0.0.1/32"]  # the test client's REMOTE_ADDR is the proxy
        client = client_for(sys_admin)
        url = reverse("accounts:user_list")
        assert client.get(url, HTTP_X_FORWARDED_FOR="10.20.3.4").status_code == 200
        assert client.get(url, HTTP_X_FORWARDED_FOR="192.0.2.7").status_code == 403
        # a client-written entry left of the one the proxy appended proves nothing
        assert client.get(url, HTTP_X_FORWARDED_FOR="10.20.3.4, 192.0.2.7").status_code == 403

    def test_business_users_are_not_bound_to_the_admin_networks(self, wuhua, settings):
        settings.ENCLAVE_ADMIN_ALLOWED_NETWORKS = ["10.20.0.0/16"]
        assert client_for(wuhua).get(reverse("projects:library"), REMOTE_ADDR="192.0.2.7").status_code == 200
