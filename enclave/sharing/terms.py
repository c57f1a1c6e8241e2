"""Sharing periods (分享期限) from the policy, as plain functions: no Django, no database.

A policy row (projects.SharingPolicy) carries a duration in months, the event its period starts from, and
optionally a cap and an extension; an agreement may override the cap and the extension, and may name its own
months. The rules, in the order they apply:

1. **Start.** An explicit start month on the agreement wins (the event is then "a month set on the
   agreement"). Otherwise the policy's start event decides:
   - first_tax_after_recognition (new recruitment): the first month with tax paid from the month after
     recognition on. Until that tax is reported the start is *pending*: the agreement covers every month from
     the month after recognition on (a month with no tax settles to zero anyway) and its end is not yet known;
   - move (stock relocation): the month of the move, which must be recorded on the project;
   - agreement_month: the agreement must name the month.
2. **End.** An explicit end month on the agreement wins; otherwise end = start + duration − 1 (inclusive).
   An end before the start is refused.
3. **Cap and extension** (the shape of 财预〔2015〕92号): the cap is the most the cooperating side may receive in
   total over the agreement; the extension is the months added after the end when the cap has not been reached
   by then. The agreement covers its extension months in every case, and the settlement's cap pass
   (engine.cap_apply) decides who gets them: while the cooperating side is below its cap it shares as before;
   once the cap is reached — at the end or during the extension — the host gets every fen, which is what a
   month outside the agreement would give (the retained part stays where the enterprise pays). So no reader
   has to know the ledger's total at the end month, and a late correction never turns a covered month into an
   uncovered one (which would block the period, issue 13 item 3). A cap below zero is refused; a policy row that says its cap is "the taxes of N years before the
   move" needs the amount written on the agreement.

Errors are `TermsError`, a mapping of field → Chinese sentence, so a form or API shows each at its field.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from enclave.lib.periods import add_months

FIRST_TAX = "first_tax_after_recognition"
MOVE = "move"
AGREEMENT_MONTH = "agreement_month"
START_EVENTS = (FIRST_TAX, MOVE, AGREEMENT_MONTH)
MAX_MONTHS = 600


class TermsError(ValueError):
    """Refused terms: `errors` maps each field to its Chinese message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("；".join(errors.values()))
        self.errors = errors


@dataclass(frozen=True)
class PolicyTerms:
    """What a policy row says about the period (values as stored on projects.SharingPolicy)."""

    duration_months: int
    start_event: str = AGREEMENT_MONTH
    cap_years_before_move: int | None = None
    extension_months: int = 0


@dataclass(frozen=True)
class Span:
    """The months an agreement covers, as fixed at recognition.

    `start` is None while a first-tax start is pending; `covers_from` is then the month after recognition.
    `end` is None only while pending with no explicit end."""

    start: dt.date | None
    end: dt.date | None
    covers_from: dt.date
    start_event: str
    end_explicit: bool
    duration_months: int
    cap_fen: int | None
    extension_months: int

    @property
    def pending(self) -> bool:
        return self.start is None


def month_of(day: dt.date) -> dt.date:
    return day.replace(day=1)


def first_tax_from(recognised_on: dt.date) -> dt.date:
    """The first month whose tax counts for a first-tax start: the month after recognition."""
    return add_months(month_of(recognised_on), 1)


def end_from(start: dt.date, duration_months: int) -> dt.date:
    """The last month (inclusive) of a period of `duration_months` starting in `start`."""
    return add_months(month_of(start), max(duration_months, 1) - 1)


