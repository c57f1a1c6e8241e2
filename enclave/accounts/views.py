"""Account pages: sign-in (with the username lockout), second factor, password change, and the consoles of
the system administrator (accounts) and the security administrator (roles, locks, sessions, policy).

Which role reaches which page is decided once, in gate.py (applied by the middleware); the views get the
object, validate a form, call one service, then redirect or render.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from enclave import query_params as qp
from enclave.accounts import excel, policy, queries, services
from enclave.accounts.forms import (
    OtpResetForm,
    OTPTokenForm,
    PasswordResetForm,
    RoleGrantForm,
    UserCreateForm,
    UserFilterForm,
)
from enclave.accounts.gate import home_route
from enclave.accounts.models import Role
from enclave.audit.middleware import client_ip
from enclave.i18n import chinese_documents
from enclave.lib.gm import mask_id_number, mask_phone
from enclave.query_params import page_number

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _lock_active(request: HttpRequest, username: str) -> bool:
    from axes.handlers.proxy import AxesProxyHandler

    return bool(username) and AxesProxyHandler.is_locked(request, {"username": username})


def _lock_message() -> str:
    return _("该账号因连续 %(n)d 次登录失败已被锁定 %(m)d 分钟；请稍后再试，或请安全管理员解锁。") % {
        "n": policy.lockout_failures(),
        "m": int(policy.lockout_cooloff().total_seconds() // 60),
    }


def lockout_response(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    """django-axes calls this for a locked username: the sign-in page again, saying so (HTTP 429)."""
    form = AuthenticationForm(request)
    return render(
        request,
        "accounts/login.html",
        {"form": form, "next": "", "locked": _lock_message()},
        status=429,
    )


def home(request: HttpRequest) -> HttpResponse:
    """Each role's own first page (administrators to their console)."""
    if not request.user.is_authenticated:
        return redirect(settings.LOGIN_URL)
    return redirect(home_route(request.user.role))


