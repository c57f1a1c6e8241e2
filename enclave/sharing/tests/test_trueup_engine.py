"""The true-up arithmetic (sharing/trueup.py): per party, year − Σ provisional quarters, to the fen."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from enclave.sharing.trueup import QUARTERS, TrueUpLine, canonical, true_up


def test_each_party_gets_year_minus_its_quarters():
    quarters = {"Q1": {"530102": 100_00, "mohan": 50_00}, "Q2": {"530102": 120_00, "mohan": 60_00}}
    result = true_up(2025, quarters, {"530102": 250_00, "mohan": 90_00, "530103": 7})
    assert result.lines == (
        TrueUpLine("530102", (100_00, 120_00, 0, 0), 250_00),
        TrueUpLine("530103", (0, 0, 0, 0), 7),
        TrueUpLine("mohan", (50_00, 60_00, 0, 0), 90_00),
    )
    assert [line.difference_fen for line in result.lines] == [30_00, 7, -20_00]
    assert result.issued == ("Q1", "Q2") and result.missing == ("Q3", "Q4")
    assert (result.provisional_fen, result.year_fen, result.difference_fen) == (330_00, 340_07, 10_07)


def test_a_party_only_in_the_quarters_pays_everything_back():
    result = true_up(2025, {"Q3": {"530111": 999}}, {})
    assert result.lines == (TrueUpLine("530111", (0, 0, 999, 0), 0),)
    assert result.lines[0].difference_fen == -999


def test_an_unknown_quarter_is_refused():
    with pytest.raises(ValueError, match="未知季度"):
        true_up(2025, {"Q5": {}}, {})


def test_the_digest_input_is_stable_and_moves_with_any_figure_or_run():
    quarters = {"Q1": {"a": 1}, "Q2": {"a": 2}}
    digests = {"Q1": "d1", "Q2": "d2"}
    first = canonical(true_up(2025, quarters, {"a": 5}), year_output_digest="y", quarter_output_digests=digests)
    again = canonical(true_up(2025, dict(reversed(quarters.items())), {"a": 5}), year_output_digest="y",
                      quarter_output_digests=digests)  # fmt: skip
    assert first == again
    assert first != canonical(true_up(2025, quarters, {"a": 6}), year_output_digest="y", quarter_output_digests=digests)
    assert first != canonical(true_up(2025, quarters, {"a": 5}), year_output_digest="z", quarter_output_digests=digests)
    assert first != canonical(
        true_up(2025, quarters, {"a": 5}), year_output_digest="y", quarter_output_digests={"Q1": "d1", "Q2": "x"}
    )


amounts = st.integers(min_value=-(10**12), max_value=10**12)
party_maps = st.dictionaries(st.sampled_from(["530102", "530103", "mohan", "lingang"]), amounts, max_size=4)


@given(st.dictionaries(st.sampled_from(QUARTERS), party_maps, max_size=4), party_maps)
def test_differences_add_up_to_the_year_less_the_quarters(quarters, year_totals):
    result = true_up(2025, quarters, year_totals)
    assert result.difference_fen == sum(year_totals.values()) - sum(sum(q.values()) for q in quarters.values())
    for line in result.lines:
        assert line.provisional_fen + line.difference_fen == line.year_fen
    assert [line.party_code for line in result.lines] == sorted({*year_totals, *(p for q in quarters.values() for p in q)})
