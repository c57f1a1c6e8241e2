"""SECURITY.md check 3: lockout by username (django-axes), early unlock by the security administrator."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from enclave.audit.models import Event, Verb
from enclave.conftest import PASSWORD, client_for

pytestmark = pytest.mark.django_db
START = dt.datetime(2025, 3, 3, 9, tzinfo=dt.UTC)


def attempt(username: str, password: str, client: Client | None = None):
    return (client or Client()).post(reverse("accounts:login"), {"username": username, "password": password})


def signed_in(response) -> bool:
    return response.status_code == 302


class TestLockout:
    def test_five_wrong_passwords_lock_the_username_for_30_minutes(self, wuhua):
        with time_machine.travel(START, tick=False):
            for _ in range(5):
                assert not signed_in(attempt("wuhua", "Wrong#2025pass"))
            response = attempt("wuhua", PASSWORD)  # the 6th, with the correct password
            assert response.status_code == 429 and "已被锁定" in response.content.decode()
        with time_machine.travel(START + dt.timedelta(minutes=29), tick=False):
            assert not signed_in(attempt("wuhua", PASSWORD))
        with time_machine.travel(START + dt.timedelta(minutes=31), tick=False):
            assert signed_in(attempt("wuhua", PASSWORD))

    def test_each_failure_and_the_lock_are_audit_rows(self, wuhua):
        with time_machine.travel(START, tick=False):
            for _ in range(5):
                attempt("wuhua", "Wrong#2025pass")
            attempt("wuhua", PASSWORD)
        failed = Event.objects.filter(verb=Verb.LOGIN_FAILED, object_repr="wuhua")
        assert failed.count() == 6 and not failed.filter(success=True).exists()
        assert failed.filter(reason="账号已锁定").count() == 1
        assert Event.objects.filter(verb=Verb.LOCK, object_repr="wuhua").count() == 1

    def test_a_security_administrator_can_unlock_early(self, wuhua, security_admin):
        with time_machine.travel(START, tick=False):
            for _ in range(5):
                attempt("wuhua", "Wrong#2025pass")
            assert not signed_in(attempt("wuhua", PASSWORD))
            page = client_for(security_admin).get(reverse("accounts:security"))
            assert "wuhua" in page.content.decode() and "解锁" in page.content.decode()
            response = client_for(security_admin).post(reverse("accounts:user_unlock"), {"username": "wuhua"})
            assert response.status_code == 302
            assert signed_in(attempt("wuhua", PASSWORD))
        unlock = Event.objects.get(verb=Verb.UNLOCK)
        assert unlock.actor == security_admin and unlock.object_id == str(wuhua.pk)

    def test_an_unknown_username_gets_the_same_answer_as_a_wrong_password(self, wuhua):
        def normalised(response) -> str:
            body = response.content.decode()
            body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body)
            body = re.sub(r'<meta name="csrf-token" content="[^"]+">', "", body)
            body = re.sub(r'nonce="[^"]+"', "", body)  # the CSP nonce is new on every response
            return body.replace('value="nosuchuser"', "").replace('value="wuhua"', "")

        wrong = attempt("wuhua", "Wrong#2025pass")
        unknown = attempt("nosuchuser", "Wrong#2025pass")
        assert wrong.status_code == unknown.status_code == 200
        assert normalised(wrong) == normalised(unknown)
        for _ in range(4):
            wrong, unknown = attempt("wuhua", "Wrong#2025pass"), attempt("nosuchuser", "Wrong#2025pass")
        assert wrong.status_code == unknown.status_code == 429
        assert normalised(wrong) == normalised(unknown)

    def test_failures_from_different_addresses_and_browsers_add_up(self, wuhua, security_admin):
        for n in range(5):
            Client(REMOTE_ADDR=f"10.1.0.{n + 1}", HTTP_USER_AGENT=f"browser {n}").post(
                reverse("accounts:login"), {"username": "wuhua", "password": "Wrong#2025pass"}
            )
        assert attempt("wuhua", PASSWORD).status_code == 429
        assert "wuhua" in client_for(security_admin).get(reverse("accounts:security")).content.decode()

    def test_other_users_from_the_same_address_are_not_locked(self, wuhua, panlong):
        for _ in range(6):
            attempt("wuhua", "Wrong#2025pass")
        assert signed_in(attempt("panlong", PASSWORD))

    def test_a_success_before_the_fifth_failure_starts_the_count_again(self, wuhua):
        for _ in range(4):
            attempt("wuhua", "Wrong#2025pass")
        assert signed_in(attempt("wuhua", PASSWORD))
        for _ in range(4):
            attempt("wuhua", "Wrong#2025pass")
        assert signed_in(attempt("wuhua", PASSWORD))
