"""Two reviewers acting at the same moment on PostgreSQL: exactly one transition wins.

Uses real separate connections (threads), so it needs a server database; SQLite serialises writers and
is covered by the deterministic stale-object test in test_workflow_services.py.
"""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from django.db import connection

from enclave.audit.models import Event
from enclave.conftest import make_filed
from enclave.projects import services
from enclave.projects.models import Project, StatusChange
from enclave.projects.workflow import TransitionError

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs two real connections (PostgreSQL)"),
]


def test_two_concurrent_recognitions_produce_one_transition_and_one_audit_row(wuhua, reviewer, city_admin):
    project = services.project_start_review(actor=reviewer, project=make_filed(wuhua))
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def act(user):
        from django.db import connections

        stale = Project.objects.get(pk=project.pk)
        barrier.wait()
        try:
            services.project_recognise(actor=user, project=stale, on=dt.date(2024, 6, 20))
            outcomes.append("won")
        except TransitionError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=act, args=(u,)) for u in (reviewer, city_admin)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(outcomes) == ["refused", "won"]
    assert StatusChange.objects.filter(project=project, action="recognise").count() == 1
    assert Event.objects.filter(object_id=str(project.pk), verb="recognise").count() == 1
    assert Project.objects.get(pk=project.pk).agreement.parties.count() == 2
