"""Idempotency keys on money-relevant API calls (report create/update/confirm, bulk reports, bulk
confirmation, settlement run, close and provisional quarter, the annual true-up, adjustments and their voiding).

A client sends `Idempotency-Key: <its own unique text>`. The first successful response is stored with the
SM3 digest of method, path and canonical body; the same key with the same request returns that response
again (header `Idempotent-Replayed: true`) and writes nothing; the same key with a different request is a
422 with a Chinese message. The claim, the business write and the stored result share one transaction, so
a second request with the same key waits for the first and then gets its result. A failed call (4xx/5xx)
keeps nothing, so the client may correct it and retry with the same key.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse

from enclave.sharing.models import IdempotentRequest

HEADER = "HTTP_IDEMPOTENCY_KEY"
MONEY_ROUTES = re.compile(
    r"^/api/v1/(reports(/bulk|/confirm|/\d+(/confirm)?)?|settlements/(run|close|provisional)|true-ups"
    r"|adjustments(/\d+/void)?)$"
)
KEY_FORMAT = re.compile(r"^[\x21-\x7e]{1,100}$")
MISMATCH = "该幂等键（Idempotency-Key）已用于另一份不同的请求内容；请为新请求使用新的幂等键"
BAD_KEY = "幂等键（Idempotency-Key）应为1至100个可见ASCII字符"


def request_digest(request: HttpRequest) -> str:
    try:
        body = json.dumps(json.loads(request.body or b"null"), sort_keys=True, ensure_ascii=False).encode()
    except ValueError:
        body = request.body
    return hashlib.new("sm3", f"{request.method}\n{request.path}\n".encode() + body).hexdigest()


def _refusal(message: str) -> JsonResponse:
    """The API's error shape: a 422 with the field and a Chinese message (UTF-8, not \\u escapes)."""
    body = {"detail": [{"field": "Idempotency-Key", "message": message}]}
    return JsonResponse(body, status=422, json_dumps_params={"ensure_ascii": False})


def _replay(stored: IdempotentRequest) -> HttpResponse:
    response = HttpResponse(stored.body, status=stored.status, content_type=stored.content_type)
    response["Idempotent-Replayed"] = "true"
    return response


class IdempotencyMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        key = request.META.get(HEADER)
        user = getattr(request, "user", None)
        if (
            key is None
            or request.method not in ("POST", "PUT", "PATCH")
            or not MONEY_ROUTES.match(request.path)
            or user is None
            or not user.is_authenticated
        ):
            return self.get_response(request)
        if not KEY_FORMAT.match(key):
            return _refusal(BAD_KEY)
        digest = request_digest(request)
        with transaction.atomic():
            try:
                with transaction.atomic():
                    claim = IdempotentRequest.objects.create(user=user, key=key, request_digest=digest)
            except IntegrityError:
                claim = None
            if claim is None:
                stored = IdempotentRequest.objects.get(user=user, key=key)
                if stored.request_digest != digest:
                    return _refusal(MISMATCH)
                return _replay(stored)
            response = self.get_response(request)
            if 200 <= response.status_code < 300 and not response.streaming:
                claim.status = response.status_code
                claim.content_type = response.get("Content-Type", "application/json")
                claim.body = response.content.decode()
                claim.save(update_fields=["status", "content_type", "body"])
            else:
                claim.delete()
        return response
