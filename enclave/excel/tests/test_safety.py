"""Excel import hardening (SECURITY.md check 14): each bad file is refused with a Chinese message, before
anything is unpacked, and nothing is written; temp files are gone afterwards."""

from __future__ import annotations

import importlib
import io
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from enclave.enterprises.models import Enterprise
from enclave.excel.importer import import_file
from enclave.excel.kinds import kind_get
from enclave.excel.safety import CFB_MAGIC, FileRefused, Limits, file_check
from enclave.excel.tests.builders import ENTERPRISE_HEADERS, write, xlsx_bytes
from enclave.lib.codes import uscc_with_check

CORPUS = Path(__file__).parent / "corpus"

LIMITS = Limits(max_bytes=10 * 1024 * 1024, max_rows=50_000, max_members=500,
                max_unpacked_bytes=256 * 1024 * 1024, max_ratio=300)  # fmt: skip
GOOD_ROW = ["安全企业", uscc_with_check("91530102MA6K00009"), "39", "省外", "上海市", 1, "", ""]


def good() -> bytes:
    return xlsx_bytes([ENTERPRISE_HEADERS, GOOD_ROW])


def refused(tmp_path, content: bytes, name: str = "upload.xlsx", limits: Limits = LIMITS) -> str:
    with pytest.raises(FileRefused) as caught:
        file_check(write(tmp_path, content, name), filename=name, limits=limits)
    return caught.value.message


def rezip(
    content: bytes, *, add: dict[str, bytes] | None = None, replace: dict[str, bytes] | None = None
) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            target.writestr(item.filename, (replace or {}).get(item.filename, source.read(item.filename)))
        for name, data in (add or {}).items():
            target.writestr(name, data)
    return out.getvalue()


def test_defusedxml_is_importable_and_used_by_openpyxl():
    assert importlib.import_module("defusedxml.ElementTree")
    from openpyxl import xml

    assert xml.DEFUSEDXML


def test_a_plain_workbook_passes(tmp_path):
    file_check(write(tmp_path, good()), filename="企业.xlsx", limits=LIMITS)


def test_a_file_over_the_size_limit_is_refused(tmp_path):
    small = Limits(**{**LIMITS.__dict__, "max_bytes": 1000})
    assert "超过上限" in refused(tmp_path, good(), limits=small)


def test_legacy_xls_by_name_says_how_to_convert(tmp_path):
    assert "另存为" in refused(tmp_path, good(), "旧表.xls") and ".xlsx" in refused(
        tmp_path, good(), "旧表.xls"
    )


def test_a_renamed_legacy_xls_is_recognised_by_its_magic_bytes(tmp_path):
    message = refused(tmp_path, CFB_MAGIC + b"\0" * 1024 + "Workbook".encode("utf-16-le"))
    assert ".xls" in message and "另存为" in message


def test_a_password_protected_workbook_is_refused(tmp_path):
    content = CFB_MAGIC + b"\0" * 512 + "EncryptionInfo".encode("utf-16-le") + b"\0" * 512
    assert "密码" in refused(tmp_path, content)


def test_xlsm_is_refused_by_name_and_by_content(tmp_path):
    assert "宏" in refused(tmp_path, good(), "宏.xlsm")
    assert "宏" in refused(tmp_path, rezip(good(), add={"xl/vbaProject.bin": b"\0" * 100}))


