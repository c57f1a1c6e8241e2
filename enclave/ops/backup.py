"""Backup and restore of the whole database, with a manifest that proves a restore complete.

SQLite: the online backup API (a consistent copy while the server runs). PostgreSQL: pg_dump's custom
format and pg_restore in one transaction. Beside each backup a manifest records the row count of every
table, money totals per month and the audit chain's head; after a restore the same facts are computed and
compared, and the audit chain is verified.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3

# bandit B404/B603 (low severity): pg_dump / pg_restore run with argument lists, never a shell.
import subprocess  # nosec B404
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import connection
from django.db.models import Sum
from django.utils import timezone

MANIFEST_SUFFIX = ".manifest.json"


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


def backup_restore(path: Path) -> None:
    """Replace the whole database with the backup's content (the backup must be of the same vendor)."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            source.backup(connection.connection)
        finally:
            source.close()
    elif connection.vendor == "postgresql":
        connection.close()
        args, env = _pg_args()
        subprocess.run(  # nosec B603
            [_tool("pg_restore"), *args, "--clean", "--if-exists", "--no-owner", "--single-transaction",
             "--exit-on-error", "-d", connection.settings_dict["NAME"], str(path)],
            env=env, check=True, capture_output=True,
        )  # fmt: skip
    else:
        raise RuntimeError(f"不支持的数据库：{connection.vendor}")


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
