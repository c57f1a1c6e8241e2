"""Check 13: every response type carries the security headers, and signed-in responses are never cached.

HTML page, JSON, an xlsx download, a 404, a 500 and the anonymous sign-in page all carry a nonce-based CSP
with object-src/base-uri/frame-ancestors 'none' and no 'unsafe-inline', nosniff, a Referrer-Policy and
COOP same-origin. Check 6's production settings are asserted in a fresh interpreter with production
environment variables, as the server would start.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client
from django.urls import path, reverse

import enclave.urls

pytestmark = pytest.mark.django_db


def boom(request):
    raise RuntimeError("deliberate failure for the 500 test")


urlpatterns = [path("boom/", boom), *enclave.urls.urlpatterns]
handler403 = enclave.urls.handler403


def _directives(header: str) -> dict[str, list[str]]:
    out = {}
    for part in header.split(";"):
        words = part.split()
        if words:
            out[words[0]] = words[1:]
    return out


def assert_hardened(response, *, signed_in: bool) -> None:
    csp = response.get("Content-Security-Policy", "")
    d = _directives(csp)
    assert d.get("object-src") == ["'none'"], csp
    assert d.get("base-uri") == ["'none'"], csp
    assert d.get("frame-ancestors") == ["'none'"], csp
    assert any(w.startswith("'nonce-") for w in d.get("script-src", [])), csp
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp, csp
    assert d.get("style-src") == ["'self'"], csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] in {"same-origin", "no-referrer", "strict-origin-when-cross-origin"}
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response.get("X-Frame-Options") == "DENY" or response.status_code >= 400
    if signed_in:
        assert "no-store" in response.get("Cache-Control", ""), response.get("Cache-Control")


def _signed_in(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


class TestHeadersOnEveryResponseType:
    def test_html_page(self, city_admin):
        response = _signed_in(city_admin).get("/projects/")
        assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
        assert_hardened(response, signed_in=True)

    def test_json(self, city_admin):
        response = _signed_in(city_admin).get("/api/v1/parks")
        assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
        assert_hardened(response, signed_in=True)

    def test_xlsx_download(self, city_admin):
        response = _signed_in(city_admin).get(reverse("projects:export"))
        assert response.status_code == 200, response.status_code
        assert "spreadsheetml" in response["Content-Type"]
        assert_hardened(response, signed_in=True)

    def test_not_found(self, city_admin):
        response = _signed_in(city_admin).get("/no-such-page/")
        assert response.status_code == 404
        assert_hardened(response, signed_in=True)

    @pytest.mark.urls("enclave.accounts.tests.test_security_headers")
    def test_server_error(self, city_admin):
        response = _signed_in(city_admin).get("/boom/")
        assert response.status_code == 500
        assert "服务器错误" in response.content.decode()
        assert "deliberate failure" not in response.content.decode()
        assert_hardened(response, signed_in=True)

    def test_anonymous_sign_in_page(self):
        response = Client().get("/accounts/login/")
        assert response.status_code == 200
        assert_hardened(response, signed_in=False)


class TestScriptsCarryTheNonce:
    def _nonce(self, response) -> str:
        script_src = _directives(response["Content-Security-Policy"])["script-src"]
        return next(w for w in script_src if w.startswith("'nonce-"))[len("'nonce-") : -1]

    def test_page_scripts_are_local_files_with_the_responses_nonce(self, city_admin):
        response = _signed_in(city_admin).get("/projects/")
        self._assert_scripts_local_with_nonce(response)

    def test_api_docs_work_under_the_policy(self, city_admin):
        """The Swagger page runs only local scripts with the nonce; its settings are a JSON data block."""
        response = _signed_in(city_admin).get("/api/v1/docs")
        assert response.status_code == 200
        srcs = self._assert_scripts_local_with_nonce(response)
        assert any("swagger-ui-bundle.js" in s for s in srcs)
        body = response.content.decode()
        assert "https://" not in body and "http://" not in body.replace("http://www.w3.org", "")

    def test_no_template_has_inline_script_or_style(self):
        offenders = []
        for template in Path(settings.BASE_DIR, "enclave", "templates").rglob("*.html"):
            text = template.read_text()
            if re.search(r"\sstyle\s*=", text) or re.search(r"<style", text):
                offenders.append(f"{template}: style")
            for tag in re.findall(r"<script[^>]*>", text):
                if "src=" not in tag and 'type="application/json"' not in tag:
                    offenders.append(f"{template}: inline {tag}")
                elif "src=" in tag and "csp_nonce" not in tag:
                    offenders.append(f"{template}: no nonce {tag}")
        assert not offenders, offenders

    def _assert_scripts_local_with_nonce(self, response) -> list[str]:
        nonce = self._nonce(response)
        body = response.content.decode()
        tags = re.findall(r"<script[^>]*>", body)
        srcs = []
        for tag in tags:
            if 'type="application/json"' in tag:
                continue
            src = re.search(r'src="([^"]+)"', tag)
            assert src, f"inline script: {tag}"
            assert f'nonce="{nonce}"' in tag, tag
            url = src.group(1)
            assert url.startswith(settings.STATIC_URL), url
            assert finders.find(url[len(settings.STATIC_URL) :]), f"missing static file {url}"
            srcs.append(url)
        assert srcs
        return srcs

    def test_htmx_is_told_not_to_inject_its_indicator_style(self, city_admin):
        body = _signed_in(city_admin).get("/projects/").content.decode()
        assert '"includeIndicatorStyles": false' in body

    def test_htmx_requests_carry_the_csrf_token_header(self):
        """htmx requests get X-CSRFToken from the page's csrf-token meta tag (static enclave.js)."""
        script = Path(finders.find("js/enclave.js")).read_text()
        assert "htmx:configRequest" in script and 'headers["X-CSRFToken"]' in script
        assert 'meta[name="csrf-token"]' in script


