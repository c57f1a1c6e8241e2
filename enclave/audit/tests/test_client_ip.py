"""The client address (issue 14, item 1): the right-most address of the trusted proxy header that is not one
of ENCLAVE_TRUSTED_PROXIES, never an entry the client wrote; REMOTE_ADDR when no proxy is trusted. One
function serves the administrators' allowed networks, the lockout (django-axes) and the audit trail."""

from __future__ import annotations

import pytest
from axes.helpers import get_client_ip_address
from axes.models import AccessAttempt
from django.test import Client, RequestFactory
from django.urls import reverse

from enclave.audit.middleware import client_ip
from enclave.audit.models import Event, Verb
from enclave.conftest import PASSWORD

PROXY = "10.0.0.1"
REAL = "192.0.2.7"  # the client, outside the administrators' network
ALLOWED = "10.20.3.4"  # an administrator terminal's address, forged by the client


@pytest.fixture
def behind_proxy(settings):
    settings.ENCLAVE_TRUSTED_PROXY_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.ENCLAVE_TRUSTED_PROXIES = ["10.0.0.0/24"]
    settings.ENCLAVE_ADMIN_ALLOWED_NETWORKS = ["10.20.0.0/16"]


def request(forwarded: str | None = None, remote: str = PROXY):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


class TestTheAddress:
    def test_an_appending_proxy_gives_the_address_it_saw_not_the_one_the_client_wrote(self, behind_proxy):
        assert client_ip(request(f"{ALLOWED}, {REAL}")) == REAL

    def test_a_chain_of_trusted_proxies_is_walked_from_the_right(self, behind_proxy):
        assert client_ip(request(f"{ALLOWED}, {REAL}, 10.0.0.2, 10.0.0.3")) == REAL

    def test_without_trusted_proxies_the_header_is_ignored(self, settings):
        settings.ENCLAVE_TRUSTED_PROXY_HEADER = "HTTP_X_FORWARDED_FOR"
        settings.ENCLAVE_TRUSTED_PROXIES = []
        assert client_ip(request(ALLOWED, remote=REAL)) == REAL

    def test_a_request_not_from_a_trusted_proxy_is_its_own_address(self, behind_proxy):
        assert client_ip(request(ALLOWED, remote=REAL)) == REAL

    def test_no_header_from_the_proxy_is_the_proxys_address(self, behind_proxy):
        assert client_ip(request(None)) == PROXY

    def test_an_entry_that_is_no_address_is_no_address(self, behind_proxy):
        assert client_ip(request(f"{ALLOWED}, not-an-address")) is None
        assert client_ip(request(f" {REAL} ,10.0.0.9")) == REAL
        assert client_ip(request("[2001:db8::7]")) is None  # brackets are no address either

    def test_ipv6_clients_and_proxies(self, behind_proxy, settings):
        settings.ENCLAVE_TRUSTED_PROXIES = ["fd00::/8"]
        assert client_ip(request(f"{ALLOWED}, 2001:db8::7", remote="fd00::1")) == "2001:db8::7"

    def test_the_lockout_uses_the_same_function(self, behind_proxy):
        assert get_client_ip_address(request(f"{ALLOWED}, {REAL}")) == REAL


@pytest.mark.django_db
class TestThroughTheSignIn:
    def test_a_forged_allowed_address_does_not_let_an_administrator_in(self, behind_proxy, sys_admin):
        client = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"{ALLOWED}, {REAL}")
        response = client.post(reverse("accounts:login"), {"username": "sysadm", "password": PASSWORD})
        assert response.status_code == 200 and "管理终端" in response.content.decode()
        row = Event.objects.filter(verb=Verb.LOGIN_FAILED).latest("id")
        assert row.ip == REAL

    def test_the_real_allowed_terminal_still_gets_in(self, behind_proxy, sys_admin):
        client = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"{REAL}, {ALLOWED}")
        response = client.post(reverse("accounts:login"), {"username": "sysadm", "password": PASSWORD})
        assert response.status_code == 302
        assert Event.objects.filter(verb=Verb.LOGIN).latest("id").ip == ALLOWED

    def test_a_failed_sign_in_is_counted_with_the_real_address(self, behind_proxy, wuhua):
        client = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"{ALLOWED}, {REAL}")
        client.post(reverse("accounts:login"), {"username": wuhua.username, "password": "wrong-Password-1"})
        assert AccessAttempt.objects.get(username=wuhua.username).ip_address == REAL
        assert Event.objects.filter(verb=Verb.LOGIN_FAILED).latest("id").ip == REAL
