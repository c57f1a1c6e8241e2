"""One whole year of the money path (issue 13, "Done when"), driven only through the API and the management
commands: no ORM writes, no shell. The actors are the usual test accounts (enclave.conftest personas);
every business record — enterprises, filings, recognitions, reports, the rate change, the tax bureau's
extract, confirmations, quarters, the true-up, the adjustment, the assessment — goes through /api/v1 or
`manage.py settle`.

The year is 2025. Only VAT is paid, so each project-month's county part is VAT × the county rate: 20 % until
June, 25 % from July (the rate change below). Parties: Wuhua 530102 and Panlong 530103 (cooperating places),
Mohan and Lingang (host parks). Every amount in 元; worked by hand:

| project | class (policy) | period from | month: VAT paid → county part → cooperating / host |
|---|---|---|---|
| A Wuhua→Mohan | new recruitment 50:50, 60 months | first tax: 2025-03 | Mar 100,000 → 20,000 → 10,000 / 10,000; Aug 80,000 → 20,000 → 10,000 / 10,000 |
| B Panlong→Lingang | voluntary relocation 30:70, 36 months | move 2025-04-10 | Apr 50,000 → 10,000 → 3,000 / 7,000; Aug estimate 40,000 → 10,000 → 3,000 / 7,000, the tax bureau says 44,000 → 11,000 → 3,300 / 7,700 |
| C Wuhua→Mohan | policy relocation 50:50, 60 months | move 2025-02-20 | Feb 30,000 → 6,000 → 3,000 / 3,000; Nov 20,000 → 5,000 → 2,500 / 2,500 |
| D Panlong→Mohan | registration kept 100:0, 36 months | move 2025-05-05 | May 10,000 → 2,000 → 2,000 / 0 |
| E Wuhua→Lingang | headquarters only 50:50, 36 months | move 2025-01-03 | Jan 40,000 → 8,000 → 4,000 / 4,000 |
| F Panlong→Mohan | new recruitment 50:50 | agreement 2024-07 … 2025-06 (ends in June) | Jun 60,000 → 12,000 → 6,000 / 6,000 |
| G Wuhua→Lingang | policy relocation 50:50, cap 5,000 for Wuhua | move 2025-06-15 | Jun 30,000 → 6,000 → 3,000 / 3,000; Jul 30,000 → 7,500 → cap leaves 2,000 / 5,500; Aug 20,000 → 5,000 → 0 / 5,000 |

Provisional quarters (paid on the figures known then):
- Q1: Wuhua 4,000 (E) + 3,000 (C) + 10,000 (A) = 17,000; Mohan 3,000 + 10,000 = 13,000; Lingang 4,000.
- Q2: Wuhua 3,000 (G); Panlong 3,000 (B) + 2,000 (D) + 6,000 (F) = 11,000; Mohan 0 (D) + 6,000 (F) = 6,000;
  Lingang 7,000 (B) + 3,000 (G) = 10,000.
- Q3 (B's August still the estimate): Wuhua 10,000 (A) + 2,000 (G) = 12,000; Panlong 3,000; Mohan 10,000;
  Lingang 7,000 (B) + 5,500 + 5,000 (G) = 17,500.
- Q4: Wuhua 2,500; Mohan 2,500.
The year on confirmed data differs only by B's August: Panlong 14,300 against 14,000 (+300), Lingang 32,200
against 31,500 (+700); Wuhua 34,500 and Mohan 31,500 unchanged.

After the true-up (2026), an adjustment of +1,000 元 about F's June — its agreement ended in June — settles in
2026-01 with June's shares: Panlong +500, Mohan +500.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from io import StringIO
from typing import Any

import openpyxl
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client

from enclave.lib.codes import uscc_with_check

pytestmark = pytest.mark.django_db

API = "/api/v1"
YUAN = 100  # fen


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def call(client: Client, method: str, path: str, body: Any = None, expect: int | tuple[int, ...] = (200, 201)) -> Any:
    response = getattr(client, method)(
        API + path, data="" if body is None else json.dumps(body, ensure_ascii=False), content_type="application/json"
    )
    expected = (expect,) if isinstance(expect, int) else expect
    assert response.status_code in expected, (method, path, response.status_code, response.content.decode()[:600])
    return response.json() if response.content else None


def settle(*args: str) -> dict[str, Any]:
    out = StringIO()
    call_command("settle", *args, "--json", stdout=out, stderr=StringIO())
    return json.loads(out.getvalue())


def by_code(parties: list[dict[str, Any]], field: str = "share_fen") -> dict[str, int]:
    return {p["code"]: p[field] for p in parties if p[field] or field != "share_fen"}


PROJECTS = {
    # key: (filing user, park, kind, relocation class, move date, USCC body, industry)
    "A": ("wuhua", "mohan", "new_domestic", None, None, "91530102MA6A00001"),
    "B": ("panlong", "lingang", "relocation", "voluntary", "2025-04-10", "91530103MA6B00002"),
    "C": ("wuhua", "mohan", "relocation", "policy", "2025-02-20", "91530102MA6C00003"),
    "D": ("panlong", "mohan", "relocation", "registration_kept", "2025-05-05", "91530103MA6D00004"),
    "E": ("wuhua", "lingang", "relocation", "hq_only", "2025-01-03", "91530102MA6E00005"),
    "F": ("panlong", "mohan", "new_domestic", None, None, "91530103MA6F00006"),
    "G": ("wuhua", "lingang", "relocation", "policy", "2025-06-15", "91530102MA6G00007"),
}
RECOGNITION = {
    "A": {"on": "2025-01-15"},
    "B": {"on": "2025-04-15"},
    "C": {"on": "2025-02-25"},
    "D": {"on": "2025-05-10"},
    "E": {"on": "2025-01-10"},
    "F": {"on": "2024-06-20", "start_month": "2024-07", "end_month": "2025-06"},
    "G": {"on": "2025-06-20", "cap_fen": 5_000 * YUAN},
}
PARK_USER = {"mohan": "mohan_user", "lingang": "lingang_user"}


class Actors:
    """Each official's browser session, signed in afresh on the day the scenario has reached."""

    def __init__(self, users: dict[str, Any]):
        self.users = users

    def __getitem__(self, name: str) -> Client:
        return client_for(self.users[name])


