from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.template import loader

from enclave.audit.models import Verb
from enclave.audit.services import event_record


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """403 page; every refusal is logged with who tried what (越权访问留痕)."""
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        event_record(
            actor=request.user,
            verb=Verb.DENIED,
            object_type="url",
            object_repr=f"{request.method} {request.path}"[:200],
            reason=str(exception or "")[:500],
            success=False,
        )
    body = loader.render_to_string("403.html", {"reason": str(exception or "")}, request)
    return HttpResponseForbidden(body)
