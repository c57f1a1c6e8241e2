"""Display of registered capital in enterprise templates (formatting only, no rules)."""

from __future__ import annotations

from django import template

from enclave.i18n import wan

register = template.Library()


@register.filter
def capital_wan(fen: int | None) -> str:
    """Registered capital as officials read it: 50_000_000_00 → '5,000.00万元'."""
    return "" if fen is None else wan(int(fen))
