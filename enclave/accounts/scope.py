"""The one place that says which rows a user may see and change.

Every page, API endpoint and export reads through the `*_visible_to` functions built on this module;
views never filter by role themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

from enclave.accounts.models import Role

CITY_ROLES = frozenset({Role.CITY_ADMIN, Role.REVIEWER, Role.AUDITOR})
REVIEW_ROLES = frozenset({Role.CITY_ADMIN, Role.REVIEWER})


@dataclass(frozen=True)
class Scope:
    """What a user's role and attachment allow, as plain facts."""

    role: str
    unit_id: int | None
    park_id: int | None
    user_id: int | None

    @property
    def is_city(self) -> bool:
        return self.role in CITY_ROLES

    @property
    def can_review(self) -> bool:
        return self.role in REVIEW_ROLES

    @property
    def is_read_only(self) -> bool:
        return self.role == Role.AUDITOR

    @property
    def can_edit_reference(self) -> bool:
        return self.role == Role.CITY_ADMIN

    @property
    def can_change_rules(self) -> bool:
        """The effective-dated rules of the money path (retention rates, sharing defaults): the city only."""
        return self.role == Role.CITY_ADMIN


def scope_of(user: object) -> Scope:
    """The scope of an authenticated user; anonymous users get a scope that sees nothing."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return Scope(role="", unit_id=None, park_id=None, user_id=None)
    return Scope(
        role=user.role,  # type: ignore[attr-defined]
        unit_id=user.unit_id,  # type: ignore[attr-defined]
        park_id=user.park_id,  # type: ignore[attr-defined]
        user_id=user.pk,  # type: ignore[attr-defined]
    )
