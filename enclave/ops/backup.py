"""Backup and restore of the whole database, with a manifest that proves a restore complete.

SQLite: the online backup API (a consistent copy while the server runs). PostgreSQL: pg_dump's custom
format. Beside each backup a manifest records the row count of every table, money totals per month and the
audit chain's head. A restore goes into a new database first (a new file; a new PostgreSQL database), where
the same facts are computed and compared, the audit chain and the closed months' seals verified; only a
restore that holds is swapped in, and the running database is kept under another name.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3

# bandit B404/B603 (low severity): pg_dump / pg_restore run with argument lists, never a shell.
import subprocess  # nosec B404
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import connection
from django.db.models import Sum
from django.utils import timezone

MANIFEST_SUFFIX = ".manifest.json"
PG_MAINTENANCE_DB = "postgres"  # where CREATE / ALTER / DROP DATABASE run


def facts() -> dict[str, Any]:
    """What a restore must reproduce: rows per table, money per month, the audit chain's head."""
    from enclave.audit.services import chain_verify
    from enclave.sharing.models import Adjustment, MonthlyTax, SettlementLine, SettlementShare

    with connection.cursor() as cursor:
        tables = {}
        for table in sorted(connection.introspection.table_names(cursor)):
            # bandit B608 waived: the table names come from the database's own catalogue, quoted.
            cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")  # nosec B608
            tables[table] = cursor.fetchone()[0]

    def by_month(queryset: Any, month: str, amount: str) -> dict[str, int]:
        rows = queryset.values(month).annotate(total=Sum(amount)).order_by(month)
        return {str(r[month])[:7]: int(r["total"] or 0) for r in rows}

    report = chain_verify()
    return {
        "tables": tables,
        "money_fen": {
            "taxes_paid": by_month(MonthlyTax.objects, "report__month", "paid_fen"),
            "retained": by_month(SettlementLine.objects, "month", "retained_fen"),
            "shares": by_month(SettlementShare.objects, "line__month", "amount_fen"),
            "adjustments": by_month(Adjustment.objects, "month", "amount_fen"),
        },
        "audit_chain": {"ok": report.ok, "rows": report.rows, "head_id": report.head_id,
                        "head_mac": report.head_mac},
    }  # fmt: skip


def _pg_args() -> tuple[list[str], dict[str, str]]:
    s = connection.settings_dict
    args = ["-h", s["HOST"] or "127.0.0.1", "-p", str(s["PORT"] or 5432), "-U", s["USER"] or "postgres"]
    env = {**os.environ}
    if s["PASSWORD"]:
        env["PGPASSWORD"] = s["PASSWORD"]
    return args, env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise RuntimeError(f"找不到 {name}：请安装与服务器版本一致的 PostgreSQL 客户端工具")
    return path


def _sm3_of(path: Path) -> str:
    digest = hashlib.new("sm3")
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True)
class Backup:
    path: Path
    manifest: Path


