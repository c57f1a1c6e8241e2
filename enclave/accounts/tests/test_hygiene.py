"""SECURITY.md check 7: no generic, default or superuser accounts; dormant accounts disabled; one person,
one account."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from enclave.accounts.models import Role, User
from enclave.audit.models import Event, Verb
from enclave.conftest import client_for, persona

pytestmark = pytest.mark.django_db
START = dt.datetime(2025, 1, 1, 9, tzinfo=dt.UTC)


class TestHygiene:
    def test_a_fresh_install_has_no_account_at_all(self):
        assert not User.objects.exists()  # migrations create none: no admin/root, no known password

    def test_the_database_refuses_a_superuser(self, wuhua):
        with pytest.raises(IntegrityError), transaction.atomic():
            User.objects.filter(pk=wuhua.pk).update(is_superuser=True)

    def test_createsuperuser_cannot_make_one_either(self):
        with pytest.raises(IntegrityError), transaction.atomic():
            User.objects.create_superuser("someone", employee_id="E-1", password="Kunming#2024x")

    def test_the_user_form_refuses_generic_names_and_a_second_account_for_one_person(self, sys_admin, wuhua):
        client = client_for(sys_admin)
        data = {
            "username": "root",
            "full_name": "张三",
            "employee_id": wuhua.employee_id,
            "password": "Kunming#2025x",
        }
        body = client.post(reverse("accounts:user_create"), data).content.decode()
        assert "通用用户名" in body and "一人只能有一个账号" in body
        assert 'value="张三"' in body  # what was typed survives
        with pytest.raises(IntegrityError), transaction.atomic():
            persona("zhangsan", Role.REVIEWER).__class__.objects.filter(username="zhangsan").update(
                employee_id=wuhua.employee_id
            )

    def test_the_person_identifier_is_required(self, sys_admin):
        client = client_for(sys_admin)
        data = {"username": "zhangsan", "full_name": "张三", "employee_id": "", "password": "Kunming#2025x"}
        response = client.post(reverse("accounts:user_create"), data)
        assert response.status_code == 200 and not User.objects.filter(username="zhangsan").exists()

    def test_accounts_unused_for_90_days_are_disabled_by_the_scheduled_command(self, db):
        with time_machine.travel(START, tick=False):
            idle, busy, fresh = (persona(n, Role.REVIEWER) for n in ("idle", "busy", "fresh"))
            User.objects.filter(pk=idle.pk).update(last_login=START)
            User.objects.filter(pk=busy.pk).update(last_login=START)
        User.objects.filter(pk=busy.pk).update(last_login=START + dt.timedelta(days=60))
        User.objects.filter(pk=fresh.pk).update(date_joined=START + dt.timedelta(days=80))
        with time_machine.travel(START + dt.timedelta(days=91), tick=False):
            out = StringIO()
            call_command("disable_dormant_accounts", stdout=out)
        assert "共停用 1 个账号" in out.getvalue()
        assert list(User.objects.filter(is_active=False).values_list("username", flat=True)) == ["idle"]
        row = Event.objects.get(verb=Verb.USER_DISABLE)
        assert row.object_id == str(idle.pk) and row.actor is None and "90" in row.reason


class TestBootstrap:
    def test_the_operator_creates_the_first_administrators_with_a_printed_initial_password(self):
        out = StringIO()
        call_command(
            "account_create", "wangwu", "--employee-id", "KM-100", "--full-name", "王五", "--role", "sys_admin",
            stdout=out,
        )  # fmt: skip
        password = out.getvalue().split("初始密码：")[1].split()[0]
        user = User.objects.get(username="wangwu")
        assert user.role == Role.SYS_ADMIN and user.must_change_password and user.check_password(password)
        assert Event.objects.get(verb=Verb.CREATE, object_id=str(user.pk)).actor is None

    def test_it_refuses_generic_names_and_district_roles(self):
        from django.core.management import CommandError

        with pytest.raises(CommandError, match="通用用户名"):
            call_command(
                "account_create", "admin", "--employee-id", "1", "--full-name", "x", "--role", "sys_admin"
            )
        with pytest.raises(CommandError):
            call_command(
                "account_create", "zhaoliu", "--employee-id", "2", "--full-name", "x", "--role", "unit"
            )
        assert not User.objects.exists()
