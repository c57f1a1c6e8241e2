"""Excel import pages: choose what to import, download its template, upload, see the outcome.

Thin views: the kinds say who may import what (kinds.py and each app's excel.py), services.py stores the
upload and runs the import, queries.py says whose runs a user may open.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from enclave.accounts.models import Role
from enclave.excel import services
from enclave.excel.export import export_filename, xlsx_response
from enclave.excel.forms import UploadForm
from enclave.excel.kinds import kind_get, kinds
from enclave.excel.queries import run_for_user_or_404, runs_visible_to
from enclave.excel.templates import template_xlsx
from enclave.i18n import chinese_documents
from enclave.jobs.services import job_live


@login_required
@require_http_methods(["GET", "POST"])
def index(request: HttpRequest) -> HttpResponse:
    """What this user may import, with templates, the upload form and the user's recent imports."""
    available = [k for k in kinds().values() if k.may_import(request.user)]
    if request.user.role == Role.AUDITOR or not available:
        raise PermissionDenied(_("您的角色不能导入数据"))
    form = UploadForm(request.POST or None, request.FILES or None, user=request.user,
                      initial={"kind": request.GET.get("kind", "")})  # fmt: skip
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        run = services.import_run_start(
            actor=request.user, kind=kind_get(form.cleaned_data["kind"]), chunks=upload.chunks(),
            filename=upload.name or "", size=upload.size or 0, dry_run=form.cleaned_data["dry_run"],
        )  # fmt: skip
        return redirect("excel:run", pk=run.pk)
    recent = runs_visible_to(request.user).filter(created_by=request.user)[:10]
    return render(request, "excel/index.html", {"form": form, "kinds": available, "recent": recent})


@login_required
@require_GET
@chinese_documents()
def template(request: HttpRequest, kind: str) -> HttpResponse:
    try:
        found = kind_get(kind)
    except KeyError as exc:
        raise Http404("没有该导入模板") from exc
    return xlsx_response(template_xlsx(found), export_filename(f"{found.label}导入模板"))


@login_required
@require_GET
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
@require_GET
@chinese_documents()
def run_errors(request: HttpRequest, pk: int) -> HttpResponse:
    """The uploaded file with every bad cell marked, and a sheet listing every problem."""
    found = run_for_user_or_404(request.user, pk)
    content = type(found).objects.filter(pk=found.pk).values_list("marked", flat=True).first()
    if not content:
        raise Http404("该次导入没有错误标注文件")
    stem = found.filename.rsplit(".", 1)[0][:60] or "导入"
    return xlsx_response(bytes(content), export_filename(f"{stem}-错误标注"))
