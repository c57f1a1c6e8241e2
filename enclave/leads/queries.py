"""Reads of leads and site visits, scoped to the user: the only way pages, the API and exports get them.

A unit sees its own leads and visits (leads are confidential to their unit) and, read-only, the leads
another unit has explicitly shared with it (`Lead.shared_with`, services.lead_share); a park committee
sees those aimed at its park; the city roles see all. The funnel and the needs-attention list count only
the leads a unit works itself (`leads_worked_by`), so a shared lead is never counted twice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.http import Http404

from enclave.accounts.models import Role
from enclave.accounts.scope import Scope, scope_of
from enclave.leads.models import Lead, LeadEvent, Visit
from enclave.leads.pipeline import Stage


def _scope_q(scope: Scope, *, unit: str = "unit_id", park: str = "park_id") -> Q | None:
    """The rows of a unit/park-owned model the scope may see; None means all, Q(pk__in=[]) none."""
    if scope.is_city:
        return None
    if scope.role == Role.UNIT and scope.unit_id:
        return Q(**{unit: scope.unit_id})
    if scope.role == Role.PARK and scope.park_id:
        return Q(**{park: scope.park_id})
    return Q(pk__in=[])


def leads_visible_to(user: object) -> QuerySet[Lead]:
    scope = scope_of(user)
    if not scope.role:
        return Lead.objects.none()
    qs = Lead.objects.select_related("unit", "park", "subpark", "industry", "owner", "enterprise", "project")
    condition = _scope_q(scope)
    if condition is not None and scope.role == Role.UNIT and scope.unit_id:
        shared = Lead.shared_with.through.objects.filter(unit_id=scope.unit_id).values("lead_id")
        condition = condition | Q(pk__in=shared)
    return qs if condition is None else qs.filter(condition)


def leads_worked_by(user: object) -> QuerySet[Lead]:
    """The visible leads without those merely shared with the user's unit: what its funnel and its
    needs-attention list count."""
    scope = scope_of(user)
    qs = leads_visible_to(user)
    if scope.role == Role.UNIT:
        qs = qs.filter(unit_id=scope.unit_id)
    return qs


def lead_may_edit(user: object, lead: Lead) -> bool:
    """Only the unit that works a lead changes it."""
    scope = scope_of(user)
    return scope.role == Role.UNIT and scope.unit_id == lead.unit_id


@dataclass(frozen=True)
class LeadAccess:
    lead: Lead
    may_edit: bool


def lead_for_user_or_404(user: object, pk: int | str) -> LeadAccess:
    try:
        lead = leads_visible_to(user).get(pk=pk)
    except (Lead.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("线索不存在") from exc
    return LeadAccess(lead=lead, may_edit=lead_may_edit(user, lead))


def lead_events_visible_to(user: object) -> QuerySet[LeadEvent]:
    return LeadEvent.objects.filter(lead__in=leads_visible_to(user).values("pk")).select_related("lead")


def visits_visible_to(user: object) -> QuerySet[Visit]:
    scope = scope_of(user)
    if not scope.role:
        return Visit.objects.none()
    qs = Visit.objects.select_related("unit", "park", "subpark")
    condition = _scope_q(scope)
    return qs if condition is None else qs.filter(condition)


@dataclass(frozen=True)
class VisitAccess:
    visit: Visit
    may_edit: bool


def visit_for_user_or_404(user: object, pk: int | str) -> VisitAccess:
    try:
        visit = visits_visible_to(user).get(pk=pk)
    except (Visit.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("考察团不存在") from exc
    scope = scope_of(user)
    return VisitAccess(visit=visit, may_edit=scope.role == Role.UNIT and scope.unit_id == visit.unit_id)


def leads_overdue(user: object, *, today: dt.date) -> QuerySet[Lead]:
    """Open leads whose next step was due before today (下一步工作逾期)."""
    return (
        leads_worked_by(user)
        .filter(stage__in=Stage.OPEN, next_step_on__lt=today)
        .order_by("next_step_on", "pk")
    )


def funnel_for(
    user: object | None,
    *,
    unit_code: str | None = None,
    park_code: str | None = None,
    subpark_id: int | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
):  # noqa: ANN201 - funnel.Funnel
    """Load the stage events and visits of a unit, a park, a sub-park or the city (scoped to `user` when
    given; the management command passes None for the whole city) and compute the funnel."""
    from enclave.leads.funnel import StageEvent, VisitFact, funnel_compute

    leads = leads_worked_by(user) if user is not None else Lead.objects.all()
    visits = visits_visible_to(user) if user is not None else Visit.objects.all()
    if unit_code:
        leads, visits = leads.filter(unit__code=unit_code), visits.filter(unit__code=unit_code)
    if park_code:
        leads, visits = leads.filter(park__code=park_code), visits.filter(park__code=park_code)
    if subpark_id:
        leads, visits = leads.filter(subpark_id=subpark_id), visits.filter(subpark_id=subpark_id)
    events = [
        StageEvent(lead_id=lead_id, kind=kind, on=on)
        for lead_id, kind, on in LeadEvent.objects.filter(lead__in=leads.values("pk")).values_list(
            "lead_id", "kind", "on"
        )
    ]
    keys: dict[int, set[str]] = {}
    for visit_id, code, name in visits.values_list(
        "pk", "leads__enterprise__credit_code", "leads__enterprise_name"
    ):
        if name is not None:
            keys.setdefault(visit_id, set()).add(code or name)
    facts = [
        VisitFact(visit_id=pk, on=on, enterprises=frozenset(keys.get(pk, ())))
        for pk, on in visits.values_list("pk", "visited_on")
    ]
    return funnel_compute(events, facts, start=start, end=end)
