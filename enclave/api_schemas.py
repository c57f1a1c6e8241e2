"""What every API router shares: safe input types, reference-object outputs and the error contract.

Kept apart from enclave/api.py so the app routers can import it while api.py imports the routers.
Input types are strict on purpose: a string with a NUL byte or a lone surrogate, an id beyond BIGINT
or a float amount would otherwise reach the database and come back as a 500.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from ninja import Schema
from pydantic import AfterValidator, BeforeValidator, ConfigDict, Field, StringConstraints

from enclave.lib import params as parse

MAX_ID = 2**63 - 1  # BIGINT: larger ids are refused before any query is built
MAX_FEN = settings.ENCLAVE_MAX_AMOUNT_FEN
MAX_PAGE = 100


def _clean_text(value: str) -> str:
    """Refuse text the database cannot store (PostgreSQL rejects NUL; UTF-8 rejects lone surrogates)."""
    if "\x00" in value:
        raise ValueError("不能包含空字符（\\0）")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValueError("包含无法识别的字符") from exc
    return value


def Text(max_length: int, min_length: int = 0) -> Any:  # noqa: N802 - used like a type
    """A string of at most `max_length` characters that the database can store."""
    return Annotated[
        str, StringConstraints(max_length=max_length, min_length=min_length), AfterValidator(_clean_text)
    ]


Code = Text(32, 1)  # unit, park, industry and party codes
ObjectId = Annotated[int, Field(ge=1, le=MAX_ID)]  # in paths and queries, so not strict
# Integer fen only: strict refuses 1.5, "100" and true, so no float ever becomes money.
Fen = Annotated[int, Field(strict=True, ge=0, le=MAX_FEN)]
BasisPoints = Annotated[int, Field(strict=True, ge=0, le=10000)]


def _parsed(parser: Any) -> Any:
    """A pydantic before-validator from an enclave.lib.params parser (its ParamError is a ValueError, so
    its Chinese sentence becomes the field's message)."""
    return BeforeValidator(lambda value: value if value is None else parser(value))


# Dates the policy can be about: far-off years are typing errors, and month arithmetic on year 9999
# (a 60-month agreement) would overflow. Written YYYY-MM-DD: a number (`to=0`) is no date.
Day = Annotated[dt.date, _parsed(parse.day), Field(ge=parse.MIN_DAY, le=parse.MAX_DAY)]

# Query filters, parsed by the same family as the pages' parameters (a refusal is a 400).
QueryYear = Annotated[int, _parsed(parse.year), Field(ge=parse.MIN_YEAR, le=parse.MAX_YEAR)]
QueryPeriod = Annotated[
    str, _parsed(lambda value: parse.period(value).label), Field(pattern=r"^[0-9]{4}(Q[1-4]|-[0-9]{2})?$")
]
QueryCode = Annotated[str, _parsed(parse.code), Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")]


def _month_start(value: Any) -> Any:
    """Accept "2024-07" as well as a full date for month fields."""
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}", value.strip()):
        return value.strip() + "-01"
    return value


Month = Annotated[
    dt.date, BeforeValidator(_month_start), Field(ge=dt.date(1900, 1, 1), le=dt.date(2100, 12, 31))
]


class InputSchema(Schema):
    """Bodies refuse unknown fields, so `status`, `filing_unit` or `code` can never ride along."""

    model_config = ConfigDict(extra="forbid")


# ---------------------------------------------------------------- reference objects in output


class UnitRef(Schema):
    code: str
    name: str


class ParkRef(Schema):
    code: str
    name: str


class IndustryRef(Schema):
    code: str
    name: str


def unit_ref(unit: Any) -> dict[str, str] | None:
    return {"code": unit.code, "name": unit.name} if unit is not None else None


def park_ref(park: Any) -> dict[str, str] | None:
    return {"code": park.code, "name": park.name} if park is not None else None


def industry_ref(industry: Any) -> dict[str, str] | None:
    return {"code": industry.code, "name": industry.name} if industry is not None else None


# ---------------------------------------------------------------- errors


class ErrorOut(Schema):
    detail: str


class FieldError(Schema):
    field: str
    message: str


class ValidationErrorOut(Schema):
    detail: list[FieldError]


ERRORS: dict[int, Any] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ValidationErrorOut,
}


def responses(ok: Any, status: int = 200) -> dict[int, Any]:
    """The documented responses of an operation: its result plus every error shape it can return."""
    return {status: ok, **ERRORS}


def field_errors_from_django(exc: DjangoValidationError) -> list[dict[str, str]]:
    """Flatten a Django ValidationError (the services' Chinese messages) into field/message pairs."""
    if hasattr(exc, "error_dict"):
        return [
            {"field": field, "message": str(message)}
            for field, messages in exc.message_dict.items()
            for message in messages
        ]
    return [{"field": "__all__", "message": str(message)} for message in exc.messages]


_PARAM_NAMES = frozenset({"payload", "filters"})  # the view argument names ninja puts into `loc`


def _field_of(loc: tuple[Any, ...] | list[Any]) -> str:
    parts = [str(p) for p in list(loc)[1:] if p not in _PARAM_NAMES]
    return ".".join(parts) or "__all__"


def _message_of(error: dict[str, Any]) -> str:
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    if kind == "value_error" and ctx.get("error"):
        return str(ctx["error"]).removeprefix("Value error, ")
    if kind == "missing":
        return "必填"
    if kind == "extra_forbidden":
        return "不接受该字段（该值只能由系统或相应的审查操作设置）"
    if kind in {"int_type", "int_parsing", "int_from_float", "int_parsing_size"}:
        return "应为整数（金额以分为单位的整数）" if "fen" in _field_of(error.get("loc", ())) else "应为整数"
    if kind in {"greater_than_equal", "less_than_equal"} and isinstance(
        ctx.get("ge", ctx.get("le")), dt.date
    ):
        bound = ctx.get("ge", ctx.get("le"))
        return f"日期应在{bound:%Y-%m-%d}{'之后' if 'ge' in ctx else '之前'}"
    if kind == "greater_than_equal":
        return f"不能小于{ctx.get('ge')}"
    if kind == "greater_than":
        return f"应大于{ctx.get('gt')}"
    if kind == "less_than_equal":
        return f"不能大于{ctx.get('le')}"
    if kind == "less_than":
        return f"应小于{ctx.get('lt')}"
    if kind == "string_too_long":
        return f"不能超过{ctx.get('max_length')}个字符"
    if kind == "string_too_short":
        return "不能为空" if ctx.get("min_length") == 1 else f"不能少于{ctx.get('min_length')}个字符"
    if kind == "too_long":
        return f"最多{ctx.get('max_length')}项"
    if kind == "string_pattern_mismatch":
        return "格式不正确"
    if kind == "string_type":
        return "应为文本"
    if kind.startswith("date") or kind.startswith("datetime"):
        return "日期无效，格式应为 YYYY-MM-DD"
    if kind in {"literal_error", "enum"}:
        return f"无效的选项，应为：{str(ctx.get('expected', '')).replace(' or ', ', ')}"
    if kind.startswith("bool"):
        return "应为 true 或 false"
    if kind in {"list_type", "tuple_type", "set_type"}:
        return "应为列表"
    if kind in {"model_type", "dict_type", "model_attributes_type"}:
        return "格式不正确，应为对象"
    if kind.startswith("json"):
        return "JSON 格式不正确"
    return "输入无效"


def field_errors_from_pydantic(errors: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Translate ninja's request validation errors (English, pydantic) into Chinese field messages."""
    return [{"field": _field_of(e.get("loc", ())), "message": _message_of(e)} for e in errors]
