"""The filing → review → recognition workflow (报备→审查→认定) as one table of allowed transitions.

Pure data: which action moves which status to which, and which roles may take it. Services consult this
table; nothing else changes a project's status. (Its one import is Django's PermissionDenied, so that a
role's refusal is handled as an access refusal everywhere.)
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class Status:
    DRAFT = "draft"  # 草稿
    FILED = "filed"  # 已报备
    UNDER_REVIEW = "under_review"  # 审查中
    RECOGNISED = "recognised"  # 已认定
    RETURNED = "returned"  # 退回修改
    REJECTED = "rejected"  # 不予认定
    CLOSED = "closed"  # 已关闭（冲突裁定）

    CHOICES = [
        (DRAFT, _("草稿")),
        (FILED, _("已报备")),
        (UNDER_REVIEW, _("审查中")),
        (RECOGNISED, _("已认定")),
        (RETURNED, _("退回修改")),
        (REJECTED, _("不予认定")),
        (CLOSED, _("已关闭")),
    ]
    LABELS = dict(CHOICES)
    # A filing that still competes for an enterprise in a park (for conflict detection).
    ACTIVE = frozenset({FILED, UNDER_REVIEW, RECOGNISED, RETURNED})
    # The unit may still change its content.
    EDITABLE = frozenset({DRAFT, RETURNED})


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: frozenset[str]
    target: str
    roles: frozenset[str]
    needs_reason: bool = False


CITY_SIDE = frozenset({"city_admin", "reviewer"})

TRANSITIONS: dict[str, Transition] = {
    t.action: t
    for t in [
        Transition("file", _("提交报备"), frozenset({Status.DRAFT}), Status.FILED, frozenset({"unit"})),
        Transition("refile", _("修改后重新报备"), frozenset({Status.RETURNED}), Status.FILED, frozenset({"unit"})),
        Transition("start_review", _("开始审查"), frozenset({Status.FILED}), Status.UNDER_REVIEW, CITY_SIDE | {"park"}),
        Transition("recognise", _("认定"), frozenset({Status.UNDER_REVIEW}), Status.RECOGNISED, CITY_SIDE),
        Transition(
            "return", _("退回修改"), frozenset({Status.FILED, Status.UNDER_REVIEW}), Status.RETURNED,
            CITY_SIDE | {"park"}, needs_reason=True,
        ),
        Transition(
            "reject", _("不予认定"), frozenset({Status.FILED, Status.UNDER_REVIEW}), Status.REJECTED, CITY_SIDE,
            needs_reason=True,
        ),
        Transition(
            "close", _("关闭（冲突裁定）"), frozenset({Status.DRAFT, Status.FILED, Status.UNDER_REVIEW, Status.RETURNED}),
            Status.CLOSED, frozenset({"city_admin"}), needs_reason=True,
        ),
    ]
}  # fmt: skip


class TransitionError(Exception):
    """A transition that is not allowed; the message is a sentence for the official."""


class RoleNotAllowed(PermissionDenied):
    """The role may never take this action: an access refusal (403, logged), not a state conflict."""


def transition_check(action: str, *, status: str, role: str) -> Transition:
    """The transition for `action` from `status`, or TransitionError saying why not."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise TransitionError(gettext("未知的操作“%(action)s”") % {"action": action})
    if role not in transition.roles:
        raise RoleNotAllowed(gettext("您的角色无权执行“%(action)s”") % {"action": transition.label})
    if status not in transition.sources:
        allowed = gettext("、").join(str(Status.LABELS[s]) for s in sorted(transition.sources))
        raise TransitionError(
            gettext("项目当前状态为“%(status)s”，不能执行“%(action)s”（仅限%(allowed)s状态）")
            % {"status": Status.LABELS.get(status, status), "action": transition.label, "allowed": allowed}
        )
    return transition


def actions_available(*, status: str, role: str) -> list[Transition]:
    """Transitions a role could take from a status (the object-level scope is checked separately)."""
    return [t for t in TRANSITIONS.values() if status in t.sources and role in t.roles]
