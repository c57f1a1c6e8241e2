"""The bulletin as a Word document (.docx, python-docx): an adapter only, the text comes from bulletin.py.

Official-document habits: title in 小标题宋-like bold, body in 仿宋 at 三号 (16 pt), first-line indent of
two characters, headings numbered 一、二、三 as the text gives them.
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from enclave.dashboards.bulletin import Bulletin

BODY_FONT = "仿宋"
TITLE_FONT = "宋体"


def _font(run, name: str, size: int, *, bold: bool = False) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def bulletin_docx(bulletin: Bulletin) -> bytes:
    document = Document()
    document.core_properties.title = bulletin.title
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(title.add_run(bulletin.title), TITLE_FONT, 22, bold=True)
    subtitle = document.add_paragraph()
    subtitle.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(subtitle.add_run(bulletin.subtitle), BODY_FONT, 16)
    for section in bulletin.sections:
        heading = document.add_paragraph()
        _font(heading.add_run(section.heading), "黑体", 16, bold=True)
        for text in section.paragraphs:
            paragraph = document.add_paragraph()
            paragraph.paragraph_format.first_line_indent = Pt(32)
            paragraph.paragraph_format.line_spacing = Pt(28)
            _font(paragraph.add_run(text), BODY_FONT, 16)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
