from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from enclave.accounts import views as account_views
from enclave.api import api_urls

urlpatterns = [
    path("", account_views.home, name="home"),
    path("accounts/", include("enclave.accounts.urls")),
    path("audit/", include("enclave.audit.urls")),
    path("parks/", include("enclave.parks.urls")),
    path("enterprises/", include("enclave.enterprises.urls")),
    path("projects/", include("enclave.projects.urls")),
    path("sharing/", include("enclave.sharing.urls")),
    path("assessment/", include("enclave.assessment.urls")),
    path("public/", include("enclave.assessment.public_urls")),
    path("leads/", include("enclave.leads.urls")),
    path("land/", include("enclave.land.urls")),
    path("jobs/", include("enclave.jobs.urls")),
    path("excel/", include("enclave.excel.urls")),
    path("dashboards/", include("enclave.dashboards.urls")),
    path("api/v1/", api_urls()),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:  # pragma: no cover - local development only
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler400 = "enclave.errors.bad_request"  # a bad query parameter (enclave.query_params), in Chinese
handler403 = "enclave.audit.views.permission_denied"
