"""The sharing engine's rules, as worked cases from the policy and as properties.

Bare pytest functions with no database: if importing the engine needed Django, these would fail.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import random
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from enclave.sharing.engine import (
    Adjustment,
    Agreement,
    EngineError,
    MonthReport,
    Party,
    ProjectMonthError,
    Share,
    TaxPaid,
    county_part,
    round_half_up_div,
    settle,
    settle_month,
    split,
)

WUHUA, PANLONG, MOHAN = "530102", "530103", "mohan"
# SECURITY.md check 22: at least 10,000 examples in CI (`.ci/run` sets CI=true); fewer on a developer's run.
CONSERVATION_EXAMPLES = 10_000 if os.environ.get("CI") else 1_000
RATES = {"vat": 2500, "cit": 1600, "iit": 1600, "local": 5000}
THREE = (Party(WUHUA, 3000), Party(PANLONG, 2000), Party(MOHAN, 5000, is_host=True))


def month(y: int, m: int) -> dt.date:
    return dt.date(y, m, 1)


# ---------------------------------------------------------------- worked cases


def test_county_part_rounds_half_up_to_the_fen():
    assert county_part(1_234_567, 2500) == 308_642  # 308641.75
    assert county_part(2, 2500) == 1  # 0.5 → 1
    assert county_part(1, 2500) == 0  # 0.25 → 0
    assert county_part(-2, 2500) == -1  # half away from zero
    assert round_half_up_div(-5, 10) == -1


def test_hand_worked_month_with_three_parties_and_a_rebate():
    """七月: 增值税 12,345.67元 × 25% = 3,086.4175 → 3,086.42元; 企业所得税 5,000.01元 × 16% = 800.0016 → 800.00元;
    县级留成 3,886.42元 − 返还 1,000.00元 = 2,886.42元; 3:2:5 → 865.926 / 577.284 / 1,443.21 元:
    整分 865.92 + 577.28 + 1,443.21 = 2,886.41, 余 1 分给小数最大的五华区 (0.6 分)."""
    agreement = Agreement("MH-2024-0001", THREE, month(2024, 7), month(2029, 6))
    report = MonthReport(
        "MH-2024-0001",
        month(2024, 7),
        (TaxPaid("vat", 1_234_567), TaxPaid("cit", 500_001)),
        rebates_fen=100_000,
    )
    result = settle_month(report, agreement, RATES)
    assert result.county_parts == (TaxPaid("cit", 80_000), TaxPaid("vat", 308_642))
    assert result.retained_fen == 288_642
    assert result.shares == (Share(WUHUA, 86_593), Share(PANLONG, 57_728), Share(MOHAN, 144_321))


def test_hand_worked_year_with_a_mid_year_start_and_an_adjustment():
    """Agreement from 2024-07: months before July are refused; an adjustment of −12.34元 (a correction of a
    closed month, with its reason) is settled in the open month and split like any retained amount."""
    agreement = Agreement("MH-2024-0001", THREE, month(2024, 7), month(2029, 6))
    with pytest.raises(EngineError, match="不在项目"):
        settle_month(MonthReport("MH-2024-0001", month(2024, 6), (TaxPaid("vat", 100),)), agreement, RATES)
    reports = [
        MonthReport(
            "MH-2024-0001", month(2024, 7), (TaxPaid("vat", 1_234_567), TaxPaid("cit", 500_001)), 100_000
        ),
        MonthReport(
            "MH-2024-0001",
            month(2024, 8),
            (TaxPaid("vat", 1_000_000),),
            rebates_fen=0,
            adjustments=(Adjustment(-1_234, "7月增值税更正"),),
        ),
    ]
    rates = {month(2024, m): RATES for m in range(1, 13)}
    result = settle(reports, {"MH-2024-0001": agreement}, rates)
    # August: 1,000,000 × 25% = 250,000; − 1,234 = 248,766 → 74,629.8 / 49,753.2 / 124,383
    august = result.months[1]
    assert august.retained_fen == 248_766
    assert august.shares == (Share(WUHUA, 74_630), Share(PANLONG, 49_753), Share(MOHAN, 124_383))
    assert result.totals == (Share(WUHUA, 161_223), Share(PANLONG, 107_481), Share(MOHAN, 268_704))
    assert result.retained_fen == 288_642 + 248_766


def test_ties_go_to_the_host_first_then_by_party_code():
    assert split(1, (Party(WUHUA, 5000), Party(MOHAN, 5000, is_host=True))) == (
        Share(WUHUA, 0),
        Share(MOHAN, 1),
    )
    parties = (Party("530112", 1), Party("530111", 1), Party("530114", 1))
    assert split(2, parties) == (Share("530111", 1), Share("530112", 1), Share("530114", 0))


def test_a_negative_retained_is_borne_in_proportion():
    shares = split(-101, (Party(WUHUA, 5000), Party(MOHAN, 5000, is_host=True)))
    assert shares == (Share(WUHUA, -50), Share(MOHAN, -51))


def test_a_host_with_no_share_gets_nothing():
    assert split(999, (Party(WUHUA, 10000), Party(MOHAN, 0, is_host=True))) == (
        Share(WUHUA, 999),
        Share(MOHAN, 0),
    )


@pytest.mark.parametrize(
    ("parties", "message"),
    [((), "不能为空"), ((Party("a", 1), Party("a", 1)), "重复"), ((Party("a", -1), Party("b", 2)), "负"),
     ((Party("a", 0),), "大于0")],
)  # fmt: skip
def test_bad_parties_are_refused(parties, message):
    with pytest.raises(EngineError, match=message):
        split(100, parties)


def test_agreements_not_adding_to_10000_are_refused():
    agreement = Agreement(
        "P", (Party(WUHUA, 5000), Party(MOHAN, 4000, is_host=True)), month(2024, 1), month(2024, 12)
    )
    with pytest.raises(EngineError, match="10000"):
        settle_month(MonthReport("P", month(2024, 3), ()), agreement, RATES)


def test_a_tax_type_without_a_rate_is_refused():
    agreement = Agreement("P", THREE, month(2024, 1), month(2024, 12))
    with pytest.raises(EngineError, match="留成比例"):
        settle_month(MonthReport("P", month(2024, 3), (TaxPaid("stamp", 5),)), agreement, RATES)


def test_two_reports_for_one_project_month_are_refused():
    agreement = Agreement("P", THREE, month(2024, 1), month(2024, 12))
    report = MonthReport("P", month(2024, 3), (TaxPaid("vat", 5),))
    with pytest.raises(EngineError, match="多份"):
        settle([report, report], {"P": agreement}, {month(2024, 3): RATES})


# ---------------------------------------------------------------- properties


@st.composite
def parties_strategy(draw, min_size=1, max_size=40):
    n = draw(st.integers(min_size, max_size))
    codes = draw(st.permutations([f"p{i:02d}" for i in range(n)]))
    weights = draw(st.lists(st.integers(0, 10_000), min_size=n, max_size=n).filter(lambda w: sum(w) > 0))
    host = draw(st.integers(0, n - 1))
    return tuple(
        Party(c, w, is_host=(i == host)) for i, (c, w) in enumerate(zip(codes, weights, strict=True))
    )


# Built once: strategies made inside a composite on every draw would cost more than the test itself.
RATIONALS = st.lists(st.tuples(st.integers(0, 10**6), st.integers(1, 10**4)), min_size=2, max_size=40)
SEEDS = st.integers(0, 2**32)


@st.composite
def rational_shares(draw):
    """2–40 parties whose shares are arbitrary rationals (zero allowed) adding up to exactly 1."""
    raw = [Fraction(numerator, denominator) for numerator, denominator in draw(RATIONALS)]
    if not any(raw):
        raw[0] = Fraction(1)
    total = sum(raw)
    shares = [x / total for x in raw]
    assert sum(shares) == 1
    codes = [f"p{i:02d}" for i in range(len(shares))]
    random.Random(draw(SEEDS)).shuffle(codes)  # which code gets which share (ties go by code)
    host = draw(SEEDS) % len(shares)
    return [(c, f, i == host) for i, (c, f) in enumerate(zip(codes, shares, strict=True))]


def as_parties(shares) -> tuple[Party, ...]:
    """Rational shares as the engine's integer weights: every share times the common denominator."""
    denominator = math.lcm(*(f.denominator for _c, f, _h in shares))
    return tuple(Party(c, int(f * denominator), is_host=h) for c, f, h in shares)


