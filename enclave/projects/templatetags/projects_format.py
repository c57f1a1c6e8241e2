"""Display filters for amounts and shares in project templates (formatting only, no rules)."""

from __future__ import annotations

from decimal import Decimal

from django import template

from enclave import i18n
from enclave.lib.money import FEN_PER_WAN, fen_to_decimal

register = template.Library()


@register.filter
def wan(fen: int | None) -> str:
    """2_920_000_000 → '2,920.00万元' (English: '2,920.00 × 10k yuan')."""
    return "" if fen is None else i18n.wan(int(fen))


@register.filter
def yi(fen: int | None) -> str:
    """129_200_000_000 → '12.92亿元' (English: '12.92 × 100m yuan')."""
    return "" if fen is None else i18n.yi(int(fen))


@register.filter
def wan_number(fen: int | None) -> str:
    """The 万元 figure without its unit, for right-aligned table columns: '2,920.00'."""
    if fen is None:
        return ""
    value = fen_to_decimal(int(fen), FEN_PER_WAN).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")
    return f"{value:,.2f}"


@register.filter
def bp_percent(bp: int | str | None) -> str:
    """Basis points as a percentage: 5000 → '50%', 3333 → '33.33%'."""
    try:
        value = (Decimal(int(bp)) / 100).normalize()  # type: ignore[arg-type]
    except (TypeError, ValueError):  # an unreadable value typed into a form
        return ""
    return f"{value:f}%"
