"""Check 25: reproducible runs. Each run stores the SM3 digests of its canonical inputs and rules, the
engine version and the code version; `replay_settlement RUN` recomputes an identical output digest; and
the Kunming demo's settlement is pinned by a golden file (the same on SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings

from enclave.sharing.models import MonthlyTax, SettlementRun

pytestmark = pytest.mark.django_db
GOLDEN = Path(__file__).parent / "golden" / "kunming_demo_settlement.json"


@pytest.fixture(scope="module")
def demo_built(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo built once for this module inside a transaction rolled back afterwards; each test's own
    changes are rolled back at its end as usual (as in test_demo_command)."""
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("demo-media")),
        transaction.atomic(),
    ):
        call_command("demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)


@pytest.fixture
def demo(demo_built, db):
    return None


def _runs() -> list[dict]:
    return [
        {
            "period": r.period, "input_digest": r.input_digest, "rules_digest": r.rules_digest,
            "output_digest": r.output_digest, "engine_version": r.engine_version, "retained_fen": r.retained_fen,
            "totals": dict(r.totals.order_by("party_code").values_list("party_code", "amount_fen")),
        }
        for r in SettlementRun.objects.order_by("id")
    ]  # fmt: skip


def test_the_kunming_demo_settlement_matches_the_golden_file(demo):
    golden = json.loads(GOLDEN.read_text())["runs"]
    assert [r["period"] for r in golden] == [
        "2024Q2",
        "2024Q3",
        "2024Q4",
        "2025Q1",
        "2024Q1",
    ]  # Q1 is empty, closed
    assert _runs() == golden
    for run in golden:
        assert sum(run["totals"].values()) == run["retained_fen"]  # every fen shared, none lost


def test_every_run_records_its_digests_and_versions(demo):
    for run in SettlementRun.objects.all():
        assert len(run.input_digest) == len(run.rules_digest) == len(run.output_digest) == 64
        assert run.engine_version and run.code_version.startswith("0.1.0")


def test_replay_reproduces_each_demo_run(demo):
    for run in SettlementRun.objects.order_by("id"):
        out = StringIO()
        call_command("replay_settlement", str(run.pk), "--json", stdout=out)
        report = json.loads(out.getvalue())
        assert report["identical"] is True
        assert report["replayed_output_digest"] == run.output_digest
        assert report["replayed_input_digest"] == run.input_digest


def test_replay_says_when_inputs_changed_or_the_output_differs(demo):
    open_run = SettlementRun.objects.get(period="2025Q1")
    closed_run = SettlementRun.objects.get(period="2024Q3")
    SettlementRun.objects.filter(pk=closed_run.pk).update(output_digest="0" * 64)
    with pytest.raises(CommandError, match="不一致"):
        call_command("replay_settlement", str(closed_run.pk), stdout=StringIO())
    tax = MonthlyTax.objects.filter(
        report__month__gte=open_run.start_month, report__month__lte=open_run.end_month
    ).first()
    MonthlyTax.objects.filter(pk=tax.pk).update(paid_fen=tax.paid_fen + 1)
    with pytest.raises(CommandError, match="已变化"):
        call_command("replay_settlement", str(open_run.pk), stdout=StringIO())
