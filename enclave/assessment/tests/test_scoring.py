"""The scoring rules, as worked examples written out and as properties. No database, no Django."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from enclave.assessment.scoring import (
    LINEAR,
    PASS_FAIL,
    RATIO_CAPPED,
    BonusRule,
    Item,
    ScoringError,
    UnitInput,
    assess,
    bonus_points,
    competition_ranks,
    completion_bp,
    points,
    round_half_up,
    score_unit,
    weights_check,
)

WAN = 10**6  # fen per 万元


# ---------------------------------------------------------------- worked examples of each rule


def test_ratio_capped_scores_the_weight_times_completion():
    # Weight 20, target 2500万元, achieved 2442万元: 20 × 2442/2500 = 19.536 → 19.54 points.
    assert points(Item("fai", 20), 2442 * WAN, 2500 * WAN) == 1954


def test_ratio_capped_stops_at_the_cap():
    # Weight 20, cap 120%: 3000 of 2000 is 150% → counted as 120% → 24 points; at cap 100% → 20 points.
    assert points(Item("fai", 20, RATIO_CAPPED, cap_bp=12000), 3000, 2000) == 2400
    assert points(Item("fai", 20, RATIO_CAPPED, cap_bp=10000), 3000, 2000) == 2000
    # 110% under a 120% cap counts in full: 22 points.
    assert points(Item("fai", 20, RATIO_CAPPED, cap_bp=12000), 2200, 2000) == 2200


def test_linear_scores_nothing_at_or_below_the_floor_and_the_weight_at_the_target():
    item = Item("planned", 15, LINEAR, floor_bp=5000)  # 50% floor
    assert points(item, 4000, 8000) == 0  # exactly 50%: nothing
    assert points(item, 3000, 8000) == 0  # below the floor
    assert points(item, 8000, 8000) == 1500  # the target: full weight
    assert points(item, 12000, 8000) == 1500  # above the target: no more than the weight
    # 6960 of 8000 = 87%; (87% − 50%) / (100% − 50%) = 0.74 × 15 = 11.1 points.
    assert points(item, 6960, 8000) == 1110


def test_pass_fail_gives_all_or_nothing():
    item = Item("revenue", 10, PASS_FAIL)
    assert points(item, 150, 150) == 1000
    assert points(item, 149, 150) == 0
    assert points(item, 1, 0) == 1000  # a zero target asks for nothing


def test_a_zero_target_counts_as_completed_and_negative_values_as_nothing():
    assert completion_bp(0, 0) == 10000
    assert points(Item("x", 10), 0, 0) == 1000
    assert points(Item("x", 10), -500, 1000) == 0  # a net negative adjustment scores zero, never below


def test_rounding_is_half_up_to_the_centi_point():
    from fractions import Fraction

    assert round_half_up(Fraction(5, 2)) == 3
    assert round_half_up(Fraction(-5, 2)) == -3
    assert round_half_up(Fraction(249, 100)) == 2
    # weight 1 × 1/8 = 0.125 points = 12.5 centi → 13
    assert points(Item("x", 1), 1, 8) == 13


def test_completion_is_shown_rounded_down():
    assert completion_bp(9999, 10000) == 9999
    assert completion_bp(2, 3) == 6666


def test_a_units_total_is_base_minus_deductions_plus_bonus():
    # Worked annual example for 五华区 (T1) with the default-like scheme:
    items = (
        Item("projects", 20),  # 4 of 4 → 20
        Item("planned", 15, LINEAR, floor_bp=5000),  # 6960 of 8000 → 11.1
        Item("fai", 20),  # 2442 of 2500 → 19.54
        Item("funds", 10),  # 1046.5 of 1500 → 6.9767 → 6.98
        Item("tax", 15),  # 1.5 of 2 → 11.25
        Item("output", 10, LINEAR, floor_bp=6000),  # 351.1 of 500 = 70.22% → (10.22/40) × 10 = 2.555 → 2.56
        Item("revenue", 10, PASS_FAIL),  # 276.2 of 150 → 10
    )
    unit = UnitInput(
        "530102",
        "T1",
        values={"projects": 4, "planned": 6960, "fai": 24420, "funds": 10465, "tax": 15, "output": 3511,
                "revenue": 2762},
        targets={"projects": 4, "planned": 8000, "fai": 25000, "funds": 15000, "tax": 20, "output": 5000,
                 "revenue": 1500},
        deductions_centi=150,  # 1.5 points deducted
        bonus_centi=100,  # 1 point bonus confirmed
    )  # fmt: skip
    score = score_unit(items, unit)
    assert [line.points_centi for line in score.lines] == [2000, 1110, 1954, 698, 1125, 256, 1000]
    assert score.base_centi == 8143
    assert score.total_centi == 8143 - 150 + 100 == 8093


def test_deductions_never_take_the_base_below_zero_and_a_veto_zeroes_everything():
    items = (Item("a", 100),)
    low = UnitInput("u", "T1", {"a": 10}, {"a": 100}, deductions_centi=5000, bonus_centi=100)
    assert score_unit(items, low).total_centi == 0 + 100
    vetoed = UnitInput("u", "T1", {"a": 100}, {"a": 100}, vetoed=True, bonus_centi=200)
    assert score_unit(items, vetoed).total_centi == 0


def test_a_missing_target_is_refused_not_taken_as_zero():
    with pytest.raises(ScoringError, match="缺少指标目标"):
        score_unit((Item("a", 50), Item("b", 50)), UnitInput("u", "T1", {"a": 1}, {"a": 1}))


def test_weights_that_do_not_add_up_to_100_are_refused():
    with pytest.raises(ScoringError, match="合计为95分"):
        weights_check((Item("a", 50), Item("b", 45)), label="T1类")
    with pytest.raises(ScoringError, match="重复"):
        weights_check((Item("a", 50), Item("a", 50)), label="T1类")
    weights_check((Item("a", 50), Item("b", 50)), label="T1类")


def test_bad_rules_are_refused():
    with pytest.raises(ScoringError):
        points(Item("a", 10, "bogus"), 1, 1)
    with pytest.raises(ScoringError):
        points(Item("a", 10, RATIO_CAPPED, cap_bp=9000), 1, 1)
    with pytest.raises(ScoringError):
        points(Item("a", 10, LINEAR, floor_bp=10000), 1, 1)


def test_a_unit_whose_tier_has_no_scheme_is_refused():
    with pytest.raises(ScoringError, match="没有考核指标"):
        assess({"T1": (Item("a", 100),)}, [UnitInput("u", "T2", {}, {"a": 1})])


# ---------------------------------------------------------------- ranking


def test_ranks_share_ties_and_skip_the_next_rank():
    assert competition_ranks({"a": 9000, "b": 8000, "c": 8000, "d": 7000}) == {"a": 1, "b": 2, "c": 2, "d": 4}


def test_ranks_in_tier_and_city_wide():
    schemes = {"T1": (Item("a", 100),), "T2": (Item("a", 100),)}
    units = [
        UnitInput("t1-low", "T1", {"a": 50}, {"a": 100}, order=1),
        UnitInput("t1-high", "T1", {"a": 90}, {"a": 100}, order=2),
        UnitInput("t2-top", "T2", {"a": 60}, {"a": 100}, order=3),
        UnitInput("t2-tie", "T2", {"a": 50}, {"a": 100}, order=0),
    ]
    result = assess(schemes, units)
    got = {r.score.code: (r.rank, r.rank_in_tier) for r in result.ranked}
    assert got == {"t1-high": (1, 1), "t2-top": (2, 1), "t1-low": (3, 2), "t2-tie": (3, 2)}
    # Equal totals are listed in the city's order (t2-tie has order 0), the rank stays shared.
    assert [r.score.code for r in result.ranked] == ["t1-high", "t2-top", "t2-tie", "t1-low"]


# ---------------------------------------------------------------- bonus rule


def test_bonus_is_per_project_plus_band_capped_per_unit():
    rule = BonusRule(per_project_centi=50, bands=((10**10, 50), (5 * 10**10, 100)), cap_centi=200)
    # 3000万 → 0.5; 1.2亿 → 0.5 + 0.5; 6亿 → 0.5 + 1.0: 3.0 points, capped at 2.
    total, lines = bonus_points(rule, [(1, 3 * 10**9), (2, 12 * 10**9), (3, 60 * 10**9)])
    assert [line.points_centi for line in lines] == [50, 100, 150]
    assert total == 200
    assert bonus_points(rule, [(1, 3 * 10**9)])[0] == 50
    assert bonus_points(rule, [])[0] == 0
    with pytest.raises(ScoringError):
        bonus_points(BonusRule(-1, (), 100), [])


# ---------------------------------------------------------------- properties

rules = st.sampled_from((RATIO_CAPPED, LINEAR, PASS_FAIL))
items_st = st.builds(
    Item,
    source=st.just("x"),
    weight=st.integers(0, 100),
    rule=rules,
    cap_bp=st.integers(10000, 30000),
    floor_bp=st.integers(0, 9999),
)
amounts = st.integers(-(10**15), 10**15)
targets = st.integers(0, 10**15)


@given(items_st, amounts, targets)
def test_points_are_bounded_by_zero_and_the_items_maximum(item, value, target):
    assert 0 <= points(item, value, target) <= item.max_centi


@given(items_st, amounts, amounts, targets)
def test_points_never_fall_when_achievement_rises(item, a, b, target):
    low, high = sorted((a, b))
    assert points(item, low, target) <= points(item, high, target)


@given(items_st, amounts, targets)
def test_points_are_deterministic(item, value, target):
    assert points(item, value, target) == points(Item(**item.__dict__), value, target)


@given(st.lists(st.tuples(st.integers(0, 10), amounts), min_size=1, max_size=6), targets)
def test_a_units_base_is_bounded_by_its_schemes_maximum(pairs, target):
    items = tuple(Item(f"s{i}", w) for i, (w, _v) in enumerate(pairs))
    unit = UnitInput(
        "u", "T1", {f"s{i}": v for i, (_w, v) in enumerate(pairs)}, {i.source: target for i in items}
    )
    score = score_unit(items, unit)
    assert 0 <= score.base_centi <= sum(i.max_centi for i in items)


@given(st.dictionaries(st.text(min_size=1, max_size=4), st.integers(0, 20000), min_size=1, max_size=30))
def test_rank_is_one_plus_the_number_strictly_ahead(totals):
    ranks = competition_ranks(totals)
    for code, total in totals.items():
        assert ranks[code] == 1 + sum(1 for t in totals.values() if t > total)


@given(
    st.lists(
        st.tuples(st.sampled_from(("T1", "T2", "T3", "Z")), st.integers(0, 200)), min_size=1, max_size=25
    ),
    st.randoms(use_true_random=False),
)
def test_ranking_does_not_depend_on_input_order(rows, rnd):
    schemes = {t: (Item("a", 100),) for t in ("T1", "T2", "T3", "Z")}
    units = [UnitInput(f"u{i:02d}", tier, {"a": v}, {"a": 100}, order=i) for i, (tier, v) in enumerate(rows)]
    shuffled = list(units)
    rnd.shuffle(shuffled)
    first, second = assess(schemes, units), assess(schemes, shuffled)
    assert first == second
    for r in first.ranked:  # a higher total never ranks behind a lower one
        for other in first.ranked:
            if r.score.total_centi > other.score.total_centi:
                assert r.rank < other.rank
                if r.score.tier == other.score.tier:
                    assert r.rank_in_tier < other.rank_in_tier


@given(st.integers(0, 10**12), st.lists(st.integers(0, 10**12), max_size=20), st.integers(0, 1000))
def test_bonus_never_exceeds_the_cap(per_project, planned, cap):
    rule = BonusRule(per_project % 1000, ((10**10, 50),), cap)
    total, lines = bonus_points(rule, list(enumerate(planned)))
    assert 0 <= total <= cap
    assert total == min(sum(line.points_centi for line in lines), cap)
