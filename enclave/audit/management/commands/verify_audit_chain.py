"""python manage.py verify_audit_chain [--head FILE]: check the audit trail's HMAC-SM3 chain against the
records of its length and head kept outside it, and the seals of the closed months (sharing/ledger.py).

Exit 0 and "审计链完整" when every row recomputes and links to the one before, every stored daily chain
head (ENCLAVE_AUDIT_HEAD_DIR, written by audit_chain_head; and --head FILE, e.g. the audit administrator's
copy kept off the machine) is still in the trail unchanged, closed months do not stand beside an emptied
trail, and every closed month's seal holds (naming the month and the project otherwise). Anything else
exits 1 with the first problem: a chain that links up alone proves nothing about rows cut off its end."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from enclave.audit.services import chain_verify, head_problem, purged_through


def head_files(extra: Path | None = None) -> list[Path]:
    folder = Path(settings.ENCLAVE_AUDIT_HEAD_DIR)
    files = sorted(folder.glob("audit-chain-head-*.json")) if folder.is_dir() else []
    return files + ([extra] if extra is not None else [])


class Command(BaseCommand):
    help = "校验审计日志的 HMAC-SM3 链（并与独立保存的链头、已关账月份的封存核对），报告第一条问题"

    def add_arguments(self, parser):
        parser.add_argument("--head", type=Path, help="另行保存的链头文件（audit_chain_head 导出）")

    def handle(self, *args, head: Path | None = None, **options):
        report = chain_verify()
        if not report.ok:
            bad = report.first_break
            raise CommandError(
                f"审计链断裂：第一条有问题的记录 id={bad.event_id}（第{bad.position}条）：{bad.reason}"
            )
        if head is not None and not head.is_file():
            raise CommandError(f"链头文件 {head} 不存在")
        files = head_files(head)
        purged = purged_through()
        for path in files:
            problem = head_problem(path, purged)
            if problem:
                raise CommandError(problem)
        from enclave.sharing.ledger import ledger_verify
        from enclave.sharing.models import ClosedMonth

        first_closed = ClosedMonth.objects.order_by("id").first()
        if report.rows == 0 and first_closed is not None:
            raise CommandError(
                f"审计日志为空，但已有 {ClosedMonth.objects.count()} 个已关账月份（最早关账的 "
                f"{first_closed.month:%Y-%m}），每次关账都写有审计记录：审计日志被截短或清空"
            )
        ledger = ledger_verify()
        if not ledger.ok:
            raise CommandError(
                f"结算台账封存校验失败：第一个有问题的已关账月份 {ledger.first_bad:%Y-%m}：{ledger.reason}"
            )
        self.stdout.write(
            f"审计链完整（OK）：{report.rows} 条记录，链头 id={report.head_id} {report.head_mac}"
        )
        if files:
            self.stdout.write(f"与 {len(files)} 个链头文件核对一致（OK）")
        else:
            self.stdout.write(
                f"未找到链头文件（{settings.ENCLAVE_AUDIT_HEAD_DIR}）：未能与独立保存的链头核对；"
                "请每日运行 audit_chain_head 并用 --head 核对审计管理员另行保存的副本"
            )
        self.stdout.write(f"已关账结算分录封存完整（OK）：{ledger.months} 个月份")