@settings(max_examples=CONSERVATION_EXAMPLES, deadline=None)
@given(total=st.integers(0, 10**13), shares=rational_shares(), seed=st.integers(0, 2**32))
def test_split_conserves_every_fen_and_stays_within_one_fen_of_the_exact_share(total, shares, seed):
    """SECURITY.md check 22: any pool 0…10¹³ fen, 2–40 parties with rational shares adding up to 1."""
    parties = as_parties(shares)
    result = split(total, parties)
    by_code = {s.party_code: s.amount_fen for s in result}
    assert sum(by_code.values()) == total  # exactly the pool, to the fen
    assert all(isinstance(a, int) and a >= 0 for a in by_code.values())
    exact = {c: total * f for c, f, _h in shares}
    for code, amount in by_code.items():
        assert abs(amount - exact[code]) < 1
    # Remainder fen by the documented rule: the largest fractional parts first, ties to the host, then by
    # code; each party gets its whole part plus at most one fen.
    leftover = total - sum(math.floor(x) for x in exact.values())
    order = sorted(shares, key=lambda s: (-(exact[s[0]] - math.floor(exact[s[0]])), not s[2], s[0]))
    extra = {c for c, _f, _h in order[:leftover]}
    assert by_code == {c: math.floor(x) + (c in extra) for c, x in exact.items()}
    # Independent of the order the parties are listed in.
    shuffled = list(parties)
    random.Random(seed).shuffle(shuffled)
    assert split(total, shuffled) == result


