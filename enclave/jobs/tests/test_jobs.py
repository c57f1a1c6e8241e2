from __future__ import annotations

import pytest
from django.test import Client

from enclave.jobs.models import Job
from enclave.jobs.services import job_execute, job_kind, job_start

pytestmark = pytest.mark.django_db


@job_kind("test_count", "测试任务")
def _count(actor, params, progress):
    for i in range(params["n"]):
        progress(i + 1, params["n"], f"第{i + 1}步")
    if params.get("fail"):
        raise ValueError("参数不合理")
    return {"message": f"数到{params['n']}"}


def test_a_job_records_progress_and_its_result(wuhua):
    job = job_start(actor=wuhua, kind="test_count", params={"n": 3})
    assert job.status == Job.QUEUED
    job_execute(job.pk)
    job.refresh_from_db()
    assert job.status == Job.DONE and job.percent == 100 and job.result == {"message": "数到3"}


def test_a_failing_job_says_why(wuhua):
    job = job_start(actor=wuhua, kind="test_count", params={"n": 1, "fail": True})
    job_execute(job.pk)
    job.refresh_from_db()
    assert job.status == Job.FAILED and job.error == "参数不合理"


def test_a_job_is_seen_by_its_owner_and_the_city_only(wuhua, panlong, city_admin):
    job = job_start(actor=wuhua, kind="test_count", params={"n": 1})
    for user, status in ((wuhua, 200), (city_admin, 200), (panlong, 404)):
        client = Client()
        client.force_login(user)
        assert client.get(f"/jobs/{job.pk}/").status_code == status
        assert client.get(f"/jobs/{job.pk}/progress/").status_code == status
