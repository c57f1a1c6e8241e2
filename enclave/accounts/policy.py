"""Account rules that need no request: who needs a second factor, when a password is too old, idle limits,
admin terminals. Plain functions of a user's facts and the settings."""

from __future__ import annotations

import datetime as dt
import ipaddress
from typing import Any

from django.conf import settings

from enclave.accounts.models import ADMIN_ROLES

# Policy field → the setting that gives its default.
FIELDS = {
    "password_min_length": "ENCLAVE_PASSWORD_MIN_LENGTH",
    "admin_password_min_length": "ENCLAVE_ADMIN_PASSWORD_MIN_LENGTH",
    "password_min_classes": "ENCLAVE_PASSWORD_MIN_CLASSES",
    "password_max_age_days": "ENCLAVE_PASSWORD_MAX_AGE_DAYS",
    "password_history": "ENCLAVE_PASSWORD_HISTORY",
    "lockout_failures": "ENCLAVE_LOCKOUT_FAILURES",
    "lockout_minutes": "ENCLAVE_LOCKOUT_MINUTES",
    "session_idle_minutes": "ENCLAVE_SESSION_IDLE_MINUTES",
    "admin_session_idle_minutes": "ENCLAVE_ADMIN_SESSION_IDLE_MINUTES",
    "session_max_hours": "ENCLAVE_SESSION_MAX_HOURS",
    "otp_all_users": "ENCLAVE_OTP_ALL_USERS",
    "dormant_days": "ENCLAVE_DORMANT_DAYS",
}
SETTING_FIELD = {setting: field for field, setting in FIELDS.items()}


def stored() -> Any:
    from enclave.accounts.models import SecurityPolicy

    return SecurityPolicy.objects.filter(pk=1).first()


def value(setting: str) -> Any:
    """The policy value in force: the security administrator's, or else the deployment's setting."""
    row = stored()
    chosen = getattr(row, SETTING_FIELD[setting]) if row is not None else None
    return chosen if chosen is not None else getattr(settings, setting)


def lockout_failures(request: Any = None, credentials: Any = None) -> int:
    """django-axes' AXES_FAILURE_LIMIT."""
    return int(value("ENCLAVE_LOCKOUT_FAILURES"))


def lockout_cooloff(request: Any = None) -> dt.timedelta:
    """django-axes' AXES_COOLOFF_TIME."""
    return dt.timedelta(minutes=int(value("ENCLAVE_LOCKOUT_MINUTES")))


def otp_required(user: Any) -> bool:
    """TOTP is mandatory for the three administrators; for everyone when ENCLAVE_OTP_ALL_USERS is on."""
    return user.role in ADMIN_ROLES or value("ENCLAVE_OTP_ALL_USERS")


def password_expired(user: Any, now: dt.datetime) -> bool:
    """Older than ENCLAVE_PASSWORD_MAX_AGE_DAYS (密码定期更换); 0 turns rotation off."""
    days = value("ENCLAVE_PASSWORD_MAX_AGE_DAYS")
    if days <= 0:
        return False
    changed = user.password_changed_at or user.date_joined
    return now - changed > dt.timedelta(days=days)


def password_change_due(user: Any, now: dt.datetime) -> bool:
    return bool(user.must_change_password) or password_expired(user, now)


def idle_limit(role: str) -> dt.timedelta:
    minutes = (
        value("ENCLAVE_ADMIN_SESSION_IDLE_MINUTES")
        if role in ADMIN_ROLES
        else value("ENCLAVE_SESSION_IDLE_MINUTES")
    )
    return dt.timedelta(minutes=minutes)


def session_max_age() -> dt.timedelta:
    return dt.timedelta(hours=value("ENCLAVE_SESSION_MAX_HOURS"))


def address_allowed_for_admin(ip: str | None) -> bool:
    """Is this client address inside ENCLAVE_ADMIN_ALLOWED_NETWORKS (管理终端地址)?"""
    if not ip:
        return False
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return False
    for network in settings.ENCLAVE_ADMIN_ALLOWED_NETWORKS:
        try:
            if address in ipaddress.ip_network(network, strict=False):
                return True
        except ValueError:
            continue
    return False


def admin_terminal_refused(user: Any, ip: str | None) -> bool:
    return user.role in ADMIN_ROLES and not address_allowed_for_admin(ip)
