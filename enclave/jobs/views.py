from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext

from enclave.jobs.models import Job
from enclave.jobs.queries import job_for_user_or_404
from enclave.jobs.services import job_live, kind_label


def result_message(job: Job) -> str:
    """The job's result message in the reader's language when the job stored its id and arguments."""
    result: dict[str, Any] = job.result if isinstance(job.result, dict) else {}
    i18n = result.get("message_i18n")
    if isinstance(i18n, dict) and isinstance(i18n.get("text"), str):
        try:
            return gettext(i18n["text"]) % (i18n.get("args") or {})
        except (KeyError, TypeError, ValueError):
            pass
    return str(result.get("message") or "")


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = job_live(job_for_user_or_404(request.user, pk))
    context = {"job": job, "label": kind_label(job.kind), "message": result_message(job)}
    return render(request, "jobs/detail.html", context)


@login_required
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The htmx fragment the job page polls every second until the job finishes."""
    job = job_live(job_for_user_or_404(request.user, pk))
    return render(request, "jobs/_progress.html", {"job": job, "message": result_message(job)})
