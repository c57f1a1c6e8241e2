"""Named personas and small builders shared by every app's tests.

Personas (as in healthchecks' alice/bob/charlie): a city administrator, an investment-bureau reviewer,
a finance-bureau user (市财政局/市税务局, `caizheng`), a Wuhua district user, a Panlong district user,
a Mohan park user, a Lingang park user and an auditor;
and the three administrators of 三权分立: system (sys_admin), security (security_admin), audit (audit_admin).
Administrators need a second factor: `client_for(user)` signs any persona in, TOTP included.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from enclave.accounts.models import Role, User
from enclave.enterprises.models import Enterprise
from enclave.lib.codes import uscc_with_check
from enclave.parks.models import Industry, Park, Unit
from enclave.projects import services
from enclave.projects.models import Project

PASSWORD = "Kunming#2024test"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Personas are made by the dozen; full-strength PBKDF2 would dominate the suite's time.
    Tests of password storage itself set the production hasher explicitly."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _audit_heads_of_this_test(settings, tmp_path_factory):
    """verify_audit_chain checks every chain head file in ENCLAVE_AUDIT_HEAD_DIR: each test starts with an
    empty folder of its own, never the checkout's var/audit-heads."""
    settings.ENCLAVE_AUDIT_HEAD_DIR = tmp_path_factory.mktemp("audit-heads")


@pytest.fixture(autouse=True, scope="session")
def _test_flush_lifts_the_audit_truncate_trigger():
    """Transactional tests end with Django's flush: one TRUNCATE of every table, which audit 0008 refuses
    on PostgreSQL. The test database's flush (only it) lifts the trigger inside its own transaction."""
    from unittest import mock

    from django.db.backends.postgresql.operations import DatabaseOperations

    original = DatabaseOperations.sql_flush

    def sql_flush(self, style, tables, *, reset_sequences=False, allow_cascade=False):
        statements = original(
            self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
        if statements and "audit_event" in tables:
            trigger = "TRIGGER audit_event_no_truncate"
            return [f"ALTER TABLE audit_event DISABLE {trigger}", *statements,
                    f"ALTER TABLE audit_event ENABLE {trigger}"]  # fmt: skip
        return statements

    with mock.patch.object(DatabaseOperations, "sql_flush", sql_flush):
        yield


def persona(username: str, role: str, *, unit: str | None = None, park: str | None = None) -> User:
    user = User.objects.create_user(
        username=username,
        password=PASSWORD,
        role=role,
        full_name=username,
        employee_id=f"E-{username}",
        unit=Unit.objects.get(code=unit) if unit else None,
        park=Park.objects.get(code=park) if park else None,
    )
    return user


def totp_device(user: User) -> Any:
    """A confirmed TOTP device for the user (the authenticator app, in tests)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.get_or_create(user=user, name="TOTP", defaults={"confirmed": True})[0]


def client_for(user: User) -> Any:
    """A test client signed in as the user, past the second factor where the user needs one."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY

    client = Client()
    client.force_login(user)
    if user.is_admin_role:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = totp_device(user).persistent_id
        session.save()
    return client


@pytest.fixture
def city_admin(db: Any) -> User:
    return persona("city", Role.CITY_ADMIN)


@pytest.fixture
def reviewer(db: Any) -> User:
    return persona("reviewer", Role.REVIEWER)


@pytest.fixture
def finance(db: Any) -> User:
    """市财政局/市税务局: confirms tax figures."""
    return persona("caizheng", Role.FINANCE)


@pytest.fixture
def wuhua(db: Any) -> User:
    return persona("wuhua", Role.UNIT, unit="530102")


@pytest.fixture
def panlong(db: Any) -> User:
    return persona("panlong", Role.UNIT, unit="530103")


@pytest.fixture
def mohan_user(db: Any) -> User:
    return persona("mohan", Role.PARK, park="mohan")


@pytest.fixture
def lingang_user(db: Any) -> User:
    return persona("lingang", Role.PARK, park="lingang")


@pytest.fixture
def auditor(db: Any) -> User:
    return persona("auditor", Role.AUDITOR)


@pytest.fixture
def sys_admin(db: Any) -> User:
    return persona("sysadm", Role.SYS_ADMIN)


@pytest.fixture
def security_admin(db: Any) -> User:
    return persona("secadm", Role.SECURITY_ADMIN)


@pytest.fixture
def audit_admin(db: Any) -> User:
    return persona("audadm", Role.AUDIT_ADMIN)


_serial = iter(range(1, 10**6))


def make_enterprise(
    *, name: str | None = None, industry: str = "17", owner_unit: Unit | None = None
) -> Enterprise:
    """An enterprise with a fresh, valid credit code."""
    n = next(_serial)
    return Enterprise.objects.create(
        name=name or f"测试企业{n}有限公司",
        credit_code=uscc_with_check(f"91530100MA{n:07d}"),
        origin_kind="out_of_province",
        origin="上海市",
        industry=Industry.objects.get(code=industry),
        owner_unit=owner_unit,
    )


def project_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "轻纺出口加工项目",
        "enterprise": overrides.pop("enterprise", None) or make_enterprise(),
        "park": Park.objects.get(code="mohan"),
        "kind": "new_domestic",
        "relocation_class": "",
        "nature": "industrial",
        "industry": Industry.objects.get(code="17"),
        "planned_investment_fen": 50_000_000_00,  # 5000万元
        "origin": "上海市",
    }
    data.update(overrides)
    return data


def make_draft(user: User, **overrides: Any) -> Project:
    return services.project_create(actor=user, data=project_data(**overrides))


def make_filed(user: User, **overrides: Any) -> Project:
    return services.project_file(actor=user, project=make_draft(user, **overrides), on=dt.date(2024, 6, 3))


def make_recognised(user: User, reviewer: User, **overrides: Any) -> Project:
    project = make_filed(user, **overrides)
    project = services.project_start_review(actor=reviewer, project=project)
    return services.project_recognise(actor=reviewer, project=project, on=dt.date(2024, 6, 20))
