"""Who is asking, from where: request facts the audit trail records, without passing `request` to services."""

from __future__ import annotations

import contextvars
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    ip: str | None = None
    request_id: str = ""
    method: str = ""  # HTTP method; "" outside a request (commands, jobs)


_NONE = RequestContext()
_current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar(
    "enclave_request", default=None
)


def current() -> RequestContext:
    return _current.get() or _NONE


def bind(ctx: RequestContext) -> contextvars.Token[RequestContext | None]:
    return _current.set(ctx)


def unbind(token: contextvars.Token[RequestContext | None]) -> None:
    _current.reset(token)
