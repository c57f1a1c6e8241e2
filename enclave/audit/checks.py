"""System checks of the client-address settings (audit/middleware.py client_ip): half a configuration
silently records the proxy's address for every user, or believes nothing, so `manage.py check` says so."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security)
def trusted_proxy_settings(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    header = getattr(settings, "ENCLAVE_TRUSTED_PROXY_HEADER", "")
    proxies = tuple(getattr(settings, "ENCLAVE_TRUSTED_PROXIES", ()) or ())
    if header and not proxies:
        return [
            checks.Warning(
                "ENCLAVE_TRUSTED_PROXY_HEADER is set but ENCLAVE_TRUSTED_PROXIES is empty: the header is ignored "
                "and every audit row, lockout and administrator network check sees the proxy's address.",
                hint="Set ENCLAVE_TRUSTED_PROXIES to the reverse proxy's addresses (CIDRs), or unset the header.",
                id="enclave.W001",
            )
        ]
    if proxies and not header:
        return [
            checks.Warning(
                "ENCLAVE_TRUSTED_PROXIES is set but ENCLAVE_TRUSTED_PROXY_HEADER is empty: no client address "
                "is read from the proxies, so every request from them is recorded with the proxy's address.",
                hint="Set ENCLAVE_TRUSTED_PROXY_HEADER to the header the proxy appends to (HTTP_X_FORWARDED_FOR).",
                id="enclave.W002",
            )
        ]
    return []
