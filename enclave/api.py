"""The JSON API (django-ninja): one NinjaAPI, each app contributes a router from its api.py.

Authentication is the Django session (ninja's django_auth), which also enforces CSRF on unsafe methods.
The exception handlers here are the API's error contract: every refusal is a 4xx with a Chinese message,
and a 404 never says what was looked for.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import DataError, IntegrityError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from ninja import NinjaAPI, Swagger
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.renderers import JSONRenderer
from ninja.security import django_auth

from enclave.api_schemas import field_errors_from_django, field_errors_from_pydantic
from enclave.assessment.api import router as assessment_router
from enclave.audit.models import Verb
from enclave.audit.services import event_record
from enclave.enterprises.api import router as enterprises_router
from enclave.land.api import router as land_router
from enclave.leads.api import router as leads_router
from enclave.leads.pipeline import StageError
from enclave.parks.api import router as parks_router
from enclave.projects.api import router as projects_router
from enclave.projects.workflow import TransitionError
from enclave.sharing.api import router as sharing_router
from enclave.sharing.rules_api import router as rules_router
from enclave.sharing.tax_api import router as tax_router

logger = logging.getLogger("enclave.api")

NOT_LOGGED_IN = "请先登录"


def _login_required_json(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """The schema and docs are for signed-in users; anonymous callers get a 401, not a login redirect."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return JsonResponse({"detail": NOT_LOGGED_IN}, status=401)
        return view(request, *args, **kwargs)

    return wrapped


class ReadableJSONRenderer(JSONRenderer):
    """UTF-8 Chinese as is, not \\u escapes: smaller, readable, and a text search of a body finds names."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    title="Enclave API",
    version="1",
    description=(
        "昆明市重点产业协作园区平台 JSON API。所有数据均按登录用户的角色与单位范围过滤。"
        "金额均为以分为单位的整数（*_fen），分成比例为基点（10000 = 100%）。"
        "使用 Django 会话登录；POST/PATCH 须带 X-CSRFToken 请求头。"
    ),
    urls_namespace="api",
    auth=django_auth,
    renderer=ReadableJSONRenderer(),
    # ninja's Swagger template loads swagger-ui from its own static files (no CDN), so the docs work offline.
    docs=Swagger(settings={"persistAuthorization": False, "tryItOutEnabled": False}),
    docs_decorator=_login_required_json,
)
api.add_router("", parks_router)
api.add_router("", enterprises_router)
api.add_router("", projects_router)
api.add_router("", tax_router)  # before sharing's: /reports/confirm must not be read as /reports/{report_id}
api.add_router("", sharing_router)
api.add_router("", rules_router)
api.add_router("", assessment_router)
api.add_router("", leads_router)
api.add_router("", land_router)


def _chinese_method_not_allowed(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """django-ninja answers a method a path does not take with a plain English 405; keep the API's
    contract (JSON, a Chinese message) and the Allow header."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            allowed = response["Allow"]
            refused = JsonResponse(
                {"detail": f"该接口不支持 {request.method} 方法（支持：{allowed}）"},
                status=405,
                json_dumps_params={"ensure_ascii": False},
            )
            refused["Allow"] = allowed
            return refused
        return response

    return wrapped


def api_urls() -> tuple[list[Any], str, str]:
    """The API's URL patterns (for enclave/urls.py), each view answering 405s in the API's own way."""
    patterns, app_name, namespace = api.urls
    for pattern in patterns:
        pattern.callback = _chinese_method_not_allowed(pattern.callback)
    return patterns, app_name, namespace


@api.exception_handler(DjangoValidationError)
def on_invalid(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
    """The services' field errors (Chinese), as 422."""
    return api.create_response(request, {"detail": field_errors_from_django(exc)}, status=422)


@api.exception_handler(NinjaValidationError)
def on_malformed(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    """Request-shape errors from ninja/pydantic, translated to the same Chinese field errors (422); a bad
    query parameter is a 400 naming it, as on the pages (enclave.query_params)."""
    errors = field_errors_from_pydantic(exc.errors)
    if exc.errors and all(list(error.get("loc") or [""])[0] == "query" for error in exc.errors):
        detail = "；".join(f"参数“{e['field']}”无效：{e['message']}" for e in errors)
        return api.create_response(request, {"detail": detail}, status=400)
    return api.create_response(request, {"detail": errors}, status=422)


@api.exception_handler(TransitionError)
def on_transition_refused(request: HttpRequest, exc: TransitionError) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc)}, status=409)


@api.exception_handler(StageError)
def on_stage_refused(request: HttpRequest, exc: StageError) -> HttpResponse:
    """A lead's stage move the pipeline refuses (a skipped stage's data missing, backwards, after filing)."""
    return api.create_response(request, {"detail": str(exc)}, status=409)


@api.exception_handler(PermissionDenied)
def on_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    """403, and an audit row (越权访问留痕). The service's transaction has already rolled back by now,
    so the row is kept."""
    reason = str(exc) or "无权执行该操作"
    event_record(
        actor=request.user,
        verb=Verb.DENIED,
        object_type="api",
        object_repr=f"{request.method} {request.path}"[:200],
        reason=reason[:500],
        success=False,
    )
    return api.create_response(request, {"detail": reason}, status=403)


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    """Always the same body, so a 404 confirms nothing about what exists."""
    return api.create_response(request, {"detail": "不存在"}, status=404)


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc, AuthenticationError) or exc.status_code == 401:
        detail = NOT_LOGGED_IN
    elif exc.status_code == 403 and "CSRF" in exc.message:
        detail = "CSRF 校验失败：请刷新页面后重试，或在请求头 X-CSRFToken 中提供令牌"
    elif exc.status_code == 400:
        detail = "请求内容无法解析，应为 JSON"
    else:
        detail = exc.message
    return api.create_response(request, {"detail": detail}, status=exc.status_code)


@api.exception_handler(IntegrityError)
def on_integrity_error(request: HttpRequest, exc: IntegrityError) -> HttpResponse:
    """A uniqueness race the services' checks could not see (two requests at once): ask to retry."""
    logger.warning("API integrity error on %s %s: %s", request.method, request.path, exc)
    return api.create_response(request, {"detail": "数据已被他人同时修改，请刷新后重试"}, status=409)


@api.exception_handler(DataError)
def on_data_error(request: HttpRequest, exc: DataError) -> HttpResponse:
    """A value the database refused (the schemas should prevent this): a 422, never a 500."""
    logger.warning("API data error on %s %s: %s", request.method, request.path, exc)
    return api.create_response(
        request, {"detail": [{"field": "__all__", "message": "输入的值超出允许范围"}]}, status=422
    )
