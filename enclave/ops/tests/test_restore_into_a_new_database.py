"""Issue 14, item 6: a restore goes into a new database first and is verified there; a backup that does
not hold never replaces the running database.

The tampered backup is an honest backup of a database in which one fen of a closed month was changed (so
its manifest agrees with it): only the closed months' seals, which now cover their reports and taxes,
can tell. The running database must keep its figure, and nothing may be left behind."""

from __future__ import annotations

import json

import pytest

from enclave.ops.tests.test_backup_restore import POPULATE, Scratch

pytestmark = pytest.mark.django_db

JULY_TAX = (
    "from enclave.sharing.models import MonthlyTax as T; "
    "print(T.objects.get(report__month='2024-07-01').paid_fen)"
)
NUDGE = (
    "from django.db.models import F; from enclave.sharing.models import MonthlyTax as T; "
    "T.objects.filter(report__month='2024-07-01').update(paid_fen=F('paid_fen') + {})"
)


@pytest.fixture
def scratch(tmp_path):
    db = Scratch(tmp_path)
    db.create()
    yield db
    db.destroy()


def _backup(scratch, folder):
    scratch.manage("backup", "--out", str(folder))
    (path,) = [p for p in folder.iterdir() if not p.name.endswith(".manifest.json")]
    return path


def test_a_backup_with_one_fen_changed_leaves_the_running_database_untouched(scratch, tmp_path):
    scratch.manage("migrate", "-v0")
    scratch.manage("shell", "-v0", "-c", POPULATE)
    good = _backup(scratch, tmp_path / "good")
    scratch.manage("shell", "-v0", "-c", NUDGE.format(1))  # one fen more in closed July ...
    tampered = _backup(scratch, tmp_path / "tampered")  # ... backed up with a manifest that agrees
    scratch.manage("shell", "-v0", "-c", NUDGE.format(-1))
    assert scratch.manage("shell", "-v0", "-c", JULY_TAX).stdout.strip() == "1000007"
    before = scratch.facts()
    left_before = scratch.beside()

    refused = scratch.manage("restore", str(tampered), "--yes", check=False)
    assert refused.returncode != 0
    assert "当前数据库未改动" in refused.stderr and "2024-07" in refused.stderr, refused.stderr
    assert scratch.manage("shell", "-v0", "-c", JULY_TAX).stdout.strip() == "1000007"
    assert scratch.facts() == before  # not a row more or less: nothing was swapped
    assert scratch.beside() == left_before  # the new database was dropped

    restored = scratch.manage("restore", str(good), "--yes")
    assert "原数据库保留为" in restored.stdout
    assert scratch.manage("shell", "-v0", "-c", JULY_TAX).stdout.strip() == "1000007"
    assert len(scratch.beside()) == len(left_before) + 1  # the replaced database is kept
    assert "OK" in scratch.manage("verify_audit_chain").stdout


def test_a_backup_file_that_does_not_match_its_manifest_is_refused_before_anything(scratch, tmp_path):
    scratch.manage("migrate", "-v0")
    scratch.manage("shell", "-v0", "-c", POPULATE)
    good = _backup(scratch, tmp_path / "good")
    manifest = good.with_name(good.name + ".manifest.json")
    body = json.loads(manifest.read_text())
    body["sm3"] = "0" * 64
    manifest.write_text(json.dumps(body))
    refused = scratch.manage("restore", str(good), "--yes", check=False)
    assert refused.returncode != 0 and "SM3" in refused.stderr and "当前数据库未改动" in refused.stderr
    assert scratch.beside() == []
