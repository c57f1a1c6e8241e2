"""Reads of reference data (parks, units, sharing defaults).

Reference data is published policy and the same for every signed-in user, so these reads need no scope;
they only load what the pages show in as few queries as possible.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from enclave.parks.models import Industry, Park, SubPark, Unit, UnitTier
from enclave.projects.models import SharingPolicy


def parks_for_reference() -> QuerySet[Park]:
    return Park.objects.select_related("host_unit").prefetch_related(
        Prefetch("industries", Industry.objects.order_by("code")),
        "areas",
        Prefetch("subparks", SubPark.objects.select_related("unit", "area")),
    )


def park_by_code_or_404(code: str) -> Park:
    park = parks_for_reference().filter(code=code).first()
    if park is None:
        raise Http404("园区不存在")
    return park


def units_for_reference() -> QuerySet[Unit]:
    return Unit.objects.prefetch_related(Prefetch("subparks", SubPark.objects.select_related("park")))


def sharing_policies_for_reference() -> QuerySet[SharingPolicy]:
    return SharingPolicy.objects.all()


def sharing_policies_in_force(on: dt.date) -> QuerySet[SharingPolicy]:
    return SharingPolicy.objects.filter(
        Q(effective_from__lte=on), Q(effective_to__isnull=True) | Q(effective_to__gte=on)
    )


def unit_tiers_on(day: dt.date) -> dict[int, str]:
    """Unit id → the tier in force on `day`: its latest UnitTier row from that day or before (of two from the
    same date, the later one); a unit without such a row keeps its tier field."""
    tiers = dict(Unit.objects.values_list("pk", "tier"))
    for unit_id, tier in (
        UnitTier.objects.filter(valid_from__lte=day)
        .order_by("valid_from", "id")
        .values_list("unit_id", "tier")
    ):
        tiers[unit_id] = tier
    return tiers


def with_tiers_today(units: Iterable[Unit]) -> list[Unit]:
    """The units with `tier` set (in memory, not saved) to the tier in force today: a move dated in the
    future shows from its date on, without anything rewriting the stored field."""
    today = unit_tiers_on(timezone.localdate())
    out = list(units)
    for unit in out:
        unit.tier = today.get(unit.pk, unit.tier)
    return out


def unit_tier_history() -> QuerySet[UnitTier]:
    """Every dated tier row, unit by unit, oldest first."""
    return UnitTier.objects.select_related("unit", "created_by").order_by(
        "unit__sort_order", "unit__code", "valid_from", "id"
    )
