"""The one place that says which rows a user may see and change.

Every page, API endpoint and export reads through the `*_visible_to` functions built on this module;
views never filter by role themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

from enclave.accounts.models import Role

# The finance role (市财政局/市税务局) reads city-wide, like the auditor, and confirms tax figures.
CITY_ROLES = frozenset({Role.CITY_ADMIN, Role.REVIEWER, Role.FINANCE, Role.AUDITOR})
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

    @property
    def can_confirm_tax(self) -> bool:
        """Tax figures are the finance and tax bureaus' to confirm (one row, a filter, or their extract);
        the city administrator no longer does (issue 13)."""
        return self.role == Role.FINANCE

    @property
    def can_confirm_indicators(self) -> bool:
        """Indicator figures come from the statistics bureau, which has no account: the city enters its
        confirmation, as before."""
        return self.role == Role.CITY_ADMIN


def may_confirm_tax(user: object) -> bool:
    return scope_of(user).can_confirm_tax


def may_confirm_indicators(user: object) -> bool:
    return scope_of(user).can_confirm_indicators


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
