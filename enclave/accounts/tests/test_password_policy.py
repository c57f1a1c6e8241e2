"""SECURITY.md checks 1 and 2: password rules, storage, rotation, history, forced change of initial passwords."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from enclave.accounts.models import Role, User
from enclave.conftest import PASSWORD, client_for, persona

pytestmark = pytest.mark.django_db


def refusal(password: str, user: User) -> str:
    with pytest.raises(ValidationError) as exc:
        validate_password(password, user)
    return " ".join(exc.value.messages)


class TestPasswordRules:
    def test_each_weak_password_is_refused_with_a_chinese_message_naming_the_rule(self, wuhua):
        assert "至少需要 8 个字符" in refusal("Ab1#xyz", wuhua)  # 7 characters
        assert "至少 3 类" in refusal("abcdefgh", wuhua)  # 8 characters, one class
        assert "常见" in refusal("P@ssw0rd", wuhua)  # 3 classes, 8 characters, but a top-common password
        assert "不能包含用户名" in refusal("Xx#WUHUA2024", wuhua)

    def test_a_64_character_passphrase_with_three_classes_is_accepted(self, wuhua):
        passphrase = "Dianchi lake in spring is the best place to walk with friends 24"
        assert len(passphrase) == 64
        validate_password(passphrase, wuhua)

    def test_the_three_administrators_need_twelve_characters(self, wuhua, sys_admin):
        eleven = "Kunming#20a"
        validate_password(eleven, wuhua)
        assert "至少需要 12 个字符" in refusal(eleven, sys_admin)

    def test_the_numbers_are_settings(self, wuhua, settings):
        settings.ENCLAVE_PASSWORD_MIN_LENGTH = 10
        assert "至少需要 10 个字符" in refusal("Kun#2024a", wuhua)

    def test_the_database_holds_only_a_salted_slow_hash(self, settings, db):
        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
        user = persona("storage", Role.REVIEWER)
        with connection.cursor() as cursor:
            cursor.execute("SELECT * FROM accounts_user WHERE id = %s", [user.pk])
            row = " ".join(str(v) for v in cursor.fetchone())
        assert PASSWORD not in row
        assert user.password.startswith("pbkdf2_sha256$") and int(user.password.split("$")[1]) >= 600_000
        assert persona("storage2", Role.REVIEWER).password != user.password  # salted


def change(client, old: str, new: str):
    return client.post(
        reverse("accounts:password_change"), {"old_password": old, "new_password1": new, "new_password2": new}
    )


class TestRotationAndHistory:
    def test_a_password_older_than_90_days_sends_the_user_to_the_change_page_first(self, wuhua):
        start = dt.datetime(2025, 1, 1, 9, tzinfo=dt.UTC)
        with time_machine.travel(start, tick=False):
            client = client_for(wuhua)
            change(client, PASSWORD, "Dianchi#2025a")
        wuhua.refresh_from_db()
        with time_machine.travel(start + dt.timedelta(days=89), tick=False):
            client = client_for(wuhua)
            assert client.get(reverse("projects:library")).status_code == 200
        with time_machine.travel(start + dt.timedelta(days=91), tick=False):
            client = client_for(wuhua)
            for url in (reverse("projects:library"), reverse("enterprises:list"), "/api/v1/projects"):
                response = client.get(url)
                assert response.status_code in (302, 401), url
            assert client.get(reverse("projects:library"))["Location"] == reverse("accounts:password_change")
            assert "超过 90 天" in client.get(reverse("accounts:password_change")).content.decode()
            assert change(client, "Dianchi#2025a", "Dianchi#2025b").status_code == 302
            assert client.get(reverse("projects:library")).status_code == 200

    def test_none_of_the_last_five_passwords_can_be_chosen_again(self, wuhua):
        client = client_for(wuhua)
        passwords = [PASSWORD] + [f"Dianchi#2025{c}" for c in "abcde"]
        for old, new in zip(passwords, passwords[1:], strict=False):
            assert change(client, old, new).status_code == 302
        current = passwords[-1]
        for reused in passwords[-5:]:
            response = change(client, current, reused)
            assert response.status_code == 200
            assert "不能使用最近 5 次用过的密码" in response.content.decode()
        assert change(client, current, passwords[0]).status_code == 302  # the sixth-last is free again

    def test_a_password_set_by_an_administrator_must_be_changed_at_first_login(self, sys_admin, wuhua):
        admin = client_for(sys_admin)
        response = admin.post(
            reverse("accounts:user_password_reset", args=[wuhua.pk]), {"password": "Initial#2025x"}
        )
        assert response.status_code == 302
        wuhua.refresh_from_db()
        assert wuhua.must_change_password and not wuhua.check_password(PASSWORD)
        client = client_for(wuhua)
        response = client.get(reverse("projects:library"))
        assert response.status_code == 302 and response["Location"] == reverse("accounts:password_change")
        assert "初始密码" in client.get(reverse("accounts:password_change")).content.decode()
        assert change(client, "Initial#2025x", "Dianchi#2025z").status_code == 302
        assert client.get(reverse("projects:library")).status_code == 200
