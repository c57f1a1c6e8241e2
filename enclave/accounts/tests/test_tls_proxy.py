"""Issue 14, item 7: behind a TLS-terminating proxy, production must know the request came in over HTTPS
(ENCLAVE_PROXY_SSL_HEADER → SECURE_PROXY_SSL_HEADER), or SECURE_SSL_REDIRECT sends every request to
https:// again, forever."""

from __future__ import annotations

import json
import subprocess
import sys

from django.conf import settings

from enclave.accounts.tests.test_security_headers import TestProductionSettings, _production_env

# A request as the proxy forwards it: plain HTTP to the application, the original scheme in a header.
BEHIND_THE_PROXY = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client
settings.ALLOWED_HOSTS = ["enclave.example"]
answers = {}
for scheme in ("https", "http"):
    r = Client().get("/accounts/login/", HTTP_HOST="enclave.example", HTTP_X_FORWARDED_PROTO=scheme)
    answers[scheme] = [r.status_code, r.get("Location", "")]
print(json.dumps({"header": settings.SECURE_PROXY_SSL_HEADER, "answers": answers}))
"""


def _behind_the_proxy(**extra) -> dict:
    env = _production_env(ENCLAVE_SECRET_KEY=TestProductionSettings.KEY, **extra)
    out = subprocess.run(
        [sys.executable, "-c", BEHIND_THE_PROXY], env=env, cwd=settings.BASE_DIR, capture_output=True,
        text=True, check=True,
    )  # fmt: skip
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_production_behind_a_tls_proxy_with_the_header_set_does_not_redirect_an_https_request():
    result = _behind_the_proxy(ENCLAVE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO")
    assert result["header"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    status, location = result["answers"]["https"]
    assert status != 301 and not location.startswith("https://"), (status, location)
    # a plain-HTTP request through the proxy is still sent to HTTPS, once
    assert result["answers"]["http"] == [301, "https://enclave.example/accounts/login/"]


def test_without_the_setting_no_proxy_header_is_believed():
    result = _behind_the_proxy()
    assert result["header"] is None
    assert result["answers"]["https"][0] == 301  # the loop the setting exists to end
