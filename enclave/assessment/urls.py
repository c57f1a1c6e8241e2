from __future__ import annotations

from django.urls import path

from enclave.assessment import views

app_name = "assessment"
urlpatterns = [
    path("", views.index, name="index"),
    path("export.xlsx", views.runs_export, name="runs_export"),
    path("run/", views.run_start, name="run_start"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("runs/<int:pk>/publish/", views.run_publish, name="publish"),
    path("runs/<int:pk>/units/<str:code>/", views.unit_result, name="unit"),
    path("runs/<int:pk>/units/<str:code>/export.xlsx", views.unit_export, name="unit_export"),
    path("targets/", views.targets, name="targets"),
    path("targets/export.xlsx", views.targets_export, name="targets_export"),
    path("targets/change/", views.target_change, name="target_change"),
    path("targets/history/", views.target_history, name="target_history"),
    path("tiers/", views.tiers, name="tiers"),
    path("deductions/", views.deductions, name="deductions"),
    path("bonus/", views.bonus_list, name="bonus"),
    path("bonus/draft/", views.bonus_draft, name="bonus_draft"),
    path("bonus/<int:pk>/", views.bonus_detail, name="bonus_detail"),
]
