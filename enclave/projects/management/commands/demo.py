"""`manage.py demo [--new-passwords]`: build the Kunming demo data set once and print the demo accounts.

Only in demo mode (ENCLAVE_DEMO), and only into an empty database: the audit trail is append-only and
projects are protected, so there is no reset; start again from a new database file instead.
"""

from __future__ import annotations

import time
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from enclave.accounts.models import Role
from enclave.lib.money import format_yi
from enclave.projects import demo
from enclave.projects.models import Project
from enclave.projects.queries import project_summary


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(width - _width(text), 0)


class Command(BaseCommand):
    help = "生成昆明演示数据（仅演示模式、仅空库）；已生成时只列出演示账号"

    def add_arguments(self, parser):
        parser.add_argument(
            "--new-passwords", action="store_true", help="为已有的演示账号重新生成随机密码并打印"
        )

    def handle(self, *args, **options):
        if not settings.DEMO_MODE:
            raise CommandError("仅在演示模式（ENCLAVE_DEMO=1）下可以生成演示数据，生产环境不能运行此命令")
        if demo.demo_present():
            self.stdout.write("演示数据已存在，未做任何更改。")
            passwords = demo.demo_passwords_reset() if options["new_passwords"] else {}
            self._users(passwords)
            if not passwords:
                self.stdout.write(
                    "密码只保存为散列值；如需重新生成密码，请运行 manage.py demo --new-passwords"
                )
            return
        started = time.monotonic()
        try:
            passwords = demo.demo_build()
        except demo.DemoRefused as exc:
            raise CommandError(str(exc)) from exc
        except ValidationError as exc:  # a service refused demo data: a bug in demo.py, say which rule
            raise CommandError(f"演示数据未通过校验：{'；'.join(exc.messages)}") from exc
        total = project_summary(Project.objects.all())
        self.stdout.write(
            f"已生成演示数据（用时{time.monotonic() - started:.1f}秒）：已认定{total['count']}个项目，"
            f"计划总投资{format_yi(total['planned_investment_fen'])}，另有各状态报备"
            f"{Project.objects.count() - total['count']}个。"
        )
        self._users(passwords)

    def _users(self, passwords: dict[str, str]) -> None:
        rows = [("用户名", "角色", "范围", "密码")]
        for user in demo.demo_users():
            role = Role(user.role).label
            rows.append((user.username, role, user.display_scope, passwords.get(user.username, "（已隐藏）")))
        widths = [max(_width(row[i]) for row in rows) for i in range(4)]
        for row in rows:
            self.stdout.write("  ".join(_pad(cell, widths[i]) for i, cell in enumerate(row)).rstrip())
