"""The pipeline's rules as a table, without a database."""

from __future__ import annotations

import pytest

from enclave.leads.pipeline import Stage, StageError, missing_for, move_check, moves_available

FULL = {
    "park_id": 1,
    "industry_id": 2,
    "expected_investment_fen": 100,
    "enterprise_id": 3,
    "origin": "上海市",
}


@pytest.mark.parametrize(
    ("source", "target"),
    [
        (Stage.CONTACTED, Stage.VISITED),
        (Stage.CONTACTED, Stage.INTENDING),
        (Stage.VISITED, Stage.INTENDING),
        (Stage.INTENDING, Stage.FILED),
        (Stage.CONTACTED, Stage.FILED),
    ],
)
def test_a_lead_moves_forward_and_may_skip_a_stage_with_the_data(source, target):
    assert move_check(source=source, target=target, facts=FULL).target == target


@pytest.mark.parametrize(
    ("source", "target"),
    [(Stage.VISITED, Stage.CONTACTED), (Stage.INTENDING, Stage.VISITED), (Stage.VISITED, Stage.VISITED)],
)
def test_a_lead_never_moves_backwards_or_stays(source, target):
    with pytest.raises(StageError):
        move_check(source=source, target=target, facts=FULL)


def test_a_stage_jump_that_skips_required_data_is_refused_naming_the_data():
    with pytest.raises(StageError, match="预计投资额"):
        move_check(
            source=Stage.CONTACTED, target=Stage.INTENDING, facts={**FULL, "expected_investment_fen": None}
        )
    assert missing_for(Stage.FILED, {**FULL, "enterprise_id": None}) == [
        "企业库中的企业（请先登记企业并关联到线索）"
    ]


def test_dropping_needs_a_reason_and_ends_the_lead():
    with pytest.raises(StageError, match="原因"):
        move_check(source=Stage.VISITED, target=Stage.DROPPED, facts=FULL, reason="  ")
    assert (
        move_check(source=Stage.VISITED, target=Stage.DROPPED, facts=FULL, reason="企业转投他省").target
        == "dropped"
    )
    for final in (Stage.DROPPED, Stage.FILED):
        with pytest.raises(StageError):
            move_check(source=final, target=Stage.INTENDING, facts=FULL)
        assert moves_available(final) == []


def test_hand_moves_offered_exclude_filing_which_has_its_own_form():
    assert moves_available(Stage.CONTACTED) == [Stage.VISITED, Stage.INTENDING, Stage.DROPPED]
