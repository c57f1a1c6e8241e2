"""HEAD answers like GET on every page route that answers GET (issue 14, item 9): uptime monitors and link
checkers send HEAD; `require_GET` answered them 405 (the sign-in page included). `require_safe` (GET and
HEAD) is the decorator where GET is meant."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

import enclave.accounts.tests.test_scope_matrix as matrix
from enclave.accounts.tests.test_csrf import POST_ONLY_PAGES, _page_url
from enclave.conftest import client_for

pytestmark = pytest.mark.django_db

world = matrix.world
ROLES = ("city_admin", "wuhua", "mohan_user", "sys_admin", "security_admin", "audit_admin")


def test_the_sign_in_page_answers_head_without_a_session(db):
    response = Client().head(reverse("accounts:login"))
    assert response.status_code == 200
    assert response.content == b""


def test_every_get_page_route_answers_head_as_it_answers_get(world):
    users, objects, _secrets, recognised = world
    clients = [Client()] + [client_for(users[role]) for role in ROLES]
    walked = []
    for name in matrix.discovered_routes():
        if name.startswith("api:") or name in POST_ONLY_PAGES or name == "set_language":
            continue
        url = _page_url(name, objects, recognised)
        for client in clients:
            got = client.get(url)
            if got.status_code == 200:
                head = client.head(url)
                assert head.status_code == 200, f"HEAD {name}: {head.status_code}"
                body = b"".join(head.streaming_content) if head.streaming else head.content
                assert body == b"", name
                walked.append(name)
                break
    assert len(walked) > 45 and "accounts:login" in walked and "public:results" in walked


def test_views_never_use_require_get():
    """A new GET view with `require_GET` would answer HEAD with 405 again."""
    from pathlib import Path

    from django.conf import settings

    offenders = [
        str(path)
        for path in (Path(settings.BASE_DIR) / "enclave").rglob("*.py")
        if "tests" not in path.parts and "@require_GET" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []
