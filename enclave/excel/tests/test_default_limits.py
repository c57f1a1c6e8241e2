"""Check 14 at the real numbers of SECURITY.md: the defaults are 10 MB and 50,000 rows, and a workbook of
50,001 data rows uploaded through the page is refused with a Chinese message, writes nothing and leaves
no file behind. (The other hostile files: test_safety.py; temp files after success: test_views.py.)"""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from enclave.conftest import client_for
from enclave.enterprises.models import Enterprise
from enclave.excel.models import ImportRun
from enclave.excel.safety import Limits
from enclave.excel.tests.builders import ENTERPRISE_HEADERS
from enclave.jobs.services import job_execute
from enclave.lib.codes import uscc_with_check

pytestmark = pytest.mark.django_db


def test_the_default_limits_are_those_of_security_md(settings):
    limits = Limits.from_settings()
    assert limits.max_bytes == 10 * 1024 * 1024 and limits.max_rows == 50_000


def test_a_workbook_of_50001_rows_is_refused_whole_and_leaves_no_file(wuhua, settings, tmp_path):
    settings.ENCLAVE_IMPORT_DIR = tmp_path / "imports"
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("企业信息")
    ws.append(ENTERPRISE_HEADERS)
    for n in range(50_001):
        ws.append([f"行数企业{n}", uscc_with_check(f"91530102MA{n:07d}"), "39", "省外", "上海市", 1, "", ""])
    out = io.BytesIO()
    wb.save(out)
    assert len(out.getvalue()) < 10 * 1024 * 1024  # refused for its rows, not its size
    response = client_for(wuhua).post(
        reverse("excel:index"),
        {"kind": "enterprises", "file": SimpleUploadedFile("五万行.xlsx", out.getvalue())},
    )
    assert response.status_code == 302
    run = ImportRun.objects.get()
    if run.job is not None:  # a file this large is imported by the job worker
        job_execute(run.job.pk)
        run.refresh_from_db()
    assert "50,000" in run.refused and "拆分" in run.refused
    assert not Enterprise.objects.exists()
    assert not settings.ENCLAVE_IMPORT_DIR.exists() or list(settings.ENCLAVE_IMPORT_DIR.iterdir()) == []
