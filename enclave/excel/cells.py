"""Reading what officials actually type into a cell: plain functions, no database.

Real files hold full-width digits and spaces, thousands separators, amounts with their unit written in
(`2.92亿元`, `1,234.5万元`, `520万`), dates as Excel serial numbers or as text in several spellings, and
numbers that Excel stores as binary floats. Each reader returns a typed value or raises CellError with a
Chinese sentence saying what is wrong with the cell.

Floats: Excel keeps 15 significant digits, so a numeric cell is read through its 15-digit decimal form
(1234.5600000000002 is what the official typed as 1234.56). Money finer than one fen is refused, never
rounded (enclave/lib/money.py).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from enclave.lib.money import MoneyError, parse_fen

EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 1 = 1900-01-01 (with Excel's phantom 1900-02-29 at 60)
_SPACES = re.compile(r"[\s\u00a0\u3000\u200b\ufeff]+")


class CellError(ValueError):
    """A cell that cannot be read; the message names the problem for the official."""


def is_blank(value: Any) -> bool:
    if value is None:
        return True
    if not isinstance(value, str):
        return False
    if value and not value[0].isspace() and value[0] not in "\u200b\ufeff":
        return False  # the usual cell: it starts with something visible
    return not _SPACES.sub("", value)


def text(value: Any) -> str:
    """Free text as typed, trimmed (also full-width and no-break spaces at either end).

    Names keep their full-width punctuation: “昆明（老挝）公司” stays as registered. A whole number typed into
    a text column comes back without “.0”."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else format(value, ".15g")
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip(" \t\r\n\u00a0\u3000\u200b\ufeff")


def folded(value: Any) -> str:
    """Text for matching codes and choices: full-width forms folded (NFKC), every space removed."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", text(value)))


# Full-width digits and the punctuation of numbers (．，－＋) as typed with a Chinese input method. Nothing
# else is folded for numbers: NFKC would read "10⁵" as 105 and "①②" as 12.
_NARROW = str.maketrans("０１２３４５６７８９．，－＋", "0123456789.,-+")
_NUMBER = re.compile(r"[-+]?[0-9][0-9,]*(?:\.[0-9]+)?")


def narrowed(value: Any) -> str:
    """Text of a number or an amount: full-width digits and number punctuation made ASCII, spaces removed."""
    return _SPACES.sub("", text(value).translate(_NARROW))


def number(value: Any) -> Decimal:
    """A number cell (an area, a count) as the decimal typed: ASCII or full-width digits, one decimal point,
    thousands separators; anything else (10⁵, ①②, 1e5, ½) is refused."""
    if isinstance(value, bool) or isinstance(value, dt.date | dt.time | dt.timedelta):
        raise CellError(_("不是数字，请填写如 5000 或 47.03"))
    if isinstance(value, int | float):
        if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
            raise CellError(_("不是有效的数字"))
        return decimal_of(value)
    typed = narrowed(value)
    if not _NUMBER.fullmatch(typed):
        raise CellError(_("不是数字，请填写如 5000 或 47.03"))
    return Decimal(typed.replace(",", ""))


def decimal_of(value: float | int) -> Decimal:
    """A numeric cell as the decimal the official typed (15 significant digits, as Excel keeps)."""
    if isinstance(value, int):
        return Decimal(value)
    return Decimal(format(value, ".15g"))


_DECIMALS_OF_UNIT = {10**k: k for k in range(0, 13)}  # fen per unit → decimals a unit may have


def _float_fen(value: float, decimals: int) -> int | None:
    """The decimal path below done on the 15-digit text, without Decimal: the same answer for a plain
    (non-exponent) number; None sends every other case (exponents, too many decimals) down the exact path."""
    typed = format(value, ".15g")
    if "e" in typed or "n" in typed:
        return None
    whole, _dot, fraction = typed.partition(".")
    if len(fraction) > decimals:
        return None
    negative = whole.startswith("-")
    fen = int(whole.lstrip("-") or "0") * 10**decimals + int(fraction.ljust(decimals, "0") or "0")
    return -fen if negative else fen


def money(value: Any, *, unit_fen: int) -> int:
    """An amount into fen. `unit_fen` is the column's unit when the cell writes none."""
    if isinstance(value, bool) or isinstance(value, dt.date | dt.time | dt.timedelta):
        raise CellError(_("不是金额，请填写数字，如 1234.56"))
    if value.__class__ is float and value.is_integer() and -(2**53) < value < 2**53:
        return int(value) * unit_fen  # the common case, exact: a whole number stored as a float
    if value.__class__ is int:
        return value * unit_fen
    if value.__class__ is float and unit_fen in _DECIMALS_OF_UNIT:
        fen = _float_fen(value, _DECIMALS_OF_UNIT[unit_fen])
        if fen is not None:
            return fen
    if isinstance(value, int | float):
        if isinstance(value, float) and (value != value or value in (float("inf"), float("-inf"))):
            raise CellError(_("不是有效的数字"))
        raw: Any = decimal_of(value)
        candidate = raw * unit_fen
        if candidate != candidate.to_integral_value():
            raise CellError(_("精确到分以下，请最多保留到分（0.01元）"))
        return int(candidate)
    cleaned = narrowed(value).lstrip("¥￥").replace("人民币", "")
    if cleaned.upper().endswith(("RMB", "ＲＭＢ")):
        cleaned = cleaned[:-3]
    try:
        return parse_fen(cleaned, unit_fen=unit_fen)
    except MoneyError as exc:
        if "精确到分以下" in str(exc):
            raise CellError(_("精确到分以下，请最多保留到分（0.01元）")) from exc
        raise CellError(_("不是有效的金额，请填写数字，可带单位，如 1,234.56、520万、2.92亿元")) from exc


