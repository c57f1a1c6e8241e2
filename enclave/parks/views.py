"""Reference pages (园区与单位): the key parks, the cooperating units and the sharing defaults.

Everyone signed in reads them; the city administrator changes them in the Django admin (parks/admin.py),
where every save is audited.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from openpyxl import Workbook

from enclave import query_params as qp
from enclave.accounts.scope import scope_of
from enclave.admin_site import is_city_admin
from enclave.excel.export import export_filename, export_title, sheet_fill, workbook_bytes, xlsx_response
from enclave.excel.services import export_record
from enclave.i18n import chinese_documents
from enclave.parks import excel, queries
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
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "parks/index.html",
        {
            "parks": queries.parks_for_reference(),
            "policies": _policy_rows(),
            "may_edit_reference": is_city_admin(request.user),
            "may_change_rules": scope_of(request.user).can_change_rules,
        },
    )


@login_required
@require_safe
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
@require_safe
@chinese_documents()
def export(request: HttpRequest) -> HttpResponse:
    """The parks (one sheet) and the sharing defaults (another), as the index page shows them."""
    now = timezone.now()
    parks = list(queries.parks_for_reference())
    policies = _policy_rows()
    wb = Workbook()
    sheet_fill(wb.active, title=export_title("重点产业协作园区", description="全部", exported_at=now),
               columns=excel.PARK_COLUMNS, rows=[excel.park_row(p) for p in parks])  # fmt: skip
    wb.active.title = "重点产业协作园区"
    sheet_fill(wb.create_sheet("利益分享默认比例"),
               title=export_title("利益分享默认比例", description="全部", exported_at=now),
               columns=excel.POLICY_COLUMNS,
               rows=[excel.policy_row(r.policy, in_force=r.in_force) for r in policies])  # fmt: skip
    export_record(actor=request.user, what="parks.park", filters={}, description="全部",
                  rows=len(parks) + len(policies))  # fmt: skip
    return xlsx_response(workbook_bytes(wb), export_filename("重点产业协作园区", now))


def _unit_filter(request: HttpRequest) -> dict[str, str]:
    """The units page's filters (类型, 考核分类); a value that is not one of the choices is a 400 naming it."""
    params = {
        "kind": qp.choice(request.GET, "kind", Unit.Kind.values),
        "tier": qp.choice(request.GET, "tier", Unit.Tier.values),
    }
    return {k: v for k, v in params.items() if v}


def _unit_describe(params: dict[str, str]) -> str:
    parts = []
    if params.get("kind"):
        parts.append(_("类型：%(value)s") % {"value": Unit.Kind(params["kind"]).label})
    if params.get("tier"):
        parts.append(_("考核分类：%(value)s") % {"value": Unit.Tier(params["tier"]).label})
    return _("；").join(parts) if parts else _("全部")


def _units(params: dict[str, str]):  # noqa: ANN202 - QuerySet[Unit]
    return queries.units_for_reference().filter(**params)


@login_required
@require_safe
def unit_list(request: HttpRequest) -> HttpResponse:
    params = _unit_filter(request)
    return render(
        request,
        "parks/unit_list.html",
        {
            "units": queries.with_tiers_today(_units(params)),
            "tiers": Unit.Tier.choices,
            "kinds": Unit.Kind.choices,
            "params": params,
            "export_query": urlencode(params),
            "may_edit_reference": is_city_admin(request.user),
        },
    )


@login_required
@require_safe
@chinese_documents()
def unit_export(request: HttpRequest) -> HttpResponse:
    """Every unit the filter keeps (all of them on one page: a few dozen at most)."""
    params = _unit_filter(request)
    description = _unit_describe(params)
    rows = [excel.unit_row(u) for u in queries.with_tiers_today(_units(params))]
    now = timezone.now()
    wb = Workbook()
    wb.active.title = "协作地单位"
    sheet_fill(wb.active, title=export_title("协作地单位", description=description, exported_at=now),
               columns=excel.UNIT_COLUMNS, rows=rows)  # fmt: skip
    export_record(
        actor=request.user, what="parks.unit", filters=params, description=description, rows=len(rows)
    )
    return xlsx_response(workbook_bytes(wb), export_filename("协作地单位", now))
