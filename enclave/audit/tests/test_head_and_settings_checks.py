"""Two loose ends of issue 14: a HEAD of an export writes no export row (no file left: Django runs the GET
view and sends no body), and `manage.py check` warns when only half of the client-address settings is set."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from enclave.audit.checks import trusted_proxy_settings
from enclave.audit.models import Event, Verb
from enclave.conftest import client_for

EXPORTS = ("/projects/export.xlsx", "/leads/export.xlsx", "/sharing/rates/?format=xlsx")


class TestHeadOfAnExport:
    @pytest.mark.parametrize("url", EXPORTS)
    def test_head_answers_without_recording_an_export_and_get_records_one(self, url, city_admin):
        client = client_for(city_admin)
        before = Event.objects.filter(verb=Verb.EXPORT).count()
        head = client.head(url)
        assert head.status_code == 200 and head.content == b""
        assert Event.objects.filter(verb=Verb.EXPORT).count() == before
        assert client.get(url).status_code == 200
        assert Event.objects.filter(verb=Verb.EXPORT).count() == before + 1

    def test_a_head_still_records_everything_else(self, wuhua):
        """Only exports are skipped: a refusal met by a HEAD is in the trail like any other."""
        before = Event.objects.filter(verb=Verb.DENIED).count()
        assert client_for(wuhua).head("/accounts/users/").status_code == 403
        assert Event.objects.filter(verb=Verb.DENIED).count() == before + 1


class TestClientAddressSettingsCheck:
    def test_a_header_without_trusted_proxies_is_a_warning(self, settings):
        settings.ENCLAVE_TRUSTED_PROXY_HEADER, settings.ENCLAVE_TRUSTED_PROXIES = "HTTP_X_FORWARDED_FOR", []
        assert [m.id for m in trusted_proxy_settings()] == ["enclave.W001"]
        with pytest.raises(SystemCheckError, match="enclave.W001"):
            call_command("check", "--fail-level", "WARNING")

    def test_trusted_proxies_without_a_header_is_a_warning(self, settings):
        settings.ENCLAVE_TRUSTED_PROXY_HEADER, settings.ENCLAVE_TRUSTED_PROXIES = "", ["10.0.0.0/24"]
        assert [m.id for m in trusted_proxy_settings()] == ["enclave.W002"]

    @pytest.mark.parametrize(
        "header, proxies", [("", []), ("HTTP_X_FORWARDED_FOR", ["10.0.0.0/24"])]
    )
    def test_none_or_both_is_quiet(self, settings, header, proxies):
        settings.ENCLAVE_TRUSTED_PROXY_HEADER, settings.ENCLAVE_TRUSTED_PROXIES = header, proxies
        assert trusted_proxy_settings() == []
