from __future__ import annotations

from django.urls import path

from enclave.sharing import confirm_views, views

app_name = "sharing"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("run/", views.run, name="run"),
    path("close/", views.close, name="close"),
    path("provisional/", views.provisional, name="provisional"),
    path("true-up/", views.true_up, name="true_up"),
    path("statement/<str:code>/", views.statement, name="statement"),
    path("statement/<str:code>/project/<int:project_id>/", views.drilldown, name="drilldown"),
    path("accounting/", views.accounting_table, name="accounting"),
    path("reports/", views.reports, name="reports"),
    path("reports/new/", views.report_create, name="report_create"),
    path("reports/confirm/", confirm_views.reports_confirm, name="reports_confirm"),
    path("tax-extract/", confirm_views.tax_extract, name="tax_extract"),
    path("tax-extract/template/", confirm_views.tax_extract_template, name="tax_extract_template"),
    path("reports/<int:pk>/edit/", views.report_edit, name="report_edit"),
    path("reports/<int:pk>/confirm/", views.report_confirm, name="report_confirm"),
    path("adjustments/", views.adjustments, name="adjustments"),
    path("adjustments/<int:pk>/void/", views.adjustment_void, name="adjustment_void"),
    path("rates/", views.rates, name="rates"),
    path("policies/change/", views.policy_change, name="policy_change"),
]
