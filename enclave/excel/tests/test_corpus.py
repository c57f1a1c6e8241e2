"""Files as real office suites save them (made by LibreOffice headless, see corpus/make_corpus.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from enclave.enterprises.models import Enterprise
from enclave.excel.importer import import_file
from enclave.excel.kinds import kind_get

pytestmark = pytest.mark.django_db
CORPUS = Path(__file__).parent / "corpus"


def run(actor, name: str, *, filename: str | None = None):
    return import_file(actor=actor, kind=kind_get("enterprises"), path=CORPUS / name,
                       filename=filename or name, dry_run=False)  # fmt: skip


def test_a_libreoffice_file_with_a_merged_title_blank_rows_units_and_full_width_text_imports(wuhua):
    result = run(wuhua, "libreoffice-enterprises.xlsx")
    assert result.ok, result.problems
    capital = dict(Enterprise.objects.values_list("name", "registered_capital_fen"))
    assert capital == {"全角空格企业": 12_345_000_00, "亿元企业有限公司": 29_200_000_000}
    again = run(wuhua, "libreoffice-enterprises.xlsx")
    assert (again.new, again.updated, again.unchanged) == (0, 0, 2)


def test_formulas_import_the_values_libreoffice_cached(wuhua):
    result = run(wuhua, "libreoffice-formulas.xlsx")
    assert result.ok, result.problems
    enterprise = Enterprise.objects.get()
    assert enterprise.name == "公式企业有限公司" and enterprise.industry.code == "39"
    assert enterprise.registered_capital_fen == 3000 * 1_000_000


@pytest.mark.parametrize(
    ("name", "filename", "words"),
    [
        ("libreoffice-legacy.xls", None, "另存为"),
        ("legacy-renamed.xlsx", None, ".xls"),
        ("ods-renamed.xlsx", None, "不是 Excel"),
    ],
)
def test_real_files_of_the_wrong_kind_are_refused(wuhua, name, filename, words):
    result = run(wuhua, name, filename=filename)
    assert words in result.refused and not Enterprise.objects.exists()


class TestWpsShapedFile:
    """`wps-reports.xlsx` MIMICS a workbook saved by WPS Spreadsheets (WPS 表格); it is not produced by WPS,
    which cannot run here: corpus/make_wps.py writes its parts by hand with WPS's traits (see its docstring).
    The first two recognised Mohan projects of the test data get the codes the file names."""

    NAME = "wps-reports.xlsx"

    def test_the_file_has_the_wps_traits_it_claims(self):
        import zipfile

        with zipfile.ZipFile(CORPUS / self.NAME) as archive:
            app = archive.read("docProps/app.xml").decode()
            custom = archive.read("docProps/custom.xml").decode()
            sheet = archive.read("xl/worksheets/sheet1.xml").decode()
            styles = archive.read("xl/styles.xml").decode()
            strings = archive.read("xl/sharedStrings.xml").decode()
        assert "<Application>WPS 表格</Application>" in app and "KSOProductBuildVer" in custom
        assert 't="str"' in sheet and 't="inlineStr"' in sheet and "<r><rPr>" in strings
        assert 'numFmtId="176"' in styles and "年" in styles

    def test_a_wps_file_imports_with_its_cached_values_text_numbers_and_date_serials(
        self, wuhua, reviewer, mohan_user
    ):
        import datetime as dt

        from enclave.conftest import make_recognised
        from enclave.sharing.models import MonthlyReport

        first, second = make_recognised(wuhua, reviewer), make_recognised(wuhua, reviewer)
        assert (first.code, second.code) == ("MH-2024-0001", "MH-2024-0002")
        result = import_file(actor=mohan_user, kind=kind_get("reports"), path=CORPUS / self.NAME,
                             filename=self.NAME, dry_run=False)  # fmt: skip
        assert result.ok and (result.rows, result.new) == (3, 3), result.problems
        got = {
            (r.project.code, r.month): (r.taxes.get(tax_type__code="vat").paid_fen, r.rebates_fen,
                                        r.fixed_asset_investment_fen)
            for r in MonthlyReport.objects.select_related("project")
        }  # fmt: skip
        assert got == {
            ("MH-2024-0001", dt.date(2024, 7, 1)): (123456, 10000, 1_500_000),  # 1.5万元 by a cached formula
            ("MH-2024-0001", dt.date(2024, 8, 1)): (123456, 0, 2_500_000),  # “１，２３４.５６”, “2.5万元”
            ("MH-2024-0002", dt.date(2024, 9, 1)): (30, 0, 0),  # 0.30000000000000004 as typed: 0.30
        }
        again = import_file(actor=mohan_user, kind=kind_get("reports"), path=CORPUS / self.NAME,
                            filename=self.NAME, dry_run=False)  # fmt: skip
        assert (again.new, again.updated, again.unchanged) == (0, 0, 3)

    def test_problems_in_a_wps_file_are_marked_in_its_copy(self, tmp_path, mohan_user):
        """No project exists: every row is refused, and openpyxl can mark WPS's file (x14ac, rich text)."""
        import io

        import openpyxl

        from enclave.excel.importer import marked_copy

        result = import_file(actor=mohan_user, kind=kind_get("reports"), path=CORPUS / self.NAME,
                             filename=self.NAME, dry_run=False)  # fmt: skip
        assert [p.row for p in result.problems] == [3, 4, 6] and not result.written
        ws = openpyxl.load_workbook(io.BytesIO(marked_copy(CORPUS / self.NAME, result.problems)))["月度报表"]
        assert "不存在" in ws["A6"].comment.text and ws["A6"].fill.fgColor.rgb.endswith("FFC7CE")
