"""Two middlewares that apply the account rules to every request.

SessionTimeoutMiddleware: idle (30 min, 15 for the administrators) and absolute (12 h) timeouts; an expired
session row is deleted and the request continues anonymous, so it lands on the sign-in page (401 on the API).

AccountGateMiddleware, in this order: administrators only from their allowed networks; TOTP before anything
else when required; a forced password change before any other page; then the role table of gate.py.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from enclave.accounts import policy, services
from enclave.accounts.gate import route_allowed
from enclave.audit.middleware import client_ip
from enclave.audit.models import Verb
from enclave.audit.services import event_record

SEEN_RESOLUTION = (
    30  # seconds: the last-seen stamp is rewritten at most this often (one write, not every hit)
)
OTP_ROUTES = frozenset(
    {"accounts:otp_verify", "accounts:otp_enrol", "accounts:otp_qr", "accounts:logout", "set_language"}
)
PASSWORD_ROUTES = frozenset({"accounts:password_change", "accounts:logout", "set_language"})


class SessionTimeoutMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            self._expire_if_due(request, user)
        response = self.get_response(request)
        # Only a request that was served counts as activity: a refused one (a forged cross-site POST, a 403)
        # neither keeps the session alive nor writes to it.
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and response.status_code < 400:
            self._stamp(request)
        return response

    def _expire_if_due(self, request: HttpRequest, user: Any) -> None:
        session = request.session
        now = int(timezone.now().timestamp())
        started = session.get(services.SESSION_STARTED, now)
        seen = session.get(services.SESSION_SEEN, started)
        if now - started > policy.session_max_age().total_seconds():
            services.session_expire(request=request, reason="超过会话最长有效期")
            request.user = AnonymousUser()
        elif now - seen > policy.idle_limit(user.role).total_seconds():
            services.session_expire(request=request, reason="空闲超时")
            request.user = AnonymousUser()

    def _stamp(self, request: HttpRequest) -> None:
        session = request.session
        now = int(timezone.now().timestamp())
        if services.SESSION_STARTED not in session:
            session[services.SESSION_STARTED] = now
        if now - session.get(services.SESSION_SEEN, 0) >= SEEN_RESOLUTION:
            session[services.SESSION_SEEN] = now


def _route(request: HttpRequest) -> str:
    match = request.resolver_match
    if match is None:
        return ""
    return f"{match.namespace}:{match.url_name}" if match.namespace else (match.url_name or "")


def _refuse(request: HttpRequest, message: str) -> HttpResponse:
    if request.path.startswith("/api/"):
        event_record(
            actor=request.user,
            verb=Verb.DENIED,
            object_type="url",
            object_repr=f"{request.method} {request.path}"[:200],
            reason=message[:500],
            success=False,
        )
        return JsonResponse({"detail": message}, status=403, json_dumps_params={"ensure_ascii": False})
    raise PermissionDenied(message)  # handler403 logs it and renders the page


class AccountGateMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view: Any, args: Any, kwargs: Any) -> HttpResponse | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        route = _route(request)
        if not route:
            return None
        if policy.admin_terminal_refused(user, client_ip(request)) and route != "accounts:logout":
            return _refuse(request, _("管理员账号只能从指定的管理终端地址使用。"))
        if policy.otp_required(user) and not user.is_verified():
            if route in OTP_ROUTES:
                return None
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": _("请先完成动态口令验证")}, status=401)
            return redirect("accounts:otp_verify")
        if policy.password_change_due(user, timezone.now()):
            if route in PASSWORD_ROUTES:
                return None
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": _("请先修改密码")}, status=401)
            return redirect("accounts:password_change")
        if not route_allowed(user.role, route):
            return _refuse(request, _("您的角色不能访问此页面。"))
        return None
