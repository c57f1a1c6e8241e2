"""Refuse a dangerous or unusable upload before any Excel reader touches it (等保: Excel upload controls).

Checked in this order, each refusal a Chinese sentence that says what to do:
size on disk → file name (.xls, .xlsm, anything but .xlsx) → magic bytes (an OLE/CFB container is a legacy
.xls or a password-protected workbook; anything that is not a ZIP is a renamed other file) → the ZIP's
central directory, read without unpacking anything (member count, declared uncompressed total, compression
ratio, encrypted members, macros, that it is a workbook at all) → one streaming pass over every member in
fixed-size chunks (the actual unpacked size can never exceed what the directory declared: the ZIP reader
stops there and checks the CRC) that refuses any XML part declaring a DTD or entities (billion laughs).
Only then does python-calamine read the file. openpyxl, used for the marked error copy, parses through
defusedxml too.
"""

from __future__ import annotations

import os
import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException
from django.conf import settings
from django.utils.translation import gettext as _

ZIP_MAGIC = b"PK\x03\x04"
CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # OLE2 compound file: legacy .xls, or an encrypted .xlsx
CHUNK = 1 << 20
_PROLOG_END = re.compile(rb"<[A-Za-z_]")  # the root element's start: a DTD can only come before it
_DTD = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)
MACRO_PARTS = ("xl/vbaproject.bin", "xl/macrosheets/")


