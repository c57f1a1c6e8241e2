"""python manage.py purge_audit --before YYYY-MM-DD --actor USERNAME: delete audit rows older than the
date. Only a security administrator may, never inside the 180-day retention, and the purge is audited."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from enclave.audit.services import audit_purge


class Command(BaseCommand):
    help = "清理早于指定日期的审计记录（须安全管理员；180天内的记录不能清理）"

    def add_arguments(self, parser):
        parser.add_argument("--before", required=True, type=dt.date.fromisoformat)
        parser.add_argument("--actor", required=True, help="执行清理的安全管理员用户名")

    def handle(self, *args, before: dt.date, actor: str, **options):
        user = get_user_model().objects.filter(username=actor, is_active=True).first()
        if user is None:
            raise CommandError(f"用户“{actor}”不存在或已停用")
        try:
            count = audit_purge(actor=user, before=before)
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        except ValidationError as exc:
            raise CommandError("；".join(m for ms in exc.message_dict.values() for m in ms)) from exc
        self.stdout.write(f"已清理 {count} 条 {before:%Y-%m-%d} 之前的审计记录（本次清理已记入审计日志）")
