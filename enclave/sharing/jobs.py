"""Settlement runs as background jobs, with progress for the page."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from enclave.jobs.services import Progress, job_kind
from enclave.sharing import services


@job_kind("settle", "利益分享结算")
def settle(actor: Any, params: dict[str, Any], progress: Progress) -> dict[str, Any]:
    result = services.settlement_run(actor=actor, period=params["period"], progress=progress)
    state = "已完成结算" if result.created else "数据未变化，结算结果与上次相同"
    return {
        "message": f"{result.run.period}：{state}（输入摘要 {result.run.input_digest[:12]}）",
        "url": f"{reverse('sharing:overview')}?period={result.run.period}",
        "run": result.run.pk,
    }


@job_kind("settle_close", "结算关账")
def close(actor: Any, params: dict[str, Any], progress: Progress) -> dict[str, Any]:
    result = services.settlement_close(actor=actor, period=params["period"], progress=progress)
    return {
        "message": f"{result.run.period} 已关账，结算结果已冻结",
        "url": f"{reverse('sharing:overview')}?period={result.run.period}",
        "run": result.run.pk,
    }
