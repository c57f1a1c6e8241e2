"""Sign-in and sign-out with their audit rows."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import login, logout
from django.db import transaction
from django.http import HttpRequest

from enclave.audit.models import Verb
from enclave.audit.services import event_record


@transaction.atomic
def session_start(*, request: HttpRequest, user: Any) -> None:
    login(request, user)  # rotates the session key
    event_record(actor=user, verb=Verb.LOGIN, target=user)


@transaction.atomic
def session_end(*, request: HttpRequest) -> None:
    user = request.user
    if getattr(user, "is_authenticated", False):
        event_record(actor=user, verb=Verb.LOGOUT, target=user)
    logout(request)  # deletes the server-side session


def login_failed_record(*, username: str) -> None:
    """A failed sign-in; the username is kept as typed (never the password)."""
    event_record(
        actor=None,
        verb=Verb.LOGIN_FAILED,
        object_type="accounts.user",
        object_repr=username[:150],
        success=False,
    )