PRODUCTION_PROBE = """
import json, django
from django.conf import settings
django.setup()
print(json.dumps({k: getattr(settings, k) for k in (
    "DEBUG", "SECRET_KEY", "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "CSRF_COOKIE_SECURE",
    "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "DEMO_MODE")}))
"""


def _production_env(**extra) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("ENCLAVE_")}
    env.update(DJANGO_SETTINGS_MODULE="enclave.settings", ENCLAVE_PRODUCTION="1", ENCLAVE_DEBUG="1")
    env.update({"ENCLAVE_AUDIT_KEY": "a-throw-away-audit-chain-key-of-forty-characters", **extra})
    env.setdefault(
        "ENCLAVE_PI_KEY", "00112233445566778899aabbccddeeff"
    )  # production requires the SM4 key too
    return env


class TestProductionSettings:
    """Check 6. ENCLAVE_DEBUG=1 is set on purpose: production must ignore it."""

    KEY = "k" * 20 + "-throw-away-test-key-of-more-than-fifty-characters-0123456789"

    def test_production_turns_every_safeguard_on(self):
        out = subprocess.run(
            [sys.executable, "-c", PRODUCTION_PROBE],
            env=_production_env(ENCLAVE_SECRET_KEY=self.KEY),
            cwd=settings.BASE_DIR, capture_output=True, text=True, check=True,
        )  # fmt: skip
        values = json.loads(out.stdout)
        assert values["DEBUG"] is False
        assert values["SECRET_KEY"] == self.KEY and len(values["SECRET_KEY"]) >= 50
        assert values["SESSION_COOKIE_SECURE"] is True and values["SESSION_COOKIE_HTTPONLY"] is True
        assert values["CSRF_COOKIE_SECURE"] is True
        assert values["SECURE_SSL_REDIRECT"] is True
        assert values["SECURE_HSTS_SECONDS"] >= 31_536_000
        assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
        assert values["DEMO_MODE"] is False

    def test_production_refuses_to_start_without_a_long_secret_key(self):
        out = subprocess.run(
            [sys.executable, "-c", PRODUCTION_PROBE],
            env=_production_env(ENCLAVE_SECRET_KEY="short"),
            cwd=settings.BASE_DIR, capture_output=True, text=True,
        )  # fmt: skip
        assert out.returncode != 0 and "ENCLAVE_SECRET_KEY" in out.stderr

    def test_production_refuses_to_start_without_its_own_audit_key(self):
        for audit_key in ("", "short", self.KEY):  # missing, too short, the same as the secret key
            out = subprocess.run(
                [sys.executable, "-c", PRODUCTION_PROBE],
                env=_production_env(ENCLAVE_SECRET_KEY=self.KEY, ENCLAVE_AUDIT_KEY=audit_key),
                cwd=settings.BASE_DIR, capture_output=True, text=True,
            )  # fmt: skip
            assert out.returncode != 0 and "ENCLAVE_AUDIT_KEY" in out.stderr, audit_key

    def test_deploy_check_passes_with_production_settings(self):
        out = subprocess.run(
            [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
            env=_production_env(ENCLAVE_SECRET_KEY=self.KEY),
            cwd=settings.BASE_DIR, capture_output=True, text=True,
        )  # fmt: skip
        assert out.returncode == 0, out.stdout + out.stderr
