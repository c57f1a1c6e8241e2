"""python manage.py verify_audit_chain [--head FILE]: check the audit trail's HMAC-SM3 chain, and the seals
of the closed months' ledger postings (sharing/ledger.py).

Exit 0 and "审计链完整" when every row recomputes and links to the one before; otherwise exit 1 naming
the first broken row. With --head, also check a chain head exported earlier (audit_chain_head) is still
in the trail unchanged, which catches rows cut off the end."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from enclave.audit.models import Event
from enclave.audit.services import chain_verify


class Command(BaseCommand):
    help = "校验审计日志的 HMAC-SM3 链，报告第一条被篡改、删除或调换的记录"

    def add_arguments(self, parser):
        parser.add_argument("--head", type=Path, help="之前导出的链头文件（audit_chain_head）")

    def handle(self, *args, head: Path | None = None, **options):
        report = chain_verify()
        if not report.ok:
            bad = report.first_break
            raise CommandError(
                f"审计链断裂：第一条有问题的记录 id={bad.event_id}（第{bad.position}条）：{bad.reason}"
            )
        if head is not None:
            kept = json.loads(head.read_text())
            stored = Event.objects.filter(pk=kept["head_id"]).values_list("mac", flat=True).first()
            if stored != kept["head_mac"]:
                raise CommandError(
                    f"审计链与导出的链头不符：{kept['date']} 的链头 id={kept['head_id']} 已不在日志中或已改变"
                )
        from enclave.sharing.ledger import ledger_verify

        ledger = ledger_verify()
        if not ledger.ok:
            raise CommandError(
                f"结算台账封存校验失败：第一个有问题的已关账月份 {ledger.first_bad:%Y-%m}：{ledger.reason}"
            )
        self.stdout.write(
            f"审计链完整（OK）：{report.rows} 条记录，链头 id={report.head_id} {report.head_mac}"
        )
        self.stdout.write(f"已关账结算分录封存完整（OK）：{ledger.months} 个月份")
