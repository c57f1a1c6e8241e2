"""Check 15 over every export of the URLconf: with enterprises, projects, leads, visits, parcels and an
audit reason named like formulas (`=HYPERLINK(…)`, `+`, `-`, `@`, tab, CR), each xlsx export opened by a
role that may use it holds no formula cell, and every such text is a literal string (quote prefix).

The exports are every route named `…export` (found in the URLconf, with the object of the world for routes
that take one) and every page exported with `?format=xlsx` (FORMAT_EXPORTS, kept complete by
test_list_pages.py)."""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.urls import reverse

import enclave.accounts.tests.test_scope_matrix as matrix
from enclave.audit.models import Event
from enclave.enterprises.models import Enterprise
from enclave.land.models import LandParcel
from enclave.leads.models import Lead, Visit
from enclave.projects.models import Project

pytestmark = pytest.mark.django_db
world = matrix.world

HOSTILE = ('=HYPERLINK("http://x",A1)', "+1+1", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1")
EXPORTS = sorted(name for name in matrix.MATRIX if name.endswith("export") or name.endswith("_docx"))
WHO = {"accounts:user_export": "sys_admin", "audit:export": "audit_admin"}
# Pages that export themselves with ?format=xlsx (route → the rest of the query).
FORMAT_EXPORTS = {
    "sharing:overview": "period=2024Q3",
    "sharing:statement": "period=2024Q3",
    "sharing:drilldown": "period=2024Q3",
    "sharing:accounting": "period=2024Q3",
    "sharing:reports": "",
    "sharing:adjustments": "",
    "sharing:rates": "",
    "projects:conflicts": "",
    "leads:attention": "",
    "assessment:run": "",
    "assessment:deductions": "",
    "assessment:bonus": "",
    "assessment:target_history": "",
    "assessment:tiers": "",
    "public:results": "",
}


def export_url(name: str, objects: dict, recognised: object, query: str = "") -> str:
    """The URL of an export: with the world's object when the route takes one."""
    spec = matrix.MATRIX[name]
    kwargs = matrix._kwargs(name, spec, objects, recognised) if isinstance(spec, matrix.Obj) else {}
    return reverse(name, kwargs=kwargs) + (f"?{query}" if query else "")


def test_every_export_writes_formula_like_text_as_literal_strings(world):
    users, objects, _secrets, recognised = world
    for i, model in enumerate((Enterprise, Project, Lead)):
        field = "enterprise_name" if model is Lead else "name"
        for j, pk in enumerate(model.objects.values_list("pk", flat=True)):
            model.objects.filter(pk=pk).update(**{field: HOSTILE[(i + j) % len(HOSTILE)] + f" {pk}"})
    Visit.objects.update(title=HOSTILE[3])
    LandParcel.objects.update(parcel_no=HOSTILE[0][:30])
    checked = 0
    urls = [(n, export_url(n, objects, recognised)) for n in EXPORTS if not n.endswith("_docx")]
    urls += [(n, export_url(n, objects, recognised, "&".join(filter(None, (q, "format=xlsx")))))
             for n, q in FORMAT_EXPORTS.items()]  # fmt: skip
    for name, url in urls:
        role = WHO.get(name, "city_admin")
        response = matrix._client(users[role]).get(url)
        assert response.status_code == 200 and "spreadsheetml" in response["Content-Type"], name
        wb = openpyxl.load_workbook(io.BytesIO(response.content))
        for ws in wb:
            for row in ws.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", f"{name} {cell.coordinate}: a formula"
                    if isinstance(cell.value, str) and cell.value[:1] in (
                        "=",
                        "+",
                        "-",
                        "@",
                        "\t",
                        "\r",
                        "\n",
                    ):
                        assert cell.data_type == "s" and cell.quotePrefix, f"{name} {cell.coordinate}"
                        checked += 1
    assert checked >= 5, checked
    assert not Event.objects.filter(verb="export", success=False).exists()
