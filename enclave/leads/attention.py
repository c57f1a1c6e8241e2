"""What needs attention (需关注事项): open leads whose next step is overdue and sub-park milestones past due.

One list of plain items, built from the scoped queries, shared by the page, its export and the daily digest.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from enclave.land.queries import milestones_overdue
from enclave.leads.queries import leads_overdue

KIND_LABELS = {"lead": _("线索下一步逾期"), "milestone": _("园中园节点逾期")}


@dataclass(frozen=True)
class AttentionItem:
    kind: str  # "lead" or "milestone"
    pk: int
    title: str
    unit_name: str
    what: str  # the next step or the milestone's name
    due_on: dt.date
    owner_id: int | None
    owner_name: str
    days_overdue: int

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS[self.kind])


def attention_items(
    user: object, *, today: dt.date, kind: str = "", mine: bool = False
) -> list[AttentionItem]:
    """Overdue items the user may see, most overdue first. `mine`: only leads the user owns, and the
    milestones of the user's unit."""
    items: list[AttentionItem] = []
    if kind in ("", "lead"):
        leads = leads_overdue(user, today=today)
        if mine:
            leads = leads.filter(owner_id=getattr(user, "pk", None))
        for lead in leads:
            items.append(
                AttentionItem(
                    kind="lead",
                    pk=lead.pk,
                    title=lead.enterprise_name,
                    unit_name=lead.unit.short_name,
                    what=lead.next_step,
                    due_on=lead.next_step_on,
                    owner_id=lead.owner_id,
                    owner_name=str(lead.owner) if lead.owner_id else "",
                    days_overdue=(today - lead.next_step_on).days,
                )  # fmt: skip
            )
    if kind in ("", "milestone"):
        milestones = milestones_overdue(user, today=today)
        if mine:
            milestones = milestones.filter(subpark__unit_id=getattr(user, "unit_id", None))
        for m in milestones:
            items.append(
                AttentionItem(
                    kind="milestone",
                    pk=m.subpark_id,
                    title=m.subpark.name,
                    unit_name=m.subpark.unit.short_name,
                    what=m.name,
                    due_on=m.due_on,
                    owner_id=None,
                    owner_name="",
                    days_overdue=(today - m.due_on).days,
                )  # fmt: skip
            )
    return sorted(items, key=lambda i: (-i.days_overdue, i.kind, i.pk))
