from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from enclave.audit.models import Event, Verb
from enclave.audit.services import event_record
from enclave.conftest import make_draft
from enclave.projects import services
from enclave.projects.models import Project

pytestmark = pytest.mark.django_db


def _row(wuhua):
    return event_record(actor=wuhua, verb=Verb.UPDATE, object_type="x", object_id="1", after={"a": 1})


class TestAppendOnly:
    def test_the_database_refuses_orm_updates_and_deletes(self, wuhua):
        row = _row(wuhua)
        for attempt in (
            lambda: Event.objects.filter(pk=row.pk).update(reason="changed"),
            lambda: Event.objects.filter(pk=row.pk).delete(),
            lambda: row.delete(),
        ):
            with pytest.raises(DatabaseError), transaction.atomic():
                attempt()
        assert Event.objects.get(pk=row.pk).reason == ""

    def test_the_database_refuses_raw_sql(self, wuhua):
        row = _row(wuhua)
        for sql in (
            f"UPDATE audit_event SET reason = 'x' WHERE id = {row.pk}",
            f"DELETE FROM audit_event WHERE id = {row.pk}",
        ):
            with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(sql)
        assert Event.objects.filter(pk=row.pk, reason="").exists()

    def test_a_failing_audit_insert_rolls_the_business_change_back(self, wuhua, monkeypatch):
        draft = make_draft(wuhua)

        def broken(**kwargs):
            raise DatabaseError("audit store unavailable")

        monkeypatch.setattr("enclave.projects.services.event_record", broken)
        with pytest.raises(DatabaseError):
            services.project_file(actor=wuhua, project=draft)
        fresh = Project.objects.get(pk=draft.pk)
        assert fresh.status == "draft" and fresh.code is None
        assert not fresh.status_changes.exists()

    def test_rows_carry_actor_role_scope_and_diffs_but_no_secrets(self, wuhua):
        draft = make_draft(wuhua)
        services.project_update(actor=wuhua, project=draft, data={"name": "新名称"})
        event = Event.objects.filter(object_id=str(draft.pk), verb=Verb.UPDATE).get()
        assert event.actor == wuhua and event.actor_role == "unit" and event.actor_scope == "五华区"
        assert event.before == {"name": "轻纺出口加工项目"} and event.after == {"name": "新名称"}
        login = event_record(actor=wuhua, verb=Verb.LOGIN, target=wuhua)
        assert "password" not in str(login.after) and "pbkdf2" not in str(Event.objects.values_list()).lower()


def _aged(wuhua, days: int) -> Event:
    """A row written `days` ago (sealed into the chain like any other)."""
    import datetime as dt

    from django.utils import timezone

    event = Event(actor=wuhua, verb=Verb.UPDATE, object_type="x", object_id="old",
                  at=timezone.now() - dt.timedelta(days=days))  # fmt: skip
    event.save()
    return event


