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
