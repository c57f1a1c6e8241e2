"""Display of registered capital in enterprise templates (formatting only, no rules)."""

from __future__ import annotations

from django import template

from enclave.lib.money import format_wan

register = template.Library()


@register.filter
def capital_wan(fen: int | None) -> str:
    """Registered capital as officials read it: 50_000_000_00 → '5,000.00万元'."""
    return "" if fen is None else format_wan(int(fen))
