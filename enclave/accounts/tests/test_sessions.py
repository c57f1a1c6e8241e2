"""SECURITY.md check 4: session key rotation, idle and absolute timeouts, logout, ending sessions."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse

from enclave.accounts.models import Session
from enclave.audit.models import Event, Verb
from enclave.conftest import PASSWORD, client_for, totp_device

pytestmark = pytest.mark.django_db
START = dt.datetime(2025, 3, 3, 9, tzinfo=dt.UTC)


def login(username: str) -> Client:
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302
    return client


def session_key(client: Client) -> str:
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def library(client: Client):
    return client.get(reverse("projects:library"))


class TestSessions:
    def test_the_session_key_changes_at_login(self, wuhua):
        client = Client()
        client.get(reverse("accounts:login"))
        client.cookies[settings.SESSION_COOKIE_NAME] = "fixated-by-an-attacker-0000000000"
        client.post(reverse("accounts:login"), {"username": "wuhua", "password": PASSWORD})
        assert session_key(client) != "fixated-by-an-attacker-0000000000"
        assert Session.objects.filter(session_key=session_key(client), user_id=wuhua.pk).exists()

    def test_30_idle_minutes_end_a_business_session_and_delete_its_row(self, wuhua):
        with time_machine.travel(START, tick=False) as clock:
            client = login("wuhua")
            key = session_key(client)
            clock.shift(dt.timedelta(minutes=29))
            assert library(client).status_code == 200
            clock.shift(dt.timedelta(minutes=29))  # 29 minutes after the last request: still alive
            assert library(client).status_code == 200
            clock.shift(dt.timedelta(minutes=31))
            response = library(client)
            assert response.status_code == 302 and reverse("accounts:login") in response["Location"]
            assert not Session.objects.filter(session_key=key).exists()
        assert Event.objects.filter(verb=Verb.SESSION_END, actor=wuhua, reason="空闲超时").count() == 1

    def test_administrators_time_out_after_15_idle_minutes(self, security_admin):
        with time_machine.travel(START, tick=False) as clock:
            client = client_for(security_admin)
            assert client.get(reverse("accounts:security")).status_code == 200
            clock.shift(dt.timedelta(minutes=16))
            response = client.get(reverse("accounts:security"))
            assert response.status_code == 302 and reverse("accounts:login") in response["Location"]

    def test_no_session_outlives_12_hours(self, wuhua):
        with time_machine.travel(START, tick=False) as clock:
            client = login("wuhua")
            for _ in range(24):  # busy all day, a request every 29 minutes
                clock.shift(dt.timedelta(minutes=29))
                library(client)
            assert library(client).status_code == 200  # 11 h 36 min
            clock.shift(dt.timedelta(minutes=25))
            assert library(client).status_code == 302
            assert not Session.objects.filter(user_id=wuhua.pk).exists()

    def test_logout_deletes_the_server_session_and_the_old_cookie_fails(self, wuhua):
        client = login("wuhua")
        key = session_key(client)
        client.post(reverse("accounts:logout"))
        assert not Session.objects.filter(session_key=key).exists()
        replay = Client()
        replay.cookies[settings.SESSION_COOKIE_NAME] = key
        assert library(replay).status_code == 302

    def test_disabling_an_account_ends_all_its_sessions(self, wuhua, sys_admin):
        first, second = login("wuhua"), login("wuhua")
        assert Session.objects.filter(user_id=wuhua.pk).count() == 2
        response = client_for(sys_admin).post(reverse("accounts:user_disable", args=[wuhua.pk]))
        assert response.status_code == 302
        assert not Session.objects.filter(user_id=wuhua.pk).exists()
        assert library(first).status_code == 302 and library(second).status_code == 302

    def test_a_security_administrator_can_end_any_users_sessions(self, wuhua, security_admin):
        client = login("wuhua")
        response = client_for(security_admin).post(reverse("accounts:sessions_end", args=[wuhua.pk]))
        assert response.status_code == 302
        assert library(client).status_code == 302
        assert Event.objects.get(verb=Verb.SESSION_END).after == {"sessions": 1}

    def test_an_administrator_signs_in_with_password_and_totp(self, sys_admin):
        totp_device(sys_admin)
        client = login("sysadm")
        assert client.get(reverse("accounts:user_list"))["Location"] == reverse("accounts:otp_verify")
