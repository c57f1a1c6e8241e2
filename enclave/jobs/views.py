from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from enclave.jobs.queries import job_for_user_or_404
from enclave.jobs.services import kind_label


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = job_for_user_or_404(request.user, pk)
    return render(request, "jobs/detail.html", {"job": job, "label": kind_label(job.kind)})


@login_required
def progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The htmx fragment the job page polls every second until the job finishes."""
    job = job_for_user_or_404(request.user, pk)
    return render(request, "jobs/_progress.html", {"job": job})
