"""Password rules (密码策略) as Django password validators, so every form that sets a password applies them.

Numbers come from settings (SECURITY.md's 等保 profile): length 8, 12 for the three administrators;
at least 3 of 4 character classes; never containing the username; not one of the last 5 passwords.
Each message is a Chinese sentence naming the rule that was broken.
"""

from __future__ import annotations

import string
from typing import Any

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from enclave.accounts import policy
from enclave.accounts.models import ADMIN_ROLES

CLASSES = (
    ("upper", lambda c: c.isascii() and c.isupper()),
    ("lower", lambda c: c.isascii() and c.islower()),
    ("digit", lambda c: c.isdigit()),
    ("symbol", lambda c: not c.isalnum() or c in string.punctuation),
)


def classes_in(password: str) -> int:
    """How many of the four classes (upper, lower, digit, symbol) the password uses."""
    return sum(1 for _name, test in CLASSES if any(test(c) for c in password))


def min_length_for(role: str) -> int:
    if role in ADMIN_ROLES:
        return policy.value("ENCLAVE_ADMIN_PASSWORD_MIN_LENGTH")
    return policy.value("ENCLAVE_PASSWORD_MIN_LENGTH")


class RoleMinimumLengthValidator:
    """8 characters, 12 for the system, security and audit administrators."""

    def validate(self, password: str, user: Any = None) -> None:
        length = min_length_for(getattr(user, "role", ""))
        if len(password) < length:
            raise ValidationError(
                _("密码长度不足：至少需要 %(n)d 个字符。") % {"n": length}, code="password_too_short"
            )

    def get_help_text(self) -> str:
        return _("至少 %(n)d 个字符（系统、安全、审计管理员至少 %(m)d 个）。") % {
            "n": policy.value("ENCLAVE_PASSWORD_MIN_LENGTH"),
            "m": policy.value("ENCLAVE_ADMIN_PASSWORD_MIN_LENGTH"),
        }


class CharacterClassValidator:
    """At least three of: upper-case letters, lower-case letters, digits, symbols."""

    def validate(self, password: str, user: Any = None) -> None:
        needed = policy.value("ENCLAVE_PASSWORD_MIN_CLASSES")
        if classes_in(password) < needed:
            raise ValidationError(
                _("密码复杂度不足：须包含大写字母、小写字母、数字、符号中的至少 %(n)d 类。") % {"n": needed},
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return _("须包含大写字母、小写字母、数字、符号中的至少 %(n)d 类。") % {
            "n": policy.value("ENCLAVE_PASSWORD_MIN_CLASSES")
        }


class UsernameNotContainedValidator:
    """The username must not appear in the password, in any letter case."""

    def validate(self, password: str, user: Any = None) -> None:
        username = (getattr(user, "username", "") or "").lower()
        if len(username) >= 3 and username in password.lower():
            raise ValidationError(_("密码不能包含用户名。"), code="password_contains_username")

    def get_help_text(self) -> str:
        return _("不能包含用户名。")


class PasswordHistoryValidator:
    """None of the user's last N passwords (the current one included) may be chosen again."""

    def validate(self, password: str, user: Any = None) -> None:
        count = policy.value("ENCLAVE_PASSWORD_HISTORY")
        if user is None or user.pk is None or count <= 0:
            return
        hashes = list(user.password_history.values_list("password", flat=True)[:count])
        if user.password and user.password not in hashes:  # accounts made before the history existed
            hashes.insert(0, user.password)
        if any(check_password(password, stored) for stored in hashes[:count]):
            raise ValidationError(
                _("不能使用最近 %(n)d 次用过的密码。") % {"n": count}, code="password_reused"
            )

    def get_help_text(self) -> str:
        return _("不能与最近 %(n)d 次用过的密码相同。") % {"n": policy.value("ENCLAVE_PASSWORD_HISTORY")}
