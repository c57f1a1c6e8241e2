"""`manage.py disable_dormant_accounts`: disable accounts unused for ENCLAVE_DORMANT_DAYS (run it daily from
cron or a systemd timer; see README). Each disabled account gets one audit row and loses its sessions."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils import timezone

from enclave.accounts.services import accounts_disable_dormant


class Command(BaseCommand):
    help = "停用长期未使用的账号（默认 90 天，ENCLAVE_DORMANT_DAYS）"

    def handle(self, *args, **options):
        disabled = accounts_disable_dormant(now=timezone.now())
        for user in disabled:
            self.stdout.write(f"已停用：{user.username}（{user.full_name}）")
        self.stdout.write(f"共停用 {len(disabled)} 个账号。")
