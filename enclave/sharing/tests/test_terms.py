"""The sharing-period rule (enclave/sharing/terms.py): plain functions, no database."""

from __future__ import annotations

import datetime as dt

import pytest

from enclave.sharing import terms
from enclave.sharing.terms import (
    AGREEMENT_MONTH,
    FIRST_TAX,
    MOVE,
    PolicyTerms,
    StoredTerms,
    TermsError,
    agreement_covers,
    agreement_span,
    recognition_span,
)

D = dt.date
RECOGNISED = D(2025, 3, 18)
NEW = PolicyTerms(duration_months=60, start_event=FIRST_TAX)
VOLUNTARY = PolicyTerms(duration_months=36, start_event=MOVE)
BY_AGREEMENT = PolicyTerms(duration_months=24, start_event=AGREEMENT_MONTH)
JJJ = PolicyTerms(duration_months=36, start_event=MOVE, cap_years_before_move=3, extension_months=24)


def errors_of(policy: PolicyTerms, **kwargs) -> dict[str, str]:
    with pytest.raises(TermsError) as caught:
        recognition_span(policy, recognised_on=RECOGNISED, **kwargs)
    return caught.value.errors


def test_voluntary_relocation_runs_three_years_from_the_move_month():
    span = recognition_span(VOLUNTARY, recognised_on=RECOGNISED, moved_on=D(2024, 11, 20))
    assert (span.start, span.end) == (D(2024, 11, 1), D(2027, 10, 1))
    assert span.start_event == MOVE and not span.end_explicit and span.duration_months == 36


def test_move_start_without_a_move_date_is_refused_at_moved_on():
    assert set(errors_of(VOLUNTARY)) == {"moved_on"}
    assert "搬迁日期" in errors_of(VOLUNTARY)["moved_on"]


def test_new_recruitment_is_pending_until_the_first_tax():
    span = recognition_span(NEW, recognised_on=RECOGNISED)
    assert span.pending and span.start is None and span.end is None
    assert span.covers_from == D(2025, 4, 1)


def test_new_recruitment_starts_in_the_first_month_with_tax():
    span = recognition_span(NEW, recognised_on=RECOGNISED, first_tax_month=D(2025, 7, 1))
    assert (span.start, span.end, span.covers_from) == (D(2025, 7, 1), D(2030, 6, 1), D(2025, 7, 1))


def test_first_tax_before_recognition_does_not_count():
    assert set(errors_of(NEW, first_tax_month=D(2025, 3, 1))) == {"start_month"}


def test_first_tax_in_the_month_after_recognition_counts():
    span = recognition_span(NEW, recognised_on=RECOGNISED, first_tax_month=D(2025, 4, 1))
    assert span.start == D(2025, 4, 1)


def test_agreement_month_event_needs_a_start_month():
    assert set(errors_of(BY_AGREEMENT)) == {"start_month"}


def test_explicit_start_makes_the_event_the_agreement_month():
    span = recognition_span(NEW, recognised_on=RECOGNISED, start_month=D(2025, 5, 9))
    assert (span.start, span.end, span.start_event) == (D(2025, 5, 1), D(2030, 4, 1), AGREEMENT_MONTH)


def test_explicit_end_wins():
    span = recognition_span(
        VOLUNTARY, recognised_on=RECOGNISED, moved_on=D(2024, 11, 2), end_month=D(2025, 12, 1)
    )
    assert (span.start, span.end, span.end_explicit) == (D(2024, 11, 1), D(2025, 12, 1), True)


def test_explicit_end_on_a_pending_first_tax_start_is_kept():
    span = recognition_span(NEW, recognised_on=RECOGNISED, end_month=D(2029, 12, 1))
    assert span.pending and span.end == D(2029, 12, 1) and span.end_explicit


def test_end_before_start_is_refused_naming_both_months():
    errors = errors_of(VOLUNTARY, moved_on=D(2024, 11, 2), end_month=D(2024, 10, 1))
    assert errors == {"end_month": "分享终止月份（2024-10）不能早于起始月份（2024-11）"}


def test_end_on_the_start_month_is_one_month():
    span = recognition_span(
        BY_AGREEMENT, recognised_on=RECOGNISED, start_month=D(2025, 6, 1), end_month=D(2025, 6, 1)
    )
    assert span.start == span.end == D(2025, 6, 1)


def test_negative_cap_is_refused_at_cap_fen():
    errors = errors_of(VOLUNTARY, moved_on=D(2024, 11, 2), cap_fen=-1)
    assert errors == {"cap_fen": "协作地分享上限不能为负数"}


def test_zero_cap_is_allowed():
    span = recognition_span(VOLUNTARY, recognised_on=RECOGNISED, moved_on=D(2024, 11, 2), cap_fen=0)
    assert span.cap_fen == 0


