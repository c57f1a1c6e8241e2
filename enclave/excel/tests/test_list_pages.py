"""Every list, statement and table page can be exported (issue 5), and a new page cannot forget it.

Each page route of the URLconf (the JSON API, exports and POST-only actions aside) is named here once:
either in LIST_PAGES with the export its page links to, or in NOT_LISTS with the reason it is no list.
A route in neither fails `test_every_page_is_a_list_with_an_export_or_says_why_not`, so whoever adds a
page decides. Each list page, opened by a role that may see it, must carry a link to its export, and that
link (with the page's query) must answer with an xlsx.
"""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.urls import reverse

import enclave.accounts.tests.test_scope_matrix as matrix
from enclave.excel.tests.test_export_walk import FORMAT_EXPORTS, WHO, export_url

pytestmark = pytest.mark.django_db
world = matrix.world

# List page → the export its page links to: a route named …export, or "?format=xlsx" on the page itself.
LIST_PAGES = {
    "accounts:user_list": "accounts:user_export",
    "audit:list": "audit:export",
    "parks:index": "parks:export",
    "parks:unit_list": "parks:unit_export",
    "enterprises:list": "enterprises:export",
    "projects:library": "projects:export",
    "projects:conflicts": "?format=xlsx",
    "sharing:overview": "?format=xlsx",
    "sharing:statement": "?format=xlsx",
    "sharing:drilldown": "?format=xlsx",
    "sharing:accounting": "?format=xlsx",
    "sharing:reports": "?format=xlsx",
    "sharing:adjustments": "?format=xlsx",
    "sharing:rates": "?format=xlsx",
    "dashboards:index": "dashboards:export",
    "leads:list": "leads:export",
    "leads:attention": "?format=xlsx",
    "leads:funnel": "leads:funnel_export",
    "leads:visits": "leads:visit_export",
    "land:list": "land:export",
    "land:subparks": "land:subpark_export",
    "land:resources": "land:resource_export",
    "excel:index": "excel:runs_export",
    "assessment:index": "assessment:runs_export",
    "assessment:run": "?format=xlsx",
    "assessment:unit": "assessment:unit_export",
    "assessment:targets": "assessment:targets_export",
    "assessment:target_history": "?format=xlsx",
    "assessment:tiers": "?format=xlsx",
    "assessment:deductions": "?format=xlsx",
    "assessment:bonus": "?format=xlsx",
    "public:results": "?format=xlsx",
}
# Pages that are no list, each with its reason. Keep it honest: a page that shows rows of a list belongs above.
NOT_LISTS = {
    "home": "redirects to the role's start page",
    "accounts:password_change": "a form for one's own password",
    "accounts:otp_verify": "a form for one's second factor",
    "accounts:otp_enrol": "a form for one's second factor",
    "accounts:user_create": "a form",
    "accounts:user_disable": "an action (POST)",
    "accounts:user_enable": "an action (POST)",
    "accounts:role_revoke": "an action (POST)",
    "accounts:sessions_end": "an action (POST)",
    "accounts:otp_reset": "a form (the reason) and its action (POST) on one account",
    "accounts:user_detail": "one account; the accounts list has the export",
    "accounts:user_pi": "one account's personal information, shown on request and audited, never exported",
    "accounts:user_password_reset": "a form",
    "accounts:role_grant": "a form",
    "accounts:policy": "a form (the account policy)",
    "accounts:security": (
        "the security administrator's console: the same accounts as accounts:user_list, whose export is the "
        "system administrator's (三权分立); giving this console an export is a gate decision, not made here"
    ),
    "parks:park_detail": "one park's facts; the parks and their sub-parks are in the parks export",
    "enterprises:create": "a form",
    "enterprises:detail": "one enterprise; the enterprise library has the export",
    "enterprises:edit": "a form",
    "projects:create": "a form",
    "projects:detail": "one project with its history; the project library has the export",
    "projects:edit": "a form",
    "projects:file": "a form",
    "projects:action": "a form",
    "projects:recognise": "a form",
    "projects:claim_create": "a form",
    "projects:claim_document": "one uploaded document",
    "sharing:report_create": "a form",
    "sharing:report_edit": "a form",
    "sharing:report_confirm": "an action (POST)",
    "sharing:reports_confirm": "a preview and an action (POST); the reports list has the export",
    "sharing:tax_extract": "an upload form and its check's result",
    "sharing:tax_extract_template": "a blank template (xlsx), no data",
    "sharing:policy_change": "a form; the sharing defaults it changes are listed and exported on /parks/",
    "sharing:adjustment_void": "an action (POST) on one adjustment; the adjustments list has the export",
    "sharing:true_up": "one year's statement (?year=), exported with ?format=xlsx once the year is trued up "
    "(sharing/tests/test_true_up_views_api.py); the statement's parties are bounded, not a paged list",
    "dashboards:data": "the dashboard's JSON (its charts are exported by dashboards:export)",
    "dashboards:bulletin": "a document (工作简报), downloaded as .docx by dashboards:bulletin_docx",
    "leads:create": "a form",
    "leads:detail": "one lead with its stage history; the lead list has the export",
    "leads:edit": "a form",
    "leads:move": "a form",
    "leads:fact": "a form",
    "leads:file": "a form",
    "leads:share": "a form",
    "leads:visit_create": "a form",
    "leads:visit_detail": "one visit; the visit list has the export",
    "leads:visit_edit": "a form",
    "land:create": "a form",
    "land:detail": "one parcel; the parcel list has the export",
    "land:edit": "a form",
    "land:subpark_create": "a form",
    "land:subpark_detail": "one sub-park with its buildings, milestones and tenants; the sub-park list has the export",
    "land:subpark_edit": "a form",
    "land:building_add": "a form",
    "land:milestone_add": "a form",
    "land:milestone_done": "a form",
    "land:tenant_add": "a form",
    "land:resource_create": "a form",
    "land:resource_edit": "a form",
    "jobs:detail": "one job's progress",
    "jobs:progress": "one job's progress bar (htmx fragment)",
    "excel:template": "a blank import template",
    "excel:run": "one import's outcome; its problems are downloaded as the marked copy (excel:run_errors)",
    "assessment:publish": "an action (POST)",
    "assessment:bonus_detail": "one bonus proposal with its steps; the proposals list has the export",
}


