"""Display filters for settlement amounts (formatting only, no rules)."""

from __future__ import annotations

from django import template

from enclave.lib.money import format_yuan

register = template.Library()


@register.filter
def yuan_number(fen: int | None) -> str:
    """12345678 → '123,456.78' (元, for right-aligned columns)."""
    return "" if fen is None else format_yuan(int(fen)).removesuffix("元")


@register.filter
def get_item(mapping: dict, key: object) -> object:
    return mapping.get(key, "") if mapping else ""


@register.simple_tag
def basis_label(which: str) -> str:
    """The ledger label of sharing/basis.py (“assessment” or “in_place”), in the reader's language."""
    from enclave.sharing import basis

    return basis.label(which)
