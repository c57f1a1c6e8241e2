"""Display filters for land and floor areas (formatting only): 亩 with two places, m² whole or in 万平方米."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.translation import gettext

from enclave.lib.units import square_metres_from_mu

register = template.Library()


def _number(value: Decimal, places: int) -> str:
    return f"{value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP):,.{places}f}"


@register.filter
def mu(value: Decimal | int | str | None) -> str:
    """47.03 → '47.03亩' (English: '47.03 mu')."""
    if value in (None, ""):
        return ""
    return gettext("%(value)s亩") % {"value": _number(Decimal(value), 2)}


@register.filter
def mu_m2(value: Decimal | int | str | None) -> str:
    """The same land in m²: 47.03亩 → '31,353.33平方米'."""
    if value in (None, ""):
        return ""
    return gettext("%(value)s平方米") % {"value": _number(square_metres_from_mu(value), 2)}


@register.filter
def m2(value: Decimal | int | str | None) -> str:
    """Floor area: 51800 → '5.18万平方米', 8500 → '8,500平方米'."""
    if value in (None, ""):
        return ""
    value = Decimal(value)
    if abs(value) >= 10000:
        return gettext("%(value)s万平方米") % {"value": _number(value / 10000, 2)}
    return gettext("%(value)s平方米") % {"value": _number(value, 0)}


@register.filter
def resource_price(resource: object) -> str:
    """An offer's price with its basis: '12.50 元/平方米·月', '0' → '面议'."""
    from enclave.lib.money import FEN_PER_YUAN, fen_to_decimal

    fen = getattr(resource, "price_fen", 0) or 0
    if not fen:
        return gettext("面议")
    amount = _number(fen_to_decimal(fen, FEN_PER_YUAN), 2)
    return f"{amount} {resource.get_price_unit_display()}"  # type: ignore[attr-defined]
