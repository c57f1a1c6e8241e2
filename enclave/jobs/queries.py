from __future__ import annotations

from django.http import Http404

from enclave.accounts.scope import scope_of
from enclave.jobs.models import Job


def job_for_user_or_404(user: object, pk: int) -> Job:
    """A job is seen by whoever started it, and by the city."""
    scope = scope_of(user)
    qs = Job.objects.all() if scope.is_city else Job.objects.filter(created_by_id=scope.user_id)
    try:
        return qs.get(pk=pk)
    except Job.DoesNotExist as exc:
        raise Http404("任务不存在") from exc
