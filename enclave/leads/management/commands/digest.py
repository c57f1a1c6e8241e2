"""`manage.py digest [--date YYYY-MM-DD] [--email] [--export FILE.xlsx]`: the daily digest of overdue lead
next steps and sub-park milestones. --email sends each recipient theirs; --export writes the city-wide list."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from enclave.accounts.models import Role, User
from enclave.leads import digest


class Command(BaseCommand):
    help = "需关注事项日报：逾期的线索下一步和园中园建设节点；可发送邮件或导出Excel"

    def add_arguments(self, parser):
        parser.add_argument("--date", help="按哪一天计算逾期（默认今天）")
        parser.add_argument("--email", action="store_true", help="向有逾期事项的用户发送邮件")
        parser.add_argument("--export", help="将全市需关注事项写入该 .xlsx 文件")

    def handle(self, *args, **options):
        try:
            today = dt.date.fromisoformat(options["date"]) if options["date"] else timezone.localdate()
        except ValueError as exc:
            raise CommandError("--date 应为日期，如 2025-07-01") from exc
        # The city-wide list is what a read-only city role sees (an unsaved user: no account is used or needed).
        city_reader = User(role=Role.AUDITOR, is_active=True)
        items = digest.attention_items(city_reader, today=today)
        self.stdout.write(digest.digest_text(items, today=today))
        if options["export"]:
            path = Path(options["export"])
            if path.suffix != ".xlsx":
                raise CommandError("--export 须为 .xlsx 文件")
            path.write_bytes(digest.digest_xlsx(items, today=today, who="全市"))
            self.stdout.write(f"已导出{len(items)}项到 {path}")
        if options["email"]:
            sent = digest.digest_send(today=today)
            self.stdout.write(f"已发送{len(sent)}封邮件：" + "、".join(f"{u}（{n}项）" for u, n in sent))
