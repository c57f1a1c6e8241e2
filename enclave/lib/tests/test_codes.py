from __future__ import annotations

import datetime as dt

import pytest

from enclave.lib.codes import (
    CodeError,
    normalise_division_code,
    normalise_investment_code,
    normalise_unit_code,
    normalise_uscc,
    uscc_with_check,
)

VALID_USCC = "91110108771933350M"  # check character computed by GB 32100-2015


def test_a_valid_credit_code_is_accepted_and_normalised():
    assert normalise_uscc(" 9111 0108771933350m ") == VALID_USCC


@pytest.mark.parametrize(
    ("code", "message"),
    [("91110108771933350X", "校验位"), ("9111010877193335", "18位"), ("91110108771933350I", "")],
)
def test_bad_credit_codes_are_refused_in_chinese(code, message):
    with pytest.raises(CodeError) as exc:
        normalise_uscc(code)
    assert message in str(exc.value)


def test_uscc_with_check_builds_codes_that_validate():
    for n in range(50):
        assert normalise_uscc(uscc_with_check(f"91530100MA{n:07d}"))


@pytest.mark.parametrize("code", ["530102", "530181", "110101"])
def test_real_division_codes_pass(code):
    assert normalise_division_code(code) == code


@pytest.mark.parametrize("code", ["990102", "53010", "5301O2", "530001"])
def test_false_division_codes_fail(code):
    with pytest.raises(CodeError):
        normalise_division_code(code)


def test_unit_codes_are_division_or_platform_codes():
    assert normalise_unit_code("gaoxin") == "gaoxin"
    assert normalise_unit_code("530129") == "530129"
    with pytest.raises(CodeError):
        normalise_unit_code("高新区")


def test_investment_project_code_form():
    today = dt.date(2025, 6, 1)
    assert normalise_investment_code("2024-530102-39-03-000123", today=today) == "2024-530102-39-03-000123"
    for bad in ("2024-530102-39-03-00012", "2026-530102-39-03-000123", "2024-990102-39-03-000123",
                "2024-530102-99-03-000123", "2024-530102-39-00-000123", "2024/530102/39/03/000123"):  # fmt: skip
        with pytest.raises(CodeError):
            normalise_investment_code(bad, today=today)
