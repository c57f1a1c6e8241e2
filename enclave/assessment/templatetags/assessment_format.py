"""Display filters of the assessment (formatting only, no rules)."""

from __future__ import annotations

from django import template

from enclave.assessment.models import COUNT_SOURCES
from enclave.lib.money import format_wan

register = template.Library()


@register.filter
def points(centi: int | None) -> str:
    """8750 → '87.50' (scores are kept in centi-points)."""
    if centi is None:
        return ""
    sign = "-" if centi < 0 else ""
    whole, part = divmod(abs(int(centi)), 100)
    return f"{sign}{whole}.{part:02d}"


@register.filter
def percent_bp(bp: int | None) -> str:
    """9876 → '98.76%'."""
    return "" if bp is None else f"{int(bp) / 100:.2f}%"


@register.filter
def measure(value: int | None, source: str) -> str:
    """An indicator value as shown: a count as is, an amount in 万元 (number only)."""
    if value is None:
        return ""
    if source in COUNT_SOURCES:
        return str(value)
    return format_wan(int(value)).removesuffix("万元")
