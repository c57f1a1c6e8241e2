"""Check 12: CSRF on every state-changing route, and no writes through safe methods.

Routes come from the URLconf (the access matrix's table, which fails when a route is missing) and the JSON
API's operations from its OpenAPI schema. With `Client(enforce_csrf_checks=True)` and a signed-in user,
every POST/PUT/PATCH/DELETE without a token is a 403 and the database is byte-for-byte unchanged; a GET to
a POST-only route is a 405 that changes nothing; a GET anywhere changes no business table (exports only
add their audit row). The world is the access matrix's (test_scope_matrix.py).
"""

from __future__ import annotations

import hashlib
import re

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse

import enclave.accounts.tests.test_scope_matrix as matrix
from enclave.api import api

pytestmark = pytest.mark.django_db

world = matrix.world  # the same seeded districts, parks and objects as the access matrix
UNSAFE = ("POST", "PUT", "PATCH", "DELETE")
# Page routes that only accept POST (their GET must be a 405).
POST_ONLY_PAGES = {
    "projects:file", "projects:action", "projects:conflict_resolve", "sharing:run", "sharing:close",
    "sharing:report_confirm", "sharing:adjustment_void", "sharing:provisional", "accounts:logout", "assessment:run_start", "assessment:publish",
    "assessment:bonus_draft", "assessment:target_change",
    "leads:move", "leads:fact", "leads:share", "land:building_add",
    "land:milestone_add", "land:milestone_done", "land:tenant_add",
}  # fmt: skip
PLACEHOLDER = {"int": 1, "str": "530102", "slug": "mohan", "path": "x"}


def database_digest(skip_audit: bool = False) -> dict[str, str]:
    """Every table's rows, hashed: any insert, update or delete changes its table's digest."""
    out = {}
    for model in apps.get_models():
        table = model._meta.db_table
        if skip_audit and table == "audit_event":
            continue
        rows = list(model._default_manager.order_by("pk").values_list())
        out[table] = hashlib.sha256(repr(rows).encode()).hexdigest()
    return out


def _csrf_client(user=None) -> Client:
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    return client


def _page_url(name: str, objects: dict, recognised) -> str:
    spec = matrix.MATRIX.get(name)
    pattern = matrix.discovered_routes()[name]
    if isinstance(spec, matrix.Obj):
        kwargs = matrix._kwargs(name, spec, objects, recognised)
    else:
        kwargs = {}
    for converter, kwarg in re.findall(r"<(?:(\w+):)?(\w+)>", pattern):
        kwargs.setdefault(kwarg, PLACEHOLDER[converter or "str"])
    return reverse(name, kwargs=kwargs)


def _api_operations(objects: dict, recognised) -> list[tuple[str, str, str]]:
    """(method, url, path template) for every operation of the OpenAPI schema."""
    fill = {
        "enterprise_id": objects["enterprise"], "project_id": objects["filed"], "report_id": objects["report"],
        "party_code": "530102", "code": "mohan", "conflict_id": 1, "run_id": objects["draft_run"], "adjustment_id": 1,
        "year": 2024,
        "lead_id": objects["lead"], "visit_id": objects["visit"], "parcel_id": objects["parcel"],
        "subpark_id": objects["subpark"], "resource_id": objects["resource"], "policy_id": objects["policy"],
    }  # fmt: skip
    out = []
    for template, operations in api.get_openapi_schema()["paths"].items():
        url = re.sub(r"\{(\w+)\}", lambda m: str(fill[m.group(1)]), template)
        out += [(method.upper(), url, template) for method in operations]
    return out


