from __future__ import annotations

from django_tasks import task

from enclave.jobs.services import job_execute


@task()
def job_run(job_id: int) -> None:
    """The background entry point: django-tasks' worker calls this with the job's id."""
    job_execute(job_id)
