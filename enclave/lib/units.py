"""Land areas as the reports write them: 亩 for parcels, 万平方米 for floor space.

Pure helpers with Decimal and an explicit rounding rule (half up), like lib/money.py. 1亩 is 10000/15 m²
exactly (666.67 m² rounded), so conversions go through that fraction and never through a float.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

SQUARE_METRES_PER_MU = Decimal(10000) / Decimal(15)  # 1亩 = 666.666… m²
_TEN_THOUSAND = Decimal(10000)


def _quantized(value: Decimal, places: int) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def mu_from_square_metres(square_metres: Decimal | int) -> Decimal:
    """m² → 亩, exact to the Decimal context (round only when formatting)."""
    return Decimal(square_metres) * 15 / _TEN_THOUSAND


def square_metres_from_mu(mu: Decimal | int | str) -> Decimal:
    """亩 → m², exact to the Decimal context."""
    return Decimal(mu) * _TEN_THOUSAND / 15


def format_mu(mu: Decimal | int | str, places: int = 2) -> str:
    """47.03 → '47.03亩' (two places, as land auctions report them)."""
    return f"{_quantized(Decimal(mu), places):,.{places}f}亩"


def format_area(square_metres: Decimal | int | str, places: int = 2) -> str:
    """Floor space: '5.18万平方米' from 10,000 m², otherwise '8,500平方米' (whole square metres)."""
    value = Decimal(square_metres)
    if abs(value) >= _TEN_THOUSAND:
        return f"{_quantized(value / _TEN_THOUSAND, places):,.{places}f}万平方米"
    return f"{_quantized(value, 0):,.0f}平方米"