def test_every_state_changing_route_refuses_a_request_without_a_token(world):
    users, objects, _secrets, recognised = world
    page_names = [n for n in matrix.discovered_routes() if not n.startswith("api:")]
    assert "accounts:login" in page_names and "projects:edit" in page_names
    clients = {role: _csrf_client(users[role]) for role in ("city_admin", "wuhua", "mohan_user")}
    before = database_digest()
    refused = 0
    for role, client in clients.items():
        for name in page_names:
            url = _page_url(name, objects, recognised)
            response = client.post(url, {"name": "改名", "period": "2024Q3", "language": "en"})
            assert response.status_code == 403, f"{role} POST {name} without a token: {response.status_code}"
            refused += 1
        for method, url, template in _api_operations(objects, recognised):
            if method not in UNSAFE:
                continue
            response = client.generic(method, url, '{"name": "改名"}', content_type="application/json")
            assert response.status_code == 403, (
                f"{role} {method} {template} without a token: {response.status_code}"
            )
            assert "CSRF" in response.json()["detail"]
            refused += 1
    anonymous = _csrf_client().post(reverse("accounts:login"), {"username": "wuhua", "password": "x"})
    assert anonymous.status_code == 403
    assert database_digest() == before, "a request without a CSRF token wrote to the database"
    assert refused > 100


def test_the_same_requests_with_the_token_are_not_refused_for_csrf(world):
    """The control: the 403s above are the CSRF check's, not something else's."""
    users, objects, _secrets, recognised = world
    client = _csrf_client(users["wuhua"])
    page = client.get(reverse("projects:library"))
    token = (
        page.cookies["csrftoken"].value if "csrftoken" in page.cookies else client.cookies["csrftoken"].value
    )
    response = client.post(
        _page_url("projects:edit", objects, recognised), {"csrfmiddlewaretoken": token, "name": ""}
    )
    assert response.status_code != 403
    api_response = client.generic(
        "PATCH", f"/api/v1/enterprises/{objects['enterprise']}", "{}",
        content_type="application/json", HTTP_X_CSRFTOKEN=token,
    )  # fmt: skip
    assert api_response.status_code != 403


def test_a_get_to_a_mutating_route_is_a_405_and_changes_nothing(world):
    users, objects, _secrets, recognised = world
    clients = {role: _csrf_client(users[role]) for role in ("city_admin", "wuhua", "mohan_user")}
    before = database_digest()
    for role, client in clients.items():
        for name in sorted(POST_ONLY_PAGES):
            response = client.get(_page_url(name, objects, recognised))
            assert response.status_code == 405, f"{role} GET {name}: {response.status_code}"
        by_template: dict[str, set[str]] = {}
        for method, url, _template in _api_operations(objects, recognised):
            by_template.setdefault(url, set()).add(method)
        for url, methods in by_template.items():
            if "GET" not in methods:
                response = client.get(url)
                assert response.status_code == 405, f"{role} GET {url}: {response.status_code}"
    assert database_digest() == before


def test_no_get_anywhere_changes_a_business_table(world):
    users, objects, _secrets, recognised = world
    clients = {role: _csrf_client(users[role]) for role in ("city_admin", "wuhua", "mohan_user", "auditor")}
    before = database_digest(skip_audit=True)
    for client in clients.values():
        for name in matrix.discovered_routes():
            if name.startswith("api:"):
                continue
            client.get(_page_url(name, objects, recognised))
        for method, url, _template in _api_operations(objects, recognised):
            if method == "GET":
                client.get(url)
    after = database_digest(skip_audit=True)
    # The session store (accounts_session since the account work; django_session before) records activity
    # for the idle timeout on every served request: not a business table.
    changed = [t for t in before if before[t] != after[t] and t not in ("django_session", "accounts_session")]
    assert not changed, f"GET requests changed {changed}"


def test_every_post_only_page_is_declared(world):
    """A page route that refuses GET must be listed above, so its 405 is asserted."""
    users, objects, _secrets, recognised = world
    client = _csrf_client(users["city_admin"])
    refusing = {
        name
        for name in matrix.discovered_routes()
        if not name.startswith("api:") and client.get(_page_url(name, objects, recognised)).status_code == 405
    }
    assert refusing == POST_ONLY_PAGES