class TestPurge:
    """Check 19: the only way out is an audited purge by the security administrator of rows > 180 days."""

    def test_nobody_but_the_security_admin_may_purge(self, city_admin, auditor, sys_admin, audit_admin):
        import datetime as dt

        from django.core.exceptions import PermissionDenied

        from enclave.audit.services import audit_purge

        for user in (city_admin, auditor, sys_admin, audit_admin):
            with pytest.raises(PermissionDenied):
                audit_purge(actor=user, before=dt.date(2000, 1, 1))

    def test_a_purge_cannot_reach_into_the_last_180_days(self, security_admin):
        from django.core.exceptions import ValidationError
        from django.utils import timezone

        from enclave.audit.services import audit_purge

        with pytest.raises(ValidationError, match="180"):
            audit_purge(actor=security_admin, before=timezone.localdate())

    def test_the_database_keeps_young_rows_even_on_the_purge_path(self, wuhua):
        young = _aged(wuhua, 100)
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL enclave.audit_purge = 'on'")
            else:
                cursor.execute("INSERT INTO audit_purge_permit (id) VALUES (1)")
            cursor.execute("DELETE FROM audit_event WHERE id = %s", [young.pk])
        assert Event.objects.filter(pk=young.pk).exists()

    def test_an_old_row_is_purged_audited_and_the_chain_still_verifies(self, wuhua, security_admin):
        import datetime as dt

        from django.utils import timezone

        from enclave.audit.services import audit_purge, chain_verify

        old = [_aged(wuhua, 400), _aged(wuhua, 390)]
        young = _aged(wuhua, 10)
        before = timezone.localdate() - dt.timedelta(days=200)
        assert audit_purge(actor=security_admin, before=before) == 2
        assert not Event.objects.filter(pk__in=[e.pk for e in old]).exists()
        assert Event.objects.filter(pk=young.pk).exists()
        purge = Event.objects.get(verb=Verb.PURGE)
        assert purge.actor == security_admin and purge.actor_role == "security_admin"
        assert purge.after["deleted"] == 2 and purge.after["anchor_mac"] == old[-1].mac
        assert chain_verify().ok

    def test_the_purge_command_refuses_others_and_works_for_the_security_admin(
        self, city_admin, security_admin
    ):
        from io import StringIO

        from django.core.management import CommandError, call_command

        with pytest.raises(CommandError, match="安全管理员"):
            call_command("purge_audit", "--before", "2000-01-01", "--actor", city_admin.username)
        out = StringIO()
        call_command("purge_audit", "--before", "2000-01-01", "--actor", security_admin.username, stdout=out)
        assert "已清理 0 条" in out.getvalue()
        assert Event.objects.filter(verb=Verb.PURGE, actor=security_admin).count() == 1


def test_no_admin_page_edits_or_deletes_audit_rows(city_admin, wuhua):
    from django.test import Client
    from django.urls import reverse

    row = _row(wuhua)
    client = Client()
    client.force_login(city_admin)
    change = client.post(reverse("admin:audit_event_change", args=[row.pk]), {"reason": "x"})
    delete = client.post(reverse("admin:audit_event_delete", args=[row.pk]), {"post": "yes"})
    assert change.status_code in (403, 302) and delete.status_code in (403, 302)
    assert Event.objects.get(pk=row.pk).reason == ""
    page = client.get(reverse("admin:audit_event_change", args=[row.pk])).content.decode()
    assert 'name="_save"' not in page and "deletelink" not in page


def test_an_audit_insert_refused_by_the_database_rolls_back_a_report_and_a_settlement(
    wuhua, reviewer, mohan_user, city_admin
):
    """Not a mock: the database itself refuses the audit row (a trigger made for the test), and the
    business rows written before it in the same transaction are gone too."""
    import datetime as dt

    from enclave.conftest import make_recognised
    from enclave.sharing import services as sharing
    from enclave.sharing.models import MonthlyReport, SettlementLine, SettlementRun

    project = make_recognised(wuhua, reviewer)
    sharing.report_create(
        actor=mohan_user, project=project, month=dt.date(2024, 7, 1), taxes={"vat": 5}, values={}
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "CREATE FUNCTION audit_test_refuse() RETURNS trigger AS $$ BEGIN "
                "RAISE EXCEPTION 'audit store refuses'; END; $$ LANGUAGE plpgsql"
            )
            cursor.execute(
                "CREATE TRIGGER audit_test_refuse BEFORE INSERT ON audit_event "
                "FOR EACH ROW EXECUTE FUNCTION audit_test_refuse()"
            )
        else:
            cursor.execute(
                "CREATE TRIGGER audit_test_refuse BEFORE INSERT ON audit_event "
                "BEGIN SELECT RAISE(ABORT, 'audit store refuses'); END"
            )
    with pytest.raises(DatabaseError), transaction.atomic():
        sharing.report_create(
            actor=mohan_user, project=project, month=dt.date(2024, 8, 1), taxes={"vat": 7}, values={}
        )
    assert not MonthlyReport.objects.filter(month=dt.date(2024, 8, 1)).exists()
    with pytest.raises(DatabaseError), transaction.atomic():
        sharing.settlement_run(actor=city_admin, period="2024Q3")
    assert not SettlementRun.objects.exists() and not SettlementLine.objects.exists()
