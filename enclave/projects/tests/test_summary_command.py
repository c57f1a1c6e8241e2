from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from enclave.conftest import make_draft, make_enterprise, make_filed
from enclave.parks.models import Park, Unit
from enclave.projects import services
from enclave.projects.models import Project

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("summary", *args, stdout=out)
    return out.getvalue()


def summary(*args: str) -> dict[str, int]:
    return json.loads(run("--json", *args))


def landed(unit_user, reviewer, on: dt.date, wan: int, **overrides) -> Project:
    project = make_filed(unit_user, planned_investment_fen=wan * 1_000_000, **overrides)
    project = services.project_start_review(actor=reviewer, project=project)
    return services.project_recognise(actor=reviewer, project=project, on=on)


@pytest.fixture
def landings(wuhua, panlong, reviewer):
    """Wuhua: two Mohan projects of one enterprise (June and July 2024) and one in Lingang (January 2025)
    with Panlong as partner; Panlong: one Mohan project (December 2024) and one still under review."""
    enterprise = make_enterprise()
    landed(wuhua, reviewer, dt.date(2024, 6, 20), 3_000, enterprise=enterprise)
    landed(wuhua, reviewer, dt.date(2024, 7, 1), 2_000, enterprise=enterprise)
    lingang = landed(
        wuhua, reviewer, dt.date(2025, 1, 15), 5_000, park=Park.objects.get(code="lingang"),
        partner_units=[Unit.objects.get(code="530103")],
    )  # fmt: skip
    landed(panlong, reviewer, dt.date(2024, 12, 31), 1_000)
    services.project_start_review(actor=reviewer, project=make_filed(panlong))
    make_draft(panlong)
    return lingang


class TestSummaryCommand:
    def test_it_counts_only_recognised_projects_with_distinct_enterprises(self, landings):
        assert summary() == {"count": 4, "planned_investment_fen": 11_000 * 1_000_000, "enterprises": 3}

    def test_the_date_range_is_inclusive_at_both_ends(self, landings):
        assert summary("--from", "2024-06-20", "--to", "2024-07-01")["count"] == 2
        assert summary("--from", "2024-06-21", "--to", "2024-12-31")["count"] == 2
        assert summary("--to", "2024-06-19")["count"] == 0

    def test_it_filters_by_park_and_by_unit_including_partner_units(self, landings):
        assert summary("--park", "mohan")["count"] == 3
        assert summary("--park", "lingang")["planned_investment_fen"] == 5_000 * 1_000_000
        assert summary("--unit", "530102")["count"] == 3
        assert summary("--unit", "530103") == {
            "count": 2, "planned_investment_fen": 6_000 * 1_000_000, "enterprises": 2,
        }  # fmt: skip
        assert summary("--unit", "530103", "--park", "mohan", "--from", "2024-12-31")["count"] == 1

    def test_without_json_it_prints_a_chinese_sentence(self, landings):
        assert run().strip() == "4个项目，计划总投资1.10亿元，涉及企业3户"
        line = run("--park", "mohan", "--from", "2024-07-01", "--to", "2024-12-31").strip()
        assert line == "磨憨—磨丁合作区，2024-07-01至2024-12-31认定：2个项目，计划总投资0.30亿元，涉及企业2户"

    def test_an_empty_database_gives_zeros(self):
        assert summary() == {"count": 0, "planned_investment_fen": 0, "enterprises": 0}

    @pytest.mark.parametrize(
        "args, message",
        [
            (["--from", "2024-13-01"], "起始日期“2024-13-01”无效"),
            (["--to", "20240630"], "截止日期“20240630”无效"),
            (["--from", "yesterday"], "YYYY-MM-DD"),
            (["--from", "2025-01-01", "--to", "2024-12-31"], "晚于截止日期"),
            (["--park", "dali"], "未知的园区代码“dali”"),
            (["--unit", "530199"], "未知的单位代码“530199”"),
        ],
    )
    def test_it_refuses_bad_input_in_chinese(self, args, message):
        with pytest.raises(CommandError, match=message):
            run("--json", *args)
