"""Every write on accounts: sign-in and sign-out, passwords, roles, locks, sessions, second-factor resets; each
with one audit row.

No audit row ever holds a password, a TOTP secret or a session key: the rows name the account and the
action, nothing else.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import login, logout, update_session_auth_hash
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from enclave.accounts import policy
from enclave.accounts.models import ADMIN_ROLES, NO_ROLE, PasswordHistory, Role, Session, User
from enclave.accounts.queries import otp_devices
from enclave.audit.models import Verb
from enclave.audit.services import event_record

SESSION_STARTED = "enclave_started"  # epoch seconds of sign-in (absolute lifetime)
SESSION_SEEN = "enclave_seen"  # epoch seconds of the last request (idle timeout)


def _password_record(user: User) -> None:
    """Keep the new hash in the history and forget entries beyond the configured count."""
    PasswordHistory.objects.create(user=user, password=user.password)
    keep = max(policy.value("ENCLAVE_PASSWORD_HISTORY"), 1)
    old = list(user.password_history.values_list("pk", flat=True)[keep:])
    if old:
        PasswordHistory.objects.filter(pk__in=old).delete()


def _failures_reset(username: str) -> None:
    """Consecutive failures start again from zero once the LAST sign-in factor has succeeded, so a correct
    password alone never clears wrong TOTP codes."""
    from axes.utils import reset

    reset(username=username)


@transaction.atomic
def session_start(*, request: HttpRequest, user: Any) -> None:
    from enclave.accounts.policy import otp_required

    login(request, user)  # rotates the session key
    now = int(timezone.now().timestamp())
    request.session[SESSION_STARTED] = now
    request.session[SESSION_SEEN] = now
    if not otp_required(user):
        _failures_reset(user.get_username())
    event_record(actor=user, verb=Verb.LOGIN, target=user)


@transaction.atomic
def session_end(*, request: HttpRequest) -> None:
    user = request.user
    if getattr(user, "is_authenticated", False):
        event_record(actor=user, verb=Verb.LOGOUT, target=user)
    logout(request)  # deletes the server-side session


@transaction.atomic
def session_expire(*, request: HttpRequest, reason: str) -> None:
    """Idle or absolute timeout: the server-side session row is deleted, the request goes on anonymous."""
    user = request.user
    event_record(actor=user, verb=Verb.SESSION_END, target=user, reason=reason)
    logout(request)


def login_failed_record(*, username: str, reason: str = "") -> None:
    """A failed sign-in; the username is kept as typed (never the password)."""
    event_record(
        actor=None,
        verb=Verb.LOGIN_FAILED,
        object_type="accounts.user",
        object_repr=username[:150],
        reason=reason,
        success=False,
    )


def lock_record(*, username: str) -> None:
    """The failure that locked a username (账号锁定)."""
    event_record(
        actor=None,
        verb=Verb.LOCK,
        object_type="accounts.user",
        object_repr=username[:150],
        reason=f"连续登录失败 {policy.lockout_failures()} 次，"
        f"锁定 {int(policy.lockout_cooloff().total_seconds() // 60)} 分钟",
        success=False,
    )


@transaction.atomic
def user_unlock(*, actor: User, username: str) -> int:
    """A security administrator lifts a lock before it runs out (提前解锁)."""
    from axes.utils import reset

    removed = reset(username=username)
    target = User.objects.filter(username=username).first()
    event_record(
        actor=actor,
        verb=Verb.UNLOCK,
        target=target,
        object_type="accounts.user",
        object_repr=username[:150],
    )
    return removed


def _sessions_delete(user: User) -> int:
    deleted, _detail = Session.objects.filter(user_id=user.pk).delete()
    return deleted


@transaction.atomic
def sessions_end(*, actor: User, user: User) -> int:
    """End every session of an account (强制下线): the next request of any of them goes to sign-in."""
    count = _sessions_delete(user)
    event_record(actor=actor, verb=Verb.SESSION_END, target=user, after={"sessions": count})
    return count


@transaction.atomic
def otp_reset(*, actor: User, user: User, reason: str) -> int:
    """重置动态口令 (a lost authenticator): the security administrator deletes the account's second-factor
    devices and ends its sessions; at next sign-in the account enrols a new authenticator, since TOTP is
    required of it (the administrators; everyone under ENCLAVE_OTP_ALL_USERS). Never one's own device."""
    if actor.pk == user.pk:
        raise PermissionDenied(_("不能重置自己的动态口令。"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写重置原因。")})
    devices = otp_devices(user)
    if not devices:
        raise ValidationError(_("该账号没有绑定动态口令验证器，无需重置。"))
    for device in devices:
        device.delete()
    sessions = _sessions_delete(user)
    event_record(
        actor=actor,
        verb=Verb.OTP_RESET,
        target=user,
        after={"devices": len(devices), "sessions": sessions},
        reason=reason,
    )
    return len(devices)


@transaction.atomic
def password_change(*, request: HttpRequest, user: User, password: str) -> None:
    """The user's own new password (already validated by the form): history, no forced change, one row."""
    user.set_password(password)
    user.must_change_password = False
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "must_change_password", "password_changed_at"])
    _password_record(user)
    update_session_auth_hash(request, user)  # this session stays; the account's other sessions end
    event_record(actor=user, verb=Verb.PASSWORD_CHANGE, target=user)


