"""The funnel as a pure function: worked cases and hypothesis properties over random event histories."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from enclave.leads.funnel import STAGES, StageEvent, VisitFact, funnel_compute, median

D = dt.date


def test_a_worked_pipeline():
    events = [
        StageEvent(1, "contacted", D(2024, 7, 1)), StageEvent(1, "visited", D(2024, 7, 11)),
        StageEvent(1, "intending", D(2024, 8, 1)), StageEvent(1, "filed", D(2024, 9, 1)),
        StageEvent(2, "contacted", D(2024, 7, 5)), StageEvent(2, "visited", D(2024, 7, 25)),
        StageEvent(3, "contacted", D(2024, 7, 9)), StageEvent(3, "dropped", D(2024, 8, 9)),
        StageEvent(4, "contacted", D(2024, 7, 9)), StageEvent(4, "intending", D(2024, 7, 30)),
        StageEvent(4, "signed", D(2024, 8, 2)),
    ]  # fmt: skip
    visits = [
        VisitFact(1, D(2024, 7, 11), frozenset({"A"})),
        VisitFact(2, D(2024, 7, 25), frozenset({"A", "B"})),
    ]
    funnel = funnel_compute(events, visits, start=D(2024, 7, 1), end=D(2024, 12, 31))
    assert funnel.as_json() == {
        "contacted": 4, "visited": 2, "intending": 2, "filed": 1, "dropped": 1, "agreements": 1, "registered": 0,
        "visits": 2, "visit_enterprises": 2,
    }  # fmt: skip
    # contacted→visited: leads 1, 2 visited and lead 4 skipped to intending (reached a later stage): 3 of 4
    assert funnel.conversion_bp["contacted→visited"] == 7500
    assert funnel.conversion_bp["intending→filed"] == 5000
    assert funnel.median_days["contacted→visited"] == Decimal(15)  # 10 and 20 days
    only_july = funnel_compute(events, visits, start=D(2024, 7, 1), end=D(2024, 7, 31))
    assert only_july.counts["filed"] == 0 and only_july.conversion_bp["intending→filed"] == 0


def test_median_is_exact_without_floats():
    assert median([]) is None and median([3]) == 3 and median([1, 2]) == Decimal("1.5")


DAY0 = D(2024, 1, 1)


@st.composite
def histories(draw):
    """Random leads, each moving forward through a prefix of the stages (maybe skipping, maybe dropped)."""
    events = []
    for lead_id in range(draw(st.integers(0, 25))):
        day = DAY0 + dt.timedelta(days=draw(st.integers(0, 300)))
        events.append(StageEvent(lead_id, "contacted", day))
        for stage in STAGES[1 : draw(st.integers(1, 4))]:
            day += dt.timedelta(days=draw(st.integers(0, 60)))
            if draw(st.booleans()) or stage == "filed":
                events.append(StageEvent(lead_id, stage, day))
        if draw(st.booleans()):
            events.append(
                StageEvent(lead_id, draw(st.sampled_from(["dropped", "signed", "registered"])), day)
            )
    return events


days = st.integers(0, 500).map(lambda n: DAY0 + dt.timedelta(days=n))


@given(histories(), days, days, days)
def test_adjacent_periods_add_up(events, a, b, c):
    start, middle, end = sorted((a, b, c))
    whole = funnel_compute(events, start=start, end=end).counts
    first = funnel_compute(events, start=start, end=middle).counts
    second = funnel_compute(events, start=middle + dt.timedelta(days=1), end=end).counts
    assert all(whole[k] == first[k] + second[k] for k in whole)


@given(histories(), days, days)
def test_rates_are_shares_and_medians_lie_within_the_spans(events, a, b):
    start, end = sorted((a, b))
    funnel = funnel_compute(events, start=start, end=end)
    for rate in funnel.conversion_bp.values():
        assert rate is None or 0 <= rate <= 10000
    for value in funnel.median_days.values():
        if value is not None:
            assert value >= 0
    assert funnel.counts["contacted"] <= len({e.lead_id for e in events})


@given(histories(), days, days, st.randoms(use_true_random=False))
def test_the_order_of_events_does_not_matter(events, a, b, rng: random.Random):
    start, end = sorted((a, b))
    shuffled = list(events)
    rng.shuffle(shuffled)
    assert funnel_compute(events, start=start, end=end) == funnel_compute(shuffled, start=start, end=end)


@given(histories())
def test_a_wider_period_never_counts_fewer(events):
    narrow = funnel_compute(events, start=D(2024, 3, 1), end=D(2024, 6, 30)).counts
    wide = funnel_compute(events, start=None, end=None).counts
    assert all(wide[k] >= narrow[k] for k in wide)
