"""Which role may reach which route at all (三权分立), as one table; the middleware applies it to every request.

The three administrators each reach only their own console: the system administrator manages accounts, the
security administrator grants roles, unlocks, ends sessions and resets a lost second factor, the audit administrator reads the audit
trail. None of them reaches a business page, the JSON API or the reference-data admin. Business roles reach
everything except the consoles (what they then see is decided by scope.py and the `*_visible_to` queries).
An account without a role reaches only its own sign-in pages.
"""

from __future__ import annotations

from enclave.accounts.models import ADMIN_ROLES, Role

# Every signed-in user: sign-in steps, one's own password and second factor, language, the home redirect.
SELF_SERVICE = frozenset(
    {
        "home",
        "set_language",
        "accounts:login",
        "accounts:logout",
        "accounts:password_change",
        "accounts:otp_verify",
        "accounts:otp_enrol",
        "accounts:otp_qr",
    }
)
CONSOLES: dict[str, frozenset[str]] = {
    Role.SYS_ADMIN: frozenset(
        {
            "accounts:user_list",
            "accounts:user_export",
            "accounts:user_create",
            "accounts:user_detail",
            "accounts:user_pi",
            "accounts:user_disable",
            "accounts:user_enable",
            "accounts:user_password_reset",
        }
    ),
    Role.SECURITY_ADMIN: frozenset(
        {
            "accounts:security",
            "accounts:role_grant",
            "accounts:role_revoke",
            "accounts:user_unlock",
            "accounts:sessions_end",
            "accounts:otp_reset",
            "accounts:policy",
        }
    ),
    Role.AUDIT_ADMIN: frozenset({"audit:list", "audit:export"}),
}
CONSOLE_ROUTES = frozenset().union(*CONSOLES.values())


def route_allowed(role: str, route: str) -> bool:
    """May a user with this role reach this named route (namespace:name)?"""
    if route in SELF_SERVICE:
        return True
    if role in ADMIN_ROLES:
        return route in CONSOLES[role]
    if not role:
        return False
    return route not in CONSOLE_ROUTES


def home_route(role: str) -> str:
    """Where a user lands after signing in."""
    return {
        Role.SYS_ADMIN: "accounts:user_list",
        Role.SECURITY_ADMIN: "accounts:security",
        Role.AUDIT_ADMIN: "audit:list",
    }.get(role, "projects:library")
