from __future__ import annotations

import pytest
from django.test import Client

from enclave.jobs.models import Job
from enclave.jobs.services import job_execute, job_kind, job_live, job_start

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


SEEN: list[tuple[int, int, str, int]] = []


@job_kind("test_in_transaction", "测试任务")
def _in_transaction(actor, params, progress):
    """Work that reports progress from inside its own transaction, as an all-or-nothing import does."""
    from django.db import transaction

    from enclave.jobs.services import job_live

    with transaction.atomic():
        for step in (1, 2):
            progress(step, 4, "写入（全部成功后一次提交）")
            row = Job.objects.get(pk=params["job"])
            stored_done = row.done
            live = job_live(row)
            SEEN.append((live.done, live.total, live.stage, stored_done))
    return {"message": "完成"}


def test_progress_made_inside_a_transaction_is_shown_while_the_job_runs(wuhua, settings, tmp_path):
    settings.ENCLAVE_JOB_PROGRESS_DIR = tmp_path
    job = job_start(actor=wuhua, kind="test_in_transaction", params={})
    Job.objects.filter(pk=job.pk).update(params={"job": job.pk})
    SEEN.clear()
    job_execute(job.pk)
    done, total, stage, stored = SEEN[0]  # (the second step came within 0.5 s: not reported)
    assert (done, total) == (1, 4) and stage.startswith("写入")
    assert stored == 0  # the row itself was not touched inside the transaction
    assert not list(tmp_path.iterdir())  # the side file is gone once the job ends
    job.refresh_from_db()
    assert job.status == Job.DONE and job_live(job).percent == 100


def test_a_running_job_never_shows_a_full_bar(wuhua):
    job = Job(kind="test_count", status=Job.RUNNING, done=20, total=20)
    assert job.percent == 99
    job.done = 10
    assert job.percent == 50
    job.status = Job.DONE
    assert job.percent == 100
