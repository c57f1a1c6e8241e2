"""python manage.py audit_chain_head [--out DIR] [--actor USERNAME]: write today's chain head to a file.

Run daily (cron); the file stays in ENCLAVE_AUDIT_HEAD_DIR, where `verify_audit_chain` checks every head
against the trail, and the audit administrator keeps a copy off the machine: a later `verify_audit_chain
--head FILE` proves no row up to that head was removed or changed since, even if the folder went too."""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from enclave.audit.models import Verb
from enclave.audit.services import chain_verify, event_record


class Command(BaseCommand):
    help = "导出当日审计链头（交审计管理员另行保存）"

    def add_arguments(self, parser):
        parser.add_argument("--out", type=Path, default=Path(settings.ENCLAVE_AUDIT_HEAD_DIR))
        parser.add_argument("--actor", help="执行导出的用户名（审计管理员）；省略时记为系统任务")

    def handle(self, *args, out: Path, actor: str | None = None, **options):
        user = None
        if actor:
            user = get_user_model().objects.filter(username=actor, is_active=True).first()
            if user is None:
                raise CommandError(f"用户“{actor}”不存在或已停用")
        report = chain_verify()
        if not report.ok:
            bad = report.first_break
            raise CommandError(f"审计链断裂，不导出链头：第一条有问题的记录 id={bad.event_id}：{bad.reason}")
        today = timezone.localdate()
        head = {
            "date": today.isoformat(),
            "exported_at": timezone.now().isoformat(),
            "rows": report.rows,
            "head_id": report.head_id,
            "head_mac": report.head_mac,
            "algorithm": "HMAC-SM3",
        }
        out.mkdir(parents=True, exist_ok=True)
        path = out / f"audit-chain-head-{today:%Y-%m-%d}.json"
        with transaction.atomic():
            event_record(actor=user, verb=Verb.EXPORT, object_type="audit.chain_head",
                         object_repr=path.name, after={k: head[k] for k in ("date", "rows", "head_id")})  # fmt: skip
            path.write_text(json.dumps(head, ensure_ascii=False, indent=2) + "\n")
        self.stdout.write(f"链头已写入 {path}：id={report.head_id} {report.head_mac}")
