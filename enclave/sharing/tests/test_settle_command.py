from __future__ import annotations

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from enclave.conftest import make_recognised
from enclave.sharing import services

pytestmark = pytest.mark.django_db


def test_settle_prints_the_totals_per_party_as_json(wuhua, reviewer, mohan_user, city_admin):
    project = make_recognised(wuhua, reviewer)
    services.report_create(
        actor=mohan_user, project=project, month=dt.date(2024, 8, 1), taxes={"vat": 1_000_001}, values={}
    )
    out = StringIO()
    call_command("settle", "2024Q3", "--json", stdout=out)
    assert json.loads(out.getvalue()) == {
        "period": "2024Q3",
        "retained_fen": 200_000,
        "parties": [{"code": "530102", "name": "五华区", "share_fen": 100_000},
                    {"code": "mohan", "name": "磨憨—磨丁合作区", "share_fen": 100_000}],
    }  # fmt: skip


def test_settle_refuses_a_bad_period_and_closing_estimates(wuhua, reviewer, mohan_user, city_admin):
    with pytest.raises(CommandError, match="季度只能是"):
        call_command("settle", "2024Q5", stdout=StringIO())
    project = make_recognised(wuhua, reviewer)
    services.report_create(
        actor=mohan_user, project=project, month=dt.date(2024, 8, 1), taxes={"vat": 5}, values={}
    )
    with pytest.raises(CommandError, match="预估"):
        call_command("settle", "2024-08", "--close", stdout=StringIO())


def test_verify_reproduces_a_stored_run_and_notices_changed_data(wuhua, reviewer, mohan_user, city_admin):
    project = make_recognised(wuhua, reviewer)
    report = services.report_create(
        actor=mohan_user, project=project, month=dt.date(2024, 8, 1), taxes={"vat": 777_777}, values={}
    )
    with pytest.raises(CommandError, match="没有与当前数据"):
        call_command("settle", "2024Q3", "--verify", stdout=StringIO())
    call_command("settle", "2024Q3", stdout=StringIO(), stderr=StringIO())
    out = StringIO()
    call_command("settle", "2024Q3", "--verify", stdout=out)
    assert "核对一致" in out.getvalue()
    services.report_update(actor=mohan_user, report=report, taxes={"vat": 1}, values={})
    with pytest.raises(CommandError, match="数据已变化"):
        call_command("settle", "2024Q3", "--verify", stdout=StringIO())
