from __future__ import annotations

from django.urls import path

from enclave.leads import views

app_name = "leads"
urlpatterns = [
    path("", views.lead_list, name="list"),
    path("export.xlsx", views.lead_export, name="export"),
    path("new/", views.lead_create, name="create"),
    path("<int:pk>/", views.lead_detail, name="detail"),
    path("<int:pk>/edit/", views.lead_edit, name="edit"),
    path("<int:pk>/move/", views.lead_move, name="move"),
    path("<int:pk>/fact/", views.lead_fact, name="fact"),
    path("<int:pk>/file/", views.lead_file, name="file"),
    path("<int:pk>/share/", views.lead_share, name="share"),
    path("attention/", views.attention, name="attention"),
    path("funnel/", views.funnel, name="funnel"),
    path("funnel/export.xlsx", views.funnel_export, name="funnel_export"),
    path("visits/", views.visit_list, name="visits"),
    path("visits/export.xlsx", views.visit_export, name="visit_export"),
    path("visits/new/", views.visit_create, name="visit_create"),
    path("visits/<int:pk>/", views.visit_detail, name="visit_detail"),
    path("visits/<int:pk>/edit/", views.visit_edit, name="visit_edit"),
]
