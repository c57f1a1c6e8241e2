"""Reads of enterprises scoped to the user.

City roles see the whole library. A park user sees enterprises with projects in its park. A unit user sees
the enterprises it registered, claimed or filed, plus those of recognised projects (public).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from enclave.accounts.models import Role
from enclave.accounts.scope import scope_of
from enclave.enterprises.models import Enterprise
from enclave.projects.queries import projects_full_access, projects_visible_to


def enterprises_visible_to(user: object) -> QuerySet[Enterprise]:
    scope = scope_of(user)
    if not scope.role:
        return Enterprise.objects.none()
    qs = Enterprise.objects.select_related("industry")
    if scope.is_city:
        return qs
    via_projects = projects_visible_to(user).values("enterprise_id")
    condition = Q(pk__in=via_projects)
    if scope.role == Role.UNIT and scope.unit_id:
        from enclave.projects.models import FirstContactClaim

        claimed = FirstContactClaim.objects.filter(unit_id=scope.unit_id).values("enterprise_id")
        condition |= Q(owner_unit_id=scope.unit_id) | Q(pk__in=claimed)
    return qs.filter(condition)


def enterprises_full_access(user: object) -> QuerySet[Enterprise]:
    """Enterprises whose address, capital and contact person the user may see.

    Seeing an enterprise only through another unit's recognised project shows its public facts (name,
    credit code, origin, industry), as for the project itself.
    """
    scope = scope_of(user)
    if not scope.role:
        return Enterprise.objects.none()
    if scope.is_city:
        return Enterprise.objects.all()
    condition = Q(pk__in=projects_full_access(user).values("enterprise_id"))
    if scope.role == Role.UNIT and scope.unit_id:
        from enclave.projects.models import FirstContactClaim

        claimed = FirstContactClaim.objects.filter(unit_id=scope.unit_id).values("enterprise_id")
        condition |= Q(owner_unit_id=scope.unit_id) | Q(pk__in=claimed)
    return Enterprise.objects.filter(condition)


@dataclass(frozen=True)
class EnterpriseAccess:
    enterprise: Enterprise
    may_edit: bool
    full: bool = False  # may see address, capital and contact person (see enterprises_full_access)


def enterprise_for_user_or_404(user: object, pk: int | str) -> EnterpriseAccess:
    try:
        enterprise = enterprises_visible_to(user).get(pk=pk)
    except (Enterprise.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("企业不存在") from exc
    scope = scope_of(user)
    may_edit = scope.can_review or (scope.role == Role.UNIT and enterprise.owner_unit_id == scope.unit_id)
    full = enterprises_full_access(user).filter(pk=enterprise.pk).exists()
    return EnterpriseAccess(enterprise=enterprise, may_edit=may_edit, full=full)