@pytest.fixture
def actors(city_admin, reviewer, wuhua, panlong, mohan_user, lingang_user, finance):
    return Actors({"city_admin": city_admin, "reviewer": reviewer, "wuhua": wuhua, "panlong": panlong,
                   "mohan_user": mohan_user, "lingang_user": lingang_user, "finance": finance})  # fmt: skip


def on(day: str) -> Any:
    """The scenario's calendar: each step happens on its day (filing and recognition dates are today's)."""
    return time_machine.travel(dt.datetime.fromisoformat(day + "T10:00:00+08:00"), tick=False)


def recognise_all(c: Actors) -> dict[str, dict[str, Any]]:
    """Each unit registers its enterprise and files its project; the city reviews and recognises it, on the
    recognition day (in the order of those days)."""
    projects = {}
    for key in sorted(PROJECTS, key=lambda k: RECOGNITION[k]["on"]):
        unit, park, kind, relocation_class, moved_on, uscc17 = PROJECTS[key]
        with on(RECOGNITION[key]["on"]):
            projects[key] = _recognise(c, key, unit, park, kind, relocation_class, moved_on, uscc17)
    return projects


def _recognise(c: Actors, key: str, unit: str, park: str, kind: str, relocation_class: str | None,
               moved_on: str | None, uscc17: str) -> dict[str, Any]:  # fmt: skip
    if True:
        uscc = uscc_with_check(uscc17)
        call(c[unit], "post", "/enterprises", {
            "name": f"场景企业{key}有限公司", "credit_code": uscc, "registered_address": "昆明市场景路1号",
            "registered_capital_fen": 1_000_000 * YUAN, "origin_kind": "province", "origin": "云南省",
            "industry": "39", "contact_name": "张三",
        }, expect=201)  # fmt: skip
        body = {"name": f"场景项目{key}", "enterprise": uscc, "park": park, "kind": kind, "industry": "39",
                "planned_investment_fen": 10_000_000 * YUAN, "origin": "上海市"}  # fmt: skip
        if relocation_class:
            body |= {"relocation_class": relocation_class, "moved_on": moved_on,
                     "move_evidence": f"搬迁证明 昆场景〔2025〕{key}号"}  # fmt: skip
        project = call(c[unit], "post", "/projects", body, expect=201)
        call(c[unit], "post", f"/projects/{project['id']}/file", {})
        call(c["reviewer"], "post", f"/projects/{project['id']}/start-review", {})
        terms = {k: v for k, v in RECOGNITION[key].items() if k != "on"}
        recognised = call(c["reviewer"], "post", f"/projects/{project['id']}/recognise", terms)
        return recognised | {"uscc": uscc}


