"""The extension (延长) of a capped agreement through the settlement (issue 13, item 1): the agreement covers
its extension months; while the cooperating side is below its cap it shares as before, once the cap is
reached the host gets every fen — what a month outside the agreement would give.

Both projects: Wuhua 50 % / Mohan 50 %, July–August 2024 plus a 2-month extension, VAT 2,000.00元 a month →
county part (20 %) 400.00元 → 200.00 / 200.00 while below the cap.
- X, cap 600.00元, not reached by the end (400.00 after August): September shares 200.00 / 200.00 (the cap is
  reached exactly), October 0 / 400.00; November lies outside and its report is refused.
- Y, cap 300.00元, reached in August (100.00 / 300.00): both extension months 0 / 400.00.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from enclave.conftest import make_filed
from enclave.projects import services as project_services
from enclave.sharing import services
from enclave.sharing.models import SettlementShare

pytestmark = pytest.mark.django_db
M = [dt.date(2024, m, 1) for m in (7, 8, 9, 10, 11)]
YUAN = 100


def capped(wuhua, reviewer, name: str, cap_yuan: int):
    project = project_services.project_start_review(actor=reviewer, project=make_filed(wuhua, name=name))
    return project_services.project_recognise(
        actor=reviewer, project=project, on=dt.date(2024, 6, 20), start_month=M[0], end_month=M[1],
        cap_fen=cap_yuan * YUAN, extension_months=2,
        parties=[project_services.PartyShare("unit", "530102", 5000), project_services.PartyShare("park", "mohan", 5000)],
    )  # fmt: skip


def shares(project) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    for s in SettlementShare.objects.filter(line__project=project).order_by("line__month"):
        out.setdefault(s.party_code, []).append(s.amount_fen // YUAN)
    return out


def test_the_extension_shares_until_the_cap_and_then_gives_the_host_everything(wuhua, reviewer, mohan_user,
                                                                                 city_admin):  # fmt: skip
    x = capped(wuhua, reviewer, "延长甲项目", 600)
    y = capped(wuhua, reviewer, "延长乙项目", 300)
    for project in (x, y):
        for month in M[:4]:
            services.report_create(actor=mohan_user, project=project, month=month, taxes={"vat": 2_000 * YUAN},
                                   values={})  # fmt: skip
        with pytest.raises(ValidationError, match="期限"):
            services.report_create(actor=mohan_user, project=project, month=M[4], taxes={"vat": 1}, values={})
    services.settlement_run(actor=city_admin, period="2024Q3")
    services.settlement_run(actor=city_admin, period="2024Q4")  # the cap counts Q3's ledger
    assert shares(x) == {"530102": [200, 200, 200, 0], "mohan": [200, 200, 200, 400]}
    assert shares(y) == {"530102": [200, 100, 0, 0], "mohan": [200, 300, 400, 400]}
