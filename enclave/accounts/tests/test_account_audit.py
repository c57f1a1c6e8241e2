"""SECURITY.md check 18, account part: each account action writes exactly one audit row of its type, and no
row holds a password, a TOTP secret or a session key."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP

from enclave.accounts.models import Role, User
from enclave.audit.models import Event, Verb
from enclave.conftest import PASSWORD, client_for, totp_device
from enclave.parks.models import Unit

pytestmark = pytest.mark.django_db
NEW = "Dianchi#2025new"
INITIAL = "Initial#2025abc"


def exactly_one(verb: str, since: int) -> Event:
    rows = list(Event.objects.filter(pk__gt=since, verb=verb))
    assert len(rows) == 1, (verb, rows)
    return rows[0]


def last_id() -> int:
    return Event.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def test_each_account_action_writes_exactly_one_row_and_no_secret(wuhua, sys_admin, security_admin):
    secrets: list[str] = [PASSWORD, NEW, INITIAL]
    device = totp_device(sys_admin)
    secrets += [device.key, device.bin_key.hex()]
    with time_machine.travel(dt.datetime(2025, 3, 3, 9, tzinfo=dt.UTC), tick=False):

        def login(password=PASSWORD, username="wuhua"):
            c = Client()
            c.post(reverse("accounts:login"), {"username": username, "password": password})
            key = c.cookies.get(settings.SESSION_COOKIE_NAME)
            if key:
                secrets.append(key.value)
            return c

        mark = last_id()
        client = login()
        exactly_one(Verb.LOGIN, mark)

        mark = last_id()
        login("Wrong#2025pass")
        exactly_one(Verb.LOGIN_FAILED, mark)

        mark = last_id()
        client.post(
            reverse("accounts:password_change"),
            {"old_password": PASSWORD, "new_password1": NEW, "new_password2": NEW},
        )
        exactly_one(Verb.PASSWORD_CHANGE, mark)

        mark = last_id()
        client.post(reverse("accounts:logout"))
        exactly_one(Verb.LOGOUT, mark)

        mark = last_id()
        for _ in range(5):
            login("Wrong#2025pass")
        exactly_one(Verb.LOCK, mark)

        security = client_for(security_admin)
        mark = last_id()
        security.post(reverse("accounts:user_unlock"), {"username": "wuhua"})
        exactly_one(Verb.UNLOCK, mark)

        admin = client_for(sys_admin)
        mark = last_id()
        data = {"username": "zhangsan", "full_name": "张三", "employee_id": "KM-9", "password": INITIAL}
        admin.post(reverse("accounts:user_create"), data)
        created = exactly_one(Verb.CREATE, mark)
        zhang = User.objects.get(username="zhangsan")
        assert created.object_id == str(zhang.pk) and created.actor_role == Role.SYS_ADMIN

        mark = last_id()
        unit = Unit.objects.get(code="530102")
        security.post(reverse("accounts:role_grant", args=[zhang.pk]), {"role": Role.UNIT, "unit": unit.pk})
        exactly_one(Verb.ROLE_GRANT, mark)

        mark = last_id()
        security.post(reverse("accounts:role_revoke", args=[zhang.pk]))
        exactly_one(Verb.ROLE_REVOKE, mark)

        login(NEW)
        mark = last_id()
        security.post(reverse("accounts:sessions_end", args=[wuhua.pk]))
        exactly_one(Verb.SESSION_END, mark)

        mark = last_id()
        admin.post(reverse("accounts:user_password_reset", args=[wuhua.pk]), {"password": "Reset#2025abcd"})
        exactly_one(Verb.PASSWORD_RESET, mark)
        secrets.append("Reset#2025abcd")

        mark = last_id()
        admin.post(reverse("accounts:user_disable", args=[wuhua.pk]))
        exactly_one(Verb.USER_DISABLE, mark)

        mark = last_id()
        otp_client = login(PASSWORD, "sysadm")
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        otp_client.post(reverse("accounts:otp_verify"), {"otp_token": f"{totp.token():06d}"})
        exactly_one(Verb.LOGIN, mark)
        exactly_one(Verb.OTP_VERIFY, mark)

        mark = last_id()
        security.post(reverse("accounts:otp_reset", args=[sys_admin.pk]), {"reason": "验证器丢失"})
        reset = exactly_one(Verb.OTP_RESET, mark)
        assert reset.object_id == str(sys_admin.pk) and reset.reason == "验证器丢失"

    rows = list(Event.objects.values())
    assert rows
    for row in rows:
        text = " ".join(str(value) for value in row.values())
        leaked = [s for s in secrets if s and s in text]
        assert not leaked, (row["verb"], leaked)
