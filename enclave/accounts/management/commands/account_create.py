"""`manage.py account_create USERNAME --employee-id ID --full-name NAME --role ROLE`: the operator's way to
make the first administrator accounts of a fresh install (there is no superuser). Prints a random initial
password, which must be changed at first sign-in; the creation is an audit row."""

from __future__ import annotations

import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from enclave.accounts.forms import username_check
from enclave.accounts.models import User
from enclave.accounts.services import account_bootstrap


class Command(BaseCommand):
    help = "建立一个全市范围角色的账号（如首批系统、安全、审计管理员），打印随机初始密码"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--employee-id", required=True)
        parser.add_argument("--full-name", required=True)
        parser.add_argument("--role", required=True)

    def handle(self, *args, **options):
        username, role = options["username"], options["role"]
        try:
            username_check(username)
            while True:
                password = f"Km-{secrets.token_urlsafe(12)}"
                try:
                    validate_password(password, User(username=username, role=role))
                    break
                except ValidationError:
                    continue
            user = account_bootstrap(
                username=username,
                employee_id=options["employee_id"],
                full_name=options["full_name"],
                role=role,
                password=password,
            )
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        self.stdout.write(f"已建立账号 {user.username}（{user.get_role_display()}），初始密码：{password}")
        self.stdout.write("首次登录时须修改密码；管理员还须绑定动态口令。")