def page_routes() -> set[str]:
    """Every named route of the URLconf that is a page: no JSON API, no download, no POST-only action
    (the access matrix says which routes are POST-only), none of the sign-in routes outside the matrix."""
    routes = set()
    for name in matrix.discovered_routes():
        spec = matrix.MATRIX.get(name)
        if spec is None or name.startswith("api:") or name.endswith(("export", "_docx", "_errors")):
            continue
        if isinstance(spec, matrix.Page) and spec.post_only:
            continue
        routes.add(name)
    return routes


def test_every_page_is_a_list_with_an_export_or_says_why_not():
    pages = page_routes()
    undecided = sorted(pages - set(LIST_PAGES) - set(NOT_LISTS))
    assert not undecided, (
        f"pages neither in LIST_PAGES (with their export) nor in NOT_LISTS (with why): {undecided}"
    )
    assert not set(LIST_PAGES) & set(NOT_LISTS)
    stale = sorted((set(LIST_PAGES) | set(NOT_LISTS)) - pages)
    assert not stale, f"entries for routes that are no pages (any more): {stale}"
    assert all(reason.strip() for reason in NOT_LISTS.values())


def test_every_format_export_is_walked_for_formula_injection():
    assert {p for p, e in LIST_PAGES.items() if e == "?format=xlsx"} == set(FORMAT_EXPORTS)


HREF = re.compile(r'href="([^"]+)"')
PAGE_QUERY = {"sharing:overview": "period=2024Q3", "sharing:statement": "period=2024Q3",
              "sharing:drilldown": "period=2024Q3", "sharing:accounting": "period=2024Q3"}  # fmt: skip


def test_every_list_page_links_to_its_export_and_the_link_answers_with_xlsx(world):
    users, objects, _secrets, recognised = world
    for page, export in LIST_PAGES.items():
        role = WHO.get(
            export, {"accounts:user_list": "sys_admin", "audit:list": "audit_admin"}.get(page, "city_admin")
        )
        client = matrix._client(users[role])
        url = export_url(page, objects, recognised, PAGE_QUERY.get(page, ""))
        response = client.get(url)
        assert response.status_code == 200, (page, response.status_code)
        links = [unescape(h) for h in HREF.findall(response.content.decode())]
        if export == "?format=xlsx":
            wanted = [h for h in links if "format=xlsx" in h]
        else:
            target = (
                export_url(export, objects, recognised)
                if isinstance(matrix.MATRIX[export], matrix.Obj)
                else reverse(export)
            )
            wanted = [h for h in links if h.split("?")[0] == target]
        assert wanted, f"{page}: no link to its export ({export})"
        link = wanted[0]
        if link.startswith("?"):
            link = url.split("?")[0] + link
        answer = client.get(link)
        assert answer.status_code == 200 and "spreadsheetml" in answer["Content-Type"], (page, link)