@settings(max_examples=CONSERVATION_EXAMPLES // 10, deadline=None)
@given(total=st.integers(0, 10**13), parties=parties_strategy(min_size=2))
def test_split_by_basis_points_conserves_every_fen(total, parties):
    shares = split(total, parties)
    assert sum(s.amount_fen for s in shares) == total
    weight = sum(p.share_bp for p in parties)
    by_code = {s.party_code: s.amount_fen for s in shares}
    for party in parties:
        exact = Fraction(total * party.share_bp, weight)
        assert by_code[party.code] >= 0
        assert abs(by_code[party.code] - exact) < 1


@settings(max_examples=500, deadline=None)
@given(total=st.integers(-(10**13), 10**13), parties=parties_strategy(), seed=st.integers(0, 2**32))
def test_split_does_not_depend_on_the_order_parties_are_listed(total, parties, seed):
    shuffled = list(parties)
    random.Random(seed).shuffle(shuffled)
    assert split(total, shuffled) == split(total, parties)
    assert split(total, parties) == split(total, parties)  # deterministic
    assert sum(s.amount_fen for s in split(total, parties)) == total


@st.composite
def year_of_reports(draw):
    n_projects = draw(st.integers(1, 4))
    agreements, reports = {}, []
    for i in range(n_projects):
        code = f"P{i}"
        n = draw(st.integers(2, 5))
        bps = draw(st.lists(st.integers(1, 100), min_size=n, max_size=n))
        total = sum(bps)
        scaled = [b * 10_000 // total for b in bps]
        scaled[0] += 10_000 - sum(scaled)
        parties = tuple(Party(f"u{j}", bp, is_host=(j == n - 1)) for j, bp in enumerate(scaled))
        start = draw(st.integers(1, 12))
        agreements[code] = Agreement(code, parties, month(2024, start), month(2026, 12))
        for m in range(start, 13):
            taxes = tuple(
                TaxPaid(t, draw(st.integers(0, 10**9)))
                for t in draw(st.sets(st.sampled_from(sorted(RATES)), max_size=4))
            )
            rebate = draw(st.integers(0, 10**8))
            adjustments = tuple(
                Adjustment(a, "更正") for a in draw(st.lists(st.integers(-(10**6), 10**6), max_size=2))
            )
            reports.append(MonthReport(code, month(2024, m), taxes, rebate, adjustments))
    return agreements, reports


@settings(max_examples=300, deadline=None)
@given(data=year_of_reports(), seed=st.integers(0, 2**32))
def test_quarters_settled_one_by_one_add_up_to_the_year_settled_at_once(data, seed):
    agreements, reports = data
    rates = {month(2024, m): RATES for m in range(1, 13)}
    year = settle(reports, agreements, rates)
    quarter_totals: dict[str, int] = {}
    for q in range(4):
        months = {month(2024, 3 * q + k) for k in (1, 2, 3)}
        part = settle([r for r in reports if r.month in months], agreements, rates)
        for share in part.totals:
            quarter_totals[share.party_code] = quarter_totals.get(share.party_code, 0) + share.amount_fen
    assert {
        s.party_code: s.amount_fen for s in year.totals if s.amount_fen or s.party_code in quarter_totals
    } == {c: a for c, a in quarter_totals.items() if a or c in {s.party_code for s in year.totals}}
    shuffled = list(reports)
    random.Random(seed).shuffle(shuffled)
    assert settle(shuffled, agreements, rates) == year
    for m in year.months:
        assert sum(s.amount_fen for s in m.shares) == m.retained_fen
    assert sum(s.amount_fen for s in year.totals) == year.retained_fen


def test_the_engine_imports_without_django():
    import subprocess
    import sys

    code = (
        "import sys; import enclave.sharing.engine; "
        "assert not any(m == 'django' or m.startswith('django.') for m in sys.modules), 'django leaked'"
    )
    subprocess.run([sys.executable, "-c", code], check=True, env={"PYTHONPATH": "."})


# ---------------------------------------------------------------- prior-period adjustments (issue 13, item 3)


def test_a_prior_period_adjustment_settles_after_the_agreement_ended_with_that_months_shares():
    """Agreement 2024-01 to 2024-06; an adjustment of +1,000.01元 about June lands in 2024-08, after the
    end, with no report that month: it settles alone, split 3:2:5 → 30,000.3 / 20,000.2 / 50,000.5 分:
    整分 30,000 + 20,000 + 50,000 = 100,000, 余 1 分给小数最大的承载园区 mohan (0.5 分)."""
    agreement = Agreement("MH-2024-0002", THREE, month(2024, 1), month(2024, 6))
    report = MonthReport(
        "MH-2024-0002", month(2024, 8), (), 0, (Adjustment(100_001, "6月增值税更正", month(2024, 6)),)
    )
    result = settle([report], {"MH-2024-0002": agreement}, {month(2024, 8): RATES})
    (august,) = result.months
    assert august.retained_fen == august.adjustments_fen == 100_001
    assert august.shares == (Share(WUHUA, 30_000), Share(PANLONG, 20_000), Share(MOHAN, 50_001))
    # The same adjustment inside the agreement gives the same shares as it did before issue 13.
    inside = settle_month(
        MonthReport("MH-2024-0002", month(2024, 5), (), 0, (Adjustment(100_001, "更正"),)), agreement, RATES
    )
    assert inside.shares == august.shares


def test_an_adjustment_about_a_month_outside_the_agreement_names_project_and_month():
    agreement = Agreement("MH-2024-0002", THREE, month(2024, 1), month(2024, 6))
    report = MonthReport(
        "MH-2024-0002", month(2024, 5), (), 0, (Adjustment(-500, "错误的更正", month(2023, 12)),)
    )
    with pytest.raises(ProjectMonthError, match="2023-12") as caught:
        settle([report], {"MH-2024-0002": agreement}, {month(2024, 5): RATES})
    assert (caught.value.project_code, caught.value.month) == ("MH-2024-0002", month(2024, 5))
    assert isinstance(caught.value, EngineError)


@pytest.mark.parametrize(
    "report",
    [
        MonthReport("MH-2024-0002", month(2024, 8), (TaxPaid("vat", 100),)),  # taxes after the end
        MonthReport("MH-2024-0002", month(2024, 8), (), 10, (Adjustment(5, "x", month(2024, 6)),)),  # rebate
        MonthReport("MH-2024-0002", month(2024, 8), ()),  # an empty month after the end
    ],
)
def test_a_month_after_the_end_may_carry_only_prior_period_adjustments(report):
    agreement = Agreement("MH-2024-0002", THREE, month(2024, 1), month(2024, 6))
    with pytest.raises(ProjectMonthError, match="不在项目 MH-2024-0002 的分享期限内") as caught:
        settle([report], {"MH-2024-0002": agreement}, {month(2024, 8): RATES})
    assert caught.value.month == month(2024, 8)


def test_a_project_without_agreement_is_a_project_month_error():
    with pytest.raises(ProjectMonthError, match="没有利益分享协议") as caught:
        settle([MonthReport("X", month(2024, 8), ())], {}, {month(2024, 8): RATES})
    assert caught.value.project_code == "X"


@st.composite
def prior_period_adjustments(draw):
    n = draw(st.integers(1, 5))
    bps = draw(st.lists(st.integers(1, 100), min_size=n, max_size=n))
    scaled = [b * 10_000 // sum(bps) for b in bps]
    scaled[0] += 10_000 - sum(scaled)
    parties = tuple(Party(f"u{j}", bp, is_host=(j == n - 1)) for j, bp in enumerate(scaled))
    end = draw(st.integers(1, 11))
    agreement = Agreement("P", parties, month(2024, 1), month(2024, end))
    reports = []
    for m in range(1, 13):
        adjustments = tuple(
            Adjustment(a, "更正", month(2024, draw(st.integers(1, end))))
            for a in draw(st.lists(st.integers(-(10**9), 10**9), max_size=3))
        )
        if m <= end:
            taxes = (TaxPaid("vat", draw(st.integers(0, 10**9))),)
            reports.append(MonthReport("P", month(2024, m), taxes, 0, adjustments))
        elif adjustments:
            reports.append(MonthReport("P", month(2024, m), (), 0, adjustments))
    return agreement, reports


@settings(max_examples=CONSERVATION_EXAMPLES // 10, deadline=None)
@given(data=prior_period_adjustments())
def test_shares_add_up_to_the_fen_with_prior_period_adjustments(data):
    agreement, reports = data
    result = settle(reports, {"P": agreement}, {month(2024, m): RATES for m in range(1, 13)})
    for m in result.months:
        assert sum(s.amount_fen for s in m.shares) == m.retained_fen
        assert all(abs(s.amount_fen) <= abs(m.retained_fen) for s in m.shares)
    assert sum(s.amount_fen for s in result.totals) == result.retained_fen
    expected = sum(county_part(t.paid_fen, RATES[t.tax_type]) for r in reports for t in r.taxes)
    assert result.retained_fen == expected + sum(a.amount_fen for r in reports for a in r.adjustments)
