"""Account rules that need no request: who needs a second factor, when a password is too old, idle limits,
admin terminals. Plain functions of a user's facts and the settings."""

from __future__ import annotations

import datetime as dt
import ipaddress
from typing import Any

from django.conf import settings

from enclave.accounts.models import ADMIN_ROLES


def otp_required(user: Any) -> bool:
    """TOTP is mandatory for the three administrators; for everyone when ENCLAVE_OTP_ALL_USERS is on."""
    return user.role in ADMIN_ROLES or settings.ENCLAVE_OTP_ALL_USERS


def password_expired(user: Any, now: dt.datetime) -> bool:
    """Older than ENCLAVE_PASSWORD_MAX_AGE_DAYS (密码定期更换); 0 turns rotation off."""
    days = settings.ENCLAVE_PASSWORD_MAX_AGE_DAYS
    if days <= 0:
        return False
    changed = user.password_changed_at or user.date_joined
    return now - changed > dt.timedelta(days=days)


def password_change_due(user: Any, now: dt.datetime) -> bool:
    return bool(user.must_change_password) or password_expired(user, now)


def idle_limit(role: str) -> dt.timedelta:
    minutes = (
        settings.ENCLAVE_ADMIN_SESSION_IDLE_MINUTES
        if role in ADMIN_ROLES
        else settings.ENCLAVE_SESSION_IDLE_MINUTES
    )
    return dt.timedelta(minutes=minutes)


def session_max_age() -> dt.timedelta:
    return dt.timedelta(hours=settings.ENCLAVE_SESSION_MAX_HOURS)


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