def backup_create(out_dir: Path) -> Backup:
    """Write a consistent copy of the database and its manifest into `out_dir`."""
    out_dir.mkdir(parents=True, exist_ok=True)
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    before = facts()
    if connection.vendor == "sqlite":
        path = out_dir / f"enclave-{stamp}.sqlite3"
        connection.ensure_connection()
        target = sqlite3.connect(path)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
    elif connection.vendor == "postgresql":
        path = out_dir / f"enclave-{stamp}.pgdump"
        args, env = _pg_args()
        subprocess.run(  # nosec B603
            [_tool("pg_dump"), *args, "--format=custom", "--no-owner", "--file", str(path),
             connection.settings_dict["NAME"]],
            env=env, check=True, capture_output=True,
        )  # fmt: skip
    else:
        raise RuntimeError(f"不支持的数据库：{connection.vendor}")
    manifest = path.with_name(path.name + MANIFEST_SUFFIX)
    body = {"created_at": timezone.now().isoformat(), "vendor": connection.vendor, "file": path.name,
            "sm3": _sm3_of(path), "facts": before}  # fmt: skip
    manifest.write_text(json.dumps(body, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
    return Backup(path, manifest)


@dataclass(frozen=True)
class Restored:
    """What a restore found in the new database, and where the replaced database was kept."""

    facts: dict[str, Any]
    problems: list[str]
    previous: str | None = None  # the running database before the swap (kept, never deleted)


@contextmanager
def _pointed_at(name: str) -> Iterator[None]:
    """Django's connection on another database of the same server (or another SQLite file) for a while."""
    original = connection.settings_dict["NAME"]
    connection.close()
    connection.settings_dict["NAME"] = name
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict["NAME"] = original


def _pg_admin(sql: str) -> None:
    """One statement on the server's maintenance database (CREATE / DROP / ALTER DATABASE)."""
    import psycopg

    s = connection.settings_dict
    with psycopg.connect(dbname=PG_MAINTENANCE_DB, host=s["HOST"] or "127.0.0.1", port=s["PORT"] or 5432,
                         user=s["USER"] or "postgres", password=s["PASSWORD"] or None, autocommit=True) as conn:  # fmt: skip
        conn.execute(sql)


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _stage(path: Path, stamp: str) -> str:
    """Restore the backup into a new database beside the running one; its name (PostgreSQL) or file."""
    live = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        staging = f"{live}.restoring-{stamp}"
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        target = sqlite3.connect(staging)
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
        return staging
    if connection.vendor == "postgresql":
        staging = f"{live[:40]}_restoring_{stamp}"
        _pg_admin(f"CREATE DATABASE {_quoted(staging)}")
        args, env = _pg_args()
        try:
            subprocess.run(  # nosec B603
                [_tool("pg_restore"), *args, "--no-owner", "--single-transaction", "--exit-on-error",
                 "-d", staging, str(path)],
                env=env, check=True, capture_output=True,
            )  # fmt: skip
        except BaseException:
            _drop(staging)
            raise
        return staging
    raise RuntimeError(f"不支持的数据库：{connection.vendor}")


def _drop(staging: str) -> None:
    if connection.vendor == "postgresql":
        _pg_admin(f"DROP DATABASE IF EXISTS {_quoted(staging)} WITH (FORCE)")
    else:
        for suffix in ("", "-journal", "-wal", "-shm"):
            Path(f"{staging}{suffix}").unlink(missing_ok=True)


def _swap(staging: str, stamp: str) -> str:
    """Put the verified database in place of the running one; the running one is kept under a new name."""
    live = connection.settings_dict["NAME"]
    connection.close()
    if connection.vendor == "sqlite":
        previous = f"{live}.before-restore-{stamp}"
        if Path(live).exists():
            os.replace(live, previous)
        for suffix in ("-journal", "-wal", "-shm"):
            if Path(f"{live}{suffix}").exists():
                os.replace(f"{live}{suffix}", f"{previous}{suffix}")
        os.replace(staging, live)
        return previous
    previous = f"{live[:40]}_before_restore_{stamp}"
    try:
        _pg_admin(f"ALTER DATABASE {_quoted(live)} RENAME TO {_quoted(previous)}")
    except Exception as exc:
        raise RuntimeError(
            f"正在运行的数据库 {live} 仍有连接，不能替换（请先停止 Web 服务与 db_worker）：当前数据库未改动；"
            f"已恢复并核对无误的数据库保留为 {staging}（{exc}）"
        ) from exc
    _pg_admin(f"ALTER DATABASE {_quoted(staging)} RENAME TO {_quoted(live)}")
    return previous


def restore_problems(manifest: dict[str, Any] | None, restored: dict[str, Any]) -> list[str]:
    """Everything that keeps a restored database from going live: differences from the manifest (rows,
    money), a broken audit chain, a closed month whose seal no longer holds (named with its project)."""
    from enclave.sharing.ledger import ledger_verify

    problems = [] if manifest is None else differences(manifest["facts"], restored)
    if not restored["audit_chain"]["ok"]:
        problems.append("审计链校验失败：请运行 verify_audit_chain 查看第一条有问题的记录")
    ledger = ledger_verify()
    if not ledger.ok:
        problems.append(f"已关账月份封存校验失败：{ledger.first_bad:%Y-%m}：{ledger.reason}")
    return problems


def backup_restore(path: Path, manifest: dict[str, Any] | None = None) -> Restored:
    """Restore into a new database (SQLite: a new file; PostgreSQL: a new database), verify rows, money,
    the audit chain and the closed months' seals there, and only then swap it in for the running one.
    With a problem the new database is dropped and the running one is untouched."""
    if manifest is not None and manifest.get("sm3") and manifest["sm3"] != _sm3_of(path):
        return Restored({}, ["备份文件的 SM3 与核对清单不符：文件被改动或不完整"])
    stamp = timezone.now().strftime("%Y%m%d%H%M%S")
    staging = _stage(path, stamp)
    try:
        with _pointed_at(staging):
            restored = facts()
            problems = restore_problems(manifest, restored)
    except BaseException:
        _drop(staging)
        raise
    if problems:
        _drop(staging)
        return Restored(restored, problems)
    return Restored(restored, [], _swap(staging, stamp))


def manifest_for(path: Path) -> dict[str, Any] | None:
    manifest = path.with_name(path.name + MANIFEST_SUFFIX)
    return json.loads(manifest.read_text()) if manifest.exists() else None


def differences(expected: dict[str, Any], actual: dict[str, Any]) -> list[str]:
    """Human-readable differences between two `facts()` results (empty: identical)."""
    out = []
    for table in sorted(set(expected["tables"]) | set(actual["tables"])):
        a, b = expected["tables"].get(table), actual["tables"].get(table)
        if a != b:
            out.append(f"表 {table}：备份时 {a} 行，恢复后 {b} 行")
    for kind, months in expected["money_fen"].items():
        if actual["money_fen"].get(kind) != months:
            out.append(f"金额合计（{kind}）与备份时不同")
    if expected["audit_chain"] != actual["audit_chain"]:
        out.append("审计链头与备份时不同")
    return out
