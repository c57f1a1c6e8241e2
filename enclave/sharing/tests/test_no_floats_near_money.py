"""Check 21: no float near money.

Every money column is an integer count of fen named *_fen (and no model anywhere has a float or decimal
column); the money-handling packages contain no float() call and no float literal, and a true division
that touches an amount only ever divides Decimals (lib/money.py's display conversion)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models

from enclave.lib.money import parse_fen

MONEY_WORDS = (
    "金额",
    "税额",
    "投资",
    "产值",
    "销售额",
    "收入",
    "资金",
    "外资",
    "留成",
    "返还",
    "资本",
    "元",
)  # not "（分）" alone: in assessment it means score points
INTEGER_FIELDS = (models.BigIntegerField, models.IntegerField, models.PositiveBigIntegerField)
SCANNED = ("enclave/sharing", "enclave/projects", "enclave/enterprises", "enclave/lib")


def _enclave_fields():
    for model in apps.get_models():
        if model.__module__.startswith("enclave."):
            for field in model._meta.concrete_fields:
                yield model, field


AREA_SUFFIXES = ("_mu", "_m2")  # land in 亩 and floor space in m²: exact Decimals with two places, never money


def test_no_model_has_a_float_or_decimal_column():
    """No float column anywhere; a Decimal column only for an area (named *_mu or *_m2), never for money."""
    bad = [
        f"{m.__name__}.{f.name}"
        for m, f in _enclave_fields()
        if isinstance(f, models.FloatField)
        or (isinstance(f, models.DecimalField) and not f.name.endswith(AREA_SUFFIXES))
    ]
    assert not bad
    areas = [f for _m, f in _enclave_fields() if isinstance(f, models.DecimalField)]
    assert all(f.decimal_places == 2 for f in areas)


def test_every_fen_field_is_an_integer_field():
    fen = [(m, f) for m, f in _enclave_fields() if f.name.endswith("_fen")]
    assert len(fen) >= 15
    bad = [f"{m.__name__}.{f.name}" for m, f in fen if not isinstance(f, INTEGER_FIELDS)]
    assert not bad


def test_every_integer_money_column_is_named_in_fen():
    bad = []
    for model, field in _enclave_fields():
        label = str(field.verbose_name)
        if isinstance(field, INTEGER_FIELDS) and any(w in label for w in MONEY_WORDS):
            if not field.name.endswith("_fen") and not field.name.endswith("_bp"):
                bad.append(f"{model.__name__}.{field.name} ({label})")
    assert not bad


def _sources():
    for folder in SCANNED:
        for path in Path(settings.BASE_DIR, folder).rglob("*.py"):
            if "tests" not in path.parts and "migrations" not in path.parts:
                yield path


def _mentions_money(node: ast.AST) -> bool:
    text = ast.unparse(node)
    return "_fen" in text or "amount" in text or "fen" == text


def _is_decimal(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "Decimal"


def test_no_float_call_or_literal_and_no_float_division_of_amounts():
    found = []
    scanned = 0
    for path in _sources():
        scanned += 1
        for node in ast.walk(ast.parse(path.read_text())):
            where = f"{path.relative_to(settings.BASE_DIR)}:{getattr(node, 'lineno', '?')}"
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "float":
                found.append(f"{where} float()")
            elif isinstance(node, ast.Constant) and isinstance(node.value, float):
                found.append(f"{where} float literal {node.value!r}")
            elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div):
                if (_mentions_money(node.left) or _mentions_money(node.right)) and not (
                    _is_decimal(node.left) and _is_decimal(node.right)
                ):
                    found.append(f"{where} true division of an amount: {ast.unparse(node)}")
    assert scanned > 40
    assert not found, found


def test_the_scan_would_catch_a_float():
    """The scanner itself: a planted float in money code is found."""
    planted = ast.parse("share_fen = total_fen * 0.3\nx = float(amount_fen)\ny = amount_fen / 3")
    kinds = []
    for node in ast.walk(planted):
        if isinstance(node, ast.Constant) and isinstance(node.value, float):
            kinds.append("literal")
        elif isinstance(node, ast.Call) and getattr(node.func, "id", "") == "float":
            kinds.append("call")
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Div) and _mentions_money(node.left):
            kinds.append("div")
    assert sorted(kinds) == ["call", "div", "literal"]


@pytest.mark.parametrize(("text", "fen"), [("1234.56", 123456), ("0.01", 1), ("1,234.50", 123450)])
def test_yuan_text_becomes_exact_fen(text, fen):
    assert parse_fen(text) == fen


def test_a_yuan_amount_finer_than_one_fen_is_refused_not_rounded():
    with pytest.raises(ValueError):
        parse_fen("1234.565")
