"""Display filters for dashboard tables (formatting only)."""

from __future__ import annotations

from decimal import Decimal

from django import template

register = template.Library()


@register.filter
def zip_links(rows: tuple, links: tuple) -> list[tuple]:
    """Pair each table row with the URL its label opens."""
    return list(zip(rows, links, strict=True))


@register.filter
def cell_number(value: object) -> str:
    """Decimal amounts with separators and two places; counts as they are."""
    if isinstance(value, Decimal):
        return f"{value.quantize(Decimal('0.01'), rounding='ROUND_HALF_UP'):,.2f}"
    return str(value)
