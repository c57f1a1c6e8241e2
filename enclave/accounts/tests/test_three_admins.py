"""SECURITY.md check 8 (beyond the URL × role matrix in test_scope_matrix): roles cannot be combined, the
consoles do what each administrator may do, the audit trail is read and exported with each view audited."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from enclave.accounts.models import Role, User
from enclave.audit.models import Event, Verb
from enclave.conftest import client_for
from enclave.parks.models import Unit

pytestmark = pytest.mark.django_db


def new_account(sys_admin, username="zhangsan", employee_id="KM-0001") -> User:
    data = {
        "username": username,
        "full_name": "张三",
        "employee_id": employee_id,
        "password": "Kunming#2025x",
    }
    response = client_for(sys_admin).post(reverse("accounts:user_create"), data)
    assert response.status_code == 302
    return User.objects.get(username=username)


class TestRoles:
    def test_the_database_refuses_an_administrator_with_the_staff_flag(self, sys_admin):
        with pytest.raises(IntegrityError), transaction.atomic():
            User.objects.filter(pk=sys_admin.pk).update(is_staff=True)

    def test_the_database_refuses_an_unknown_role_or_an_admin_role_with_a_district(self, sys_admin):
        unit = Unit.objects.get(code="530102")
        with pytest.raises(IntegrityError), transaction.atomic():
            User.objects.filter(pk=sys_admin.pk).update(unit=unit)
        with pytest.raises(IntegrityError), transaction.atomic():
            User.objects.filter(pk=sys_admin.pk).update(role="sys+audit")

    def test_the_grant_form_refuses_a_second_role(self, security_admin, wuhua):
        client = client_for(security_admin)
        response = client.post(reverse("accounts:role_grant", args=[wuhua.pk]), {"role": Role.AUDIT_ADMIN})
        assert response.status_code == 200 and "一个账号只能有一个角色" in response.content.decode()
        wuhua.refresh_from_db()
        assert wuhua.role == Role.UNIT

    def test_system_admin_creates_security_admin_grants_and_the_account_works(
        self, sys_admin, security_admin
    ):
        account = new_account(sys_admin)
        assert account.role == "" and account.must_change_password
        client = client_for(security_admin)
        response = client.post(reverse("accounts:role_grant", args=[account.pk]), {"role": Role.UNIT})
        assert "须选择所属单位" in response.content.decode()
        unit = Unit.objects.get(code="530102")
        response = client.post(
            reverse("accounts:role_grant", args=[account.pk]), {"role": Role.UNIT, "unit": unit.pk}
        )
        assert response.status_code == 302
        account.refresh_from_db()
        assert account.role == Role.UNIT and account.unit == unit
        assert client.post(reverse("accounts:role_revoke", args=[account.pk])).status_code == 302
        account.refresh_from_db()
        assert account.role == "" and account.unit is None

    def test_an_account_without_a_role_reaches_nothing(self, sys_admin):
        account = new_account(sys_admin)
        User.objects.filter(pk=account.pk).update(must_change_password=False)
        account.refresh_from_db()
        client = client_for(account)
        assert client.get(reverse("projects:library")).status_code == 403
        assert client.get("/api/v1/projects").status_code == 403

    def test_the_system_admin_cannot_grant_and_the_security_admin_cannot_create(
        self, sys_admin, security_admin, wuhua
    ):
        assert client_for(sys_admin).post(reverse("accounts:role_revoke", args=[wuhua.pk])).status_code == 403
        data = {"username": "lisi", "full_name": "李四", "employee_id": "KM-2", "password": "Kunming#2025x"}
        assert client_for(security_admin).post(reverse("accounts:user_create"), data).status_code == 403
        assert not User.objects.filter(username="lisi").exists()
        wuhua.refresh_from_db()
        assert wuhua.role == Role.UNIT


class TestAuditLogPages:
    def test_the_audit_admin_searches_pages_and_exports_and_each_is_audited(self, audit_admin, wuhua):
        client = client_for(wuhua)
        client.post(reverse("accounts:logout"))
        auditor = client_for(audit_admin)
        response = auditor.get(reverse("audit:list"), {"verb": Verb.LOGOUT})
        body = response.content.decode()
        assert response.status_code == 200 and "wuhua" in body
        view = Event.objects.filter(verb=Verb.AUDIT_VIEW, actor=audit_admin).get()
        assert view.after["filters"] == {"verb": "logout"}
        response = auditor.get(reverse("audit:export"), {"verb": Verb.LOGOUT})
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        assert sheet["A1"].value.startswith("审计日志（类型：退出）")
        assert sheet.max_row == 3 and sheet["B3"].value == "wuhua"
        assert (
            Event.objects.filter(verb=Verb.EXPORT, actor=audit_admin, object_type="audit.event").count() == 1
        )

    def test_the_audit_list_pages(self, audit_admin, settings):
        settings.ENCLAVE_PAGE_SIZE = 2
        auditor = client_for(audit_admin)
        for _ in range(3):
            auditor.get(reverse("audit:list"))
        response = auditor.get(reverse("audit:list"), {"page": 2})
        assert "第 2 / 2 页" in response.content.decode()
