"""Enclave's one settings file, driven by environment variables.

Defaults give the embedded demo (SQLite, DEBUG off unless asked). Production sets ENCLAVE_DATABASE_URL to a
PostgreSQL URL and ENCLAVE_SECRET_KEY. Every variable is listed in the README's configuration reference.
"""

from __future__ import annotations

import hashlib
import ipaddress
import os
from pathlib import Path
from urllib.parse import unquote, urlparse

from csp.constants import NONCE, NONE, SELF

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


CHECKOUT_ID = hashlib.sha1(str(BASE_DIR).encode(), usedforsecurity=False).hexdigest()[
    :8
]  # a name, not security


def database_from_url(url: str) -> dict[str, object]:
    """sqlite:///path or postgres://user:pass@host:port/name into Django's DATABASES entry."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        # sqlite:///relative/path (from the project folder) or sqlite:////absolute/path
        name = unquote(url[len("sqlite:///") :])
        path = Path(name) if name else Path("var/enclave.sqlite3")
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(path if path.is_absolute() else BASE_DIR / path),
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
        }
    if parsed.scheme in {"postgres", "postgresql"}:
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parsed.path.lstrip("/")),
            "USER": unquote(parsed.username or ""),
            "PASSWORD": unquote(parsed.password or ""),
            "HOST": parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            "CONN_MAX_AGE": env_int("ENCLAVE_DB_CONN_MAX_AGE", 0),
            # One test database per checkout, so test runs of two checkouts on one server do not collide.
            "TEST": {"NAME": env_str("ENCLAVE_TEST_DB_NAME", f"test_enclave_{CHECKOUT_ID}")},
        }
    raise ValueError(f"ENCLAVE_DATABASE_URL: unsupported scheme {parsed.scheme!r}")


# ENCLAVE_PRODUCTION=1 turns on every deployment safeguard (secret key required, secure cookies, HSTS,
# SSL redirect). Without it Enclave runs as the local demo / development / test instance.
PRODUCTION = env_bool("ENCLAVE_PRODUCTION", False)
DEBUG = env_bool("ENCLAVE_DEBUG", False) and not PRODUCTION
DEMO_MODE = env_bool("ENCLAVE_DEMO", not PRODUCTION)

# Mail (the daily digest of overdue items, `manage.py digest --email`): the console in demo mode.
EMAIL_BACKEND = env_str(
    "ENCLAVE_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEMO_MODE
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("ENCLAVE_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("ENCLAVE_EMAIL_PORT", 25)
DEFAULT_FROM_EMAIL = env_str("ENCLAVE_EMAIL_FROM", "enclave@localhost")
SECRET_KEY = env_str("ENCLAVE_SECRET_KEY", "")
if PRODUCTION and len(SECRET_KEY) < 50:
    raise RuntimeError("ENCLAVE_SECRET_KEY must be set to at least 50 characters in production")
SECRET_KEY = SECRET_KEY or "insecure-local-key-for-demo-and-tests-only-never-in-production-0123456789"
# Key of the audit trail's HMAC-SM3 chain: not the SECRET_KEY, so a leaked settings key or database dump
# does not let anyone re-seal an edited trail. Rotation: see SECURITY.md.
ENCLAVE_AUDIT_KEY = env_str("ENCLAVE_AUDIT_KEY", "")
if PRODUCTION and (len(ENCLAVE_AUDIT_KEY) < 32 or ENCLAVE_AUDIT_KEY == SECRET_KEY):
    raise RuntimeError(
        "ENCLAVE_AUDIT_KEY must be set to at least 32 characters, different from the secret key"
    )
ENCLAVE_AUDIT_KEY = ENCLAVE_AUDIT_KEY or "insecure-demo-audit-chain-key-never-in-production"
ALLOWED_HOSTS = env_list("ENCLAVE_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")

(BASE_DIR / "var").mkdir(exist_ok=True)

INSTALLED_APPS = [
    "enclave.admin_site.EnclaveAdminConfig",  # django.contrib.admin, city administrator only
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "csp",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_tasks",
    "django_tasks_db",
    "enclave.accounts",
    "enclave.audit",
    "enclave.parks",
    "enclave.enterprises",
    "enclave.projects",
    "enclave.sharing",
    "enclave.assessment",
    "enclave.jobs",
    "enclave.excel",
    "enclave.dashboards",
    "enclave.ops",
    "enclave.leads",
    "enclave.land",
]

# Long jobs (settlements, imports) run in the background through django-tasks; its database backend needs
# no extra server: `manage.py db_worker` runs them (bin/demo starts one).
TASKS = {"default": {"BACKEND": env_str("ENCLAVE_TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "enclave.accounts.language.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "enclave.query_params.NulRefusingMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "enclave.sharing.idempotency.IdempotencyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "enclave.audit.middleware.RequestContextMiddleware",
    "enclave.audit.middleware.ResponseHardeningMiddleware",
    # After the request context (its audit rows carry IP and request id): timeouts, then the account gate
    # (admin terminals, TOTP, forced password change, which role reaches which route).
    "enclave.accounts.middleware.SessionTimeoutMiddleware",
    "enclave.accounts.middleware.AccountGateMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "enclave.urls"
WSGI_APPLICATION = "enclave.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "enclave" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
        },
    },
]

DATABASES = {"default": database_from_url(env_str("ENCLAVE_DATABASE_URL", "sqlite:///var/enclave.sqlite3"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "projects:library"
LOGOUT_REDIRECT_URL = "accounts:login"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # refuses a locked username before the password is checked
    "django.contrib.auth.backends.ModelBackend",
]
SESSION_ENGINE = "enclave.accounts.sessions"  # database sessions with a user column (end all of a user's)

# Password policy (密码策略, 等保 2.0 level 3 profile; see SECURITY.md for the ASVS deviations).
ENCLAVE_PASSWORD_MIN_LENGTH = env_int("ENCLAVE_PASSWORD_MIN_LENGTH", 8)
ENCLAVE_ADMIN_PASSWORD_MIN_LENGTH = env_int("ENCLAVE_ADMIN_PASSWORD_MIN_LENGTH", 12)
ENCLAVE_PASSWORD_MIN_CLASSES = env_int("ENCLAVE_PASSWORD_MIN_CLASSES", 3)  # of upper, lower, digit, symbol
ENCLAVE_PASSWORD_MAX_AGE_DAYS = env_int("ENCLAVE_PASSWORD_MAX_AGE_DAYS", 90)  # 0: no forced rotation
ENCLAVE_PASSWORD_HISTORY = env_int("ENCLAVE_PASSWORD_HISTORY", 5)
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "enclave.accounts.passwords.RoleMinimumLengthValidator"},
    {"NAME": "enclave.accounts.passwords.CharacterClassValidator"},
    {"NAME": "enclave.accounts.passwords.UsernameNotContainedValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "enclave.accounts.passwords.PasswordHistoryValidator"},
]

# Login-failure lockout (登录失败锁定) by username, never by address: a district office shares one address.
ENCLAVE_LOCKOUT_FAILURES = env_int("ENCLAVE_LOCKOUT_FAILURES", 5)
ENCLAVE_LOCKOUT_MINUTES = env_int("ENCLAVE_LOCKOUT_MINUTES", 30)
# Read through the security policy (the security administrator may change both within bounds).
AXES_FAILURE_LIMIT = "enclave.accounts.policy.lockout_failures"
AXES_COOLOFF_TIME = "enclave.accounts.policy.lockout_cooloff"
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = False  # reset by the services after the LAST factor succeeds (consecutive failures)
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # the lock ends 30 min after it began
AXES_LOCKOUT_CALLABLE = "enclave.accounts.views.lockout_response"
AXES_CLIENT_IP_CALLABLE = "enclave.audit.middleware.client_ip"
AXES_DISABLE_ACCESS_LOG = True  # sign-ins are in the audit trail already
AXES_SENSITIVE_PARAMETERS = ["password", "otp_token", "new_password1", "new_password2", "old_password"]
AXES_VERBOSE = False
# axes.W006 says a lock without the address can be bypassed by rotating user agents or cookies: it cannot here,
# the lock is on the username alone (never keyed by agent or cookie). Locking by address is refused on
# purpose (SECURITY.md): a whole district office shares one address, and one typo-prone user would lock it out.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# Sessions (会话): idle timeouts by role, an absolute lifetime.
ENCLAVE_SESSION_IDLE_MINUTES = env_int("ENCLAVE_SESSION_IDLE_MINUTES", 30)
ENCLAVE_ADMIN_SESSION_IDLE_MINUTES = env_int("ENCLAVE_ADMIN_SESSION_IDLE_MINUTES", 15)
ENCLAVE_SESSION_MAX_HOURS = env_int("ENCLAVE_SESSION_MAX_HOURS", 12)

# Second factor (双因素): TOTP for the three administrators always, for everyone when this switch is on.
ENCLAVE_OTP_ALL_USERS = env_bool("ENCLAVE_OTP_ALL_USERS", PRODUCTION)
OTP_TOTP_ISSUER = "Enclave"
OTP_TOTP_THROTTLE_FACTOR = 0  # wrong codes count toward the username lockout instead (one mechanism)
# Addresses (CIDR) from which the three administrators may work (管理终端); default: this machine only.
ENCLAVE_ADMIN_ALLOWED_NETWORKS = env_list("ENCLAVE_ADMIN_ALLOWED_NETWORKS", "127.0.0.0/8,::1/128")

# Accounts unused this many days are disabled by `manage.py disable_dormant_accounts` (run daily).
ENCLAVE_DORMANT_DAYS = env_int("ENCLAVE_DORMANT_DAYS", 90)

# SM4 key for personal information (phone, ID number): 32 hex digits, separate from SECRET_KEY.
ENCLAVE_PI_KEY = env_str("ENCLAVE_PI_KEY", "")
if PRODUCTION and len(ENCLAVE_PI_KEY) != 32:
    raise RuntimeError("ENCLAVE_PI_KEY must be set to 32 hex digits (an SM4 key) in production")
ENCLAVE_PI_KEY = ENCLAVE_PI_KEY or "0123456789abcdeffedcba9876543210"  # demo and tests only

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "enclave" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "enclave" / "static"]
STATIC_ROOT = Path(env_str("ENCLAVE_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
MEDIA_ROOT = Path(env_str("ENCLAVE_MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
MEDIA_URL = "/media/"
# Evidence documents for first-contact claims (首谈证明): size cap in bytes.
ENCLAVE_EVIDENCE_MAX_BYTES = env_int("ENCLAVE_EVIDENCE_MAX_BYTES", 10 * 1024 * 1024)

# Content-Security-Policy (django-csp): scripts only from Enclave's own static files and only with the
# request's nonce, no inline script or style, no plugins, no <base>, never framed.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
    }
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("ENCLAVE_SECURE_COOKIES", PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# The project's own 403 page for a failed CSRF check (Chinese, in the site's layout), not Django's English one.
CSRF_FAILURE_VIEW = "enclave.errors.csrf_failure"
SESSION_COOKIE_AGE = ENCLAVE_SESSION_MAX_HOURS * 3600  # the absolute lifetime; the server checks it too
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
SECURE_SSL_REDIRECT = env_bool("ENCLAVE_SSL_REDIRECT", PRODUCTION)
SECURE_HSTS_SECONDS = env_int("ENCLAVE_HSTS_SECONDS", 31_536_000 if PRODUCTION else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION


def _meta_name(header: str) -> str:
    """A header as request.META names it: X-Forwarded-Proto and HTTP_X_FORWARDED_PROTO both work."""
    name = header.strip().upper().replace("-", "_")
    return name if not name or name.startswith("HTTP_") else f"HTTP_{name}"


# Behind a TLS-terminating reverse proxy: the header it sets to the original scheme (e.g.
# HTTP_X_FORWARDED_PROTO, value "https"); without it SECURE_SSL_REDIRECT redirects forever. The proxy must
# overwrite the header, never pass on a client's. Empty (default): no proxy header is believed.
SECURE_PROXY_SSL_HEADER = (
    (_meta_name(env_str("ENCLAVE_PROXY_SSL_HEADER", "")), "https")
    if env_str("ENCLAVE_PROXY_SSL_HEADER", "").strip()
    else None
)
# The client address (audit trail, administrators' networks, lockout: audit/middleware.py client_ip): the
# header of the reverse proxy that appends the addresses it saw (e.g. HTTP_X_FORWARDED_FOR), and the
# proxies trusted to write it (CIDRs). The address is the right-most one of the header that is not a
# trusted proxy. No trusted proxy (the default): the header is ignored and REMOTE_ADDR is the address.
ENCLAVE_TRUSTED_PROXY_HEADER = _meta_name(env_str("ENCLAVE_TRUSTED_PROXY_HEADER", ""))
ENCLAVE_TRUSTED_PROXIES = env_list("ENCLAVE_TRUSTED_PROXIES", "")
for _cidr in ENCLAVE_TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_cidr, strict=False)
    except ValueError as _exc:
        raise RuntimeError(
            f"ENCLAVE_TRUSTED_PROXIES: {_cidr!r} is not an address or network (CIDR)"
        ) from _exc
# Where audit_chain_head writes the daily chain head files, and verify_audit_chain reads every one of them
# (the audit administrator keeps a copy of each off the machine).
ENCLAVE_AUDIT_HEAD_DIR = Path(env_str("ENCLAVE_AUDIT_HEAD_DIR", str(BASE_DIR / "var" / "audit-heads")))
# Audit rows stay online at least this many days (never under 180: purge_audit refuses younger rows).
ENCLAVE_AUDIT_RETENTION_DAYS = max(180, env_int("ENCLAVE_AUDIT_RETENTION_DAYS", 180))

# Pages of every list (分页).
ENCLAVE_PAGE_SIZE = env_int("ENCLAVE_PAGE_SIZE", 20)
# A recognised project is flagged "far behind its promise" when, after ENCLAVE_BEHIND_GRACE_MONTHS, its
# cumulative fixed-asset investment is under half of a steady build-out over ENCLAVE_BUILD_OUT_MONTHS.
ENCLAVE_BUILD_OUT_MONTHS = env_int("ENCLAVE_BUILD_OUT_MONTHS", 24)
ENCLAVE_BEHIND_GRACE_MONTHS = env_int("ENCLAVE_BEHIND_GRACE_MONTHS", 6)
# Upper bound for any single amount in fen: 10^15 fen = 1000亿元 (absurd beyond).
ENCLAVE_MAX_AMOUNT_FEN = 10**15
# Excel import (等保 upload controls): size, rows, and the ZIP container's member count, declared unpacked
# size and per-member compression ratio, all checked before anything is unpacked. Files above
# ENCLAVE_IMPORT_BACKGROUND_BYTES are imported by the background worker with a progress bar.
ENCLAVE_IMPORT_MAX_BYTES = env_int("ENCLAVE_IMPORT_MAX_BYTES", 10 * 1024 * 1024)
ENCLAVE_IMPORT_MAX_ROWS = env_int("ENCLAVE_IMPORT_MAX_ROWS", 50_000)
ENCLAVE_IMPORT_MAX_MEMBERS = env_int("ENCLAVE_IMPORT_MAX_MEMBERS", 500)
ENCLAVE_IMPORT_MAX_UNPACKED_BYTES = env_int("ENCLAVE_IMPORT_MAX_UNPACKED_BYTES", 256 * 1024 * 1024)
ENCLAVE_IMPORT_MAX_RATIO = env_int("ENCLAVE_IMPORT_MAX_RATIO", 300)
ENCLAVE_IMPORT_BACKGROUND_BYTES = env_int("ENCLAVE_IMPORT_BACKGROUND_BYTES", 256 * 1024)
ENCLAVE_IMPORT_DIR = Path(env_str("ENCLAVE_IMPORT_DIR", str(BASE_DIR / "var" / "imports")))
# Where a background job reports progress made inside its own transaction (an import's write phase).
ENCLAVE_JOB_PROGRESS_DIR = Path(env_str("ENCLAVE_JOB_PROGRESS_DIR", str(BASE_DIR / "var" / "jobs")))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {"enclave": {"handlers": ["console"], "level": env_str("ENCLAVE_LOG_LEVEL", "INFO")}},
}
