"""Settlement runs as background jobs, with progress for the page."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from enclave.jobs.services import Progress, job_kind
from enclave.sharing import services

SETTLED = gettext_noop("%(period)s：已完成结算（输入摘要 %(digest)s）")
UNCHANGED = gettext_noop("%(period)s：数据未变化，结算结果与上次相同（输入摘要 %(digest)s）")
CLOSED = gettext_noop("%(period)s 已关账，结算结果已冻结")
# The stages services.settlement_run reports; the job page translates the stored stage when it shows it.
STAGES = (
    gettext_noop("读取数据"),
    gettext_noop("输入未变化，沿用已有结算"),
    gettext_noop("计算"),
    gettext_noop("写入"),
    gettext_noop("完成"),
)


def _message(text: str, **args: str) -> dict[str, Any]:
    """The message as stored (Chinese) and as its id and arguments, so the page shows it in the reader's language."""
    return {"message": text % args, "message_i18n": {"text": text, "args": args}}


@job_kind("settle", _("利益分享结算"))
def settle(actor: Any, params: dict[str, Any], progress: Progress) -> dict[str, Any]:
    result = services.settlement_run(actor=actor, period=params["period"], progress=progress)
    text = SETTLED if result.created else UNCHANGED
    return {
        **_message(text, period=result.run.period, digest=result.run.input_digest[:12]),
        "url": f"{reverse('sharing:overview')}?period={result.run.period}",
        "run": result.run.pk,
    }


@job_kind("settle_close", _("结算关账"))
def close(actor: Any, params: dict[str, Any], progress: Progress) -> dict[str, Any]:
    result = services.settlement_close(actor=actor, period=params["period"], progress=progress)
    return {
        **_message(CLOSED, period=result.run.period),
        "url": f"{reverse('sharing:overview')}?period={result.run.period}",
        "run": result.run.pk,
    }


PROVISIONAL = gettext_noop("%(period)s：已出具季度预结算（暂定，年终体制结算时清算差额）")
TRUE_UP = gettext_noop("%(year)s 年：年终体制结算已完成，全年已关账（摘要 %(digest)s）")


@job_kind("settle_provisional", _("季度预结算"))
def provisional(actor: Any, params: dict[str, Any], progress: Progress) -> dict[str, Any]:
    statement = services.settlement_provisional(actor=actor, period=params["period"], progress=progress)
    return {
        **_message(PROVISIONAL, period=statement.period),
        "url": f"{reverse('sharing:overview')}?period={statement.period}",
        "run": statement.run_id,
    }


@job_kind("true_up", _("年终体制结算"))
def true_up(actor: Any, params: dict[str, Any], progress: Progress) -> dict[str, Any]:
    statement = services.settlement_true_up(actor=actor, year=params["year"], progress=progress)
    return {
        **_message(TRUE_UP, year=str(statement.year), digest=statement.digest[:12]),
        "url": f"{reverse('sharing:true_up')}?year={statement.year}",
        "run": statement.run_id,
    }
