"""Every query parameter of every GET route, given a bad value: never a server error (issue 14, item 4).

The walk finds the parameters each page reads by recording the keys it asks `request.GET` for on a clean
request (so a new page or a new parameter is walked without being listed here), and the API's from the
OpenAPI schema; then it sends each a set of bad values (years "0000" and "٠٠٠٠", `0` for a date, a month
13, NUL, a huge number, …), also with `format=xlsx` on pages that export. A refusal is a 400 with a Chinese
sentence; anything below 500 is acceptable for values a page reads leniently (a search text)."""

from __future__ import annotations

import re

import pytest
from django.http import QueryDict
from django.test import Client
from django.urls import reverse

import enclave.accounts.tests.test_scope_matrix as matrix
from enclave.accounts.tests.test_csrf import POST_ONLY_PAGES, _api_operations, _page_url
from enclave.conftest import client_for

pytestmark = pytest.mark.django_db

world = matrix.world
BAD_VALUES = ("0000", "٠٠٠٠", "0", "2024-13-45", "a\x00b", "9" * 30)
API_BAD_VALUES = ("0000", "٠٠٠٠", "a\x00b")  # the schema already refuses most shapes; these reach the parsers
WALKING_ROLES = ("city_admin", "wuhua", "mohan_user", "sys_admin", "security_admin", "audit_admin")


def _chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _keys_read(client: Client, url: str) -> tuple[int, set[str]]:
    """The status of a clean GET and the query keys the view asked for."""
    read: set[str] = set()
    originals = {name: getattr(QueryDict, name) for name in ("get", "getlist", "__getitem__", "__contains__")}

    def recording(name):
        def method(self, key, *args, **kwargs):
            read.add(key)
            return originals[name](self, key, *args, **kwargs)

        return method

    for name in originals:
        setattr(QueryDict, name, recording(name))
    try:
        status = client.get(url).status_code
    finally:
        for name, original in originals.items():
            setattr(QueryDict, name, original)
    return status, read - {"csrfmiddlewaretoken"}


def _assert_answer(response, what: str) -> None:
    assert response.status_code < 500, f"{what}: {response.status_code}"
    if response.status_code == 400:
        assert _chinese(response.content.decode()), f"{what}: a 400 without a Chinese message"


def test_no_bad_query_value_makes_a_page_fail(world):
    users, objects, _secrets, recognised = world
    clients = {role: client_for(users[role]) for role in WALKING_ROLES}
    clients["anonymous"] = Client()
    walked = set()
    for name in matrix.discovered_routes():
        if name.startswith("api:") or name in POST_ONLY_PAGES or name in ("accounts:logout", "set_language"):
            continue
        url = _page_url(name, objects, recognised)
        for candidate, candidate_client in clients.items():
            status, keys = _keys_read(candidate_client, url)
            if status == 200:
                role, client = candidate, candidate_client
                break
        else:
            continue
        for key in sorted(keys - {"format"}):
            for value in BAD_VALUES:
                _assert_answer(client.get(url, {key: value}), f"{role} GET {name}?{key}={value!r}")
                if "format" in keys and value in ("0000", "a\x00b"):
                    response = client.get(url, {key: value, "format": "xlsx"})
                    _assert_answer(response, f"{role} GET {name}?{key}={value!r}&format=xlsx")
                walked.add((name, key))
    assert ("public:results", "year") in walked and ("leads:funnel", "to") in walked
    assert len({name for name, _key in walked}) > 30


# Parameters whose value is free text (a search, a name, a return address): any text means something there.
FREE_TEXT = {"q", "actor", "origin", "next"}
# (route, key) read from a query on purpose without a 400, each for a reason:
SHOWN_NOT_REFUSED = {
    ("dashboards:bulletin", "as_of"),  # a date field of the page: the mistake is shown beside it, today is used
    ("sharing:report_create", "project"),  # only pre-fills the form's field; the form checks it when sent
    ("sharing:rates", "action"),  # read from the POST body (which form was sent); the walk records every key
}
NO_VALUE_MEANS_THIS = "<b>"  # no year, date, period, code, id, choice or flag is written like this


def test_a_typed_filter_refuses_a_value_it_cannot_read_instead_of_dropping_it(world):
    """A filter that silently drops a bad value shows a wider list than the official asked for (issue 14):
    every parameter that is not free text answers 400 with a Chinese sentence naming it."""
    users, objects, _secrets, recognised = world
    clients = {role: client_for(users[role]) for role in WALKING_ROLES}
    probed, lenient = set(), []
    for name in matrix.discovered_routes():
        if name.startswith("api:") or name in POST_ONLY_PAGES or name in ("accounts:logout", "set_language"):
            continue
        url = _page_url(name, objects, recognised)
        for candidate_client in clients.values():
            status, keys = _keys_read(candidate_client, url)
            if status == 200:
                client = candidate_client
                break
        else:
            continue
        for key in sorted(keys - FREE_TEXT - {"format"}):
            if (name, key) in SHOWN_NOT_REFUSED:
                continue
            response = client.get(url, {key: NO_VALUE_MEANS_THIS})
            body = response.content.decode(errors="replace")
            if response.status_code != 400 or f"参数“{key}”" not in body:
                lenient.append(f"{name}?{key} → {response.status_code}")
            probed.add((name, key))
    assert not lenient, "filters that drop a bad value: " + "; ".join(lenient)
    assert {("projects:library", "status"), ("leads:list", "stage"), ("audit:list", "verb")} <= probed


def test_no_bad_query_value_makes_an_api_list_fail(world):
    users, objects, _secrets, recognised = world
    from enclave.api import api

    document = api.get_openapi_schema()
    client = client_for(users["city_admin"])
    walked = 0
    for method, url, template in _api_operations(objects, recognised):
        if method != "GET":
            continue
        for parameter in document["paths"][template]["get"].get("parameters", []):
            if parameter["in"] != "query":
                continue
            for value in API_BAD_VALUES:
                response = client.get(url, {parameter["name"]: value})
                _assert_answer(response, f"GET {template}?{parameter['name']}={value!r}")
                walked += 1
    assert walked > 50


class TestThePublicPage:
    @pytest.mark.parametrize("year", ["0000", "٠٠٠٠", "1948", "2101", "²⁰²⁴"])
    def test_a_year_that_is_no_year_is_a_400_with_a_chinese_message_for_anyone(self, year, db):
        for query in ({"year": year}, {"year": year, "format": "xlsx"}):
            response = Client().get(reverse("public:results"), query)
            assert response.status_code == 400
            assert "年份" in response.content.decode()

    def test_a_real_year_still_filters(self, db):
        assert Client().get(reverse("public:results"), {"year": "2024"}).status_code == 200


class TestDatesInTheApi:
    @pytest.mark.parametrize("path", ["/api/v1/visits", "/api/v1/projects/summary"])
    def test_to_zero_is_no_date(self, path, wuhua):
        client = client_for(wuhua)
        for value in ("0", "1700000000", "٢٠٢٤-٠١-٠١"):
            response = client.get(path, {"to": value})
            assert response.status_code == 400, (value, response.content)
            assert "日期" in response.json()["detail"]
        assert client.get(path, {"to": "2024-12-31"}).status_code == 200

    def test_a_bad_year_in_the_api_is_a_400(self, wuhua):
        response = client_for(wuhua).get("/api/v1/projects", {"year": "0000"})
        assert response.status_code == 400 and "年份" in response.json()["detail"]


def test_the_400_page_extends_the_sites_layout(db):
    body = Client().get(reverse("public:results"), {"year": "0000"}).content.decode()
    assert re.search(r"<html", body) and "参数“year”" in body
