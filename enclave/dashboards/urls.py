from __future__ import annotations

from django.urls import path

from enclave.dashboards import views

app_name = "dashboards"
urlpatterns = [
    path("", views.index, name="index"),
    path("data.json", views.data, name="data"),
    path("export.xlsx", views.export, name="export"),
    path("bulletin/", views.bulletin_page, name="bulletin"),
    path("bulletin.docx", views.bulletin_download, name="bulletin_docx"),
]
