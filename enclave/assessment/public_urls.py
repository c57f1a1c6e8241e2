"""The public results page (公开): no login."""

from __future__ import annotations

from django.urls import path

from enclave.assessment import views

app_name = "public"
urlpatterns = [path("", views.public_results, name="results")]