class FileRefused(Exception):
    """The upload is refused as a whole; nothing is read or written."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_rows: int
    max_members: int
    max_unpacked_bytes: int
    max_ratio: int

    @classmethod
    def from_settings(cls) -> Limits:
        return cls(
            max_bytes=settings.ENCLAVE_IMPORT_MAX_BYTES,
            max_rows=settings.ENCLAVE_IMPORT_MAX_ROWS,
            max_members=settings.ENCLAVE_IMPORT_MAX_MEMBERS,
            max_unpacked_bytes=settings.ENCLAVE_IMPORT_MAX_UNPACKED_BYTES,
            max_ratio=settings.ENCLAVE_IMPORT_MAX_RATIO,
        )


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}"


def name_check(filename: str) -> None:
    suffix = Path(filename or "").suffix.lower()
    if suffix == ".xls":
        raise FileRefused(
            _(
                "不支持旧版 Excel 97-2003 工作簿（.xls）。请在 Excel 或 WPS 中打开，"
                "选择“文件 → 另存为 → Excel 工作簿（*.xlsx）”后再导入。"
            )  # fmt: skip
        )
    if suffix == ".xlsm":
        raise FileRefused(_("不支持含宏的工作簿（.xlsm）。请另存为不含宏的 Excel 工作簿（*.xlsx）后再导入。"))
    if suffix != ".xlsx":
        raise FileRefused(_("只能导入 Excel 工作簿（.xlsx）文件，请下载导入模板填写后上传。"))


def _is_encrypted_ooxml(path: Path) -> bool:
    """An encrypted .xlsx is a CFB container holding an “EncryptionInfo” stream (MS-OFFCRYPTO)."""
    marker = "EncryptionInfo".encode("utf-16-le")
    with path.open("rb") as handle:
        while block := handle.read(CHUNK):
            if marker in block:
                return True
    return False


def magic_check(path: Path) -> None:
    with path.open("rb") as handle:
        head = handle.read(8)
    if head == CFB_MAGIC:
        if _is_encrypted_ooxml(path):
            raise FileRefused(
                _(
                    "文件设置了打开密码（已加密），无法读取。请在 Excel 或 WPS 中取消密码"
                    "（“文件 → 信息 → 保护工作簿 → 用密码进行加密”清空密码）后另存为 .xlsx 再导入。"
                )  # fmt: skip
            )
        raise FileRefused(
            _(
                "文件实际是旧版 Excel 97-2003 工作簿（.xls），只是扩展名为 .xlsx。请在 Excel 或 WPS 中打开，"
                "“另存为 → Excel 工作簿（*.xlsx）”后再导入。"
            )  # fmt: skip
        )
    if head[:4] != ZIP_MAGIC:
        raise FileRefused(_("文件内容不是 Excel 工作簿（可能是修改了扩展名的其他文件），请上传 .xlsx 文件。"))


def directory_check(archive: zipfile.ZipFile, limits: Limits) -> None:
    """Everything the central directory tells, before a single byte is unpacked."""
    members = archive.infolist()
    if len(members) > limits.max_members:
        raise FileRefused(
            _("文件内部包含 %(count)s 个部件，超过上限 %(limit)s 个，疑似恶意构造的压缩包，已拒绝。")
            % {"count": f"{len(members):,}", "limit": f"{limits.max_members:,}"}
        )
    total = sum(m.file_size for m in members)
    if total > limits.max_unpacked_bytes:
        raise FileRefused(
            _(
                "文件解压后将达到 %(size)s MB，超过上限 %(limit)s MB（疑似“压缩炸弹”），已拒绝。请拆分后分批导入。"
            )
            % {"size": _mb(total), "limit": _mb(limits.max_unpacked_bytes)}
        )
    for member in members:
        if member.flag_bits & 0x1:
            raise FileRefused(_("文件中含有加密部件，无法读取。请取消密码后另存为 .xlsx 再导入。"))
        if member.file_size > CHUNK and member.file_size > limits.max_ratio * max(member.compress_size, 1):
            raise FileRefused(
                _("文件中部件“%(name)s”的压缩比异常（超过 %(ratio)s 倍），疑似“压缩炸弹”，已拒绝。")
                % {"name": member.filename[:60], "ratio": limits.max_ratio}
            )
    names = {m.filename.lower() for m in members}
    if any(n == MACRO_PARTS[0] or n.startswith(MACRO_PARTS[1]) for n in names):
        raise FileRefused(
            _("文件中含有宏（VBA），不予导入。请另存为不含宏的 Excel 工作簿（*.xlsx）后再导入。")
        )
    if "[content_types].xml" not in names or "xl/workbook.xml" not in names:
        raise FileRefused(
            _("文件不是 Excel 工作簿（可能是 Word 文档或其他压缩包改了扩展名），请上传 .xlsx 文件。")
        )


def _xml_refused() -> FileRefused:
    return FileRefused(_("文件中含有不允许的 XML 实体或文档类型声明（可能是恶意构造的文件），已拒绝。"))


def stream_check(archive: zipfile.ZipFile) -> None:
    """Unpack every member once, in 1 MB chunks, discarding the data: refuse DTDs and entities; a member that
    unpacks to more than its declared size fails the ZIP reader's own size and CRC checks."""
    for member in archive.infolist():
        if member.is_dir():
            continue
        is_xml = member.filename.lower().endswith((".xml", ".rels", ".vml"))
        prolog = b""
        in_prolog = is_xml
        with archive.open(member) as stream:
            while block := stream.read(CHUNK):
                if in_prolog:
                    prolog += block
                    end = _PROLOG_END.search(prolog)
                    if _DTD.search(prolog[: end.start()] if end else prolog):
                        raise _xml_refused()
                    if end or len(prolog) > 4 * CHUNK:
                        in_prolog = False
        if member.filename in ("[Content_Types].xml", "xl/workbook.xml"):
            try:
                SafeET.fromstring(archive.read(member), forbid_dtd=True)
            except DefusedXmlException as exc:
                raise _xml_refused() from exc
            except SafeET.ParseError as exc:
                raise FileRefused(
                    _("文件已损坏（工作簿结构无法解析），请在 Excel 或 WPS 中打开后重新保存。")
                ) from exc


def file_check(path: str | os.PathLike[str], *, filename: str, limits: Limits | None = None) -> None:
    """Raise FileRefused unless the file is a plain, sane .xlsx within the configured limits."""
    limits = limits or Limits.from_settings()
    path = Path(path)
    size = path.stat().st_size
    if size > limits.max_bytes:
        raise FileRefused(
            _("文件大小为 %(size)s MB，超过上限 %(limit)s MB。请删去无关的工作表或拆分后分批导入。")
            % {"size": _mb(size), "limit": _mb(limits.max_bytes)}
        )
    if size == 0:
        raise FileRefused(_("文件是空的，请重新选择文件。"))
    name_check(filename)
    magic_check(path)
    try:
        with zipfile.ZipFile(path) as archive:
            directory_check(archive, limits)
            stream_check(archive)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError) as exc:
        raise FileRefused(
            _("文件已损坏或不是有效的 .xlsx 工作簿，请在 Excel 或 WPS 中打开后重新保存。")
        ) from exc
