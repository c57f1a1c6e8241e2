"""Query parameters: one family of parsers for every page and API filter (years, dates, periods, page
numbers, unit and park codes).

Django-free: each parser takes the text as sent and returns the value, or raises ParamError with a Chinese
sentence. Only ASCII digits count as digits (`str.isdigit` also accepts "٠٠٠٠" and "²", which `int()` then
reads or refuses). The adapters are `enclave.query_params.param` for views (a refusal is a 400 page) and
the pydantic types in `enclave.api_schemas` (`QueryYear`, `QueryDay`, …) for django-ninja (a refusal is a
400 JSON answer).
"""

from __future__ import annotations

import datetime as dt
import re

from enclave.lib import periods

MIN_YEAR, MAX_YEAR = 1949, 2100
MIN_DAY, MAX_DAY = (
    dt.date(1900, 1, 1),
    dt.date(2100, 12, 31),
)  # the API's Day: far-off dates are typing errors
MAX_PAGE_NO = 1_000_000
MAX_TEXT = 100

_YEAR_RE = re.compile(r"[0-9]{4}")
_DAY_RE = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})")
_PAGE_RE = re.compile(r"[0-9]{1,7}")
# Unit codes are GB/T 2260 codes (530102) or lowercase platform codes (gaoxin); park codes are platform codes.
_CODE_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,31}")


class ParamError(ValueError):
    """A query parameter that cannot mean anything: the Chinese message says what it should be."""


def _text(value: object) -> str:
    return str(value).strip()


def year(value: object) -> int:
    """A year such as 2024: four ASCII digits, 1949–2100."""
    text = _text(value)
    if not _YEAR_RE.fullmatch(text):
        raise ParamError(f"年份应为四位数字（{MIN_YEAR}–{MAX_YEAR}），如 2024")
    number = int(text)
    if not MIN_YEAR <= number <= MAX_YEAR:
        raise ParamError(f"年份应在{MIN_YEAR}至{MAX_YEAR}之间")
    return number


def day(value: object) -> dt.date:
    """A date written YYYY-MM-DD (ASCII digits), 1900-01-01 to 2100-12-31; `0` or a timestamp is no date."""
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        text = value.isoformat()
    else:
        text = _text(value)
    match = _DAY_RE.fullmatch(text)
    if not match:
        raise ParamError("日期格式应为 YYYY-MM-DD，如 2025-03-31")
    try:
        parsed = dt.date(*(int(part) for part in match.groups()))
    except ValueError as exc:
        raise ParamError(f"日期“{text}”不存在") from exc
    if not MIN_DAY <= parsed <= MAX_DAY:
        raise ParamError(f"日期应在{MIN_DAY:%Y-%m-%d}至{MAX_DAY:%Y-%m-%d}之间")
    return parsed


def period(value: object) -> periods.Period:
    """A period: a year (2024), a quarter (2024Q3) or a month (2024-07); its year 1949–2100."""
    text = _text(value).upper()
    if not text.isascii():
        raise ParamError("期间应为 2024、2024Q3 或 2024-07")
    try:
        parsed = periods.parse(text)
    except ValueError as exc:
        raise ParamError(str(exc)) from exc
    if not MIN_YEAR <= parsed.start.year <= MAX_YEAR:
        raise ParamError(f"期间的年份应在{MIN_YEAR}至{MAX_YEAR}之间")
    return parsed


def page(value: object) -> int | str:
    """A page number (1, 2, …) or "last", as Django's paginator takes them."""
    text = _text(value)
    if text == "last":
        return text
    if not _PAGE_RE.fullmatch(text) or not 1 <= int(text) <= MAX_PAGE_NO:
        raise ParamError("页码应为正整数")
    return int(text)


def code(value: object) -> str:
    """A unit or park code: letters, digits, "-" or "_", at most 32 characters (530102, gaoxin, mohan)."""
    text = _text(value)
    if not _CODE_RE.fullmatch(text):
        raise ParamError("代码只能由字母、数字、连字符组成，最长 32 个字符")
    return text


def quarter(value: object) -> int:
    """A quarter number 1–4."""
    text = _text(value)
    if text not in ("1", "2", "3", "4"):
        raise ParamError("季度只能是 1–4")
    return int(text)


def object_id(value: object) -> int:
    """A row id: a positive integer that fits the database's BIGINT."""
    text = _text(value)
    if not re.fullmatch(r"[0-9]{1,19}", text) or not 0 < int(text) < 2**63:
        raise ParamError("编号应为正整数")
    return int(text)


_INDUSTRY_RE = re.compile(r"[A-T]|[0-9]{2}")


def industry(value: object) -> str:
    """A GB/T 4754 section letter (门类, A–T) or two-digit division (大类, 13)."""
    text = _text(value).upper()
    if not _INDUSTRY_RE.fullmatch(text):
        raise ParamError("行业应为门类字母（A–T）或两位大类代码，如 C 或 39")
    return text