@require_http_methods(["GET", "HEAD", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    form = AuthenticationForm(request, data=request.POST or None)
    if request.method == "POST":
        username = request.POST.get("username", "")[:150]
        was_locked = _lock_active(request, username)
        if form.is_valid():
            user = form.get_user()
            if policy.admin_terminal_refused(user, client_ip(request)):
                services.login_failed_record(username=username, reason="管理员账号不在允许的管理终端地址登录")
                form.add_error(None, _("管理员账号只能从指定的管理终端地址登录。"))
            else:
                services.session_start(request=request, user=user)
                target = request.POST.get("next") or request.GET.get("next") or ""
                if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
                    target = ""
                return redirect(target or home_route(user.role))
        else:
            services.login_failed_record(username=username, reason="账号已锁定" if was_locked else "")
            if getattr(request, "axes_locked_out", False) and not was_locked:
                services.lock_record(username=username)
    return render(request, "accounts/login.html", {"form": form, "next": request.GET.get("next", "")})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    services.session_end(request=request)
    return redirect(settings.LOGOUT_REDIRECT_URL)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def password_change(request: HttpRequest) -> HttpResponse:
    user = request.user
    form = PasswordChangeForm(user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.password_change(request=request, user=user, password=form.cleaned_data["new_password1"])
        messages.success(request, _("密码已修改。"))
        return redirect(home_route(user.role))
    if user.must_change_password:
        why = _("这是管理员设置的初始密码，首次登录须修改为只有您知道的密码。")
    elif policy.password_expired(user, timezone.now()):
        why = _("密码已使用超过 %(n)d 天，须更换后才能继续使用。") % {
            "n": policy.value("ENCLAVE_PASSWORD_MAX_AGE_DAYS")
        }
    else:
        why = ""
    return render(request, "accounts/password_change.html", {"form": form, "why": why})


# --- second factor (TOTP) -------------------------------------------------------------------------


def _devices(user: Any) -> Any:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user)


def _otp_failed(request: HttpRequest) -> HttpResponse | None:
    """A wrong or replayed code: audited and counted toward the username lockout like a wrong password."""
    username = request.user.get_username()
    was_locked = _lock_active(request, username)
    services.login_failed_record(username=username, reason="动态口令错误或已使用")
    user_login_failed.send(sender=__name__, credentials={"username": username}, request=request)
    if getattr(request, "axes_locked_out", False) or _lock_active(request, username):
        if not was_locked:
            services.lock_record(username=username)
        logout(request)
        return lockout_response(request)
    return None


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def otp_verify(request: HttpRequest) -> HttpResponse:
    device = _devices(request.user).filter(confirmed=True).first()
    if device is None:
        return redirect("accounts:otp_enrol")
    if request.user.is_verified():
        return redirect("home")
    form = OTPTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["otp_token"]):
            services.otp_verified(request=request, device=device)
            return redirect("home")
        refused = _otp_failed(request)
        if refused is not None:
            return refused
        form.add_error("otp_token", _("动态口令不正确或已使用过，请输入验证器上当前显示的 6 位数字。"))
    return render(request, "accounts/otp_verify.html", {"form": form})


PENDING_KEY = "enclave_otp_pending_key"  # the enrolment key, in the session until a code confirms it


def _pending_device(request: HttpRequest) -> Any:
    """An unsaved TOTP device with the key being enrolled (nothing is stored before it is confirmed)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice
    from django_otp.util import random_hex

    key = request.session.get(PENDING_KEY)
    if not key:
        key = request.session[PENDING_KEY] = random_hex(20)
    return TOTPDevice(user=request.user, name="TOTP", key=key, confirmed=True)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def otp_enrol(request: HttpRequest) -> HttpResponse:
    import base64

    from django_otp.oath import TOTP

    if _devices(request.user).filter(confirmed=True).exists():
        return redirect("accounts:otp_verify")
    device = _pending_device(request)
    form = OTPTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        if totp.verify(int(form.cleaned_data["otp_token"]), device.tolerance):
            device.last_t = totp.t()
            del request.session[PENDING_KEY]
            services.otp_enrol_confirm(request=request, device=device)
            messages.success(request, _("动态口令已绑定。"))
            return redirect("home")
        refused = _otp_failed(request)
        if refused is not None:
            return refused
        form.add_error("otp_token", _("动态口令不正确，请核对验证器中的时间与密钥后重试。"))
    secret = base64.b32encode(device.bin_key).decode()
    response = render(
        request,
        "accounts/otp_enrol.html",
        {"form": form, "secret": secret, "uri": device.config_url},
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_safe
def otp_qr(request: HttpRequest) -> HttpResponse:
    """The enrolment URI as an SVG QR code, drawn here (segno), never by an outside service."""
    import io

    import segno

    if PENDING_KEY not in request.session or _devices(request.user).filter(confirmed=True).exists():
        raise Http404
    device = _pending_device(request)
    out = io.BytesIO()
    segno.make(device.config_url, error="m").save(out, kind="svg", scale=5, border=2)
    response = HttpResponse(out.getvalue(), content_type="image/svg+xml")
    response["Cache-Control"] = "no-store"
    return response


# --- system administrator: accounts ----------------------------------------------------------------


def _user_rows(users: list[Any]) -> list[dict[str, Any]]:
    locked = queries.locked_usernames([u.username for u in users])
    sessions = queries.session_counts([u.pk for u in users])
    second_factor = queries.otp_enrolled([u.pk for u in users])
    return [
        {
            "user": u,
            "phone": mask_phone(u.phone) if u.phone else "",
            "locked": u.username in locked,
            "sessions": sessions.get(u.pk, 0),
            "otp": u.pk in second_factor,
        }
        for u in users
    ]


def _describe(params: dict[str, str]) -> str:
    parts = []
    if params.get("q"):
        parts.append(f"关键字：{params['q']}")
    if params.get("role") == "none":
        parts.append("角色：未授权")
    elif params.get("role") in Role.values:
        parts.append(f"角色：{Role(params['role']).label}")
    if params.get("active") in ("0", "1"):
        parts.append("状态：" + ("启用" if params["active"] == "1" else "停用"))
    return "；".join(parts)


def _user_params(request: HttpRequest) -> dict[str, str]:
    """The user list's filter: a role or state that is not one of the choices is a 400 naming it."""
    return {
        "q": qp.text(request.GET, "q", 100),
        "role": qp.choice(request.GET, "role", [*Role.values, "none"]),
        "active": qp.choice(request.GET, "active", ("0", "1")),
    }


def _user_list_page(request: HttpRequest, template: str, extra: dict[str, Any] | None = None) -> HttpResponse:
    params = _user_params(request)
    users = queries.users_filtered(request.user, params)
    page = Paginator(users, settings.ENCLAVE_PAGE_SIZE).get_page(page_number(request))
    context = {
        "filter_form": UserFilterForm(request.GET or None),
        "rows": _user_rows(list(page.object_list)),
        "page_obj": page,
        "export_query": urlencode({k: v for k, v in params.items() if v}),
        "filtered": any(params.values()),
    }
    context.update(extra or {})
    return render(request, template, context)


@login_required
@require_safe
def user_list(request: HttpRequest) -> HttpResponse:
    return _user_list_page(request, "accounts/user_list.html")


@login_required
@require_safe
@chinese_documents()
def user_export(request: HttpRequest) -> HttpResponse:
    from enclave.audit.models import Verb
    from enclave.audit.services import event_record

    params = _user_params(request)
    users = list(queries.users_filtered(request.user, params))
    now = timezone.now()
    description = _describe(params)
    content = excel.users_xlsx(users, description=description, exported_at=now)
    event_record(
        actor=request.user,
        verb=Verb.EXPORT,
        object_type="accounts.user",
        object_repr="账号列表",
        after={"filters": params, "rows": len(users)},
        reason=description,
    )
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"账号列表-{now.astimezone(excel.SHANGHAI):%Y%m%d-%H%M}.xlsx"
    )
    return response


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def user_create(request: HttpRequest) -> HttpResponse:
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.user_create(actor=request.user, data=data, password=data["password"])
        except ValidationError as exc:
            for field, texts in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, texts)
        else:
            messages.success(
                request,
                _("账号“%(name)s”已建立；请安全管理员授予角色。首次登录时须修改初始密码。") % {"name": user},
            )
            return redirect("accounts:user_detail", pk=user.pk)
    return render(request, "accounts/user_form.html", {"form": form})