@transaction.atomic
def password_reset(*, actor: User, user: User, password: str) -> None:
    """A system administrator sets a new initial password; the user must change it at next sign-in."""
    user.set_password(password)
    user.must_change_password = True
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "must_change_password", "password_changed_at"])
    _password_record(user)
    _sessions_delete(user)
    event_record(actor=actor, verb=Verb.PASSWORD_RESET, target=user)


@transaction.atomic
def user_create(*, actor: User, data: dict[str, Any], password: str) -> User:
    """A new account without a role (the security administrator grants one); initial password to change."""
    user = User(
        username=data["username"],
        full_name=data["full_name"],
        employee_id=data["employee_id"],
        phone=data.get("phone", ""),
        id_number=data.get("id_number", ""),
        email=data.get("email", ""),
        role=NO_ROLE,
        must_change_password=True,
        password_changed_at=timezone.now(),
    )
    user.set_password(password)
    user.full_clean()
    user.save()
    _password_record(user)
    event_record(
        actor=actor,
        verb=Verb.CREATE,
        target=user,
        after={"username": user.username, "employee_id": user.employee_id, "full_name": user.full_name},
    )
    return user


@transaction.atomic
def user_disable(*, actor: User | None, user: User, reason: str = "") -> User:
    """停用账号: the account can no longer sign in and every session of it ends now."""
    if actor is not None and actor.pk == user.pk:
        raise ValidationError(_("不能停用自己的账号。"))
    if not user.is_active:
        raise ValidationError(_("该账号已停用。"))
    User.objects.filter(pk=user.pk).update(is_active=False)
    user.is_active = False
    _sessions_delete(user)
    event_record(actor=actor, verb=Verb.USER_DISABLE, target=user, reason=reason)
    return user


@transaction.atomic
def user_enable(*, actor: User, user: User) -> User:
    if user.is_active:
        raise ValidationError(_("该账号已是启用状态。"))
    # The dormancy clock starts again now, so the next nightly run does not disable it at once.
    User.objects.filter(pk=user.pk).update(is_active=True, last_login=timezone.now())
    user.is_active = True
    event_record(actor=actor, verb=Verb.USER_ENABLE, target=user)
    return user


def role_grant_check(*, user: User, role: str, unit: Any, park: Any) -> None:
    """One account, one role: a second role is refused, whichever the two are (三权分立)."""
    errors: dict[str, str] = {}
    if user.role:
        errors["role"] = _("该账号已有角色“%(role)s”：一个账号只能有一个角色，请先撤销原角色。") % {
            "role": Role(user.role).label
        }
    if role not in Role.values:
        errors["role"] = _("请选择一个角色。")
    elif role == Role.UNIT and unit is None:
        errors["unit"] = _("协作地角色须选择所属单位。")
    elif role == Role.PARK and park is None:
        errors["park"] = _("园区管委会角色须选择所属园区。")
    elif role in ADMIN_ROLES and user.is_staff:
        errors["role"] = _("该账号有基础数据管理权限，不能再授予管理员角色。")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def role_grant(*, actor: User, user: User, role: str, unit: Any = None, park: Any = None) -> User:
    """授予角色: only to an account that has none. Unit and park only for the roles that need them."""
    if actor.pk == user.pk:
        raise PermissionDenied(_("不能给自己授予角色。"))
    role_grant_check(user=user, role=role, unit=unit, park=park)
    user.role = role
    user.unit = unit if role == Role.UNIT else None
    user.park = park if role == Role.PARK else None
    user.save(update_fields=["role", "unit", "park"])
    _sessions_delete(user)  # the new role applies from the next sign-in
    event_record(
        actor=actor,
        verb=Verb.ROLE_GRANT,
        target=user,
        after={"role": role, "unit_id": user.unit_id, "park_id": user.park_id},
    )
    return user


