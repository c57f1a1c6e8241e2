"""`manage.py bulletin --as-of 2025-03-31 [--docx PATH]`: print the progress bulletin (工作简报)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from enclave.dashboards.bulletin import bulletin
from enclave.dashboards.docx import bulletin_docx


class Command(BaseCommand):
    help = "按截止日期生成重点产业协作园区工作简报（默认今天）"

    def add_arguments(self, parser):
        parser.add_argument("--as-of", dest="as_of", help="截止日期，YYYY-MM-DD（含当日认定的项目）")
        parser.add_argument("--docx", help="另存为 Word 文件（.docx）的路径")

    def handle(self, *args, **options):
        text = (options["as_of"] or "").strip()
        try:
            as_of = dt.date.fromisoformat(text) if text else timezone.localdate()
        except ValueError:
            raise CommandError(f"截止日期“{text}”无效，应为 YYYY-MM-DD 格式，如 2025-03-31") from None
        result = bulletin(as_of)
        self.stdout.write(result.text, ending="")
        if options["docx"]:
            path = Path(options["docx"])
            path.write_bytes(bulletin_docx(result))
            self.stderr.write(f"已保存：{path}")
