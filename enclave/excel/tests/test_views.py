"""The upload page, templates, the result page with its marked copy, background imports, the command."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from enclave.enterprises.models import Enterprise
from enclave.excel.models import ImportRun
from enclave.excel.tests.builders import ENTERPRISE_HEADERS, write, xlsx_bytes
from enclave.jobs.models import Job
from enclave.jobs.services import job_execute
from enclave.lib.codes import uscc_with_check

pytestmark = pytest.mark.django_db
CODE = uscc_with_check("91530102MA6K00201")


@pytest.fixture(autouse=True)
def import_dir(settings, tmp_path):
    settings.ENCLAVE_IMPORT_DIR = tmp_path / "imports"
    return settings.ENCLAVE_IMPORT_DIR


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def upload(client, content: bytes, *, name="企业.xlsx", kind="enterprises", dry_run=False):
    data = {"kind": kind, "file": SimpleUploadedFile(name, content)}
    if dry_run:
        data["dry_run"] = "on"
    return client.post(reverse("excel:index"), data)


def good() -> bytes:
    return xlsx_bytes([ENTERPRISE_HEADERS, ["页面企业", CODE, "39", "省外", "上海市", "100", "", ""]])


def bad() -> bytes:
    return xlsx_bytes([ENTERPRISE_HEADERS, ["页面企业", CODE, "39", "火星", "上海市", "1.0000001", "", ""]])


class TestUploadPage:
    def test_the_page_offers_what_the_role_may_import_with_templates(self, mohan_user, auditor):
        html = client_for(mohan_user).get(reverse("excel:index")).content.decode()
        assert "项目月度报表" in html and reverse("excel:template", args=["reports"]) in html
        assert "企业信息" not in html
        assert client_for(auditor).get(reverse("excel:index")).status_code == 403

    def test_a_template_has_instructions_drop_downs_formats_and_an_example(self, wuhua):
        response = client_for(wuhua).get(reverse("excel:template", args=["projects"]))
        wb = load_workbook(io.BytesIO(response.content))
        assert wb.sheetnames == ["说明", "项目报备", "代码表"] and wb["代码表"].sheet_state == "hidden"
        ws = wb["项目报备"]
        assert ws["B2"].value == "项目名称*" and str(ws["B3"].value).startswith("示例：")
        formulas = {dv.formula1 for dv in ws.data_validations.dataValidation}
        assert any(f.startswith("代码表!") for f in formulas) and len(formulas) >= 5
        assert ws["I4"].number_format == "#,##0.00"

    def test_an_upload_imports_and_shows_the_counts_and_the_temp_file_is_gone(self, wuhua, import_dir):
        response = upload(client_for(wuhua), good())
        run = ImportRun.objects.get()
        assert response["Location"] == reverse("excel:run", args=[run.pk])
        assert run.status == ImportRun.WRITTEN and run.new == 1 and Enterprise.objects.count() == 1
        html = client_for(wuhua).get(response["Location"]).content.decode()
        assert "已导入" in html
        assert list(import_dir.iterdir()) == []

    def test_problems_are_listed_on_the_page_and_in_a_marked_copy(self, wuhua, import_dir):
        client = client_for(wuhua)
        location = upload(client, bad())["Location"]
        html = client.get(location).content.decode()
        assert "火星" in html and "精确到分以下" in html and "整份文件均未写入" in html
        assert not Enterprise.objects.exists() and list(import_dir.iterdir()) == []
        run = ImportRun.objects.get()
        marked = load_workbook(io.BytesIO(client.get(reverse("excel:run_errors", args=[run.pk])).content))
        assert marked.sheetnames[0] == "错误清单"
        cell = marked["Sheet1"]["D2"]
        assert cell.fill.fgColor.rgb.endswith("FFC7CE") and "下拉列表" in cell.comment.text
        assert marked["Sheet1"]["F2"].comment is not None

    def test_a_dry_run_writes_nothing(self, wuhua):
        upload(client_for(wuhua), good(), dry_run=True)
        run = ImportRun.objects.get()
        assert run.status == ImportRun.CHECKED and run.new == 1 and not Enterprise.objects.exists()

    def test_a_refused_file_is_explained_and_leaves_no_file(self, wuhua, import_dir):
        location = upload(client_for(wuhua), b"%PDF-1.4", name="假的.xlsx")["Location"]
        assert "不是 Excel" in client_for(wuhua).get(location).content.decode()
        assert list(import_dir.iterdir()) == []
        upload(client_for(wuhua), good(), name="旧.xls")
        assert "另存为" in ImportRun.objects.first().refused

    def test_a_large_file_runs_as_a_job_with_progress(
        self, wuhua, settings, import_dir, django_capture_on_commit_callbacks
    ):
        settings.ENCLAVE_IMPORT_BACKGROUND_BYTES = 10
        client = client_for(wuhua)
        location = upload(client, good())["Location"]
        run = ImportRun.objects.get()
        assert run.status == ImportRun.RUNNING and run.job is not None
        html = client.get(location).content.decode()
        assert "<progress" in html and reverse("jobs:progress", args=[run.job.pk]) in html
        assert len(list(import_dir.iterdir())) == 1
        job_execute(run.job.pk)
        run.refresh_from_db()
        assert run.status == ImportRun.WRITTEN and Job.objects.get().status == Job.DONE
        assert list(import_dir.iterdir()) == [] and Enterprise.objects.count() == 1
        assert "查看结果" in client.get(reverse("jobs:progress", args=[run.job.pk])).content.decode()

    def test_another_users_run_is_not_found(self, wuhua, panlong):
        upload(client_for(wuhua), bad())
        run = ImportRun.objects.get()
        assert client_for(panlong).get(reverse("excel:run", args=[run.pk])).status_code == 404
        assert client_for(panlong).get(reverse("excel:run_errors", args=[run.pk])).status_code == 404


class TestCommand:
    def test_the_command_imports_dry_runs_and_reports_problems(self, tmp_path, wuhua, capsys):
        path = write(tmp_path, good())
        call_command("import_xlsx", str(path), "--kind", "enterprises", "--user", "wuhua", "--dry-run")
        assert "将新增 1" in capsys.readouterr().out and not Enterprise.objects.exists()
        call_command("import_xlsx", str(path), "--kind", "enterprises", "--user", "wuhua")
        captured = capsys.readouterr()
        assert "新增 1" in captured.out and "已写入" in captured.out and "%" in captured.err
        with pytest.raises(SystemExit):
            call_command(
                "import_xlsx",
                str(write(tmp_path, bad(), "bad.xlsx")),
                "--kind",
                "enterprises",
                "--user",
                "wuhua",
            )
        assert "火星" in capsys.readouterr().out and Enterprise.objects.count() == 1
