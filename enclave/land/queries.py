"""Reads of land parcels, sub-parks, their milestones and the resource library, scoped to the user.

A unit sees its own parcels and sub-parks; a park committee those in its park; the city roles all.
The resource library is shared: every signed-in user may read it (it is what the parks offer).

`land_won_up_to`, `subparks_established_by` and `subparks_under_construction_at` are plain queries for the dashboards and the
bulletin; given a user they are scoped like every other read, without one they cover the whole city.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Max, Min, Q, QuerySet, Sum
from django.http import Http404

from enclave.accounts.models import Role
from enclave.accounts.scope import scope_of
from enclave.land.models import LandParcel, Milestone, Resource
from enclave.parks.models import SubPark


def _condition(user: object) -> Q | None:
    scope = scope_of(user)
    if not scope.role:
        return Q(pk__in=[])
    if scope.is_city:
        return None
    if scope.role == Role.UNIT and scope.unit_id:
        return Q(unit_id=scope.unit_id)
    if scope.role == Role.PARK and scope.park_id:
        return Q(park_id=scope.park_id)
    return Q(pk__in=[])


def parcels_visible_to(user: object) -> QuerySet[LandParcel]:
    qs = LandParcel.objects.select_related("unit", "park", "park_area", "subpark")
    condition = _condition(user)
    return qs if condition is None else qs.filter(condition)


def subparks_visible_to(user: object) -> QuerySet[SubPark]:
    qs = SubPark.objects.select_related("unit", "park", "area")
    condition = _condition(user)
    return qs if condition is None else qs.filter(condition)


def _may_edit(user: object, unit_id: int) -> bool:
    scope = scope_of(user)
    return scope.role == Role.UNIT and scope.unit_id == unit_id


@dataclass(frozen=True)
class ParcelAccess:
    parcel: LandParcel
    may_edit: bool


@dataclass(frozen=True)
class SubParkAccess:
    subpark: SubPark
    may_edit: bool


def parcel_for_user_or_404(user: object, pk: int | str) -> ParcelAccess:
    try:
        parcel = parcels_visible_to(user).get(pk=pk)
    except (LandParcel.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("土地不存在") from exc
    return ParcelAccess(parcel=parcel, may_edit=_may_edit(user, parcel.unit_id))


def subpark_for_user_or_404(user: object, pk: int | str) -> SubParkAccess:
    try:
        subpark = subparks_visible_to(user).get(pk=pk)
    except (SubPark.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404("园中园不存在") from exc
    return SubParkAccess(subpark=subpark, may_edit=_may_edit(user, subpark.unit_id))


def milestones_overdue(user: object, *, today: dt.date) -> QuerySet[Milestone]:
    """Milestones of visible sub-parks due before today and not yet met (节点逾期)."""
    return (
        Milestone.objects.filter(
            subpark__in=subparks_visible_to(user).values("pk"), done_on__isnull=True, due_on__lt=today
        )
        .select_related("subpark__unit", "subpark__park")
        .order_by("due_on", "pk")
    )


def resources_visible_to(user: object) -> QuerySet[Resource]:
    """The resource library (资源库): shared with every signed-in user."""
    if not scope_of(user).role:
        return Resource.objects.none()
    return Resource.objects.select_related("park", "subpark", "unit").prefetch_related("industries")


def resource_may_edit(user: object, resource: Resource) -> bool:
    """The city's investment bureau keeps the library; a park its own offers; a unit its sub-parks' offers."""
    scope = scope_of(user)
    if scope.can_review:
        return True
    if scope.role == Role.PARK:
        return resource.park_id == scope.park_id
    if scope.role == Role.UNIT:
        return resource.unit_id == scope.unit_id
    return False


# ---------------------------------------------------------------- for dashboards and the bulletin


@dataclass(frozen=True)
class LandWon:
    """Land a unit has won at auction up to a date (竞得土地)."""

    unit_code: str
    unit_name: str
    parcels: int
    area_mu: Decimal
    price_fen: int
    first_won_on: dt.date | None = None
    last_won_on: dt.date | None = None


def land_won_up_to(
    day: dt.date, *, user: object | None = None, park_code: str | None = None
) -> list[LandWon]:
    """Per unit: parcels won on or before `day`, their area in 亩, price in fen and first and last auction
    dates (largest area first)."""
    qs = parcels_visible_to(user) if user is not None else LandParcel.objects.all()
    qs = qs.filter(auctioned_on__lte=day)
    if park_code:
        qs = qs.filter(park__code=park_code)
    rows = (
        qs.order_by()
        .values("unit__code", "unit__name")
        .annotate(
            parcels=Count("pk"),
            area=Sum("area_mu"),
            price=Sum("price_fen"),
            first=Min("auctioned_on"),
            last=Max("auctioned_on"),
        )
    )
    result = [
        LandWon(
            unit_code=r["unit__code"],
            unit_name=r["unit__name"],
            parcels=r["parcels"],
            area_mu=Decimal(r["area"] or 0).quantize(Decimal("0.01")),
            price_fen=int(r["price"] or 0),
            first_won_on=r["first"],
            last_won_on=r["last"],
        )
        for r in rows
    ]
    return sorted(result, key=lambda w: (-w.area_mu, w.unit_code))


def subparks_established_by(day: dt.date, *, user: object | None = None) -> QuerySet[SubPark]:
    """Sub-parks set up (设立日期) on or before `day`: the only ones an as-of read may mention."""
    qs = (
        subparks_visible_to(user)
        if user is not None
        else SubPark.objects.select_related("unit", "park", "area")
    )
    return qs.filter(established_on__lte=day)


def subparks_under_construction_at(day: dt.date, *, user: object | None = None) -> QuerySet[SubPark]:
    """Sub-parks being built on `day`: set up by then, started (its start date, or else its first land won)
    on or before that day and not completed by then."""
    qs = subparks_established_by(day, user=user).annotate(first_land=Min("parcels__auctioned_on"))
    started = Q(construction_started_on__lte=day) | Q(
        construction_started_on__isnull=True, first_land__lte=day
    )
    return (
        qs.filter(started)
        .filter(Q(completed_on__isnull=True) | Q(completed_on__gt=day))
        .order_by("park", "name")
    )


# ---------------------------------------------------------------- matching a lead with the library


def resource_offers(qs: QuerySet[Resource]) -> list:  # noqa: ANN401 - list[matching.Offer]
    """The library rows as matching.Offer values, with the positioning of their sub-park and park."""
    from enclave.land.matching import Offer

    rows = list(
        qs.select_related("park", "subpark").prefetch_related(
            "industries", "subpark__target_industries", "park__industries"
        )
    )
    return [
        Offer(
            resource_id=r.pk,
            name=r.name,
            kind=r.kind,
            park_code=r.park.code,
            park_name=r.park.short_name,
            subpark_id=r.subpark_id,
            subpark_name=r.subpark.name if r.subpark_id else "",
            area_m2=r.area_m2,
            available_on=r.available_on,
            is_available=r.is_available,
            industries=frozenset(i.code for i in r.industries.all()),
            subpark_positioning=frozenset(i.code for i in r.subpark.target_industries.all())
            if r.subpark_id
            else frozenset(),
            park_positioning=frozenset(i.code for i in r.park.industries.all()),
            kind_label=str(r.get_kind_display()),
        )
        for r in rows
    ]


def resource_matches_for_lead(user: object, lead: object, *, today: dt.date, limit: int = 5) -> list:
    """The library's best offers for a lead (matching.matches_rank), from the offers `user` may read."""
    from enclave.land.matching import Need, matches_rank

    industry = getattr(lead, "industry", None)
    next_on = getattr(lead, "next_step_on", None)
    need = Need(
        park_code=lead.park.code if getattr(lead, "park_id", None) else None,  # type: ignore[attr-defined]
        subpark_id=getattr(lead, "subpark_id", None),
        industry_code=industry.code if industry is not None else None,
        section_code=industry.section_code if industry is not None else None,
        area_m2=getattr(lead, "needed_area_m2", None),
        wanted_on=max(today, next_on) if next_on else today,
    )
    qs = resources_visible_to(user).filter(is_available=True)
    if need.park_code:
        qs = qs.filter(park__code=need.park_code)
    return matches_rank(need, resource_offers(qs), limit=limit)
