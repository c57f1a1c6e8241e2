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