_DATE_PATTERNS = (
    re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]?\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"),
    re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})[日号]?"),
    re.compile(r"(\d{4})(\d{2})(\d{2})"),
)
_MONTH_PATTERNS = (
    re.compile(r"(\d{4})[-/.](\d{1,2})"),
    re.compile(r"(\d{4})年(\d{1,2})月?(?:份)?"),
    re.compile(r"(\d{4})(\d{2})"),
)


def _serial(number: float) -> dt.date:
    if not 1 <= number < 2_958_466:  # Excel's range: 1900-01-01 to 9999-12-31
        raise CellError(_("不是有效的日期"))
    days = int(number)
    if days < 60:  # Excel counts a 29 February 1900 that never was; serials before it are one day later
        days += 1
    return EXCEL_EPOCH + dt.timedelta(days=days)


def date(value: Any) -> dt.date:
    """A date from a date cell, an Excel serial, or text: 2024-07-15, 2024/7/15, 2024.7.15, 2024年7月15日."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        raise CellError(_("不是有效的日期，请按 2024-07-15 的格式填写"))
    if isinstance(value, int | float):
        return _serial(value)
    raw = folded(value)
    for pattern in _DATE_PATTERNS:
        match = pattern.fullmatch(raw)
        if match:
            try:
                return dt.date(*(int(part) for part in match.groups()))
            except ValueError as exc:
                raise CellError(_("日期不存在，请核对年月日")) from exc
    if re.fullmatch(r"\d+(\.\d+)?", raw):
        return _serial(float(raw))
    raise CellError(_("不是有效的日期，请按 2024-07-15 的格式填写"))


def month(value: Any) -> dt.date:
    """The first day of a month: 2024-07, 2024/7, 2024年7月, 202407, or any date in the month."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = decimal_of(value)
        if number == number.to_integral_value() and 190001 <= number <= 209912 and 1 <= number % 100 <= 12:
            return dt.date(int(number) // 100, int(number) % 100, 1)
        return _serial(value).replace(day=1)
    if isinstance(value, dt.date | dt.datetime):
        return date(value).replace(day=1)
    raw = folded(value)
    for pattern in _MONTH_PATTERNS:
        match = pattern.fullmatch(raw)
        if match:
            year, number = (int(part) for part in match.groups())
            if not 1 <= number <= 12:
                raise CellError(_("月份应在1到12之间"))
            return dt.date(year, number, 1)
    try:
        return date(value).replace(day=1)
    except CellError:
        raise CellError(_("不是有效的月份，请按 2024-07 的格式填写")) from None


def choice(value: Any, options: Mapping[str, str]) -> str:
    """The stored value of a choice typed as its label or its value (case, width and spaces ignored)."""
    wanted = folded(value).lower()
    for stored, label in options.items():
        if wanted in (folded(stored).lower(), folded(label).lower()):
            return stored
    raise CellError(_("不在可选范围内，请从下拉列表中选择"))


def split_list(value: Any) -> list[str]:
    """A list typed into one cell: “五华区、盘龙区”, “530102,530103”, “五华区；盘龙区”."""
    raw = text(value)
    return [part.strip() for part in re.split(r"[、,，;；/\n]+", raw) if part.strip()]


def percent_bp(value: Any) -> int:
    """A percentage into basis points: 37.5, “37.5%” or “37.5％” → 3750. Finer than 0.01% is refused, never
    rounded; whether the value is in range is the service's to say."""
    if isinstance(value, bool) or isinstance(value, dt.date | dt.time | dt.timedelta):
        raise CellError(_("不是有效的百分数，请填写数字，如 37.5"))
    try:
        number = decimal_of(value) if isinstance(value, int | float) else Decimal(folded(value).removesuffix("%"))
    except InvalidOperation:
        raise CellError(_("不是有效的百分数，请填写数字，如 37.5")) from None
    if not number.is_finite():
        raise CellError(_("不是有效的百分数，请填写数字，如 37.5"))
    bp = number * 100
    if bp != bp.to_integral_value():
        raise CellError(_("百分数最多保留两位小数，如 37.25"))
    return int(bp)
