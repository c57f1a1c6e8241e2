"""Policy periods: months, quarters and years as plain dates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Period:
    """A closed date range [start, end] with a label such as 2025Q1, 2024 or 2024-07."""

    start: dt.date
    end: dt.date
    label: str

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.end


def month(year: int, month_no: int) -> Period:
    start = dt.date(year, month_no, 1)
    nxt = dt.date(year + (month_no == 12), month_no % 12 + 1, 1)
    return Period(start, nxt - dt.timedelta(days=1), f"{year}-{month_no:02d}")


def quarter(year: int, q: int) -> Period:
    if q not in (1, 2, 3, 4):
        raise ValueError("季度只能是 1–4")
    first = month(year, 3 * q - 2)
    last = month(year, 3 * q)
    return Period(first.start, last.end, f"{year}Q{q}")


def year(year_no: int) -> Period:
    return Period(dt.date(year_no, 1, 1), dt.date(year_no, 12, 31), str(year_no))


def quarter_of(day: dt.date) -> int:
    return (day.month - 1) // 3 + 1


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day-of-month `months` later, clamped to the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    y, m = divmod(index, 12)
    last = month(y, m + 1).end.day
    return dt.date(y, m + 1, min(day.day, last))


# Periods the platform can mean: anything outside is a typing error, refused with a Chinese message (not
# Python's English "year 0 is out of range").
MIN_YEAR, MAX_YEAR = 1900, 2999


def parse(label: str) -> Period:
    """'2025' → year, '2025Q1' → quarter, '2025-03' → month."""
    text = label.strip().upper()
    unknown = f"无法识别的期间“{label}”，应为 2025、2025Q1 或 2025-03"
    if len(text) not in (4, 6, 7) or not text.isascii() or not text[:4].isdigit():
        raise ValueError(unknown)
    year_no = int(text[:4])
    if not MIN_YEAR <= year_no <= MAX_YEAR:
        raise ValueError(f"期间“{label}”的年份应在{MIN_YEAR}至{MAX_YEAR}之间")
    if len(text) == 4:
        return year(year_no)
    if len(text) == 6 and text[4] == "Q":
        if text[5] not in "1234":
            raise ValueError("季度只能是 1–4")
        return quarter(year_no, int(text[5]))
    if len(text) == 7 and text[4] == "-" and text[5:].isdigit():
        if not 1 <= int(text[5:]) <= 12:
            raise ValueError(f"期间“{label}”的月份应在01至12之间")
        return month(year_no, int(text[5:]))
    raise ValueError(unknown)
