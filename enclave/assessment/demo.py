"""The demo's assessment: 2024's quarters and year assessed on the default targets, the bonus workflow run
end to end, and 2025 Q1 as a provisional run (its settlement is still open).

The measures took effect in May 2024, so 2024 Q1 is settled (empty) and closed but not assessed on its own.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group
from django.db import transaction

from enclave.assessment import services
from enclave.assessment.models import BonusProposal
from enclave.parks.models import Unit
from enclave.sharing import services as sharing_services
from enclave.sharing.models import ClosedMonth

PUBLISHED_QUARTERS = ("2024Q2", "2024Q3", "2024Q4")
REMARKS = {
    "530102": "五华区项目以轻纺、机电为主，符合磨憨合作区出口加工定位，同意加分。",
    "530128": "禄劝县引进的酒业企业已完成出口备案，同意加分。",
    "yangzonghai": "骏亨经贸两个项目均超过1亿元，建议按规则加分。",
}
AMEND = {"530111": (50, "其中一个项目尚未开工，按一个项目计分")}


@transaction.atomic
def demo_assessment_build(*, users: dict[str, Any]) -> None:
    city, office, bureau = users["city"], users["kaohe"], users["gongxin"]
    office.groups.add(Group.objects.get(name="市考核办"))
    bureau.groups.add(Group.objects.get(name="行业主管部门"))
    if not ClosedMonth.objects.filter(month__year=2024, month__month__lte=3).exists():
        sharing_services.settlement_close(actor=city, period="2024Q1")
    services.deduction_create(
        actor=city, unit=Unit.objects.get(code="530114"), period="2024Q4", kind="deduct", points_centi=200,
        reason="（示例）2024年11月项目月度数据两次逾期报送",
    )  # fmt: skip
    for quarter in PUBLISHED_QUARTERS:
        run = services.assessment_run(actor=city, period=quarter).run
        services.assessment_publish(actor=city, run=run)
    for proposal in services.bonus_draft(actor=city, year=2024):
        if proposal.unit.code in REMARKS:
            services.bonus_remark(actor=bureau, proposal=proposal, text=REMARKS[proposal.unit.code])
    for proposal in BonusProposal.objects.filter(year=2024).select_related("unit"):
        points, reason = AMEND.get(proposal.unit.code, (None, ""))
        services.bonus_confirm(actor=office, proposal=proposal, points_centi=points, reason=reason)
    services.assessment_publish(actor=city, run=services.assessment_run(actor=city, period="2024").run)
    services.assessment_run(actor=city, period="2025Q1", provisional=True)
