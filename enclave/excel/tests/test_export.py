"""The one export style, and formula injection (SECURITY.md check 15)."""

from __future__ import annotations

import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from enclave.conftest import make_enterprise
from enclave.enterprises.models import Enterprise
from enclave.excel.export import Column, csv_safe, workbook_build, workbook_bytes

HOSTILE = ('=HYPERLINK("http://x",A1)', "+1+1", "-2+3", "@SUM(A1)", "\t=1+1", "\r=1+1")


def test_formula_like_text_is_written_as_a_string_and_read_back_as_one():
    wb = workbook_build(title="t", columns=(Column("名称"),), rows=[[text] for text in HOSTILE])
    ws = load_workbook(io.BytesIO(workbook_bytes(wb))).active
    cells = [ws.cell(row=r, column=1) for r in range(3, 3 + len(HOSTILE))]
    assert all(c.data_type == "s" and isinstance(c.value, str) for c in cells)
    # The stdlib XML parser turns a carriage return into a line feed, lxml (there with python-docx) keeps it;
    # either way the cell is the same text.
    assert [c.value.replace("\r", "\n") for c in cells] == [t.replace("\r", "\n") for t in HOSTILE]
    assert all(c.quotePrefix for c in cells)


def test_csv_cells_get_a_leading_apostrophe():
    assert [csv_safe(t)[0] for t in HOSTILE] == ["'"] * len(HOSTILE)
    assert csv_safe("五华区") == "五华区"


def test_the_house_style_title_header_freeze_filter_widths_and_real_numbers():
    from decimal import Decimal

    wb = workbook_build(title="标题", columns=(Column("名称", 30), Column("金额（万元）", 16, "#,##0.00")),
                        rows=[["甲", Decimal("1234.5678")]])  # fmt: skip
    ws = load_workbook(io.BytesIO(workbook_bytes(wb))).active
    assert ws["A1"].value == "标题" and ws["A2"].value == "名称" and ws.freeze_panes == "A3"
    assert ws.auto_filter.ref == "A2:B3" and ws.column_dimensions["A"].width == 30
    assert ws["B3"].value == pytest.approx(1234.5678) and ws["B3"].number_format == "#,##0.00"


@pytest.mark.django_db
def test_an_enterprise_named_like_a_formula_exports_as_literal_text(reviewer):
    enterprise = make_enterprise(name="注入企业")
    Enterprise.objects.filter(pk=enterprise.pk).update(name=HOSTILE[0], contact_name="@SUM(A1)")
    client = Client()
    client.force_login(reviewer)
    ws = load_workbook(io.BytesIO(client.get(reverse("enterprises:export")).content)).active
    name = ws["A3"]
    assert name.value == HOSTILE[0] and name.data_type == "s" and name.quotePrefix
