"""The project's own error pages that Django would otherwise answer in English: the 400 of a bad query
parameter (handler400) and the 403 of a failed CSRF check (CSRF_FAILURE_VIEW). The 403 of a refusal is
enclave.audit.views.permission_denied (it writes an audit row)."""

from __future__ import annotations

from django.core.exceptions import BadRequest
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, HttpResponseForbidden
from django.template import loader


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """400: the Chinese sentence of a BadRequest raised by enclave.query_params, otherwise a general one."""
    reason = str(exception) if isinstance(exception, BadRequest) and str(exception) else ""
    body = loader.render_to_string("400.html", {"reason": reason}, request)
    return HttpResponseBadRequest(body)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """403 when the CSRF check fails (an expired page, cookies off): what happened and what to do."""
    body = loader.render_to_string("403_csrf.html", {}, request)
    return HttpResponseForbidden(body)
