from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.shortcuts import render
from django.template import loader
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_safe

from enclave.audit.models import Verb
from enclave.audit.services import event_record
from enclave.i18n import chinese_documents
from enclave.query_params import page_number

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


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


# --- the audit administrator's pages (审计管理员): read, search, export; each view is itself audited ----


def _params(request: HttpRequest) -> dict[str, str]:
    """The filter as sent, each value checked: a malformed date, verb or result is a 400 naming it."""
    from enclave import query_params as qp
    from enclave.audit.models import Verb
    from enclave.lib import params as parse

    query = request.GET
    days = {key: qp.param(query, key, parse.day) for key in ("from", "to")}
    return {
        "from": days["from"].isoformat() if days["from"] else "",
        "to": days["to"].isoformat() if days["to"] else "",
        "verb": qp.choice(query, "verb", Verb.values),
        "actor": qp.text(query, "actor", 60),
        "success": qp.choice(query, "success", ("0", "1")),
        "q": qp.text(query, "q", 100),
    }


@login_required
@require_safe
def event_list(request: HttpRequest) -> HttpResponse:
    from enclave.audit.forms import EventFilterForm
    from enclave.audit.queries import describe, events_filtered

    params = _params(request)
    events = events_filtered(request.user, params)
    page = Paginator(events, settings.ENCLAVE_PAGE_SIZE).get_page(page_number(request))
    rows = list(page.object_list)
    description = describe(params)
    event_record(
        actor=request.user,
        verb=Verb.AUDIT_VIEW,
        object_type="audit.event",
        object_repr="审计日志",
        after={"filters": {k: v for k, v in params.items() if v}, "page": page.number},
        reason=description,
    )
    return render(
        request,
        "audit/list.html",
        {
            "filter_form": EventFilterForm(request.GET or None),
            "rows": rows,
            "page_obj": page,
            "export_query": urlencode({k: v for k, v in params.items() if v}),
            "filtered": bool(description),
            "description": description,
        },
    )


@login_required
@require_safe
@chinese_documents()
def event_export(request: HttpRequest) -> HttpResponse:
    from enclave.audit.excel import SHANGHAI, events_xlsx
    from enclave.audit.queries import describe, events_filtered

    params = _params(request)
    events = list(events_filtered(request.user, params))
    now = timezone.now()
    description = describe(params)
    content = events_xlsx(events, description=description, exported_at=now)
    event_record(
        actor=request.user,
        verb=Verb.EXPORT,
        object_type="audit.event",
        object_repr="审计日志",
        after={"filters": {k: v for k, v in params.items() if v}, "rows": len(events)},
        reason=description,
    )
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"审计日志-{now.astimezone(SHANGHAI):%Y%m%d-%H%M%S}.xlsx"
    )
    return response
