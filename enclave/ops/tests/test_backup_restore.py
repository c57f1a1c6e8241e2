"""Check 26: back up, destroy, restore; then equal rows per table, equal money per month, intact chain.

Runs the operator's commands as an operator would, in separate processes against a scratch database of
the same kind as the suite's (a file for SQLite; a database beside the test database for PostgreSQL):
migrate, enter a settled and closed quarter, `backup`, destroy the database, `restore`, and compare."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.db import connection

pytestmark = pytest.mark.django_db

POPULATE = """
import datetime as dt
from enclave.conftest import make_recognised, persona
from enclave.sharing import services
w = persona("wuhua", "unit", unit="530102"); r = persona("reviewer", "reviewer")
m = persona("mohan", "park", park="mohan"); c = persona("city", "city_admin"); f = persona("caizheng", "finance")
p = make_recognised(w, r)
for month in (7, 8, 9):
    rep = services.report_create(actor=m, project=p, month=dt.date(2024, month, 1),
                                 taxes={"vat": 1_000_000 + month}, values={"rebates_fen": month})
    services.report_confirm(actor=f, report=rep, what="tax")
services.settlement_close(actor=c, period="2024Q3")
services.report_create(actor=m, project=p, month=dt.date(2024, 10, 1), taxes={"vat": 555}, values={})
services.settlement_run(actor=c, period="2024Q4")
"""
FACTS = "import json; from enclave.ops.backup import facts; print(json.dumps(facts()))"


class Scratch:
    """A throw-away database of the suite's kind, and `manage.py` run against it."""

    def __init__(self, tmp_path: Path):
        self.tmp = tmp_path
        s = connection.settings_dict
        if connection.vendor == "postgresql":
            self.pg = {"host": s["HOST"] or "127.0.0.1", "port": s["PORT"] or 5432, "user": s["USER"],
                       "password": s["PASSWORD"] or None}  # fmt: skip
            self.name = f"{s['NAME']}_ops"[:63]
            auth = f"{s['USER']}:{s['PASSWORD']}@" if s["PASSWORD"] else f"{s['USER']}@"
            self.url = f"postgres://{auth}{self.pg['host']}:{self.pg['port']}/{self.name}"
        else:
            self.file = tmp_path / "scratch.sqlite3"
            self.url = f"sqlite:///{self.file}"

    def _admin(self, sql: str) -> None:
        with psycopg.connect(dbname="postgres", autocommit=True, **self.pg) as conn:
            conn.execute(sql)

    def create(self) -> None:
        if connection.vendor == "postgresql":
            self.destroy()
            self._admin(f'CREATE DATABASE "{self.name}"')

    def destroy(self) -> None:
        """Drop the database and what restores left beside it (the databases they replaced)."""
        if connection.vendor == "postgresql":
            for name in [self.name, *self.beside()]:
                self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        else:
            for path in self.tmp.glob(f"{self.file.name}*"):
                path.unlink(missing_ok=True)

    def beside(self) -> list[str]:
        """The other databases (PostgreSQL) or files (SQLite) a restore made next to this one."""
        if connection.vendor == "postgresql":
            with psycopg.connect(dbname="postgres", autocommit=True, **self.pg) as conn:
                rows = conn.execute(
                    "SELECT datname FROM pg_database WHERE datname LIKE %s", [f"{self.name[:40]}\\_%"]
                ).fetchall()
            return sorted(name for (name,) in rows if name != self.name)
        return sorted(p.name for p in self.tmp.glob(f"{self.file.name}.*"))

    def manage(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        env = {**os.environ, "ENCLAVE_DATABASE_URL": self.url, "DJANGO_SETTINGS_MODULE": "enclave.settings",
               "ENCLAVE_AUDIT_HEAD_DIR": str(self.tmp / "audit-heads")}  # fmt: skip
        return subprocess.run(
            [sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True,
            check=check, timeout=300,
        )  # fmt: skip

    def facts(self) -> dict:
        return json.loads(self.manage("shell", "-v0", "-c", FACTS).stdout)


@pytest.fixture
def scratch(tmp_path):
    db = Scratch(tmp_path)
    db.create()
    yield db
    db.destroy()


def test_backup_destroy_restore_gives_back_every_row_every_fen_and_the_chain(scratch, tmp_path):
    scratch.manage("migrate", "-v0")
    scratch.manage("shell", "-v0", "-c", POPULATE)
    out = scratch.manage("backup", "--out", str(tmp_path / "backups")).stdout
    (backup,) = [p for p in (tmp_path / "backups").iterdir() if not p.name.endswith(".manifest.json")]
    assert str(backup) in out
    before = scratch.facts()
    assert before["tables"]["sharing_settlementline"] == 4 and before["tables"]["audit_event"] > 10
    assert before["money_fen"]["taxes_paid"] == {"2024-07": 1_000_007, "2024-08": 1_000_008,
                                                 "2024-09": 1_000_009, "2024-10": 555}  # fmt: skip
    assert before["audit_chain"]["ok"]

    scratch.destroy()
    scratch.create()
    assert scratch.manage("shell", "-v0", "-c", FACTS, check=False).returncode != 0  # really gone: no tables

    restored = scratch.manage("restore", str(backup), "--yes")
    assert "审计链完整" in restored.stdout, restored.stdout + restored.stderr
    after = scratch.facts()
    assert after["money_fen"] == before["money_fen"]
    tables_after = dict(after["tables"])
    assert tables_after.pop("audit_event") == before["tables"]["audit_event"] + 1  # the restore's own row
    tables_before = dict(before["tables"])
    tables_before.pop("audit_event")
    assert tables_after == tables_before
    assert after["audit_chain"]["ok"]
    verify = scratch.manage("verify_audit_chain")
    assert "OK" in verify.stdout
    # The app still works on the restored data: the closed quarter replays to the same digest.
    replay = scratch.manage("shell", "-v0", "-c", "from enclave.sharing.models import SettlementRun as R; "
                            "print(R.objects.get(period='2024Q3').pk)").stdout.strip()  # fmt: skip
    assert "重放一致" in scratch.manage("replay_settlement", replay).stdout

    # Without --yes nothing happens; a backup whose manifest disagrees with its content is reported.
    refused = scratch.manage("restore", str(backup), check=False)
    assert refused.returncode != 0 and "--yes" in refused.stderr
    manifest = backup.with_name(backup.name + ".manifest.json")
    body = json.loads(manifest.read_text())
    body["facts"]["tables"]["projects_project"] += 1  # the manifest says one project more than the backup has
    manifest.write_text(json.dumps(body))
    mismatch = scratch.manage("restore", str(backup), "--yes", check=False)
    assert mismatch.returncode != 0 and "projects_project" in mismatch.stderr
