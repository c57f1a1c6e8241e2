"""Excel import pages: choose what to import, download its template, upload, see the outcome.

Thin views: the kinds say who may import what (kinds.py and each app's excel.py), services.py stores the
upload and runs the import, queries.py says whose runs a user may open.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from enclave import query_params as qp
from enclave.accounts.models import Role
from enclave.excel import services
from enclave.excel.export import Column, export_filename, xlsx_response, xlsx_table
from enclave.excel.forms import UploadForm
from enclave.excel.kinds import kind_get, kinds
from enclave.excel.models import ImportRun
from enclave.excel.queries import run_for_user_or_404, runs_visible_to
from enclave.excel.templates import template_xlsx
from enclave.i18n import chinese_documents
from enclave.jobs.services import job_live
from enclave.query_params import page_number


def _may_import_kinds(request: HttpRequest) -> list[Any]:
    available = [k for k in kinds().values() if k.may_import(request.user)]
    if request.user.role == Role.AUDITOR or not available:
        raise PermissionDenied(_("您的角色不能导入数据"))
    return available


def _runs(request: HttpRequest) -> tuple[dict[str, str], QuerySet[ImportRun]]:
    """The user's own imports (as the page has always listed them), filtered by kind and status."""
    params = {
        "kind": qp.choice(request.GET, "kind", kinds()),
        "status": qp.choice(request.GET, "status", dict(ImportRun.STATUS)),
    }
    params = {k: v for k, v in params.items() if v}
    runs = runs_visible_to(request.user).filter(created_by=request.user)
    if params.get("kind"):
        runs = runs.filter(kind=params["kind"])
    if params.get("status"):
        runs = runs.filter(status=params["status"])
    return params, runs.order_by("-created_at", "-id")


def _kind_label(kind: str) -> str:
    try:
        return str(kind_get(kind).label)
    except KeyError:
        return kind


def _runs_describe(params: dict[str, str]) -> str:
    parts = []
    if params.get("kind"):
        parts.append(_("导入内容：%(value)s") % {"value": _kind_label(params["kind"])})
    if params.get("status"):
        parts.append(_("状态：%(value)s") % {"value": dict(ImportRun.STATUS)[params["status"]]})
    return _("；").join(parts) if parts else _("全部")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def index(request: HttpRequest) -> HttpResponse:
    """What this user may import, with templates, the upload form and the user's imports (filtered, paged)."""
    available = _may_import_kinds(request)
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user,
                      initial={"kind": request.GET.get("kind", "")})  # fmt: skip
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        run = services.import_run_start(
            actor=request.user, kind=kind_get(form.cleaned_data["kind"]), chunks=upload.chunks(),
            filename=upload.name or "", size=upload.size or 0, dry_run=form.cleaned_data["dry_run"],
        )  # fmt: skip
        return redirect("excel:run", pk=run.pk)
    params, runs = _runs(request)
    page = Paginator(runs, settings.ENCLAVE_PAGE_SIZE).get_page(page_number(request))
    return render(
        request,
        "excel/index.html",
        {"form": form, "kinds": available, "page_obj": page, "params": params, "statuses": ImportRun.STATUS,
         "export_query": urlencode(params)},
    )  # fmt: skip


RUN_COLUMNS = (
    Column("文件名", 36), Column("导入内容", 14), Column("试导入", 8), Column("状态", 22),
    Column("上传时间", 18, "yyyy-mm-dd hh:mm"), Column("完成时间", 18, "yyyy-mm-dd hh:mm"),
    Column("数据行数", 10, "0"), Column("新增", 8, "0"), Column("更新", 8, "0"), Column("未变化", 8, "0"),
    Column("问题数", 8, "0"), Column("拒绝原因", 30),
)  # fmt: skip


@login_required
@require_safe
@chinese_documents()
def runs_export(request: HttpRequest) -> HttpResponse:
    """Every import of the filtered list (all pages): counts and outcome, never the file or its problems."""
    _may_import_kinds(request)
    params, runs = _runs(request)
    rows = [
        [r.filename, _kind_label(r.kind), "是" if r.dry_run else "否", r.get_status_display(), r.created_at,
         r.finished_at, r.rows, r.new, r.updated, r.unchanged, r.problem_count, r.refused]
        for r in runs.defer("problems")
    ]  # fmt: skip
    description = _runs_describe(params)
    services.export_record(actor=request.user, what="excel.importrun", filters=params, description=description,
                           rows=len(rows))  # fmt: skip
    return xlsx_table(what="Excel导入记录", columns=RUN_COLUMNS, rows=rows, sheet="导入记录", stem="导入记录",
                      description=description)  # fmt: skip


@login_required
@require_safe
@chinese_documents()
def template(request: HttpRequest, kind: str) -> HttpResponse:
    try:
        found = kind_get(kind)
    except KeyError as exc:
        raise Http404("没有该导入模板") from exc
    return xlsx_response(template_xlsx(found), export_filename(f"{found.label}导入模板"))


@login_required
@require_safe
def run(request: HttpRequest, pk: int) -> HttpResponse:
    """One import's outcome; while a background import runs, its progress (polled by htmx)."""
    found = run_for_user_or_404(request.user, pk)
    try:
        label = kind_get(found.kind).label
    except KeyError:
        label = found.kind
    job = job_live(found.job) if found.job else None
    return render(request, "excel/run.html", {"run": found, "label": label, "job": job})


@login_required
@require_safe
@chinese_documents()
def run_errors(request: HttpRequest, pk: int) -> HttpResponse:
    """The uploaded file with every bad cell marked, and a sheet listing every problem."""
    found = run_for_user_or_404(request.user, pk)
    content = type(found).objects.filter(pk=found.pk).values_list("marked", flat=True).first()
    if not content:
        raise Http404("该次导入没有错误标注文件")
    stem = found.filename.rsplit(".", 1)[0][:60] or "导入"
    return xlsx_response(bytes(content), export_filename(f"{stem}-错误标注"))
