from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from enclave.lib.money import FEN_PER_WAN, FEN_PER_YI, format_report
from enclave.lib.units import (
    format_area,
    format_mu,
    mu_from_square_metres,
    square_metres_from_mu,
)


@pytest.mark.parametrize(
    ("fen", "text"),
    [
        (1292 * FEN_PER_YI // 100, "12.92亿元"),
        (127 * FEN_PER_YI // 100, "1.27亿元"),
        (FEN_PER_YI, "1.00亿元"),
        (12_345 * FEN_PER_YI // 1000, "12.35亿元"),  # half up
        (2_000 * FEN_PER_WAN, "2000万元"),
        (520 * FEN_PER_WAN, "520万元"),
        (15 * FEN_PER_WAN // 10, "1.5万元"),
        (9_999_99, "9999.99元"),
        (3_500_00, "3500元"),
        (0, "0元"),
    ],
)
def test_report_amounts_read_as_the_newspaper_writes_them(fen, text):
    assert format_report(fen) == text


@pytest.mark.parametrize(
    ("value", "text"),
    [(Decimal("47.03"), "47.03亩"), (Decimal("52.565"), "52.57亩"), (3, "3.00亩"), ("1234.5", "1,234.50亩")],
)
def test_land_is_written_in_mu_with_two_places(value, text):
    assert format_mu(value) == text


@pytest.mark.parametrize(
    ("m2", "text"),
    [(51_800, "5.18万平方米"), (10_000, "1.00万平方米"), (51_849, "5.18万平方米"), (51_850, "5.19万平方米"),
     (8_500, "8,500平方米"), (Decimal("9999.5"), "10,000平方米")],
)  # fmt: skip
def test_floor_space_switches_to_wan_square_metres_from_ten_thousand(m2, text):
    assert format_area(m2) == text


def test_one_mu_is_ten_thousand_fifteenths_of_a_square_metre():
    assert square_metres_from_mu(15) == 10_000
    assert mu_from_square_metres(10_000) == 15
    assert format_area(square_metres_from_mu("47.03")) == "3.14万平方米"


@given(st.decimals(min_value=0, max_value=10**6, places=2))
def test_mu_survive_a_round_trip_through_square_metres(mu):
    assert format_mu(mu_from_square_metres(square_metres_from_mu(mu))) == format_mu(mu)
