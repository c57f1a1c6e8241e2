"""Reads of import runs: a run is seen by whoever uploaded it, and by the city (as jobs are)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from enclave.accounts.scope import scope_of
from enclave.excel.models import ImportRun


def runs_visible_to(user: object) -> QuerySet[ImportRun]:
    scope = scope_of(user)
    if not scope.role:
        return ImportRun.objects.none()
    qs = ImportRun.objects.defer("marked")
    return qs if scope.is_city else qs.filter(created_by_id=scope.user_id)


def run_for_user_or_404(user: object, pk: int) -> ImportRun:
    try:
        return runs_visible_to(user).get(pk=pk)
    except ImportRun.DoesNotExist as exc:
        raise Http404("导入记录不存在") from exc
