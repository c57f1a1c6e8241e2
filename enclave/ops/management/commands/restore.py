"""python manage.py restore FILE --yes: replace the database with a backup, then prove it complete.

After restoring, the row count of every table, the money totals per month and the audit chain head are
compared with the backup's manifest and the audit chain is verified; any difference is an error (exit 1).
Stop the web server and the worker first (see SECURITY.md, Backup and restore)."""

from __future__ import annotations

import json
import subprocess  # nosec B404
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from enclave.audit.models import Verb
from enclave.audit.services import event_record
from enclave.ops.backup import backup_restore, differences, facts, manifest_for


class Command(BaseCommand):
    help = "从备份恢复整个数据库，并核对行数、金额合计与审计链"

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument("--yes", action="store_true", help="确认覆盖当前数据库")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出恢复后的核对结果")

    def handle(self, *args, file: Path, yes: bool, **options):
        if not file.exists():
            raise CommandError(f"备份文件 {file} 不存在")
        if not yes:
            raise CommandError("恢复将覆盖当前数据库的全部数据：确认无误后加 --yes 再运行")
        manifest = manifest_for(file)
        try:
            backup_restore(file)
        except subprocess.CalledProcessError as exc:
            raise CommandError(f"恢复失败：{(exc.stderr or b'').decode(errors='replace')}") from exc
        except (RuntimeError, OSError) as exc:
            raise CommandError(f"恢复失败：{exc}") from exc
        restored = facts()
        problems = [] if manifest is None else differences(manifest["facts"], restored)
        if not restored["audit_chain"]["ok"]:
            problems.append("审计链校验失败：请运行 verify_audit_chain 查看第一条有问题的记录")
        from enclave.sharing.ledger import ledger_verify

        ledger = ledger_verify()
        if not ledger.ok:
            problems.append(f"已关账结算分录封存校验失败：{ledger.first_bad:%Y-%m}：{ledger.reason}")
        if options["json"]:
            self.stdout.write(json.dumps({"facts": restored, "problems": problems}, ensure_ascii=False))
        if problems:
            raise CommandError("恢复后核对不一致：\n" + "\n".join(problems))
        event_record(actor=None, verb=Verb.UPDATE, object_type="system.database", object_repr=file.name,
                     reason="从备份恢复数据库")  # fmt: skip
        if not options["json"]:
            tables = len(restored["tables"])
            checked = "，与核对清单一致" if manifest else "（无核对清单，仅校验了审计链）"
            self.stdout.write(f"已从 {file} 恢复：{tables} 张表{checked}；审计链完整")