def test_a_policy_cap_needs_the_amount_on_the_agreement():
    assert "搬迁前3年" in errors_of(JJJ, moved_on=D(2024, 11, 2))["cap_fen"]


def test_policy_extension_is_carried_and_the_agreement_may_override_it():
    span = recognition_span(JJJ, recognised_on=RECOGNISED, moved_on=D(2024, 11, 2), cap_fen=123)
    assert (span.cap_fen, span.extension_months, span.end) == (123, 24, D(2027, 10, 1))
    span = recognition_span(
        JJJ, recognised_on=RECOGNISED, moved_on=D(2024, 11, 2), cap_fen=123, extension_months=12
    )
    assert span.extension_months == 12


def test_extension_without_cap_is_refused():
    errors = errors_of(VOLUNTARY, moved_on=D(2024, 11, 2), extension_months=12)
    assert set(errors) == {"extension_months"}


def test_negative_extension_is_refused():
    errors = errors_of(VOLUNTARY, moved_on=D(2024, 11, 2), cap_fen=1, extension_months=-1)
    assert set(errors) == {"extension_months"}


def test_every_problem_at_once():
    errors = errors_of(VOLUNTARY, end_month=D(2020, 1, 1), cap_fen=-5)
    assert set(errors) == {"moved_on", "cap_fen"}
    errors = errors_of(BY_AGREEMENT, start_month=D(2025, 6, 1), end_month=D(2025, 5, 1), cap_fen=-5)
    assert set(errors) == {"end_month", "cap_fen"}


def test_bad_duration_is_refused():
    assert set(errors_of(PolicyTerms(duration_months=0, start_event=MOVE), moved_on=D(2024, 1, 1))) == {
        "duration_months"
    }


def test_unknown_event_is_refused():
    assert set(errors_of(PolicyTerms(duration_months=12, start_event="moon"))) == {"start_month"}


# ---------------------------------------------------------------- stored agreements


def test_legacy_agreement_keeps_its_months():
    stored = StoredTerms(D(2024, 7, 1), D(2029, 6, 1))
    assert agreement_span(stored) == (D(2024, 7, 1), D(2029, 6, 1))
    assert agreement_span(stored, first_tax_month=D(2025, 1, 1)) == (D(2024, 7, 1), D(2029, 6, 1))


def pending(**kwargs) -> StoredTerms:
    return StoredTerms(
        D(2025, 4, 1), D(2030, 3, 1), start_event=FIRST_TAX, end_explicit=False, duration_months=60, **kwargs
    )


def test_pending_first_tax_agreement_is_open_until_the_first_tax():
    assert agreement_span(pending()) == (D(2025, 4, 1), None)
    assert agreement_covers(pending(), D(2040, 1, 1))
    assert not agreement_covers(pending(), D(2025, 3, 1))


def test_first_tax_fixes_the_end():
    assert agreement_span(pending(), first_tax_month=D(2025, 9, 1)) == (D(2025, 4, 1), D(2030, 8, 1))
    assert agreement_covers(pending(), D(2030, 8, 1), first_tax_month=D(2025, 9, 1))
    assert not agreement_covers(pending(), D(2030, 9, 1), first_tax_month=D(2025, 9, 1))


def test_first_tax_with_explicit_end_keeps_the_end():
    stored = StoredTerms(
        D(2025, 4, 1), D(2027, 3, 1), start_event=FIRST_TAX, end_explicit=True, duration_months=60
    )
    assert agreement_span(stored, first_tax_month=D(2025, 9, 1)) == (D(2025, 4, 1), D(2027, 3, 1))


def test_a_capped_agreement_covers_its_extension_and_an_uncapped_one_has_none():
    """Who gets the extension months is the cap pass's business (test_extension_settlement.py)."""
    stored = StoredTerms(D(2024, 11, 1), D(2027, 10, 1), start_event=MOVE, cap_fen=100, extension_months=24)
    assert agreement_span(stored) == (D(2024, 11, 1), D(2029, 10, 1))
    assert agreement_covers(stored, D(2029, 10, 1)) and not agreement_covers(stored, D(2029, 11, 1))
    no_cap = StoredTerms(D(2024, 11, 1), D(2027, 10, 1), start_event=MOVE, extension_months=24)
    assert agreement_span(no_cap) == (D(2024, 11, 1), D(2027, 10, 1))
    no_extension = StoredTerms(D(2024, 11, 1), D(2027, 10, 1), start_event=MOVE, cap_fen=100)
    assert agreement_span(no_extension) == (D(2024, 11, 1), D(2027, 10, 1))


def test_end_from_counts_inclusive_months():
    assert terms.end_from(D(2025, 1, 15), 36) == D(2027, 12, 1)
    assert terms.end_from(D(2025, 1, 1), 1) == D(2025, 1, 1)
