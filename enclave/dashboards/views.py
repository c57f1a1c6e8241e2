"""Dashboard pages: the page (tables and filter), its chart data as JSON, and each chart's Excel export.

Thin views: which figures a user sees is decided in queries.py (scoped, 403 outside the user's remit);
how they are laid out in tables.py. The page has no inline script: dashboard.js fetches data.json.
"""

from __future__ import annotations

import datetime as dt
from copy import copy
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET
from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from enclave.audit.models import Verb
from enclave.audit.services import event_record
from enclave.dashboards import queries
from enclave.dashboards.bulletin import bulletin
from enclave.dashboards.docx import bulletin_docx
from enclave.dashboards.forms import DashboardFilterForm
from enclave.dashboards.tables import chart_json, dashboard_tables
from enclave.i18n import chinese_documents
from enclave.projects.excel import Column, workbook_build, workbook_bytes


def _dashboard(request: HttpRequest) -> queries.Dashboard:
    flt = queries.DashboardFilter.from_params(request.GET)
    return queries.dashboard(request.user, flt, today=timezone.localdate())


@login_required
@require_GET
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
@require_GET
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


def _sheet(dashboard: queries.Dashboard, table, now) -> Workbook:
    """One chart's numbers as a sheet in the project's export style (title, frozen header, auto-filter)."""
    title = (
        f"{dashboard.scope.title}看板·{table.title}　筛选条件：{dashboard.filter.describe()}　"
        f"导出时间：{now:%Y-%m-%d %H:%M}（北京时间）"
    )
    columns = tuple(
        Column(
            header, 28 if index == 0 else 16, "" if index == 0 else ("#,##0.00" if "元" in header else "0")
        )
        for index, header in enumerate(table.headers)
    )
    return workbook_build(title=title, columns=columns, rows=[list(r) for r in table.rows], sheet=table.key)


def _sheet_copy(source: Worksheet, target: Workbook) -> None:
    """Append a built sheet to another workbook (openpyxl copies sheets only within one workbook)."""
    sheet = target.create_sheet(source.title)
    for row in source.iter_rows():
        for cell in row:
            new = sheet.cell(row=cell.row, column=cell.column)
            new.value, new.data_type = cell.value, cell.data_type
            if cell.has_style:
                new.font, new.fill = copy(cell.font), copy(cell.fill)
                new.alignment, new.number_format = copy(cell.alignment), cell.number_format
    for merged in source.merged_cells.ranges:
        sheet.merge_cells(str(merged))
    for key, dimension in source.column_dimensions.items():
        sheet.column_dimensions[key].width = dimension.width
    sheet.freeze_panes = source.freeze_panes
    sheet.auto_filter.ref = source.auto_filter.ref


@login_required
@require_GET
@chinese_documents()
def export(request: HttpRequest) -> HttpResponse:
    """A chart's numbers as an .xlsx (`?chart=unit`), or every chart one sheet each; titled and audited."""
    dashboard = _dashboard(request)
    tables = dashboard_tables(dashboard)
    key = request.GET.get("chart", "")
    if key:
        tables = [t for t in tables if t.key == key]
        if not tables:
            raise Http404("没有这个图表")
    now = timezone.localtime()
    wb = _sheet(dashboard, tables[0], now)
    for table in tables[1:]:
        _sheet_copy(_sheet(dashboard, table, now).active, wb)
    rows = sum(len(t.rows) for t in tables)
    what = tables[0].title if key else "全部图表"
    event_record(
        actor=request.user,
        verb=Verb.EXPORT,
        object_type="dashboards.chart",
        object_repr=f"{dashboard.scope.title}看板·{what}（{rows}行）",
        after={"chart": key or "all", "filters": dashboard.filter.as_params(), "rows": rows},
    )
    response = HttpResponse(
        workbook_bytes(wb), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    filename = f"看板-{key or 'all'}-{now:%Y%m%d-%H%M}.xlsx"
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


def _as_of(request: HttpRequest) -> tuple[dt.date, str, str]:
    """The cut-off date from `?as_of=`: (date, the text as typed, an error sentence or "")."""
    typed = request.GET.get("as_of", "").strip()[:20]
    today = timezone.localdate()
    if not typed:
        return today, today.isoformat(), ""
    try:
        return dt.date.fromisoformat(typed), typed, ""
    except ValueError:
        return today, typed, _("截止日期应为有效日期，格式为 YYYY-MM-DD，如 2025-03-31；已按今天生成")


@login_required
@require_GET
def bulletin_page(request: HttpRequest) -> HttpResponse:
    """The progress bulletin (工作简报) as a print-ready page; a Chinese document built from public figures."""
    as_of, typed, error = _as_of(request)
    return render(
        request,
        "dashboards/bulletin.html",
        {"bulletin": bulletin(as_of), "as_of": as_of, "typed": typed, "error": error},
    )


@login_required
@require_GET
@chinese_documents()
def bulletin_download(request: HttpRequest) -> HttpResponse:
    """The bulletin as .docx; the download is audited like every export."""
    as_of, _typed, _error = _as_of(request)
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
