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
