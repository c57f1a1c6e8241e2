"""Check 9 beyond test_scope_matrix.py: searches, and lists, dashboards, aggregates and exports that do not
move when another district's private data changes.

test_scope_matrix.py walks every object route of the URLconf (404 without a trace of the other unit's
text) and every list page and export for the other district. Here:

- every list page and API list is searched (`q`, `search`, `name`, `enterprise`) for the other district's
  secret names and finds nothing of them;
- differential: Panlong's and Lingang's view of every list, dashboard, aggregate and export (and of the
  API lists) is taken, then Wuhua adds private data — an enterprise, a draft, a filing under review, a lead,
  a visit, a monthly report of its recognised project and a settlement run — and the views must be the
  same byte for byte (after removing per-request tokens and the export time). A row owned only by Wuhua
  that leaked into any of them, even as part of a sum, changes it.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from urllib.parse import quote, quote_plus, urlencode

import openpyxl
import pytest
from django.urls import reverse

import enclave.accounts.tests.test_scope_matrix as matrix
from enclave.conftest import make_draft, make_enterprise, make_filed
from enclave.leads import services as lead_services
from enclave.parks.models import Park, Unit
from enclave.projects import services as project_services
from enclave.sharing import services as sharing_services

pytestmark = pytest.mark.django_db
world = matrix.world

LIST_ROUTES = [
    name
    for name, spec in matrix.MATRIX.items()
    if isinstance(spec, matrix.Page)
    and not spec.post_only
    and "<" not in matrix.discovered_routes()[name]
    and not name.startswith("accounts:")  # one's own account (a TOTP enrolment draws a new key each time)
]
API_LISTS = ["/api/v1/enterprises", "/api/v1/projects", "/api/v1/claims", "/api/v1/conflicts", "/api/v1/reports",
             "/api/v1/projects/summary", "/api/v1/assessment/runs"]  # fmt: skip
VOLATILE = [
    re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"'),
    re.compile(r'name="csrf-token" content="[^"]+"'),
    re.compile(r'nonce="[^"]+"'),
    re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2})?(\.\d+)?([+-]\d{2}:?\d{2}|Z)?"),
]


def view_of(client, url: str) -> str:
    response = client.get(url, follow=True)
    if response.status_code != 200:
        return f"status {response.status_code}"
    if "wordprocessingml" in response.get("Content-Type", ""):  # the bulletin: its text
        body = re.sub(
            r"<[^>]+>", " ", zipfile.ZipFile(io.BytesIO(response.content)).read("word/document.xml").decode()
        )
        for pattern in VOLATILE:
            body = pattern.sub("", body)
        return body
    if response.get("Content-Type", "").startswith("application/vnd.openxmlformats"):
        wb = openpyxl.load_workbook(io.BytesIO(response.content))
        return "\n".join(
            "|".join("" if c.value is None else str(c.value) for c in row)
            for ws in wb
            for row in ws.iter_rows(min_row=2)  # row 1: the title with the export time
        )
    body = response.content.decode(errors="replace")
    for pattern in VOLATILE:
        body = pattern.sub("", body)
    return body


def searched(client, url: str, term: str) -> str:
    """The view of a search for `term`, with the term itself (echoed in the search box, the links, the
    export's title) replaced by a placeholder."""
    query = urlencode({"q": term, "search": term, "name": term, "enterprise": term})
    body = view_of(client, f"{url}?{query}")
    for form in (term, quote(term), quote_plus(term), urlencode({"q": term})[2:]):
        body = body.replace(form, "§")
    return body


def test_searches_find_nothing_of_another_district(world):
    """Searching for another district's names gives exactly what searching for a name nobody has gives."""
    users, _objects, secrets, _recognised = world
    nobody = "无此名称的企业甲"
    for role in matrix.OTHERS:
        client = matrix._client(users[role])
        for url in [reverse(n) for n in LIST_ROUTES] + API_LISTS:
            control = searched(client, url, nobody)
            for secret in (
                matrix.SECRET_NAME,
                matrix.SECRET_PROJECT,
                matrix.SECRET_LEAD,
                matrix.SECRET_PARCEL,
            ):
                body = searched(client, url, secret)
                assert body == control, f"{role} searching {url} for {secret} found more than nothing"
                leaked = [s for s in secrets if s in body]
                assert not leaked, f"{role} searching {url} for {secret} found {leaked}"


def test_lists_dashboards_aggregates_and_exports_do_not_move_with_another_districts_private_data(
    world, wuhua, reviewer, city_admin, mohan_user
):  # fmt: skip
    users, _objects, _secrets, recognised = world
    urls = [reverse(n) for n in LIST_ROUTES] + API_LISTS
    urls += [f"{reverse('sharing:overview')}?period=2024Q3", f"{reverse('sharing:accounting')}?period=2024Q3",
             f"{reverse('dashboards:data')}?period=2024Q3"]  # fmt: skip
    before = {
        (role, url): view_of(matrix._client(users[role]), url) for role in matrix.OTHERS for url in urls
    }

    # Wuhua's private data, in Mohan (Lingang's and Panlong's business is elsewhere).
    enterprise = make_enterprise(name="五华新增保密企业", owner_unit=Unit.objects.get(code="530102"))
    make_draft(wuhua, enterprise=enterprise, name="五华新增草稿")
    filed = make_filed(wuhua, enterprise=enterprise, name="五华新增报备")
    project_services.project_start_review(actor=reviewer, project=filed)
    lead = lead_services.lead_create(
        actor=wuhua, data={"enterprise_name": "五华新增线索", "park": Park.objects.get(code="mohan")},
        contacted_on=dt.date(2024, 5, 1),
    )  # fmt: skip
    lead_services.visit_create(
        actor=wuhua, data={"title": "五华新增考察", "visited_on": dt.date(2024, 5, 2),
                           "park": Park.objects.get(code="mohan"), "leads": [lead]},
    )  # fmt: skip
    sharing_services.report_create(
        actor=mohan_user, project=recognised, month=dt.date(2024, 7, 1), taxes={"vat": 555_555_55, "cit": 1_23},
        values={"industrial_output_fen": 777_777_77, "foreign_capital_fen": 3_33},
    )  # fmt: skip
    sharing_services.settlement_run(actor=city_admin, period="2024Q3")

    moved = [
        f"{role} {url}"
        for role in matrix.OTHERS
        for url in urls
        if view_of(matrix._client(users[role]), url) != before[(role, url)]
    ]
    assert not moved, f"views that changed with Wuhua's private data: {moved}"
