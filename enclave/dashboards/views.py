"""Dashboard pages: the page (tables and filter), its chart data as JSON, and each chart's Excel export.

Thin views: which figures a user sees is decided in queries.py (scoped, 403 outside the user's remit);
how they are laid out in tables.py. The page has no inline script: dashboard.js fetches data.json.
"""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from enclave import query_params as qp
from enclave.audit.models import Verb
from enclave.audit.services import event_record
from enclave.dashboards import queries
from enclave.dashboards.bulletin import bulletin
from enclave.dashboards.docx import bulletin_docx
from enclave.dashboards.forms import DashboardFilterForm
from enclave.dashboards.tables import ChartTable, chart_json, dashboard_tables
from enclave.excel.export import (
    Column,
    export_filename,
    export_title,
    sheet_fill,
    workbook_bytes,
    xlsx_response,
)
from enclave.i18n import chinese_documents
from enclave.lib import params as parse


def _dashboard(request: HttpRequest) -> queries.Dashboard:
    flt = queries.DashboardFilter.from_params(request.GET)
    return queries.dashboard(request.user, flt, today=timezone.localdate())


@login_required
@require_safe
def index(request: HttpRequest) -> HttpResponse:
    """The user's dashboard: the city's, a park's or a unit's, with the filter bar and a table per chart."""
    dashboard = _dashboard(request)
    query = urlencode(dashboard.filter.as_params())
    form = DashboardFilterForm(
        initial=dashboard.filter.as_params(), scope=dashboard.scope, today=timezone.localdate()
    )
    return render(
        request,
        "dashboards/index.html",
        {
            "dashboard": dashboard,
            "tables": dashboard_tables(dashboard),
            "form": form,
            "query": query,
            "library_url_params": urlencode(dashboard.filter.library_params()),
        },
    )


@login_required
@require_safe
def data(request: HttpRequest) -> JsonResponse:
    """The charts' data for dashboard.js (same filter, same scope as the page)."""
    dashboard = _dashboard(request)
    return JsonResponse(
        {
            "title": dashboard.scope.title,
            "filter": dashboard.filter.as_params(),
            "charts": [chart_json(t) for t in dashboard_tables(dashboard)],
        },
        json_dumps_params={"ensure_ascii": False},
    )


def _sheet_fill(ws: Worksheet, dashboard: queries.Dashboard, table: ChartTable, now: dt.datetime) -> None:
    """One chart's numbers as a sheet in the house export style (title, frozen header, auto-filter)."""
    ws.title = table.key
    columns = tuple(
        Column(
            header, 28 if index == 0 else 16, "" if index == 0 else ("#,##0.00" if "元" in header else "0")
        )
        for index, header in enumerate(table.headers)
    )
    what = f"{dashboard.scope.title}看板·{table.title}" + (f"　{table.subtitle}" if table.subtitle else "")
    title = export_title(what, description=dashboard.filter.describe(), exported_at=now)
    # An accounted-indicator chart carries its ledger's explanation below the figures.
    notes = [
        [text, *([None] * (len(columns) - 1))]
        for text in (*table.explanations, table.note)
        if text and table.basis
    ]
    sheet_fill(ws, title=title, columns=columns, rows=[*(list(r) for r in table.rows), *notes])


@login_required
@require_safe
@chinese_documents()
def export(request: HttpRequest) -> HttpResponse:
    """A chart's numbers as an .xlsx (`?chart=unit`), or every chart one sheet each; titled and audited."""
    dashboard = _dashboard(request)
    tables = dashboard_tables(dashboard)
    key = qp.choice(request.GET, "chart", [t.key for t in tables])
    if key:
        tables = [t for t in tables if t.key == key]
    now = timezone.now()
    wb = Workbook()
    for index, table in enumerate(tables):
        _sheet_fill(wb.active if index == 0 else wb.create_sheet(), dashboard, table, now)
    rows = sum(len(t.rows) for t in tables)
    what = tables[0].title if key else "全部图表"
    event_record(
        actor=request.user,
        verb=Verb.EXPORT,
        object_type="dashboards.chart",
        object_repr=f"{dashboard.scope.title}看板·{what}（{rows}行）",
        after={"chart": key or "all", "filters": dashboard.filter.as_params(), "rows": rows},
    )
    return xlsx_response(workbook_bytes(wb), export_filename(f"看板-{key or 'all'}", now))


def _as_of(request: HttpRequest) -> tuple[dt.date, str, str]:
    """The cut-off date from `?as_of=`: (date, the text as typed, an error sentence or "")."""
    typed = request.GET.get("as_of", "").strip()[:20]
    today = timezone.localdate()
    if not typed:
        return today, today.isoformat(), ""
    try:
        return parse.day(typed), typed, ""
    except ValueError:
        return today, typed, _("截止日期应为有效日期，格式为 YYYY-MM-DD，如 2025-03-31；已按今天生成")


@login_required
@require_safe
def bulletin_page(request: HttpRequest) -> HttpResponse:
    """The progress bulletin (工作简报) as a print-ready page; a Chinese document built from public figures."""
    as_of, typed, error = _as_of(request)
    return render(
        request,
        "dashboards/bulletin.html",
        {"bulletin": bulletin(as_of), "as_of": as_of, "typed": typed, "error": error},
    )


@login_required
@require_safe
@chinese_documents()
def bulletin_download(request: HttpRequest) -> HttpResponse:
    """The bulletin as .docx; the download is audited like every export. A link with a date that is no date
    is a 400 (the page shows the mistake beside the field; a file has nowhere to say it)."""
    as_of = qp.param(request.GET, "as_of", parse.day, timezone.localdate())
    result = bulletin(as_of)
    event_record(
        actor=request.user,
        verb=Verb.EXPORT,
        object_type="dashboards.bulletin",
        object_repr=f"{result.title}{result.subtitle}",
        after={"as_of": as_of.isoformat()},
    )
    response = HttpResponse(
        bulletin_docx(result),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = content_disposition_header(True, f"工作简报-{as_of:%Y%m%d}.docx")
    return response
