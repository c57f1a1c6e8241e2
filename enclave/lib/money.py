"""Money at the edges: parse what officials type into integer fen, and format fen for reading.

Amounts are stored as integer fen (分). Conversion happens only here, with Decimal and an explicit rule:
input with more precision than one fen is refused rather than rounded, so no fen appears or vanishes.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

FEN_PER_YUAN = 100
FEN_PER_WAN = 1_000_000  # 1万元
FEN_PER_YI = 10_000_000_000  # 1亿元

_UNITS = {"亿元": FEN_PER_YI, "亿": FEN_PER_YI, "万元": FEN_PER_WAN, "万": FEN_PER_WAN, "元": FEN_PER_YUAN}
_FULLWIDTH = str.maketrans("０１２３４５６７８９．，－＋　", "0123456789.,-+ ")


class MoneyError(ValueError):
    """An amount that cannot be read exactly; the message is for the official who typed it."""


def parse_fen(text: str | int | Decimal, *, unit_fen: int = FEN_PER_YUAN) -> int:
    """Read an amount into fen. `unit_fen` is the unit the number is in when no unit is written.

    Accepts full-width digits, thousands separators and a written unit (元/万元/万/亿元/亿).
    Refuses anything finer than one fen.
    """
    if isinstance(text, int):
        return text * unit_fen
    raw = str(text).translate(_FULLWIDTH).strip().replace(",", "").replace(" ", "")
    if not raw:
        raise MoneyError("金额不能为空")
    for suffix, factor in _UNITS.items():
        if raw.endswith(suffix):
            raw, unit_fen = raw[: -len(suffix)], factor
            break
    if not re.fullmatch(r"[-+]?[0-9]+(\.[0-9]+)?", raw):  # ASCII digits only: "١٢" is no amount
        raise MoneyError(f"“{text}”不是有效的金额")
    try:
        value = Decimal(raw) * unit_fen
    except InvalidOperation as exc:  # pragma: no cover - the regex already guards
        raise MoneyError(f"“{text}”不是有效的金额") from exc
    if value != value.to_integral_value():
        raise MoneyError(f"“{text}”精确到分以下，请最多保留到分")
    return int(value)


def fen_to_decimal(fen: int, unit_fen: int = FEN_PER_YUAN) -> Decimal:
    """Exact value of `fen` in the given unit (元 by default)."""
    return Decimal(fen) / Decimal(unit_fen)


def format_yuan(fen: int) -> str:
    """1234567 → '12,345.67元'."""
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), FEN_PER_YUAN)
    return f"{sign}{yuan:,}.{cents:02d}元"


def format_wan(fen: int, places: int = 2) -> str:
    """Fen in 万元, rounded half up to `places`: 2_920_000_000 → '2,920.00万元'."""
    value = fen_to_decimal(fen, FEN_PER_WAN).quantize(Decimal(1).scaleb(-places), rounding="ROUND_HALF_UP")
    return f"{value:,.{places}f}万元"


def format_yi(fen: int, places: int = 2) -> str:
    """Fen in 亿元 as the reports write it: 129_200_000_000 → '12.92亿元'."""
    value = fen_to_decimal(fen, FEN_PER_YI).quantize(Decimal(1).scaleb(-places), rounding="ROUND_HALF_UP")
    return f"{value:,.{places}f}亿元"


def format_auto(fen: int) -> str:
    """The form a report would use: 亿元 from 1亿, 万元 from 1万, else 元."""
    if abs(fen) >= FEN_PER_YI:
        return format_yi(fen)
    if abs(fen) >= FEN_PER_WAN:
        return format_wan(fen)
    return format_yuan(fen)


def _trimmed(value: Decimal, places: int) -> str:
    """Round half up to `places` and drop trailing zeros: 2000.00 → '2000', 1.50 → '1.5' (no separators)."""
    text = f"{value.quantize(Decimal(1).scaleb(-places), rounding='ROUND_HALF_UP'):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def format_report(fen: int) -> str:
    """An amount as a report's sentence writes it: '12.92亿元', '2000万元', '520万元', '3,500元'.

    亿元 keep two places (the reports' form); 万元 drop trailing zeros and separators; below 1万 in 元.
    """
    if abs(fen) >= FEN_PER_YI:
        return format_yi(fen)
    if abs(fen) >= FEN_PER_WAN:
        return f"{_trimmed(fen_to_decimal(fen, FEN_PER_WAN), 2)}万元"
    return f"{_trimmed(fen_to_decimal(fen, FEN_PER_YUAN), 2)}元"