@login_required
@require_safe
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = queries.user_for_admin_or_404(request.user, pk)
    return render(
        request,
        "accounts/user_detail.html",
        {
            "account": user,
            "phone": mask_phone(user.phone) if user.phone else "",
            "id_number": mask_id_number(user.id_number) if user.id_number else "",
            "reset_form": PasswordResetForm(user=user),
            "unmasked": False,
        },
    )


@login_required
@require_safe
def user_pi(request: HttpRequest, pk: int) -> HttpResponse:
    """The unmasked phone and ID number; every view is an audit row."""
    user = queries.user_for_admin_or_404(request.user, pk)
    services.pi_view_record(actor=request.user, user=user)
    response = render(
        request,
        "accounts/user_detail.html",
        {
            "account": user,
            "phone": user.phone,
            "id_number": user.id_number,
            "reset_form": PasswordResetForm(user=user),
            "unmasked": True,
        },
    )
    response["Cache-Control"] = "no-store"
    return response


def _service_or_message(request: HttpRequest, call: Any, done: str) -> None:
    try:
        call()
    except ValidationError as exc:
        messages.error(request, _("；").join(exc.messages))
    else:
        messages.success(request, done)


@login_required
@require_POST
def user_disable(request: HttpRequest, pk: int) -> HttpResponse:
    user = queries.user_for_admin_or_404(request.user, pk)
    _service_or_message(
        request,
        lambda: services.user_disable(actor=request.user, user=user),
        _("账号已停用，其会话已全部结束。"),
    )
    return redirect("accounts:user_detail", pk=pk)


@login_required
@require_POST
def user_enable(request: HttpRequest, pk: int) -> HttpResponse:
    user = queries.user_for_admin_or_404(request.user, pk)
    _service_or_message(
        request, lambda: services.user_enable(actor=request.user, user=user), _("账号已启用。")
    )
    return redirect("accounts:user_detail", pk=pk)


@login_required
@require_POST
def user_password_reset(request: HttpRequest, pk: int) -> HttpResponse:
    user = queries.user_for_admin_or_404(request.user, pk)
    form = PasswordResetForm(request.POST, user=user)
    if form.is_valid():
        services.password_reset(actor=request.user, user=user, password=form.cleaned_data["password"])
        messages.success(request, _("已设置新的初始密码；该用户下次登录时须修改。"))
        return redirect("accounts:user_detail", pk=pk)
    return render(
        request,
        "accounts/user_detail.html",
        {
            "account": user,
            "phone": mask_phone(user.phone) if user.phone else "",
            "id_number": mask_id_number(user.id_number) if user.id_number else "",
            "reset_form": form,
            "unmasked": False,
        },
    )


# --- security administrator: roles, locks, sessions, policy ---------------------------------------


@login_required
@require_safe
def security(request: HttpRequest) -> HttpResponse:
    return _user_list_page(request, "accounts/security.html", {"locked": queries.locked_all()})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def role_grant(request: HttpRequest, pk: int) -> HttpResponse:
    user = queries.user_for_admin_or_404(request.user, pk)
    form = RoleGrantForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.role_grant(
                actor=request.user, user=user, role=data["role"], unit=data.get("unit"), park=data.get("park")
            )
        except ValidationError as exc:
            for field, texts in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, texts)
        else:
            messages.success(request, _("已授予角色。"))
            return redirect("accounts:security")
    return render(request, "accounts/role_grant.html", {"form": form, "account": user})


@login_required
@require_POST
def role_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    user = queries.user_for_admin_or_404(request.user, pk)
    _service_or_message(
        request, lambda: services.role_revoke(actor=request.user, user=user), _("角色已撤销。")
    )
    return redirect("accounts:security")