@transaction.atomic
def role_revoke(*, actor: User, user: User) -> User:
    """撤销角色: the account keeps existing but reaches nothing; its sessions end."""
    if actor.pk == user.pk:
        raise PermissionDenied(_("不能撤销自己的角色。"))
    if not user.role:
        raise ValidationError(_("该账号没有角色。"))
    before = {"role": user.role, "unit_id": user.unit_id, "park_id": user.park_id}
    user.role, user.unit, user.park, user.is_staff = NO_ROLE, None, None, False
    user.save(update_fields=["role", "unit", "park", "is_staff"])
    _sessions_delete(user)
    event_record(actor=actor, verb=Verb.ROLE_REVOKE, target=user, before=before)
    return user


def pi_view_record(*, actor: User, user: User) -> None:
    """Every view of unmasked personal information is audited (个人信息查看留痕)."""
    event_record(actor=actor, verb=Verb.PI_VIEW, target=user, after={"fields": ["phone", "id_number"]})


def dormant_accounts(*, now: dt.datetime) -> list[User]:
    """Active accounts unused for ENCLAVE_DORMANT_DAYS: last sign-in (or creation, if never) before then."""
    cutoff = now - dt.timedelta(days=policy.value("ENCLAVE_DORMANT_DAYS"))
    return [
        user
        for user in User.objects.filter(is_active=True).order_by("pk")
        if (user.last_login or user.date_joined) < cutoff
    ]


def accounts_disable_dormant(*, now: dt.datetime) -> list[User]:
    """长期未使用账号停用: one audit row per disabled account."""
    disabled = []
    for user in dormant_accounts(now=now):
        user_disable(
            actor=None,
            user=user,
            reason=f"超过 {policy.value('ENCLAVE_DORMANT_DAYS')} 天未使用，自动停用",
        )
        disabled.append(user)
    return disabled


@transaction.atomic
def otp_enrol_confirm(*, request: HttpRequest, device: Any) -> None:
    """The first valid code confirms the key: the device is stored only now; the session counts as verified."""
    from django_otp import login as otp_login

    device.confirmed = True
    device.save()
    otp_login(request, device)
    _failures_reset(request.user.get_username())
    event_record(actor=request.user, verb=Verb.OTP_ENROL, target=request.user)


@transaction.atomic
def otp_verified(*, request: HttpRequest, device: Any) -> None:
    from django_otp import login as otp_login

    otp_login(request, device)
    _failures_reset(request.user.get_username())
    event_record(actor=request.user, verb=Verb.OTP_VERIFY, target=request.user)


@transaction.atomic
def account_bootstrap(*, username: str, employee_id: str, full_name: str, role: str, password: str) -> User:
    """An account made by the operator on the command line (the first three administrators of a fresh
    install have nobody to create them); audited without an actor, initial password to be changed."""
    if role not in Role.values or role in (Role.UNIT, Role.PARK):
        raise ValidationError({"role": _("请选择一个全市范围的角色。")})
    user = User(
        username=username,
        employee_id=employee_id,
        full_name=full_name,
        role=role,
        must_change_password=True,
        password_changed_at=timezone.now(),
    )
    user.set_password(password)
    user.full_clean()
    user.save()
    _password_record(user)
    event_record(
        actor=None,
        verb=Verb.CREATE,
        target=user,
        after={"username": username, "employee_id": employee_id, "role": role},
        reason="运维人员命令行建立（manage.py account_create）",
    )
    return user


@transaction.atomic
def policy_update(*, actor: User, data: dict[str, Any]) -> Any:
    """安全策略修改 by the security administrator: one audit row with what changed, before and after."""
    from enclave.accounts.models import SecurityPolicy
    from enclave.audit.services import diff, snapshot

    row, _created = SecurityPolicy.objects.select_for_update().get_or_create(pk=1)
    before = snapshot(row)
    for name, new in data.items():
        setattr(row, name, new)
    row.save()
    changed_before, changed_after = diff(before, snapshot(row))
    event_record(
        actor=actor,
        verb=Verb.UPDATE,
        target=row,
        before=changed_before,
        after=changed_after,
        reason="安全策略修改",
    )
    return row
