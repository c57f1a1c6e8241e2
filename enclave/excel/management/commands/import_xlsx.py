"""manage.py import_xlsx FILE [--kind enterprises|projects|reports] [--dry-run] --user USERNAME

Imports one workbook as the given user (same permissions, services and audit rows as the upload page),
printing progress as it goes and every problem at the end. Exit status 1 when nothing was written because
of problems or a refusal.
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from enclave.excel.importer import import_file
from enclave.excel.kinds import kind_get, kinds


class Command(BaseCommand):
    help = "Import an .xlsx file (enterprises, project filings or monthly reports) as a user"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--kind", choices=sorted(kinds()), default="reports")
        parser.add_argument("--user", required=True, help="username whose permissions and audit rows apply")
        parser.add_argument("--dry-run", action="store_true", help="check every row, write nothing")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            user = get_user_model().objects.get(username=options["user"], is_active=True)
        except get_user_model().DoesNotExist as exc:
            raise CommandError(f"no active user {options['user']!r}") from exc
        last = [-1]

        def progress(done: int, total: int, stage: str) -> None:
            percent = done * 100 // total if total else 0
            if percent != last[0]:
                last[0] = percent
                self.stderr.write(f"\r{stage} {done}/{total} ({percent}%)", ending="")

        result = import_file(actor=user, kind=kind_get(options["kind"]), path=path, filename=path.name,
                             dry_run=options["dry_run"], progress=progress)  # fmt: skip
        self.stderr.write("")
        if result.refused:
            self.stdout.write(f"拒绝：{result.refused}")
            sys.exit(1)
        for p in result.problems:
            self.stdout.write(f"{p.sheet}!{p.column}{p.row or ''} {p.header}「{p.value}」：{p.reason}")
        verb = "将" if result.dry_run else ""
        self.stdout.write(
            f"{result.rows} 行：{verb}新增 {result.new}，{verb}更新 {result.updated}，未变化 {result.unchanged}，"
            f"问题 {len(result.problems)}；{'已写入' if result.written else '未写入'}"
        )
        if result.problems:
            sys.exit(1)