def recognition_span(
    policy: PolicyTerms,
    *,
    recognised_on: dt.date,
    moved_on: dt.date | None = None,
    first_tax_month: dt.date | None = None,
    start_month: dt.date | None = None,
    end_month: dt.date | None = None,
    cap_fen: int | None = None,
    extension_months: int | None = None,
) -> Span:
    """The agreement's months and terms at recognition, or TermsError naming every bad field at once.

    `first_tax_month`: the first month with tax paid on or after `first_tax_from(recognised_on)`, if any is
    known yet. `start_month`/`end_month`/`cap_fen`/`extension_months` are the agreement's own values (None:
    not given, the policy decides)."""
    errors: dict[str, str] = {}
    event = AGREEMENT_MONTH if start_month is not None else policy.start_event
    covers_from = first_tax_from(recognised_on)
    start: dt.date | None
    if start_month is not None:
        start = month_of(start_month)
        covers_from = start
    elif event == FIRST_TAX:
        if first_tax_month is not None and month_of(first_tax_month) < covers_from:
            errors["start_month"] = (
                f"首个纳税月份{first_tax_month:%Y-%m}早于认定后的首个纳税期{covers_from:%Y-%m}"
            )
        start = month_of(first_tax_month) if first_tax_month is not None else None
        if start is not None:
            covers_from = start
    elif event == MOVE:
        if moved_on is None:
            errors["moved_on"] = (
                "存量流转项目的分享期限自搬迁月份起算：请退回报备单位补填搬迁日期及证明，或填写协议约定的分享起始月份"
            )
            start = None
        else:
            start = covers_from = month_of(moved_on)
    elif event == AGREEMENT_MONTH:
        errors["start_month"] = "该默认比例的分享期限自协议约定月份起算，请填写分享起始月份"
        start = None
    else:
        errors["start_month"] = f"未知的期限起算事件“{event}”"
        start = None

    duration = policy.duration_months
    if not isinstance(duration, int) or isinstance(duration, bool) or not 1 <= duration <= MAX_MONTHS:
        errors["duration_months"] = f"分享期限应为1到{MAX_MONTHS}个月"
        duration = 1
    end = month_of(end_month) if end_month is not None else (end_from(start, duration) if start else None)
    start_known = start is not None or (event == FIRST_TAX and "start_month" not in errors)
    if end is not None and start_known and end < covers_from:
        first = start or covers_from
        errors["end_month"] = f"分享终止月份（{end:%Y-%m}）不能早于起始月份（{first:%Y-%m}）"

    if cap_fen is not None and (not isinstance(cap_fen, int) or isinstance(cap_fen, bool)):
        errors["cap_fen"] = "协作地分享上限应为整数分"
    elif cap_fen is not None and cap_fen < 0:
        errors["cap_fen"] = "协作地分享上限不能为负数"
    elif cap_fen is None and policy.cap_years_before_move:
        errors["cap_fen"] = (
            f"该默认比例设有分享上限（企业搬迁前{policy.cap_years_before_move}年的纳税额），请填写协作地分享上限"
        )
    extension = policy.extension_months if extension_months is None else extension_months
    if not isinstance(extension, int) or isinstance(extension, bool) or not 0 <= extension <= MAX_MONTHS:
        errors["extension_months"] = f"未达上限延长应为0到{MAX_MONTHS}个月"
    elif extension and cap_fen is None and not errors.get("cap_fen"):
        errors["extension_months"] = "延长期限只在设有分享上限时适用，请填写协作地分享上限或将延长设为0"
    if errors:
        raise TermsError(errors)
    return Span(
        start=start,
        end=end,
        covers_from=covers_from,
        start_event=event,
        end_explicit=end_month is not None,
        duration_months=duration,
        cap_fen=cap_fen,
        extension_months=extension,
    )


@dataclass(frozen=True)
class StoredTerms:
    """An agreement row's period fields (projects.Agreement)."""

    start_month: dt.date
    end_month: dt.date
    start_event: str = ""
    end_explicit: bool = True
    duration_months: int | None = None
    extension_months: int = 0
    cap_fen: int | None = None


def agreement_span(terms: StoredTerms, *, first_tax_month: dt.date | None = None) -> tuple[dt.date, dt.date | None]:
    """The months a stored agreement covers: (first month, last month or None while open-ended).

    One function for every reader (the monthly report check, the settlement's inputs), so they never
    disagree. A first-tax agreement without an explicit end runs `duration_months` from the first month with
    tax on or after its stored start (`first_tax_month`, looked up by the caller); before any tax it is open.
    A capped agreement with an extension covers the extension months too (rule 3: the cap pass gives them all
    to the host once the cap is reached)."""
    start = terms.start_month
    end: dt.date | None = terms.end_month
    if terms.start_event == FIRST_TAX and not terms.end_explicit:
        if first_tax_month is None or month_of(first_tax_month) < start:
            return start, None
        end = end_from(first_tax_month, terms.duration_months or 1)
    if terms.cap_fen is not None and terms.extension_months:
        end = add_months(end, terms.extension_months)
    return start, end


def agreement_covers(
    terms: StoredTerms,
    month: dt.date,
    *,
    first_tax_month: dt.date | None = None,
) -> bool:
    start, end = agreement_span(terms, first_tax_month=first_tax_month)
    return start <= month_of(month) and (end is None or month_of(month) <= end)
