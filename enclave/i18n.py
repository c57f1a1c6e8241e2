"""Small helpers for the bilingual UI (Chinese first, English second).

Message ids are the Chinese texts; English comes from enclave/locale/en. Exports (.xlsx) are Chinese
documents whatever the page language, so their views run under `chinese_documents`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.translation import gettext

from enclave.lib.money import format_wan, format_yi


def joined(items: Iterable[Any]) -> str:
    """A list as the reader's language writes it: “甲、乙、丙” or “A, B, C”."""
    return gettext("、").join(str(item) for item in items)


def chinese_documents(
    when: Callable[[HttpRequest], bool] | None = None,
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Run a view in the default language (Chinese): for exports, always or only when `when(request)`."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if when is not None and not when(request):
                return view(request, *args, **kwargs)
            with translation.override(settings.LANGUAGE_CODE):
                return view(request, *args, **kwargs)

        return wrapped

    return decorate


def xlsx_requested(request: HttpRequest) -> bool:
    return request.GET.get("format") == "xlsx"


def wan(fen: int) -> str:
    """An amount in 万元 with its unit in the reader's language: '2,920.00万元' / '2,920.00 × 10k yuan'."""
    return gettext("%(amount)s万元") % {"amount": format_wan(fen).removesuffix("万元")}


def yi(fen: int) -> str:
    """An amount in 亿元 with its unit in the reader's language: '12.92亿元' / '12.92 × 100m yuan'."""
    return gettext("%(amount)s亿元") % {"amount": format_yi(fen).removesuffix("亿元")}
