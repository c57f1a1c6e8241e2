"""Pages of the finance and tax bureaus (市财政局/市税务局): confirm a whole filter of reports at once, and
import the tax bureau's extract (issue 13). The writes are in confirmation.py."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from enclave import query_params as qp
from enclave.accounts.scope import may_confirm_tax
from enclave.lib import params
from enclave.sharing import queries
from enclave.sharing.confirmation import ReportFilter, bulk_preview, reports_confirm_bulk, reports_filter
from enclave.sharing.models import DataStatus


def filter_from(request: HttpRequest, data: QueryDict | None = None) -> ReportFilter:
    """The reports filter as sent (GET on the page and preview, the hidden fields on the POST); a period,
    park or status that means nothing is a 400 naming it (never a wider set of reports to confirm)."""
    data = request.GET if data is None else data
    span = qp.param(data, "period", params.period)
    return ReportFilter(
        period=span.label if span else "",
        park=qp.param(data, "park", params.code, ""),
        q=qp.text(data, "q", 60),
        status=qp.choice(data, "status", DataStatus.values),
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def reports_confirm(request: HttpRequest) -> HttpResponse:
    """Bulk confirmation of tax figures: GET previews the estimated reports of the filter (count, total,
    months); POST confirms exactly those (the preview's digest travels in a hidden field)."""
    if not may_confirm_tax(request.user):
        raise PermissionDenied(_("只有市财政局/市税务局（财税部门）可以确认税收数据"))
    data = request.POST if request.method == "POST" else request.GET
    flt = filter_from(request, data)
    back = reverse("sharing:reports") + ("?" + _query(flt) if flt.as_dict() else "")
    try:
        qs = reports_filter(queries.reports_visible_to(request.user), flt)
    except ValueError as exc:
        messages.error(request, str(exc))
        return redirect(back)
    if request.method == "POST":
        try:
            done = reports_confirm_bulk(
                actor=request.user, reports=qs, digest=request.POST.get("digest", ""), described=flt.as_dict()
            )
        except ValidationError as exc:
            messages.error(request, _("；").join(exc.messages))
        else:
            messages.success(request, _("已确认 %(count)s 份月度报表的税收数据") % {"count": done.count})
            return redirect(back)
    preview = bulk_preview(qs)
    return render(
        request,
        "sharing/reports_confirm.html",
        {"preview": preview, "filter": flt, "back": back},
    )


def _query(flt: ReportFilter) -> str:
    q = QueryDict(mutable=True)
    q.update(flt.as_dict())
    return q.urlencode()


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def tax_extract(request: HttpRequest) -> HttpResponse:
    """The tax bureau's extract: upload, see what matches, differs or is unknown; a clean file is written at
    once, a file with differences only when the user ticks that they accept the listed ones."""
    from enclave.sharing.tax_extract import mapping, upload_apply

    if not may_confirm_tax(request.user):
        raise PermissionDenied(_("只有市财政局/市税务局（财税部门）可以导入税务局数据"))
    result, errors = None, []
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            errors.append(_("请选择税务局数据文件（.xlsx）"))
        else:
            try:
                result = upload_apply(
                    actor=request.user, upload=upload, accept=request.POST.get("accept") == "on",
                    digest=request.POST.get("digest", "")[:64], dry_run=request.POST.get("dry_run") == "on",
                )  # fmt: skip
            except ValidationError as exc:
                errors.extend(exc.messages)
        if result is not None and result.written:
            messages.success(
                request,
                _("已导入税务局数据：确认 %(confirmed)s 份，更正并确认 %(corrected)s 份；未匹配 %(unmatched)s 行未写入")
                % {"confirmed": result.confirmed_count, "corrected": result.corrected_count,
                   "unmatched": sum(len(u.rows) for u in result.unmatched)},
            )  # fmt: skip
    return render(
        request,
        "sharing/tax_extract.html",
        {"result": result, "errors": errors, "columns": mapping()["columns"].values()},
    )


@login_required
@require_http_methods(["GET", "HEAD"])
def tax_extract_template(request: HttpRequest) -> HttpResponse:
    """The blank template of the extract (headers from tax_extract_columns.json); holds no data."""
    import io

    from enclave.excel.export import export_filename, xlsx_response
    from enclave.sharing.tax_extract import template_workbook

    buffer = io.BytesIO()
    template_workbook().save(buffer)
    return xlsx_response(buffer.getvalue(), export_filename("税务局实缴税款导入模板"))
