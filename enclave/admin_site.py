"""The Django admin as Enclave's reference-data console (基础数据管理), for the city administrator only.

How it is wired: settings.INSTALLED_APPS lists `enclave.admin_site.EnclaveAdminConfig` instead of
`django.contrib.admin`. Its `default_site` makes `django.contrib.admin.site` (used by every `admin.py` and by
`enclave/urls.py`) an `EnclaveAdminSite`, whose `has_permission` admits only active staff users with role
city_admin. Sign-in and sign-out go through the accounts pages and services, so they are audited like any
other; an authenticated user without the role gets a logged 403, never the admin's own login form.

Model admins use `CityAdminPermissions` (role, not Django's per-model permissions, decides) together with
`enclave.audit.admin.AuditedAdmin`, which writes an audit row for every save and delete.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

CITY_ADMIN = "city_admin"  # accounts.models.Role.CITY_ADMIN; not imported because apps are not ready here


def is_city_admin(user: Any) -> bool:
    """Only the city's administrator (市发展改革委), marked staff, maintains reference data."""
    return bool(
        getattr(user, "is_authenticated", False)
        and user.is_active
        and user.is_staff
        and getattr(user, "role", "") == CITY_ADMIN
    )


class EnclaveAdminSite(admin.AdminSite):
    site_header = _("昆明市重点产业协作园区平台 · 基础数据管理")
    site_title = _("基础数据管理")
    index_title = _("基础数据")
    site_url = "/"

    def has_permission(self, request: HttpRequest) -> bool:
        return is_city_admin(request.user)

    def login(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        """Signed-in users without the role are refused (logged 403); others sign in on the audited page."""
        target = request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
            target = reverse("admin:index", current_app=self.name)
        if request.user.is_authenticated:
            if self.has_permission(request):
                return redirect(target)
            raise PermissionDenied(gettext("只有市级管理员可以维护基础数据"))
        return HttpResponseRedirect(f"{reverse(settings.LOGIN_URL)}?{urlencode({'next': target})}")

    def logout(self, request: HttpRequest, extra_context: dict[str, Any] | None = None) -> HttpResponse:
        return _logout(request)


@require_POST
def _logout(request: HttpRequest) -> HttpResponse:
    from enclave.accounts import services

    services.session_end(request=request)
    return redirect(settings.LOGOUT_REDIRECT_URL)


class EnclaveAdminConfig(AdminConfig):
    default_site = "enclave.admin_site.EnclaveAdminSite"


class CityAdminPermissions:
    """The role decides: the city administrator may view, add, change and delete; nobody else may."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return is_city_admin(request.user)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_city_admin(request.user)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return is_city_admin(request.user)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_city_admin(request.user)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return is_city_admin(request.user)
