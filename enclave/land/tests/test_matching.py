"""The matching of a lead with the resource library (land/matching.py): worked examples and properties.

Pure: no database, no Django settings needed beyond import."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from enclave.land.matching import Need, Offer, match_one, matches_rank

TODAY = dt.date(2025, 5, 8)


def need(**overrides) -> Need:
    values = {"park_code": "mohan", "subpark_id": 7, "industry_code": "17", "section_code": "C",
              "area_m2": Decimal("5000"), "wanted_on": TODAY}  # fmt: skip
    values.update(overrides)
    return Need(**values)


def offer(resource_id: int, **overrides) -> Offer:
    values = {"resource_id": resource_id, "name": f"资源{resource_id}", "kind": "factory", "park_code": "mohan",
              "park_name": "磨憨", "subpark_id": None, "subpark_name": "", "area_m2": Decimal("6000"),
              "available_on": dt.date(2025, 1, 1)}  # fmt: skip
    values.update(overrides)
    return Offer(**values)


class TestWorkedExamples:
    def test_a_textile_lead_gets_the_factory_in_its_own_sub_park_first(self):
        offers = [
            offer(1, name="磨憨国际物流园标准厂房", area_m2=Decimal("12000"), available_on=dt.date(2025, 9, 1)),
            offer(2, name="五华产业园2号标准厂房", subpark_id=7, subpark_name="五华园", area_m2=Decimal("6000"),
                  available_on=dt.date(2025, 6, 30), industries=frozenset({"17", "18", "19"})),
            offer(3, name="禄劝园区1号标准厂房", subpark_id=8, subpark_name="禄劝园", area_m2=Decimal("17300"),
                  available_on=dt.date(2025, 12, 31), industries=frozenset({"C"})),
            offer(4, name="临港科技城标准厂房", park_code="lingang", park_name="临港"),
        ]  # fmt: skip
        ranked = matches_rank(need(), offers)
        # 禄劝's factory fits the section but is 3.46 times the need and free only in 237 days: it ranks
        # after the park's plain factory (30+10+30+5 = 75 against 30+20+20+0 = 70).
        assert [m.offer.resource_id for m in ranked] == [2, 1, 3]
        best = ranked[0]
        assert best.reasons == (
            "位于目标园区（磨憨）",
            "位于目标园中园（五华园）",
            "行业17在资源的适合行业之内",
            "面积6,000平方米，满足需求5,000平方米",
            "2025-06-30起可用（180天内）",
        )
        assert best.score == 30 + 20 + 30 + 20 + 10 + 5
        assert [m.score for m in ranked] == [115, 75, 70]
        assert "未限定行业" in ranked[1].reasons
        assert "行业门类C在资源的适合行业之内" in ranked[2].reasons
        assert ranked[2].warnings == ("2025-12-31起才可用",)

    def test_an_offer_whose_positioning_excludes_the_industry_is_left_out(self):
        electronics_only = offer(1, subpark_id=9, subpark_positioning=frozenset({"39"}))
        park_is_textile = offer(2, park_positioning=frozenset({"17"}))
        ranked = matches_rank(need(), [electronics_only, park_is_textile])
        assert [m.offer.resource_id for m in ranked] == [2]
        assert "行业17在园区产业定位之内" in ranked[0].reasons

    def test_the_offers_own_industries_override_the_positioning_of_its_park(self):
        found = match_one(need(), offer(1, industries=frozenset({"17"}), park_positioning=frozenset({"39"})))
        assert found is not None and "行业17在资源的适合行业之内" in found.reasons

    def test_a_smaller_offer_stays_with_a_shortfall_and_ranks_after_one_that_fits(self):
        small, fits = offer(1, area_m2=Decimal("3000")), offer(2, area_m2=Decimal("5000"))
        ranked = matches_rank(need(), [small, fits])
        assert [m.offer.resource_id for m in ranked] == [2, 1]
        assert ranked[1].warnings == ("面积不足：3,000平方米，比需求少2,000平方米",)
        assert not ranked[1].area_fits and ranked[0].area_fits

    def test_a_far_larger_offer_scores_below_a_snug_one(self):
        snug, huge = offer(1, area_m2=Decimal("6000")), offer(2, area_m2=Decimal("66666.67"))
        ranked = matches_rank(need(), [huge, snug])
        assert [m.offer.resource_id for m in ranked] == [1, 2]
        assert "远大于需求" in ranked[1].reasons[-2]

    def test_availability_now_soon_and_late(self):
        now = match_one(need(), offer(1, available_on=TODAY))
        soon = match_one(need(), offer(2, available_on=TODAY + dt.timedelta(days=180)))
        late = match_one(need(), offer(3, available_on=TODAY + dt.timedelta(days=181)))
        assert now.score - soon.score == 5 and soon.score - late.score == 5
        assert late.warnings == ("2025-11-05起才可用",)

    def test_an_offer_not_on_offer_or_in_another_park_is_never_suggested(self):
        assert match_one(need(), offer(1, is_available=False)) is None
        assert match_one(need(), offer(2, park_code="lingang")) is None

    def test_a_lead_without_park_industry_or_area_is_matched_on_availability(self):
        bare = need(park_code=None, subpark_id=None, industry_code=None, section_code=None, area_m2=None)
        found = match_one(bare, offer(1, park_code="lingang", park_positioning=frozenset({"39"})))
        assert found is not None and found.score == 10
        assert found.reasons == ("线索未填所属行业，未按行业匹配", "2025-01-01起可用，能按时提供")


codes = st.sampled_from(["17", "18", "39", "C", "I"])
offers_strategy = st.lists(
    st.builds(
        offer,
        resource_id=st.integers(1, 10_000),
        park_code=st.sampled_from(["mohan", "lingang"]),
        subpark_id=st.sampled_from([None, 7, 8]),
        area_m2=st.decimals(min_value=1, max_value=100_000, places=2),
        available_on=st.dates(dt.date(2024, 1, 1), dt.date(2027, 12, 31)),
        is_available=st.booleans(),
        industries=st.frozensets(codes, max_size=2),
        subpark_positioning=st.frozensets(codes, max_size=2),
        park_positioning=st.frozensets(codes, max_size=2),
    ),
    max_size=12,
    unique_by=lambda o: o.resource_id,
)
needs_strategy = st.builds(
    need,
    park_code=st.sampled_from([None, "mohan", "lingang"]),
    subpark_id=st.sampled_from([None, 7, 8]),
    industry_code=st.sampled_from([None, "17", "39"]),
    area_m2=st.one_of(st.none(), st.decimals(min_value=1, max_value=50_000, places=2)),
)


class TestProperties:
    @given(needs_strategy, offers_strategy)
    def test_suggestions_are_available_in_the_target_park_and_best_first(self, wanted, offers):
        ranked = matches_rank(wanted, offers, limit=100)
        assert all(m.offer.is_available for m in ranked)
        if wanted.park_code:
            assert all(m.offer.park_code == wanted.park_code for m in ranked)
        assert [m.score for m in ranked] == sorted((m.score for m in ranked), reverse=True)
        assert all(m.reasons for m in ranked)

    @given(needs_strategy, offers_strategy)
    def test_the_order_does_not_depend_on_the_order_of_the_input(self, wanted, offers):
        forward = [m.offer.resource_id for m in matches_rank(wanted, offers, limit=100)]
        backward = [m.offer.resource_id for m in matches_rank(wanted, list(reversed(offers)), limit=100)]
        assert forward == backward

    @given(needs_strategy, offers_strategy, st.integers(0, 12))
    def test_the_limit_keeps_the_best(self, wanted, offers, limit):
        everything = matches_rank(wanted, offers, limit=100)
        assert matches_rank(wanted, offers, limit=limit) == everything[:limit]

    @given(needs_strategy, offers_strategy)
    def test_enough_area_never_scores_less_than_too_little(self, wanted, offers):
        if wanted.area_m2 is None:
            return
        for o in offers:
            short = match_one(wanted, _with_area(o, wanted.area_m2 / 2))
            enough = match_one(wanted, _with_area(o, wanted.area_m2))
            assert (short is None) == (enough is None)
            if enough is not None:
                assert enough.score > short.score


def _with_area(o: Offer, area: Decimal) -> Offer:
    from dataclasses import replace

    return replace(o, area_m2=area)
