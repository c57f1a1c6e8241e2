from __future__ import annotations

import functools
import ipaddress
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

from enclave.audit import context


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


@functools.lru_cache(maxsize=8)
def _networks(cidrs: tuple[str, ...]) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(cidr.strip(), strict=False) for cidr in cidrs if cidr.strip())


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: the one function for the audit trail, the administrators' allowed networks
    and the lockout (django-axes' AXES_CLIENT_IP_CALLABLE).

    Without trusted proxies (ENCLAVE_TRUSTED_PROXIES empty, the default) it is REMOTE_ADDR and no header
    is read. When the request comes from a trusted proxy, the chain is the proxy header's addresses
    followed by REMOTE_ADDR, walked from the right: the first address that is not a trusted proxy is the
    client's (RFC 7239 section 5.2; the entries left of it were written by the client and prove nothing).
    An entry that is not an address there gives None: the request has no usable address."""
    remote = request.META.get("REMOTE_ADDR") or ""
    header = getattr(settings, "ENCLAVE_TRUSTED_PROXY_HEADER", "")
    trusted = _networks(tuple(getattr(settings, "ENCLAVE_TRUSTED_PROXIES", ()) or ()))
    chain = [remote]
    if header and trusted:
        chain = [entry for entry in request.META.get(header, "").split(",") if entry.strip()] + chain
    for entry in reversed(chain):
        address = _address(entry)
        if address is None:
            return None
        if not any(address in network for network in trusted):
            return str(address)
    first = _address(chain[0])  # every hop a trusted proxy: the farthest one is all there is
    return str(first) if first else None


class RequestContextMiddleware:
    """Binds IP and a request id for the audit trail and echoes the id in X-Request-ID."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = uuid.uuid4().hex
        token = context.bind(context.RequestContext(ip=client_ip(request), request_id=request_id, method=request.method or ""))
        try:
            response = self.get_response(request)
        finally:
            context.unbind(token)
        response["X-Request-ID"] = request_id
        return response


class ResponseHardeningMiddleware:
    """Pages, JSON and downloads for a signed-in user are never kept by a browser or proxy cache
    (Cache-Control: no-store), so a shared office computer does not show the last user's figures.

    It also draws the request's CSP nonce on every response (JSON, downloads, error pages too), so the
    policy in the header is the same nonce-based one whatever the response type."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        nonce = getattr(request, "csp_nonce", None)
        if nonce is not None:
            str(nonce)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response
