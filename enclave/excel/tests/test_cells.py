"""Reading cells as officials type them: money, dates, months, choices (no database)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from enclave.excel import cells
from enclave.lib.money import FEN_PER_WAN, FEN_PER_YUAN


class TestMoney:
    def test_yuan_text_with_two_places_is_exact_fen(self):
        assert cells.money("1234.56", unit_fen=FEN_PER_YUAN) == 123456

    def test_finer_than_a_fen_is_refused_not_rounded(self):
        with pytest.raises(cells.CellError, match="精确到分以下"):
            cells.money("1234.565", unit_fen=FEN_PER_YUAN)
        with pytest.raises(cells.CellError, match="精确到分以下"):
            cells.money(1234.565, unit_fen=FEN_PER_YUAN)

    @pytest.mark.parametrize(
        ("typed", "fen"),
        [
            ("2.92亿元", 29_200_000_000),
            ("1,234.5万元", 12_345_000_00),
            ("520万", 5_200_000_00),
            ("１２３４．５６", 123456),
            ("　1 234.56 ", 123456),
            ("￥1,000", 100000),
        ],
    )
    def test_units_separators_and_full_width_forms_are_read(self, typed, fen):
        assert cells.money(typed, unit_fen=FEN_PER_YUAN) == fen

    def test_a_float_cell_is_read_through_its_fifteen_digit_form(self):
        assert cells.money(1234.5600000000002, unit_fen=FEN_PER_YUAN) == 123456
        assert cells.money(0.1 + 0.2, unit_fen=FEN_PER_YUAN) == 30
        assert cells.money(5000.0, unit_fen=FEN_PER_WAN) == 5_000 * FEN_PER_WAN

    def test_text_that_is_no_amount_is_refused(self):
        for typed in ("abc", "12元5角", True, dt.date(2024, 1, 1)):
            with pytest.raises(cells.CellError):
                cells.money(typed, unit_fen=FEN_PER_YUAN)


class TestDates:
    @pytest.mark.parametrize(
        "typed",
        ["2024-07-15", "2024/7/15", "2024年7月15日", "２０２４－０７－１５", "2024.7.15", "20240715", 45488, 45488.0,
         dt.datetime(2024, 7, 15, 9, 30), "2024-07-15 00:00:00"],  # noqa: DTZ001 - Excel cells are naive
    )  # fmt: skip
    def test_every_common_spelling_reads_as_the_same_day(self, typed):
        assert cells.date(typed) == dt.date(2024, 7, 15)

    def test_impossible_dates_are_refused(self):
        for typed in ("2024-02-30", "明天", -5, "2024-13-01"):
            with pytest.raises(cells.CellError):
                cells.date(typed)

    @pytest.mark.parametrize(
        "typed", ["2024-07", "2024/7", "2024年7月", "202407", 202407, dt.date(2024, 7, 15), 45488]
    )
    def test_months(self, typed):
        assert cells.month(typed) == dt.date(2024, 7, 1)


def test_choices_match_labels_or_values_ignoring_width_and_spaces():
    options = {"out_of_province": "省外", "abroad": "境外"}
    assert cells.choice(" 省外 ", options) == "out_of_province"
    assert cells.choice("ABROAD", options) == "abroad"
    with pytest.raises(cells.CellError):
        cells.choice("外星", options)


def test_text_keeps_full_width_punctuation_and_trims_full_width_spaces():
    assert cells.text("\u3000昆明（老挝）公司 ") == "昆明（老挝）公司"
    assert cells.text(530102.0) == "530102"
    assert cells.split_list("五华区、盘龙区；官渡区") == ["五华区", "盘龙区", "官渡区"]


class TestMoneyFastPathAgreesWithDecimal:
    """cells.money reads plain floats through their 15-digit text without Decimal; it must give exactly
    what the Decimal path gives (or refuse exactly when it refuses), for every unit an import uses."""

    @pytest.mark.parametrize("unit", [1, 100, 1_000_000, 100_000_000])
    def test_random_floats(self, unit):
        import random
        from decimal import Decimal

        rng = random.Random(unit)
        samples = [0.1, 0.07, -3.5, 1234.56, 1234.565, 1e-7, 123456789012.34, 2.5e20, 1e16, 0.3 - 0.1]
        samples += [round(rng.uniform(-1e9, 1e9), rng.randint(0, 9)) for _ in range(3000)]
        for value in samples:
            exact = Decimal(format(value, ".15g")) * unit
            try:
                fen = cells.money(value, unit_fen=unit)
            except cells.CellError:
                assert exact != exact.to_integral_value(), value
            else:
                assert exact == exact.to_integral_value() and fen == int(exact), value


class TestOnlyDigitsAreNumbers:
    """Issue 14, item 8: NFKC folding read "10⁵" as 105 元 and "①②" as 12 元; only full-width digits and
    number punctuation are folded now."""

    @pytest.mark.parametrize("typed", ["10⁵", "①②", "²", "١٢", "½", "1e5", "Ⅻ", "12.3.4", "--5"])
    def test_other_characters_are_no_amount(self, typed):
        with pytest.raises(cells.CellError, match="不是有效的金额"):
            cells.money(typed, unit_fen=FEN_PER_YUAN)

    @pytest.mark.parametrize("typed", ["10⁵", "①②", "١٢", "½", "1e5", "Infinity", "NaN", "12.3.4"])
    def test_other_characters_are_no_number(self, typed):
        with pytest.raises(cells.CellError, match="不是数字"):
            cells.number(typed)

    @pytest.mark.parametrize(("typed", "value"), [("5000", "5000"), ("47.03", "47.03"), ("１２，３４５．６", "12345.6"),
                                                  ("1,234", "1234"), (" 6 000 ", "6000"), (47.03, "47.03"), (12, "12")])  # fmt: skip
    def test_digits_separators_and_one_point_are_numbers(self, typed, value):
        assert cells.number(typed) == Decimal(value)

    def test_units_and_full_width_forms_still_read(self):
        assert cells.money("１，２３４．５万元", unit_fen=FEN_PER_YUAN) == 12_345_000_00
        assert cells.money("1000RMB", unit_fen=FEN_PER_YUAN) == 100000
