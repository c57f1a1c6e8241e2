"""The views' adapter of enclave.lib.params: read one query parameter, refuse a bad one with a 400.

`param(request.GET, "year", params.year)` returns the parsed value, the default when the parameter is
absent or empty, and raises BadRequest (Django answers 400 through `handler400`, enclave.errors) with a
Chinese sentence naming the parameter when the value cannot mean anything.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import BadRequest
from django.http import HttpRequest

from enclave.lib import params as parse
from enclave.lib.params import ParamError

T = TypeVar("T")


def raw(query: Mapping[str, Any], key: str) -> str:
    """The parameter's text (the last one when repeated), stripped; "" when absent."""
    getlist = getattr(query, "getlist", None)
    values = getlist(key) if getlist is not None else query.get(key)
    if not isinstance(values, list | tuple):
        values = [values]
    value = values[-1] if values else None
    return str(value if value is not None else "").strip()


def param(query: Mapping[str, Any], key: str, parser: Callable[[str], T], default: Any = None) -> T | Any:
    text = raw(query, key)
    if not text:
        return default
    try:
        return parser(text)
    except ParamError as exc:
        raise BadRequest(f"参数“{key}”无效：{exc}") from exc


def text(query: Mapping[str, Any], key: str, limit: int = parse.MAX_TEXT) -> str:
    """Free text (a search, an origin): stripped and cut to `limit` characters; any text means something."""
    return raw(query, key)[:limit]


def choice(query: Mapping[str, Any], key: str, allowed: Iterable[str], *, upper: bool = False) -> str:
    """One of a fixed set of values (a status, a kind, a tier), or "" when absent; anything else is a 400."""
    value = raw(query, key)
    if upper:
        value = value.upper()
    if not value:
        return ""
    options = [str(option) for option in allowed]
    if value not in options:
        shown = "、".join(options[:12]) + ("…" if len(options) > 12 else "")
        raise BadRequest(f"参数“{key}”无效：“{value[:20]}”不是可选值（{shown}）")
    return value


def flag(query: Mapping[str, Any], key: str) -> bool:
    """A check box: 1/on/true is ticked, 0/off/false or absent is not; anything else is a 400."""
    value = raw(query, key).lower()
    if value in ("1", "on", "true"):
        return True
    if value in ("", "0", "off", "false"):
        return False
    raise BadRequest(f"参数“{key}”无效：应为 1 或 0")


def page_number(request: HttpRequest) -> int | str | None:
    """`?page=` for Django's paginator: a page number, "last", or None (the first page)."""
    return param(request.GET, "page", parse.page)


class NulRefusingMiddleware:
    """No query parameter may carry a NUL character: PostgreSQL text cannot hold one, so a search for it would
    fail in the database. Refused for every route at once as a bad request (400, handler400)."""

    def __init__(self, get_response: Callable[[HttpRequest], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> Any:
        if any("\x00" in key or any("\x00" in v for v in values) for key, values in request.GET.lists()):
            raise BadRequest("查询参数含有不允许的空字符（NUL），请检查链接")
        return self.get_response(request)
