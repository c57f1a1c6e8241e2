"""Reference pages (园区与单位): the key parks, the cooperating units and the sharing defaults.

Everyone signed in reads them; the city administrator changes them in the Django admin (parks/admin.py),
where every save is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from enclave.admin_site import is_city_admin
from enclave.parks import queries
from enclave.parks.models import Unit
from enclave.projects.models import SharingPolicy


def percent(bp: int) -> str:
    """Basis points as a percentage without float: 5000 → '50%', 3333 → '33.33%'."""
    return f"{(Decimal(bp) / 100).normalize():f}%"


@dataclass(frozen=True)
class PolicyRow:
    policy: SharingPolicy
    cooperating: str
    host: str
    in_force: bool


def _policy_rows() -> list[PolicyRow]:
    in_force = set(queries.sharing_policies_in_force(timezone.localdate()).values_list("pk", flat=True))
    return [
        PolicyRow(
            policy=p,
            cooperating=percent(p.cooperating_bp),
            host=percent(p.host_bp),
            in_force=p.pk in in_force,
        )
        for p in queries.sharing_policies_for_reference()
    ]


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "parks/index.html",
        {
            "parks": queries.parks_for_reference(),
            "policies": _policy_rows(),
            "may_edit_reference": is_city_admin(request.user),
        },
    )


@login_required
@require_GET
def park_detail(request: HttpRequest, code: str) -> HttpResponse:
    return render(
        request,
        "parks/park_detail.html",
        {
            "park": queries.park_by_code_or_404(code),
            "may_edit_reference": is_city_admin(request.user),
        },
    )


@login_required
@require_GET
def unit_list(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "parks/unit_list.html",
        {
            "units": queries.units_for_reference(),
            "tiers": Unit.Tier.choices,
            "may_edit_reference": is_city_admin(request.user),
        },
    )
