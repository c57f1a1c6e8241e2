"""The recruitment pipeline (招商线索) as plain data: stages in order, what each needs, which moves are allowed.

No database here. A lead moves forward only (contacted → visited → intending → filed), may skip a stage
when it has the data the later stage needs, and may be dropped with a reason from any stage before filing.
Signing an investment agreement (签约) and registering a company (注册) are dated events, not stages.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class Stage:
    CONTACTED = "contacted"  # 已接洽
    VISITED = "visited"  # 已考察
    INTENDING = "intending"  # 有意向
    FILED = "filed"  # 已转项目报备
    DROPPED = "dropped"  # 已放弃

    CHOICES = [
        (CONTACTED, _("已接洽")),
        (VISITED, _("已考察")),
        (INTENDING, _("有意向")),
        (FILED, _("已转项目")),
        (DROPPED, _("已放弃")),
    ]
    LABELS = dict(CHOICES)
    ORDER = (CONTACTED, VISITED, INTENDING, FILED)  # the forward path; dropped stands aside
    OPEN = frozenset({CONTACTED, VISITED, INTENDING})  # still being worked


class EventKind:
    """What a lead's dated events record: reaching a stage, or one of the two dated facts."""

    SIGNED = "signed"  # 签约（投资协议）
    REGISTERED = "registered"  # 注册（企业登记）
    CHOICES = [
        *Stage.CHOICES,
        (SIGNED, _("签订投资协议")),
        (REGISTERED, _("注册企业")),
    ]
    LABELS = dict(CHOICES)
    FACTS = frozenset({SIGNED, REGISTERED})


class StageError(Exception):
    """A move the pipeline does not allow; the message is a sentence for the official."""


# What a lead must carry before it may reach a stage (a skipped stage does not excuse its data).
REQUIRED: dict[str, tuple[tuple[str, Any], ...]] = {
    Stage.INTENDING: (
        ("park_id", _("目标园区")),
        ("industry_id", _("所属行业")),
        ("expected_investment_fen", _("预计投资额")),
    ),
    Stage.FILED: (
        ("enterprise_id", _("企业库中的企业（请先登记企业并关联到线索）")),
        ("park_id", _("目标园区")),
        ("industry_id", _("所属行业")),
        ("expected_investment_fen", _("预计投资额")),
        ("origin", _("来源地")),
    ),
}


@dataclass(frozen=True)
class Move:
    source: str
    target: str


def rank(stage: str) -> int:
    return Stage.ORDER.index(stage) if stage in Stage.ORDER else -1


def missing_for(stage: str, facts: Mapping[str, Any]) -> list[str]:
    """Labels of the data a lead lacks for `stage` (empty when it may move)."""
    return [str(label) for key, label in REQUIRED.get(stage, ()) if facts.get(key) in (None, "")]


def move_check(*, source: str, target: str, facts: Mapping[str, Any], reason: str = "") -> Move:
    """The move from `source` to `target`, or StageError saying why it is refused."""
    if target not in Stage.LABELS or target == Stage.CONTACTED:
        raise StageError(gettext("不能将线索改为该阶段"))
    if source in (Stage.FILED, Stage.DROPPED):
        raise StageError(gettext("线索已“%(stage)s”，不能再变更阶段") % {"stage": Stage.LABELS[source]})
    if target == Stage.DROPPED:
        if not reason.strip():
            raise StageError(gettext("放弃线索须填写原因"))
        return Move(source, target)
    if rank(target) <= rank(source):
        raise StageError(
            gettext("线索已处于“%(source)s”，不能退回或停留在“%(target)s”")
            % {"source": Stage.LABELS[source], "target": Stage.LABELS[target]}
        )
    missing = missing_for(target, facts)
    if missing:
        raise StageError(
            gettext("进入“%(target)s”阶段前须填写：%(missing)s")
            % {"target": Stage.LABELS[target], "missing": gettext("、").join(missing)}
        )
    return Move(source, target)


def moves_available(source: str) -> list[str]:
    """Stages a lead could be moved to from `source` by hand (filing has its own form)."""
    if source not in Stage.OPEN:
        return []
    later = [s for s in Stage.ORDER if rank(s) > rank(source) and s != Stage.FILED]
    return [*later, Stage.DROPPED]
