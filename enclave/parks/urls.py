from __future__ import annotations

from django.urls import path

from enclave.parks import views

app_name = "parks"
urlpatterns = [
    path("", views.index, name="index"),
    path("export.xlsx", views.export, name="export"),
    path("units/", views.unit_list, name="unit_list"),
    path("units/export.xlsx", views.unit_export, name="unit_export"),
    path("<slug:code>/", views.park_detail, name="park_detail"),
]
