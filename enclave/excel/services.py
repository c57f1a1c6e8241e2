"""Writes of imports: store the upload, run it now or in the background, keep what came of it.

The upload is written to ENCLAVE_IMPORT_DIR under a random name and removed after the import, whatever
happened (success, problems, refusal, crash). Small files are imported in the request; larger ones by
the background worker with a progress bar. The rows themselves are written by each kind's services.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from enclave.audit.models import Verb
from enclave.audit.services import event_record
from enclave.excel import importer
from enclave.excel.kinds import ImportKind
from enclave.excel.models import ImportRun
from enclave.excel.safety import FileRefused, Limits, name_check
from enclave.jobs.services import Progress, job_start

MAX_STORED_PROBLEMS = 5000


def import_dir() -> Path:
    directory = Path(settings.ENCLAVE_IMPORT_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    return directory


def upload_store(chunks: Iterable[bytes], *, max_bytes: int) -> tuple[Path, int]:
    """Write the upload to a private file; stop (and remove it) as soon as it passes the size limit."""
    path = import_dir() / f"{uuid.uuid4().hex}.upload"
    size = 0
    try:
        with path.open("xb") as handle:
            for chunk in chunks:
                size += len(chunk)
                if size > max_bytes:
                    break
                handle.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path, size


def import_run_start(
    *, actor: Any, kind: ImportKind, chunks: Iterable[bytes], filename: str, size: int, dry_run: bool
) -> ImportRun:
    """Record the upload and import it: now when small, else as a background job (the run page polls)."""
    if not kind.may_import(actor):
        raise PermissionDenied(str(kind.refusal))
    run = ImportRun.objects.create(
        kind=kind.name, filename=filename[:200], size=size, dry_run=dry_run, created_by=actor
    )
    event_record(actor=actor, verb=Verb.CREATE, target=run, after={
        "kind": kind.name, "filename": run.filename, "size": size, "dry_run": dry_run})  # fmt: skip
    limits = Limits.from_settings()
    refusal = ""
    if size > limits.max_bytes:
        refusal = _("文件大小为 %(size)s MB，超过上限 %(limit)s MB。请删去无关的工作表或拆分后分批导入。") % {
            "size": f"{size / 1048576:.1f}", "limit": f"{limits.max_bytes / 1048576:.1f}"}  # fmt: skip
    else:
        try:
            name_check(filename)
        except FileRefused as exc:
            refusal = exc.message
    if refusal:
        _finish(
            run, importer.ImportResult(kind=kind.name, filename=filename, dry_run=dry_run, refused=refusal)
        )
        return run
    path, _stored = upload_store(chunks, max_bytes=limits.max_bytes)
    if size <= settings.ENCLAVE_IMPORT_BACKGROUND_BYTES:
        import_run_execute(run=run, kind=kind, path=path)
        return run
    run.job = job_start(actor=actor, kind="xlsx_import", params={"run": run.pk, "file": path.name})
    run.save(update_fields=["job"])
    return run


def import_run_execute(
    *, run: ImportRun, kind: ImportKind, path: Path, progress: Progress | None = None
) -> None:
    """Import the stored file for the run, keep the outcome, and always remove the file."""
    try:
        result = importer.import_file(
            actor=run.created_by,
            kind=kind,
            path=path,
            filename=run.filename,
            dry_run=run.dry_run,
            progress=progress,
        )
        marked = None
        if result.problems and not result.refused:
            marked = importer.marked_copy(path, result.problems)
        _finish(run, result, marked)
    except Exception:
        failed = importer.ImportResult(kind=kind.name, filename=run.filename, dry_run=run.dry_run,
                                       refused=_("导入时发生内部错误，未写入任何数据，请联系管理员。"))  # fmt: skip
        _finish(run, failed)
        raise
    finally:
        path.unlink(missing_ok=True)


def _finish(run: ImportRun, result: importer.ImportResult, marked: bytes | None = None) -> None:
    if result.refused:
        status = ImportRun.REFUSED
    elif result.problems:
        status = ImportRun.PROBLEMS
    else:
        status = ImportRun.WRITTEN if result.written else ImportRun.CHECKED
    ImportRun.objects.filter(pk=run.pk).update(
        status=status, rows=result.rows, new=result.new, updated=result.updated, unchanged=result.unchanged,
        refused=result.refused, problem_count=len(result.problems),
        problems=result.as_dict()["problems"][:MAX_STORED_PROBLEMS], marked=marked, finished_at=timezone.now(),
    )  # fmt: skip
    run.refresh_from_db()


def export_record(*, actor: Any, what: str, filters: dict[str, str], description: str, rows: int) -> None:
    """The audit row every export leaves (数据导出留痕): who took which rows, with which filter."""
    event_record(
        actor=actor,
        verb=Verb.EXPORT,
        object_type=what,
        object_repr=f"{what}导出（{rows}行）",
        after={"filters": filters, "description": description, "rows": rows},
    )
