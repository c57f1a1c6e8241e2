"""The cap on the cooperating side's total (engine.cap_apply), to the fen."""

from __future__ import annotations

import datetime as dt

import pytest

from enclave.sharing import engine
from enclave.sharing.engine import (
    Agreement,
    EngineError,
    MonthReport,
    Party,
    Share,
    TaxPaid,
    cap_apply,
    settle,
)

D = dt.date
PARTIES = (Party("530102", 3000), Party("530103", 2000), Party("mohan", 5000, is_host=True))
AGREEMENT = Agreement("P1", PARTIES, D(2025, 1, 1), D(2027, 12, 1))
RATES = {"vat": 5000}


def settled(*paid: int) -> tuple[engine.MonthSettlement, ...]:
    """Months from 2025-01 with the given VAT paid: county part is half, so retained = paid / 2."""
    reports = [MonthReport("P1", D(2025, i + 1, 1), (TaxPaid("vat", p),)) for i, p in enumerate(paid)]
    return settle(reports, {"P1": AGREEMENT}, {r.month: RATES for r in reports}).months


def shares(month: engine.MonthSettlement) -> dict[str, int]:
    return dict(month.shares)


def test_below_the_cap_nothing_changes():
    months = settled(20_000, 20_000)  # retained 10 000 a month; cooperating side 5 000 a month
    capped, total = cap_apply(months, PARTIES, cap_fen=10_000)
    assert capped == months and total == 10_000


def test_the_month_the_cap_is_reached_gives_only_the_rest_and_the_host_gets_the_remainder():
    months = settled(20_000, 20_000, 20_000, 20_000)
    capped, total = cap_apply(months, PARTIES, cap_fen=12_345)
    assert [shares(m) for m in capped] == [
        {"530102": 3_000, "530103": 2_000, "mohan": 5_000},
        {"530102": 3_000, "530103": 2_000, "mohan": 5_000},
        # 2 345 left: 3:2 → 1 407 : 938 exactly; host 10 000 − 2 345
        {"530102": 1_407, "530103": 938, "mohan": 7_655},
        {"530102": 0, "530103": 0, "mohan": 10_000},
    ]
    assert total == 12_345
    assert all(sum(s.amount_fen for s in m.shares) == m.retained_fen for m in capped)


def test_the_rest_is_split_by_largest_remainder():
    months = settled(20_000)
    capped, _ = cap_apply(months, PARTIES, cap_fen=1)  # 1 fen left: 3000/5000 → 0.6 beats 0.4
    assert shares(capped[0]) == {"530102": 1, "530103": 0, "mohan": 9_999}


def test_earlier_periods_count_towards_the_cap():
    months = settled(20_000, 20_000)
    capped, total = cap_apply(months, PARTIES, cap_fen=8_000, received_fen=5_000)
    assert [shares(m) for m in capped] == [
        {"530102": 1_800, "530103": 1_200, "mohan": 7_000},
        {"530102": 0, "530103": 0, "mohan": 10_000},
    ]
    assert total == 8_000


def test_reached_before_the_period_gives_everything_to_the_host():
    capped, total = cap_apply(settled(20_000), PARTIES, cap_fen=5_000, received_fen=5_000)
    assert shares(capped[0]) == {"530102": 0, "530103": 0, "mohan": 10_000} and total == 5_000


def test_exactly_reaching_the_cap_in_a_month_keeps_that_month():
    months = settled(20_000, 20_000)
    capped, total = cap_apply(months, PARTIES, cap_fen=5_000)
    assert capped[0] == months[0]
    assert shares(capped[1]) == {"530102": 0, "530103": 0, "mohan": 10_000}
    assert total == 5_000


def test_a_negative_month_below_the_cap_lowers_the_total():
    reports = [
        MonthReport("P1", D(2025, 1, 1), (TaxPaid("vat", 20_000),)),
        MonthReport("P1", D(2025, 2, 1), (TaxPaid("vat", 0),), rebates_fen=2_000),
    ]
    months = settle(reports, {"P1": AGREEMENT}, {r.month: RATES for r in reports}).months
    capped, total = cap_apply(months, PARTIES, cap_fen=100_000)
    assert capped == months and total == 5_000 - 1_000


def test_after_the_cap_a_negative_month_is_the_hosts():
    reports = [
        MonthReport("P1", D(2025, 1, 1), (TaxPaid("vat", 20_000),)),
        MonthReport("P1", D(2025, 2, 1), (TaxPaid("vat", 0),), rebates_fen=2_000),
    ]
    months = settle(reports, {"P1": AGREEMENT}, {r.month: RATES for r in reports}).months
    capped, _ = cap_apply(months, PARTIES, cap_fen=5_000)
    assert shares(capped[1]) == {"530102": 0, "530103": 0, "mohan": -2_000}


def test_months_are_taken_in_month_order_whatever_order_they_come_in():
    months = settled(20_000, 40_000)
    forward, _ = cap_apply(months, PARTIES, cap_fen=6_000)
    backward, _ = cap_apply(tuple(reversed(months)), PARTIES, cap_fen=6_000)
    assert forward == backward
    assert shares(forward[1]) == {"530102": 600, "530103": 400, "mohan": 19_000}


def test_zero_cap_gives_everything_to_the_host():
    capped, total = cap_apply(settled(20_000), PARTIES, cap_fen=0)
    assert shares(capped[0]) == {"530102": 0, "530103": 0, "mohan": 10_000} and total == 0


def test_negative_cap_and_missing_host_are_refused():
    with pytest.raises(EngineError, match="不能为负数"):
        cap_apply(settled(20_000), PARTIES, cap_fen=-1)
    with pytest.raises(EngineError, match="承载地"):
        cap_apply(settled(20_000), (Party("530102", 5000), Party("530103", 5000)), cap_fen=1)


def test_shares_keep_party_code_order():
    capped, _ = cap_apply(settled(20_000), PARTIES, cap_fen=1)
    assert [s.party_code for s in capped[0].shares] == ["530102", "530103", "mohan"]
    assert isinstance(capped[0].shares[0], Share)