def test_a_renamed_non_excel_file_is_refused(tmp_path):
    assert "不是 Excel" in refused(tmp_path, b"%PDF-1.4 not a workbook")
    docx = io.BytesIO()
    with zipfile.ZipFile(docx, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    assert "不是 Excel" in refused(tmp_path, docx.getvalue())
    assert "不是有效的 .xlsx" in refused(tmp_path, b"PK\x03\x04 truncated archive")


def test_a_zip_bomb_is_refused_from_its_directory_under_a_memory_cap(tmp_path):
    bomb = rezip(good(), add={"xl/media/bomb.bin": b"\0" * (300 * 1024 * 1024)})
    assert len(bomb) < 1024 * 1024  # a small archive …
    tracemalloc.start()
    message = refused(tmp_path, bomb)  # … whose declared size is refused before anything is unpacked
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert "压缩炸弹" in message and peak < 5 * 1024 * 1024


def test_a_highly_compressed_member_is_refused(tmp_path):
    bomb = rezip(good(), add={"xl/media/pad.bin": b"\0" * (20 * 1024 * 1024)})
    assert "压缩比" in refused(tmp_path, bomb)


def test_thousands_of_members_are_refused(tmp_path):
    many = rezip(good(), add={f"xl/media/m{n}.bin": b"x" for n in range(2000)})
    assert "部件" in refused(tmp_path, many)


def test_a_member_larger_than_declared_fails_the_zip_check(tmp_path):
    """A crafted directory that under-declares a member's size: the stream check stops there and fails."""
    raw = bytearray(good())
    name = b"xl/worksheets/sheet1.xml"
    at = raw.find(b"PK\x01\x02")
    while at != -1:
        length = int.from_bytes(raw[at + 28 : at + 30], "little")
        if raw[at + 46 : at + 46 + length] == name:
            raw[at + 24 : at + 28] = (10).to_bytes(4, "little")  # declared uncompressed size: 10 bytes
        at = raw.find(b"PK\x01\x02", at + 4)
    assert "损坏" in refused(tmp_path, bytes(raw))


BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">
<c r="A1" t="inlineStr"><is><t>&lol3;</t></is></c></row></sheetData></worksheet>"""


def test_an_entity_expansion_part_is_refused(tmp_path):
    content = rezip(good(), replace={"xl/worksheets/sheet1.xml": BILLION_LAUGHS})
    assert "实体" in refused(tmp_path, content)
    workbook = zipfile.ZipFile(io.BytesIO(good())).read("xl/workbook.xml")
    body = workbook.split(b"?>", 1)[1] if workbook.startswith(b"<?xml") else workbook
    dtd = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e "e">]>' + body
    assert "实体" in refused(tmp_path, rezip(good(), replace={"xl/workbook.xml": dtd}))


@pytest.mark.django_db
class TestNothingIsWritten:
    @pytest.mark.parametrize(
        ("content", "name"),
        [
            (b"%PDF-1.4", "renamed.xlsx"),
            (CFB_MAGIC + b"\0" * 600, "old.xlsx"),
            (None, "macro.xlsm"),
            ("bomb", "bomb.xlsx"),
            ("laughs", "laughs.xlsx"),
        ],
    )
    def test_a_refused_file_writes_nothing(self, tmp_path, wuhua, content, name):
        if content is None:
            content = good()
        elif content == "bomb":
            content = rezip(good(), add={"xl/media/bomb.bin": b"\0" * (300 * 1024 * 1024)})
        elif content == "laughs":
            content = rezip(good(), replace={"xl/worksheets/sheet1.xml": BILLION_LAUGHS})
        result = import_file(actor=wuhua, kind=kind_get("enterprises"), path=write(tmp_path, content, name),
                             filename=name, dry_run=False, limits=LIMITS)  # fmt: skip
        assert result.refused and not result.written and not Enterprise.objects.exists()

    def test_more_rows_than_the_limit_are_refused(self, tmp_path, wuhua):
        rows = [ENTERPRISE_HEADERS] + [GOOD_ROW] * 30
        few = Limits(**{**LIMITS.__dict__, "max_rows": 20})
        result = import_file(actor=wuhua, kind=kind_get("enterprises"), path=write(tmp_path, xlsx_bytes(rows)),
                             filename="多.xlsx", dry_run=False, limits=few)  # fmt: skip
        assert "超过单次导入上限" in result.refused and not Enterprise.objects.exists()

    def test_formulas_import_their_cached_values_never_the_formula(self, tmp_path, wuhua):
        path = CORPUS / "libreoffice-formulas.xlsx"  # formulas with cached values, saved by LibreOffice
        result = import_file(
            actor=wuhua, kind=kind_get("enterprises"), path=path, filename=path.name, dry_run=False
        )
        assert result.ok, result.problems
        enterprise = Enterprise.objects.get()
        assert enterprise.registered_capital_fen == 3000 * 1_000_000 and not enterprise.name.startswith("=")
