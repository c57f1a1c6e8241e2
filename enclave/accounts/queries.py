"""Reads for the account consoles. Only the system and security administrators reach them (gate.py); the
queryset functions still start from the caller's role, so a mistake in routing shows nothing."""

from __future__ import annotations

from typing import Any

from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404

from enclave.accounts import policy
from enclave.accounts.models import Role, Session, User
from enclave.accounts.scope import scope_of

CONSOLE_ROLES = frozenset({Role.SYS_ADMIN, Role.SECURITY_ADMIN})


def users_visible_to(user: Any) -> QuerySet[User]:
    if scope_of(user).role not in CONSOLE_ROLES:
        return User.objects.none()
    return User.objects.select_related("unit", "park")


def user_for_admin_or_404(user: Any, pk: int) -> User:
    return get_object_or_404(users_visible_to(user), pk=pk)


def users_filtered(user: Any, params: dict[str, str]) -> QuerySet[User]:
    from django.db.models import Q

    qs = users_visible_to(user)
    q = (params.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(username__icontains=q) | Q(full_name__icontains=q) | Q(employee_id__icontains=q))
    role = params.get("role") or ""
    if role == "none":
        qs = qs.filter(role="")
    elif role in Role.values:
        qs = qs.filter(role=role)
    active = params.get("active") or ""
    if active in ("0", "1"):
        qs = qs.filter(is_active=active == "1")
    return qs.order_by("username", "pk")


def _locked(usernames: list[str] | None) -> list[str]:
    """Usernames locked right now: django-axes' failures within the cool-off, summed over the rows it keeps
    per address and browser (the lock is on the username, wherever the attempts came from)."""
    from axes.models import AccessAttempt
    from django.db.models import Sum
    from django.utils import timezone

    qs = AccessAttempt.objects.filter(attempt_time__gte=timezone.now() - policy.lockout_cooloff())
    if usernames is not None:
        qs = qs.filter(username__in=usernames)
    rows = qs.values("username").annotate(total=Sum("failures_since_start"))
    return sorted(r["username"] for r in rows if r["total"] >= policy.lockout_failures())


def locked_usernames(usernames: list[str]) -> set[str]:
    return set(_locked(usernames))


def locked_all() -> list[str]:
    return _locked(None)


def session_counts(user_ids: list[int]) -> dict[int, int]:
    from django.utils import timezone

    rows = (
        Session.objects.filter(user_id__in=user_ids, expire_date__gt=timezone.now())
        .values("user_id")
        .annotate(n=Count("session_key"))
    )
    return {row["user_id"]: row["n"] for row in rows}


def otp_enrolled(user_ids: list[int]) -> set[int]:
    """Which of these accounts have a second-factor device (django-otp's TOTP plugin, the one installed)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return set(TOTPDevice.objects.filter(user_id__in=user_ids).values_list("user_id", flat=True))


def otp_devices(user: Any) -> list[Any]:
    """Every django-otp device of the account (confirmed or not), whatever its plugin."""
    from django_otp import devices_for_user

    return list(devices_for_user(user, confirmed=None))
