from __future__ import annotations

from django.urls import path

from enclave.jobs import views

app_name = "jobs"
urlpatterns = [
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/progress/", views.progress, name="progress"),
]
