"""Start a long job and run it: the work is a registered function that reports progress as it goes.

A job row is created in the caller's transaction and the task is enqueued only after commit, so a worker
never sees a job that was rolled back. The worker (django-tasks' database backend, `manage.py db_worker`)
calls `job_execute`, which updates the row as the work reports progress.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_noop

from enclave.jobs.models import Job

Progress = Callable[[int, int, str], None]
Work = Callable[[Any, dict[str, Any], Progress], dict[str, Any]]

_REGISTRY: dict[str, tuple[str, Work]] = {}


def job_kind(name: str, label: Any) -> Callable[[Work], Work]:
    """Register a function as the body of a job kind (called with actor, params, progress)."""

    def register(work: Work) -> Work:
        _REGISTRY[name] = (label, work)
        return work

    return register


def kind_label(name: str) -> str:
    return str(_REGISTRY.get(name, (name, None))[0])


def job_start(*, actor: Any, kind: str, params: dict[str, Any]) -> Job:
    """Queue a job for the background worker."""
    if kind not in _REGISTRY:
        raise ValueError(f"unknown job kind {kind!r}")
    job = Job.objects.create(
        kind=kind, params=params, created_by=actor, stage=gettext_noop("排队等待后台处理")
    )
    from enclave.jobs.tasks import job_run

    transaction.on_commit(lambda: job_run.enqueue(job.pk))
    return job


def _live_path(job_id: int) -> Path:
    return Path(settings.ENCLAVE_JOB_PROGRESS_DIR) / f"job-{int(job_id)}.json"


def _live_write(job_id: int, done: int, total: int, stage: str) -> None:
    """Progress reported from inside a transaction, as a small file replaced atomically."""
    path = _live_path(job_id)
    path.parent.mkdir(parents=True, exist_ok=True)
    spare = path.with_suffix(".tmp")
    spare.write_text(json.dumps({"done": done, "total": total, "stage": stage[:100]}), encoding="utf-8")
    os.replace(spare, path)


def job_live(job: Job) -> Job:
    """The job with the progress its worker reported from inside a transaction, if newer than the row's:
    what the progress bar shows while an import writes all or nothing."""
    if job.status != Job.RUNNING:
        return job
    try:
        live = json.loads(_live_path(job.pk).read_text(encoding="utf-8"))
        job.done, job.total, job.stage = int(live["done"]), int(live["total"]), str(live["stage"])[:100]
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return job


def job_execute(job_id: int) -> None:
    """Run a queued job, recording progress (at most every 0.5 s) and its result or error."""
    job = Job.objects.select_related("created_by").get(pk=job_id)
    if job.status != Job.QUEUED:
        return
    Job.objects.filter(pk=job.pk).update(
        status=Job.RUNNING, started_at=timezone.now(), stage=gettext_noop("开始")
    )
    last = [0.0]

    def progress(done: int, total: int, stage: str) -> None:
        now = time.monotonic()
        if now - last[0] >= 0.5 or done >= total:
            last[0] = now
            if connection.in_atomic_block:
                # Inside the work's own transaction (an import writing all or nothing) an update of the
                # job row would stay invisible until the commit: report beside the database instead.
                _live_write(job.pk, done, total, stage)
            else:
                Job.objects.filter(pk=job.pk).update(done=done, total=total, stage=stage[:100])

    _label, work = _REGISTRY[job.kind]
    try:
        try:
            result = work(job.created_by, job.params, progress)
        finally:
            _live_path(job.pk).unlink(missing_ok=True)
    except (ValidationError, PermissionDenied, ValueError) as exc:
        message = "；".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
        Job.objects.filter(pk=job.pk).update(
            status=Job.FAILED, error=message, finished_at=timezone.now(), stage=gettext_noop("失败")
        )
        return
    except Exception as exc:  # the worker must record every failure for the page, then keep serving
        Job.objects.filter(pk=job.pk).update(
            status=Job.FAILED,
            error=f"内部错误：{type(exc).__name__}",
            finished_at=timezone.now(),
            stage=gettext_noop("失败"),
        )
        raise
    Job.objects.filter(pk=job.pk).update(
        status=Job.DONE,
        result=result,
        finished_at=timezone.now(),
        stage=gettext_noop("完成"),
        done=1,
        total=1,
    )
