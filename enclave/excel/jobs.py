"""Large imports as background jobs: the worker imports the stored upload and reports progress."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from enclave.excel.kinds import kind_get
from enclave.excel.models import ImportRun
from enclave.jobs.services import Progress, job_kind

# The stages importer.import_file reports; the job page translates the stored stage when it shows it.
STAGES = (gettext_noop("检查文件"), gettext_noop("读取并校验"), gettext_noop("写入（全部成功后一次提交）"))
FINISHED = gettext_noop("%(file)s：%(status)s")


@job_kind("xlsx_import", _("Excel 导入"))
def xlsx_import(actor: Any, params: dict[str, Any], progress: Progress) -> dict[str, Any]:
    from enclave.excel.services import import_dir, import_run_execute

    run = ImportRun.objects.select_related("created_by").get(pk=params["run"], created_by=actor)
    path = import_dir() / str(params["file"])
    if path.parent != import_dir() or not path.name.endswith(".upload"):
        raise ValueError("导入文件路径无效")
    import_run_execute(run=run, kind=kind_get(run.kind), path=path, progress=progress)
    return {
        "message": FINISHED % {"file": run.filename, "status": run.get_status_display()},
        "message_i18n": {
            "text": FINISHED,
            "args": {"file": run.filename, "status": str(run.get_status_display())},
        },
        "url": reverse("excel:run", kwargs={"pk": run.pk}),
    }
