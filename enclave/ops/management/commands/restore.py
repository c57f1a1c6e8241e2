"""python manage.py restore FILE --yes: restore a backup into a new database, prove it there, then swap.

The backup goes into a new database first (SQLite: a new file beside the running one; PostgreSQL: a new
database on the same server). There the row count of every table and the money totals per month are
compared with the backup's manifest, the audit chain is verified and every closed month's seal recomputed
(naming the month and the project of a changed figure). Only when all of that holds does the new database
replace the running one, which is kept under another name (printed). Any difference: exit 1, the new
database is dropped and the running database is untouched. Stop the web server and the worker first (see
SECURITY.md, Backup and restore)."""

from __future__ import annotations

import json
import subprocess  # nosec B404
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from enclave.audit.models import Verb
from enclave.audit.services import event_record
from enclave.ops.backup import backup_restore, manifest_for

UNTOUCHED = "当前数据库未改动（没有替换）"


class Command(BaseCommand):
    help = "从备份恢复整个数据库：先恢复到新数据库并核对行数、金额合计、审计链与关账封存，无误后才替换"

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--yes", action="store_true", help="确认替换当前数据库")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出恢复后的核对结果")

    def handle(self, *args, file: Path, yes: bool, **options):
        if not file.exists():
            raise CommandError(f"备份文件 {file} 不存在")
        if not yes:
            raise CommandError("恢复将替换当前数据库的全部数据：确认无误后加 --yes 再运行")
        manifest = manifest_for(file)
        try:
            restored = backup_restore(file, manifest)
        except subprocess.CalledProcessError as exc:
            detail = (exc.stderr or b"").decode(errors="replace")
            raise CommandError(f"恢复失败：{detail}\n{UNTOUCHED}") from exc
        except (RuntimeError, OSError) as exc:
            raise CommandError(f"恢复失败：{exc}\n{UNTOUCHED}") from exc
        if options["json"]:
            self.stdout.write(
                json.dumps({"facts": restored.facts, "problems": restored.problems}, ensure_ascii=False)
            )
        if restored.problems:
            raise CommandError(
                "恢复出的数据库核对不一致，已丢弃：\n" + "\n".join(restored.problems) + f"\n{UNTOUCHED}"
            )
        event_record(actor=None, verb=Verb.UPDATE, object_type="system.database", object_repr=file.name,
                     reason="从备份恢复数据库", after={"previous": restored.previous})  # fmt: skip
        if not options["json"]:
            tables = len(restored.facts["tables"])
            checked = "，与核对清单一致" if manifest else "（无核对清单，仅校验了审计链与关账封存）"
            self.stdout.write(
                f"已从 {file} 恢复：{tables} 张表{checked}；审计链完整；已关账月份封存完整\n"
                f"原数据库保留为 {restored.previous}"
            )