def report(c: dict[str, Client], projects: dict, key: str, month: str, vat_yuan: int, **values: int) -> dict:
    park = PROJECTS[key][1]
    body = {"project_code": projects[key]["code"], "month": month, "taxes": {"vat": vat_yuan * YUAN}, **values}
    return call(c[PARK_USER[park]], "post", "/reports", body, expect=201)


def confirm(c: dict[str, Client], period: str) -> int:
    """The finance bureau confirms every estimated report of the period in one step (bulk)."""
    preview = call(c["finance"], "post", "/reports/confirm", {"period": period, "dry_run": True})
    done = call(c["finance"], "post", "/reports/confirm", {"period": period, "digest": preview["digest"]})
    assert done["confirmed"] and done["count"] == preview["count"]
    return done["count"]


def extract_xlsx(rows: list[list[Any]]) -> SimpleUploadedFile:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "税款明细"
    sheet.append(["统一社会信用代码", "纳税人名称", "税款所属期", "税种", "实缴金额（元）"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile("税务局2025年三季度.xlsx", buffer.getvalue(),
                              content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")  # fmt: skip


def test_one_whole_year_through_the_api_and_the_commands(actors):
    c = actors
    projects = recognise_all(c)
    terms = {k: p["agreement"] for k, p in projects.items()}
    assert {k: (t["start_month"], t["end_month"]) for k, t in terms.items() if k != "A"} == {
        "B": ("2025-04-01", "2028-03-01"),  # voluntary relocation: 3 years from the move
        "C": ("2025-02-01", "2030-01-01"),  # policy relocation: 5 years from the move
        "D": ("2025-05-01", "2028-04-01"),
        "E": ("2025-01-01", "2027-12-01"),
        "F": ("2024-07-01", "2025-06-01"),  # months set on the agreement
        "G": ("2025-06-01", "2030-05-01"),
    }
    assert terms["A"]["start_pending"] is True  # new recruitment: from the first month with tax
    assert terms["G"]["cap_fen"] == 5_000 * YUAN

    with on("2025-06-25"):  # ---- Q1 (reported late): E in January, C in February, A's first tax in March (its period starts).
        report(c, projects, "E", "2025-01", 40_000)
        report(c, projects, "C", "2025-02", 30_000)
        report(c, projects, "A", "2025-03", 100_000, fixed_asset_investment_fen=50_000_000 * YUAN)
        q1 = settle("2025Q1", "--provisional")
        assert by_code(q1["parties"]) == {"530102": 17_000 * YUAN, "mohan": 13_000 * YUAN, "lingang": 4_000 * YUAN}
        a = call(c["wuhua"], "get", f"/projects/{projects['A']['id']}")["agreement"]
        assert (a["start_month"], a["end_month"], a["start_pending"]) == ("2025-03-01", "2030-02-01", False)

    with on("2025-07-08"):  # ---- Q2: B from its move, D (all to Panlong), F's last month, G's first.
        report(c, projects, "B", "2025-04", 50_000)
        report(c, projects, "D", "2025-05", 10_000)
        report(c, projects, "F", "2025-06", 60_000)
        report(c, projects, "G", "2025-06", 30_000)
        q2 = call(c["city_admin"], "post", "/settlements/provisional", {"period": "2025Q2"}, expect=201)
        assert by_code(q2["parties"]) == {"530102": 3_000 * YUAN, "530103": 11_000 * YUAN, "mohan": 6_000 * YUAN,
                                          "lingang": 10_000 * YUAN}  # fmt: skip
        assert confirm(c, "2025Q1") == 3 and confirm(c, "2025Q2") == 4

        # The finance bureau changes VAT's county rate from July: 20 % → 25 %.
        call(c["city_admin"], "post", "/rates/change", {"tax_type": "vat", "from_month": "2025-07", "rate_bp": 2500,
             "reason": "市财政局2025年第3号通知"}, expect=201)  # fmt: skip
        rates = call(c["city_admin"], "get", "/rates")["items"]
        vat = sorted((r["effective_from"], r["effective_to"], r["rate_bp"]) for r in rates if r["tax_type"] == "vat")
        assert vat[-1] == ("2025-07-01", None, 2500) and vat[-2][1:] == ("2025-06-01", 2000)

    with on("2025-10-09"):  # ---- Q3: A and B in August; G reaches its cap in July. F's agreement has ended.
        report(c, projects, "A", "2025-08", 80_000)
        report(c, projects, "B", "2025-08", 40_000)
        report(c, projects, "G", "2025-07", 30_000)
        report(c, projects, "G", "2025-08", 20_000)
        refused = c["mohan_user"].post(f"{API}/reports", data=json.dumps(
            {"project_code": projects["F"]["code"], "month": "2025-07", "taxes": {"vat": 1}}),
            content_type="application/json")  # fmt: skip
        assert refused.status_code in (400, 422) and "期限" in refused.content.decode()
        q3 = settle("2025Q3", "--provisional")
        assert by_code(q3["parties"]) == {"530102": 12_000 * YUAN, "530103": 3_000 * YUAN, "mohan": 10_000 * YUAN,
                                          "lingang": 17_500 * YUAN}  # fmt: skip

    with on("2025-10-20"):  # ---- The tax bureau's extract for Q3: A and G equal, B different (44,000 not
        # 40,000), one enterprise the platform does not know. Checked first: nothing written.
        unknown = uscc_with_check("91530199MA6Y00099")
        rows = [
            [projects["A"]["uscc"], "场景企业A有限公司", "2025-08", "增值税", 80_000],
            [projects["B"]["uscc"], "场景企业B有限公司", "2025-08", "增值税", "44,000.00"],
            [projects["G"]["uscc"], "场景企业G有限公司", "2025-07", "增值税", 30_000],
            [projects["G"]["uscc"], "场景企业G有限公司", "2025-08", "增值税", 20_000],
            [unknown, "未入库企业有限公司", "2025-08", "增值税", 9_999.99],
        ]
        checked = c["finance"].post(f"{API}/tax-extracts", {"file": extract_xlsx(rows)})
        assert checked.status_code == 200, checked.content.decode()[:600]
        check = checked.json()
        assert not check["written"] and not check["clean"] and len(check["equal"]) == 3
        assert [d["project_code"] for d in check["differences"]] == [projects["B"]["code"]]
        effect = {p["code"]: (p["estimate_fen"], p["extract_fen"], p["difference_fen"])
                  for p in check["differences"][0]["parties"]}  # fmt: skip
        assert effect == {"530103": (3_000 * YUAN, 3_300 * YUAN, 300 * YUAN),
                          "lingang": (7_000 * YUAN, 7_700 * YUAN, 700 * YUAN)}  # fmt: skip
        assert [u["uscc"] for u in check["unmatched"]] == [unknown]
        written = c["finance"].post(f"{API}/tax-extracts", {"file": extract_xlsx(rows), "dry_run": "false",
                                                              "accept": "true", "digest": check["digest"]})  # fmt: skip
        assert written.status_code == 200, written.content.decode()[:600]
        assert written.json()["written"] and written.json()["corrected_count"] == 1

    with on("2026-01-09"):  # ---- Q4: C in November.
        report(c, projects, "C", "2025-11", 20_000)
        q4 = settle("2025Q4", "--provisional")
        assert by_code(q4["parties"]) == {"530102": 2_500 * YUAN, "mohan": 2_500 * YUAN}
        assert confirm(c, "2025Q4") == 1

    with on("2026-01-20"):  # ---- The annual true-up on confirmed data: only B's August moved.
        true_up = call(c["city_admin"], "post", "/true-ups", {"year": 2025}, expect=201)
        lines = {line["code"]: line for line in true_up["lines"]}
        assert {code: (line["quarters_fen"], line["year_fen"], line["difference_fen"])
                for code, line in lines.items() if line["year_fen"] or line["provisional_fen"]} == {
            "530102": ([17_000 * YUAN, 3_000 * YUAN, 12_000 * YUAN, 2_500 * YUAN], 34_500 * YUAN, 0),
            "530103": ([0, 11_000 * YUAN, 3_000 * YUAN, 0], 14_300 * YUAN, 300 * YUAN),
            "mohan": ([13_000 * YUAN, 6_000 * YUAN, 10_000 * YUAN, 2_500 * YUAN], 31_500 * YUAN, 0),
            "lingang": ([4_000 * YUAN, 10_000 * YUAN, 17_500 * YUAN, 0], 32_200 * YUAN, 700 * YUAN),
        }  # fmt: skip
        assert true_up["quarters"] == ["Q1", "Q2", "Q3", "Q4"]
        own = call(c["panlong"], "get", "/true-ups/2025")
        assert [line["code"] for line in own["lines"]] == ["530103"] and own["digest"] == true_up["digest"]
        out = StringIO()
        call_command("settle", "2025", "--true-up", "--verify", stdout=out)
        assert "核对一致" in out.getvalue()

        # The year's assessment (T1 defaults, assessment/defaults.py). Wuhua: 4 projects recognised in 2025
        # (A, C, E, G) of 4 → 20; A's fixed-asset investment 5,000万 ≥ 2,500万 → 20 (double accounting: in
        # full for Wuhua); shared tax 3.45万 (the year's 34,500元) ≥ 2万 → 15; planned investment 4,000万 is half
        # of 8,000万, the linear item's floor → 0; the rest 0: 55.00. Panlong: B and D (F was 2024) → 2/4 × 20
        # = 10; shared tax 1.43万 / 2万 × 15 = 10.725 → 10.73; planned 2,000万 under the floor → 0: 20.73.
        run = call(c["city_admin"], "post", "/assessment/runs", {"period": "2025"})
        scores = {u["code"]: (u["score"], u["rank"]) for u in run["units"]}
        assert scores["530102"] == (55.0, 1) and scores["530103"] == (20.73, 2)
        assert all(score == 0 for code, (score, _rank) in scores.items() if code not in ("530102", "530103"))

    with on("2026-02-10"):  # ---- An adjustment about F's June, after its agreement ended, settles with June's
        # shares; one about a month no agreement covers is refused when entered.
        refused = c["city_admin"].post(f"{API}/adjustments", data=json.dumps(
            {"project_code": projects["F"]["code"], "concerns_month": "2025-07", "target": "retained",
             "amount_fen": 1_000 * YUAN, "reason": "7月更正"}), content_type="application/json")  # fmt: skip
        assert refused.status_code in (400, 422) and "期限" in refused.content.decode()
        adjustment = call(c["city_admin"], "post", "/adjustments",
                          {"project_code": projects["F"]["code"], "concerns_month": "2025-06", "target": "retained",
                           "amount_fen": 1_000 * YUAN, "reason": "税务稽查补缴，更正2025年6月"}, expect=201)  # fmt: skip
        assert adjustment["month"] == "2026-01-01"

    with on("2026-04-08"):
        january = settle("2026Q1", "--provisional")
        assert by_code(january["parties"]) == {"530103": 500 * YUAN, "mohan": 500 * YUAN}

