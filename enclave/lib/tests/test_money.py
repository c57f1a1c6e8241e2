from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from enclave.lib.money import (
    FEN_PER_WAN,
    FEN_PER_YI,
    MoneyError,
    format_auto,
    format_wan,
    format_yi,
    format_yuan,
    parse_fen,
)


@pytest.mark.parametrize(
    ("text", "unit", "fen"),
    [
        ("1234.56", 100, 123456),
        ("1,234.5万元", 100, 12_345_000_00),
        ("520万", 100, 520 * FEN_PER_WAN),
        ("2.92亿元", 100, 292 * FEN_PER_YI // 100),
        ("１２３４．５６", 100, 123456),
        ("  88  ", FEN_PER_WAN, 88 * FEN_PER_WAN),
        ("12.345678", FEN_PER_WAN, 12_345_678),
        ("0", 100, 0),
    ],
)
def test_it_reads_amounts_as_officials_write_them(text, unit, fen):
    assert parse_fen(text, unit_fen=unit) == fen


@pytest.mark.parametrize("text", ["1234.565", "12.3456789万", "abc", "", "1.2.3", "1e5"])
def test_it_refuses_what_cannot_be_read_exactly(text):
    with pytest.raises(MoneyError):
        parse_fen(text)


def test_formats_match_the_report():
    assert format_yi(1_292_000_000_00) == "12.92亿元"
    assert format_yi(127_000_000_00) == "1.27亿元"
    assert format_wan(520 * FEN_PER_WAN) == "520.00万元"
    assert format_yuan(-123456) == "-1,234.56元"
    assert format_auto(99) == "0.99元"
    assert format_auto(5 * FEN_PER_WAN) == "5.00万元"


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_yuan_text_round_trips_to_the_fen(fen):
    text = format_yuan(fen).removesuffix("元")
    assert parse_fen(text) == fen
    assert Decimal(fen) / 100 == Decimal(text.replace(",", ""))
