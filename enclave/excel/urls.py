from __future__ import annotations

from django.urls import path

from enclave.excel import views

app_name = "excel"
urlpatterns = [
    path("", views.index, name="index"),
    path("runs/export.xlsx", views.runs_export, name="runs_export"),
    path("templates/<slug:kind>.xlsx", views.template, name="template"),
    path("runs/<int:pk>/", views.run, name="run"),
    path("runs/<int:pk>/errors.xlsx", views.run_errors, name="run_errors"),
]
