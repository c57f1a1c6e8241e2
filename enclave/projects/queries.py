"""Reads of projects, scoped to the user. The only way views, the API and exports get projects."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum
from django.http import Http404

from enclave.accounts.models import Role
from enclave.accounts.scope import Scope, scope_of
from enclave.projects.models import Conflict, FirstContactClaim, Project
from enclave.projects.workflow import Status


def _full_access_q(scope: Scope) -> Q:
    """Projects whose every field and history the scope may see."""
    if scope.is_city:
        return ~Q(status=Status.DRAFT)
    if scope.role == Role.PARK and scope.park_id:
        return Q(park_id=scope.park_id) & ~Q(status=Status.DRAFT)
    if scope.role == Role.UNIT and scope.unit_id:
        partner = Project.partner_units.through.objects.filter(unit_id=scope.unit_id).values("project_id")
        return Q(filing_unit_id=scope.unit_id) | (Q(pk__in=partner) & ~Q(status=Status.DRAFT))
    return Q(pk__in=[])


def projects_visible_to(user: object) -> QuerySet[Project]:
    """Every project the user may list: their full-access ones plus recognised projects (public fields)."""
    scope = scope_of(user)
    if not scope.role:
        return Project.objects.none()
    return Project.objects.filter(_full_access_q(scope) | Q(status=Status.RECOGNISED)).select_related(
        "enterprise", "filing_unit", "park", "industry", "subpark", "park_area"
    )


def projects_full_access(user: object) -> QuerySet[Project]:
    """Projects whose history, reasons and contact details the user may see."""
    scope = scope_of(user)
    if not scope.role:
        return Project.objects.none()
    return Project.objects.filter(_full_access_q(scope))


@dataclass(frozen=True)
class ProjectAccess:
    project: Project
    full: bool  # may see history, reasons, agreement details
    may_edit: bool  # may change the content (filing unit, editable status)


def project_for_user_or_404(user: object, pk: int | str) -> ProjectAccess:
    """The project with what the user may do with it; 404 when it is not theirs to see (leaks nothing)."""
    try:
        project = projects_visible_to(user).get(pk=pk)
    except (Project.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("项目不存在") from exc
    scope = scope_of(user)
    full = projects_full_access(user).filter(pk=project.pk).exists()
    may_edit = scope.role == Role.UNIT and project.filing_unit_id == scope.unit_id and project.is_editable
    return ProjectAccess(project=project, full=full, may_edit=may_edit)


def project_may_act(user: object, project: Project, action: str) -> bool:
    """Whether the user's attachment lets them take `action` on this project (roles are in workflow.py)."""
    scope = scope_of(user)
    if scope.role == Role.UNIT:
        return project.filing_unit_id == scope.unit_id and action in {"file", "refile"}
    if scope.role == Role.PARK:
        return project.park_id == scope.park_id
    return scope.can_review


def claims_visible_to(user: object) -> QuerySet[FirstContactClaim]:
    scope = scope_of(user)
    qs = FirstContactClaim.objects.select_related("enterprise", "unit")
    if scope.is_city:
        return qs
    if scope.role == Role.UNIT and scope.unit_id:
        return qs.filter(unit_id=scope.unit_id)
    return qs.none()


def conflicts_visible_to(user: object) -> QuerySet[Conflict]:
    scope = scope_of(user)
    qs = Conflict.objects.select_related("enterprise", "park", "winner", "suggested_winner")
    if scope.is_city:
        return qs
    if scope.role == Role.PARK and scope.park_id:
        return qs.filter(park_id=scope.park_id)
    if scope.role == Role.UNIT and scope.unit_id:
        return qs.filter(projects__filing_unit_id=scope.unit_id).distinct()
    return qs.none()


def conflict_claims(user: object, conflict: Conflict) -> QuerySet[FirstContactClaim]:
    """First-contact claims that decide a conflict: those on its enterprise by the units that filed it.

    Everyone who may see the conflict sees these dates and kinds; documents stay behind
    claims_visible_to.
    """
    if not conflicts_visible_to(user).filter(pk=conflict.pk).exists():
        return FirstContactClaim.objects.none()
    units = conflict.projects.values("filing_unit_id")
    return FirstContactClaim.objects.filter(
        enterprise_id=conflict.enterprise_id, unit_id__in=units
    ).select_related("unit")


def project_summary(
    projects: QuerySet[Project],
    *,
    park_code: str | None = None,
    unit_code: str | None = None,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> dict[str, int]:
    """Count, planned investment and distinct enterprises of recognised projects recognised in range."""
    qs = projects.filter(status=Status.RECOGNISED, recognised_on__isnull=False)
    if park_code:
        qs = qs.filter(park__code=park_code)
    if unit_code:
        partner = Project.partner_units.through.objects.filter(unit__code=unit_code).values("project_id")
        qs = qs.filter(Q(filing_unit__code=unit_code) | Q(pk__in=partner))
    if date_from:
        qs = qs.filter(recognised_on__gte=date_from)
    if date_to:
        qs = qs.filter(recognised_on__lte=date_to)
    agg = qs.order_by().aggregate(
        count=Count("pk"),
        planned=Sum("planned_investment_fen"),
        enterprises=Count("enterprise", distinct=True),
    )
    return {
        "count": agg["count"] or 0,
        "planned_investment_fen": int(agg["planned"] or 0),
        "enterprises": agg["enterprises"] or 0,
    }
