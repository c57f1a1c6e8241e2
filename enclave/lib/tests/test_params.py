"""enclave.lib.params: the one family of query-parameter parsers (issue 14, item 4 and the `to=0` defect)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from enclave.lib import params
from enclave.lib.params import ParamError


def _chinese(exc: pytest.ExceptionInfo[ParamError]) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in str(exc.value))


class TestYear:
    def test_a_year_of_four_ascii_digits_in_range_is_read(self):
        assert params.year("2024") == 2024
        assert params.year(" 1949 ") == 1949
        assert params.year("2100") == 2100

    @pytest.mark.parametrize("text", ["0000", "٠٠٠٠", "٢٠٢٤", "２０２４", "1948", "2101", "9999", "24", "20245",
                                      "2024.0", "-2024", "²⁰²⁴", "", "abcd"])  # fmt: skip
    def test_anything_else_is_refused_in_chinese(self, text):
        with pytest.raises(ParamError) as exc:
            params.year(text)
        assert _chinese(exc)


class TestDay:
    def test_an_iso_date_is_read(self):
        assert params.day("2025-03-31") == dt.date(2025, 3, 31)
        assert params.day(dt.date(2025, 3, 31)) == dt.date(2025, 3, 31)

    @pytest.mark.parametrize("text", ["0", "1", "1700000000", "20250331", "2025-3-31", "2025-02-30", "0000-01-01",
                                      "1899-12-31", "2101-01-01", "２０２５-０３-３１", "2025-W13-1", "2025-03-31T00:00"])  # fmt: skip
    def test_a_number_or_another_shape_is_no_date(self, text):
        with pytest.raises(ParamError) as exc:
            params.day(text)
        assert _chinese(exc)


class TestPeriod:
    def test_years_quarters_and_months(self):
        assert params.period("2024").label == "2024"
        assert params.period("2024q3").label == "2024Q3"
        assert params.period("2024-07").end == dt.date(2024, 7, 31)

    @pytest.mark.parametrize(
        "text", ["0000", "٢٠٢٤", "٢٠٢٤Q3", "2024Q5", "2024-13", "1900", "2999Q1", "2024-7", "Q3"]
    )
    def test_others_are_refused(self, text):
        with pytest.raises(ParamError) as exc:
            params.period(text)
        assert _chinese(exc)


class TestPageAndCodes:
    def test_page_numbers(self):
        assert params.page("3") == 3
        assert params.page("last") == "last"
        for text in ("0", "-1", "abc", "٣", "1e3", "99999999"):
            with pytest.raises(ParamError):
                params.page(text)

    def test_unit_and_park_codes(self):
        assert params.code("530102") == "530102"
        assert params.code("gaoxin") == "gaoxin"
        for text in ("", "a b", "磨憨", "x" * 33, "a\x00b", "'; drop"):
            with pytest.raises(ParamError):
                params.code(text)

    def test_quarters_and_ids(self):
        assert params.quarter("3") == 3
        assert params.object_id("12") == 12
        for text in ("0", "5", "٣"):
            with pytest.raises(ParamError):
                params.quarter(text)
        for text in ("0", str(2**63), "١"):
            with pytest.raises(ParamError):
                params.object_id(text)


@given(st.text(max_size=12))
def test_any_text_is_a_value_or_a_chinese_refusal(text):
    for parser in (params.year, params.day, params.period, params.page, params.code, params.quarter,
                   params.object_id):  # fmt: skip
        try:
            parser(text)
        except ParamError as exc:
            assert any("\u4e00" <= ch <= "\u9fff" for ch in str(exc))
