"""Check 16 (forms): hypothesis fuzz of every form of every page.

The forms are discovered, not listed: each page of the access matrix's world is opened as a user who may
use it, and every POST form in its main part (not the header's sign-out and language forms) is posted
with random and hostile values for its own fields (and its own choices now and then). Never a 5xx; a
refusal is a 4xx, or the form shown again with a Chinese error message; an accepted form redirects.
A redirect never leaves the site."""

from __future__ import annotations

import html
import os
import re
from urllib.parse import urlparse

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import enclave.accounts.tests.test_scope_matrix as matrix

pytestmark = pytest.mark.django_db

world = matrix.world
EXAMPLES = int(os.environ.get("ENCLAVE_FORM_FUZZ_EXAMPLES", "15"))
HOSTILE = [
    "", " ", "0", "-1", "1e309", "NaN", "Infinity", "2024-13", "2024-02-30", "9999-99", "0000-00", "１２３",
    "1,234.565", "99999999999999999999999", "-0.001", "' OR 1=1 --", "<script>alert(1)</script>",
    '=HYPERLINK("http://x",A1)', "\u202e", "𠀀𠀁", "a" * 300, "9" * 30, "\t\n", "\x00", "http://evil.example/",
    "//evil.example", "2024Q9", "530102", "mohan", "MH-2024-0001", "91530100MA6K0XXXXX",
]  # fmt: skip
CHINESE = re.compile(r"[\u4e00-\u9fff]")

# (route, URL kwargs from the world, user) for every page that shows forms.
PAGES = [
    ("enterprises:create", None, "wuhua"),
    ("enterprises:edit", ("enterprise", "pk"), "wuhua"),
    ("projects:create", None, "wuhua"),
    ("projects:edit", ("draft", "pk"), "wuhua"),
    ("projects:detail", ("draft", "pk"), "wuhua"),
    ("projects:detail", ("filed", "pk"), "reviewer"),
    ("projects:recognise", ("filed", "pk"), "reviewer"),
    ("projects:claim_create", None, "wuhua"),
    ("sharing:overview", None, "city_admin"),
    ("sharing:reports", None, "city_admin"),
    ("sharing:report_create", None, "mohan_user"),
    ("sharing:report_edit", ("report", "pk"), "mohan_user"),
    ("sharing:adjustments", None, "city_admin"),
    ("sharing:rates", None, "city_admin"),
    ("accounts:login", None, None),
    ("excel:index", None, "mohan_user"),
    ("assessment:index", None, "city_admin"),
    ("assessment:deductions", None, "city_admin"),
    ("assessment:bonus", None, "city_admin"),
]
HEADER_ACTIONS = ("/accounts/logout/", "/i18n/setlang/")


def discover_forms(body: str, page_url: str) -> list[tuple[str, dict[str, list[str]], set[str]]]:
    """(action URL, {field: its choices}, file fields) for each POST form in the page body."""
    forms = []
    for attrs, inner in re.findall(r"<form([^>]*)>(.*?)</form>", body, re.S):
        if 'method="post"' not in attrs.lower():
            continue
        action = re.search(r'action="([^"]*)"', attrs)
        url = html.unescape(action.group(1)) if action and action.group(1) else page_url
        if url.startswith(HEADER_ACTIONS):
            continue
        fields: dict[str, list[str]] = {}
        files: set[str] = set()
        for name in re.findall(r"<(?:input|select|textarea)[^>]*\sname=\"([^\"]+)\"", inner):
            fields.setdefault(name, [])
        for name, options in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', inner, re.S):
            fields[name] = [html.unescape(v) for v in re.findall(r'<option[^>]*value="([^"]*)"', options)]
        for name, value in re.findall(r'<(?:input|button)[^>]*name="([^"]+)"[^>]*value="([^"]*)"', inner):
            fields.setdefault(name, []).append(html.unescape(value))
        fields.pop("csrfmiddlewaretoken", None)
        for name in re.findall(r'<input[^>]*type="file"[^>]*name="([^"]+)"', inner) + re.findall(
            r'<input[^>]*name="([^"]+)"[^>]*type="file"', inner
        ):
            files.add(name)
        forms.append((url, fields, files))
    return forms


def value_for(choices: list[str]):
    hostile = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=40), st.integers(-(10**16), 10**16).map(str),
                        st.decimals(allow_nan=False, allow_infinity=False, places=3).map(str))  # fmt: skip
    return st.one_of(st.sampled_from(choices), hostile) if choices else hostile


def _url(route, spec, objects):
    if spec is None:
        return reverse(route)
    key, kwarg = spec
    return reverse(route, kwargs={kwarg: objects[key]})


def _assert_answer(response, where: str) -> None:
    assert response.status_code < 500, f"{where}: {response.status_code}"
    if response.status_code in (301, 302, 303):
        target = urlparse(response["Location"])
        assert not target.netloc or target.netloc == "testserver", (
            f"{where}: redirect off-site {response['Location']}"
        )
    elif response.status_code == 200 and response["Content-Type"].startswith("text/html"):
        body = response.content.decode()
        errors = re.findall(
            r'class="(?:errorlist[^"]*|form-errors|message error|error)"[^>]*>(.*?)</(?:ul|div|p|small)>',
            body,
            re.S,
        )
        assert errors, f"{where}: 200 without an error message"
        assert any(CHINESE.search(e) for e in errors), f"{where}: error not in Chinese: {errors[:2]}"


@pytest.mark.parametrize(("route", "spec", "role"), PAGES, ids=[f"{p[0]}[{p[2]}]" for p in PAGES])
def test_every_form_refuses_bad_input_cleanly(world, route, spec, role):
    users, objects, _secrets, _recognised = world
    client = Client()
    if role:
        client.force_login(users[role])
    page_url = _url(route, spec, objects)
    page = client.get(page_url + ("?period=2024Q3" if route.startswith("sharing:overview") else ""))
    assert page.status_code == 200, f"{route}: {page.status_code}"
    forms = discover_forms(page.content.decode(), page_url)
    assert forms, f"{route}: no form found"

    for action, fields, files in forms:
        _fuzz_one_form(client, route, action, fields, files)


def _fuzz_one_form(client, route, action, fields, files) -> None:
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True,
                  suppress_health_check=list(HealthCheck))  # fmt: skip
    @given(st.data())
    def post(data):
        payload = {name: data.draw(value_for(choices), label=name) for name, choices in fields.items()}
        for name in files:
            content = data.draw(
                st.sampled_from([b"", b"%PDF-1.4 x", b"PK\x03\x04" + b"\x00" * 20, b"\xff" * 64])
            )
            payload[name] = SimpleUploadedFile(
                data.draw(st.sampled_from(["a.pdf", "a.exe", "../x.pdf", "x"])), content
            )
        _assert_answer(client.post(action, payload), f"{route} → {action} {payload}")

    post()
