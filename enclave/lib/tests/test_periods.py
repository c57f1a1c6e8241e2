from __future__ import annotations

import datetime as dt

import pytest

from enclave.lib import periods


def test_quarters_and_months():
    q1 = periods.quarter(2025, 1)
    assert (q1.start, q1.end, q1.label) == (dt.date(2025, 1, 1), dt.date(2025, 3, 31), "2025Q1")
    assert periods.month(2024, 2).end == dt.date(2024, 2, 29)
    assert periods.month(2024, 12).end == dt.date(2024, 12, 31)
    assert periods.quarter_of(dt.date(2024, 7, 15)) == 3


def test_add_months_clamps_to_the_month_end():
    assert periods.add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert periods.add_months(dt.date(2024, 7, 1), 59) == dt.date(2029, 6, 1)
    assert periods.add_months(dt.date(2024, 3, 15), -3) == dt.date(2023, 12, 15)


def test_parse_labels():
    assert periods.parse("2024").end == dt.date(2024, 12, 31)
    assert periods.parse("2025q2").start == dt.date(2025, 4, 1)
    assert periods.parse("2024-07").end == dt.date(2024, 7, 31)
    with pytest.raises(ValueError):
        periods.parse("2024-13x")


@pytest.mark.parametrize(
    ("text", "says"),
    [("0000", "年份"), ("9999-12", "年份"), ("2024-13", "月份"), ("2024-00", "月份"), ("2024QX", "季度"),
     ("2024Q0", "季度"), ("20240", "无法识别"), ("abcd", "无法识别")],
)  # fmt: skip
def test_out_of_range_periods_are_refused_in_chinese(text, says):
    """Found by the API fuzzing: Python's own English date errors must not reach the user."""
    with pytest.raises(ValueError, match=says):
        periods.parse(text)
