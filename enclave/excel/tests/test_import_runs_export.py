"""The import-runs list on /excel/ (issue 5): filtered by kind and status, paged, and exported with the
page's filters. A user lists and exports their own imports only; the file and its problems never leave."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from enclave.excel.models import ImportRun
from enclave.excel.tests.sheets import column, sheet

pytestmark = pytest.mark.django_db
URL = reverse("excel:runs_export")


def run(user, filename, *, kind="enterprises", status=ImportRun.WRITTEN, **fields):
    return ImportRun.objects.create(kind=kind, filename=filename, status=status, created_by=user, **fields)


@pytest.fixture
def imports(wuhua, panlong):
    run(wuhua, "五华企业.xlsx", rows=3, new=2, updated=1)
    run(
        wuhua, "=五华有错.xlsx", status=ImportRun.PROBLEMS, problem_count=4, problems=[{"reason": "保密问题"}]
    )
    run(wuhua, "五华线索.xlsx", kind="leads", rows=1, new=1)
    run(panlong, "盘龙企业.xlsx")


def client(user) -> Client:
    c = Client()
    c.force_login(user)
    return c


class TestImportRunsExport:
    def test_a_user_gets_their_own_imports_with_numbers(self, imports, wuhua):
        title, headers, rows = sheet(wuhua, URL)
        assert title.startswith("Excel导入记录") and "筛选条件：全部" in title
        assert headers[:4] == ["文件名", "导入内容", "试导入", "状态"]
        assert sorted(column(headers, rows, "文件名")) == sorted(
            ["五华企业.xlsx", "=五华有错.xlsx", "五华线索.xlsx"]
        )
        assert column(headers, rows, "问题数")[column(headers, rows, "文件名").index("=五华有错.xlsx")] == 4
        assert all(isinstance(n, int) for n in column(headers, rows, "新增"))
        assert "保密问题" not in str(rows)

    def test_the_filters_are_carried(self, imports, wuhua):
        title, headers, rows = sheet(wuhua, URL + "?kind=enterprises&status=problems")
        assert "导入内容：企业" in title and "状态：有错误，未导入" in title
        assert column(headers, rows, "文件名") == ["=五华有错.xlsx"]

    def test_the_page_filters_pages_and_links_its_export(self, imports, wuhua):
        body = client(wuhua).get(reverse("excel:index") + "?kind=leads").content.decode()
        assert URL + "?kind=leads" in body and "五华线索.xlsx" in body and "五华企业.xlsx" not in body
        assert "盘龙企业.xlsx" not in client(wuhua).get(reverse("excel:index")).content.decode()
        with override_settings(ENCLAVE_PAGE_SIZE=2):
            first = client(wuhua).get(reverse("excel:index")).content.decode()
            assert "第 1 / 2 页" in first

    def test_an_auditor_may_not_export_imports(self, imports, auditor):
        assert client(auditor).get(URL).status_code == 403
