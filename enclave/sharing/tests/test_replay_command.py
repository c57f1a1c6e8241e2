"""replay_settlement on a run made in the test: identical digest, nothing written."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command

from enclave.conftest import make_recognised
from enclave.sharing import services
from enclave.sharing.models import MonthlyReport, SettlementRun

pytestmark = pytest.mark.django_db


def test_replay_of_a_fresh_run(wuhua, reviewer, mohan_user, city_admin):
    project = make_recognised(wuhua, reviewer)
    services.report_create(
        actor=mohan_user, project=project, month=dt.date(2024, 8, 1), taxes={"vat": 12_345_67}, values={}
    )
    run = services.settlement_run(actor=city_admin, period="2024Q3").run
    out = StringIO()
    call_command("replay_settlement", str(run.pk), stdout=out)
    assert "重放一致" in out.getvalue() and run.output_digest in out.getvalue()
    assert MonthlyReport.objects.count() == 1 and SettlementRun.objects.count() == 1  # replay wrote nothing
