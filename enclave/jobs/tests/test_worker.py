"""The real background worker (`manage.py db_worker`) picks up a queued job and runs it.

It needs committed rows and survives only on a server database: the worker closes its connection between
tasks, which would drop SQLite's in-memory test database.
"""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.db import connection

from enclave.jobs.models import Job
from enclave.jobs.services import job_start

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the worker needs a server database"),
]


def test_the_worker_runs_a_queued_settlement(city_admin):
    job = job_start(actor=city_admin, kind="settle", params={"period": "2024Q3"})
    assert Job.objects.get(pk=job.pk).status == Job.QUEUED
    call_command("db_worker", "--batch", "--no-startup-delay", stdout=io.StringIO(), stderr=io.StringIO())
    job.refresh_from_db()
    assert job.status == Job.DONE, job.error
    assert "2024Q3" in job.result["message"]
