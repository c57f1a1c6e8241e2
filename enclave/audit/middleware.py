from __future__ import annotations

import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import add_never_cache_headers

from enclave.audit import context


def client_ip(request: HttpRequest) -> str | None:
    """The client address; behind the configured trusted proxy, the first address of its header."""
    header = getattr(settings, "ENCLAVE_TRUSTED_PROXY_HEADER", "")
    if header:
        forwarded = request.META.get(header, "")
        if forwarded:
            return forwarded.split(",")[0].strip() or None
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    """Binds IP and a request id for the audit trail and echoes the id in X-Request-ID."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = uuid.uuid4().hex
        token = context.bind(context.RequestContext(ip=client_ip(request), request_id=request_id))
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