@login_required
@require_POST
def user_unlock(request: HttpRequest) -> HttpResponse:
    username = request.POST.get("username", "").strip()[:150]
    if not username:
        messages.error(request, _("请指定要解锁的用户名。"))
    else:
        services.user_unlock(actor=request.user, username=username)
        messages.success(request, _("“%(name)s”已解锁。") % {"name": username})
    return redirect("accounts:security")


@login_required
@require_POST
def sessions_end(request: HttpRequest, pk: int) -> HttpResponse:
    user = queries.user_for_admin_or_404(request.user, pk)
    count = services.sessions_end(actor=request.user, user=user)
    messages.success(request, _("已结束该账号的 %(n)d 个会话。") % {"n": count})
    return redirect("accounts:security")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def otp_reset(request: HttpRequest, pk: int) -> HttpResponse:
    """Reset a lost authenticator: the page asks for the reason; the POST deletes the devices (services)."""
    user = queries.user_for_admin_or_404(request.user, pk)
    if user.pk == request.user.pk:
        raise PermissionDenied(_("不能重置自己的动态口令。"))
    form = OtpResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.otp_reset(actor=request.user, user=user, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, texts in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, texts)
            else:
                form.add_error(None, exc.messages)
        else:
            messages.success(
                request,
                _("已重置“%(name)s”的动态口令并结束其会话；该账号下次登录时须重新绑定验证器。")
                % {"name": user.username},
            )
            return redirect("accounts:security")
    devices = len(queries.otp_devices(user))
    return render(request, "accounts/otp_reset.html", {"form": form, "account": user, "devices": devices})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def policy_view(request: HttpRequest) -> HttpResponse:
    """The account policy in force, and the security administrator's form to change it within bounds."""
    from enclave.accounts.forms import SecurityPolicyForm

    form = SecurityPolicyForm(request.POST or None, instance=policy.stored())
    if request.method == "POST" and form.is_valid():
        services.policy_update(
            actor=request.user, data={name: form.cleaned_data[name] for name in form.Meta.fields}
        )
        messages.success(request, _("安全策略已保存，立即生效。"))
        return redirect("accounts:policy")
    rows = [
        (_("密码最小长度"), policy.value("ENCLAVE_PASSWORD_MIN_LENGTH"), "ENCLAVE_PASSWORD_MIN_LENGTH"),
        (
            _("管理员密码最小长度"),
            policy.value("ENCLAVE_ADMIN_PASSWORD_MIN_LENGTH"),
            "ENCLAVE_ADMIN_PASSWORD_MIN_LENGTH",
        ),
        (
            _("密码至少包含的字符类别数"),
            policy.value("ENCLAVE_PASSWORD_MIN_CLASSES"),
            "ENCLAVE_PASSWORD_MIN_CLASSES",
        ),
        (
            _("密码最长使用天数"),
            policy.value("ENCLAVE_PASSWORD_MAX_AGE_DAYS"),
            "ENCLAVE_PASSWORD_MAX_AGE_DAYS",
        ),
        (_("不可重复使用的历史密码数"), policy.value("ENCLAVE_PASSWORD_HISTORY"), "ENCLAVE_PASSWORD_HISTORY"),
        (_("连续登录失败锁定次数"), policy.lockout_failures(), "ENCLAVE_LOCKOUT_FAILURES"),
        (
            _("锁定时长（分钟）"),
            int(policy.lockout_cooloff().total_seconds() // 60),
            "ENCLAVE_LOCKOUT_MINUTES",
        ),
        (
            _("业务用户空闲超时（分钟）"),
            policy.value("ENCLAVE_SESSION_IDLE_MINUTES"),
            "ENCLAVE_SESSION_IDLE_MINUTES",
        ),
        (
            _("管理员空闲超时（分钟）"),
            policy.value("ENCLAVE_ADMIN_SESSION_IDLE_MINUTES"),
            "ENCLAVE_ADMIN_SESSION_IDLE_MINUTES",
        ),
        (_("会话最长有效期（小时）"), policy.value("ENCLAVE_SESSION_MAX_HOURS"), "ENCLAVE_SESSION_MAX_HOURS"),
        (
            _("所有用户须动态口令"),
            _("是") if policy.value("ENCLAVE_OTP_ALL_USERS") else _("否"),
            "ENCLAVE_OTP_ALL_USERS",
        ),
        (
            _("管理员允许的终端地址"),
            ", ".join(settings.ENCLAVE_ADMIN_ALLOWED_NETWORKS),
            "ENCLAVE_ADMIN_ALLOWED_NETWORKS",
        ),
        (_("长期未使用账号停用天数"), policy.value("ENCLAVE_DORMANT_DAYS"), "ENCLAVE_DORMANT_DAYS"),
    ]
    return render(request, "accounts/policy.html", {"rows": rows, "form": form})
