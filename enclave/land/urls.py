from __future__ import annotations

from django.urls import path

from enclave.land import views

app_name = "land"
urlpatterns = [
    path("", views.parcel_list, name="list"),
    path("export.xlsx", views.parcel_export, name="export"),
    path("new/", views.parcel_create, name="create"),
    path("<int:pk>/", views.parcel_detail, name="detail"),
    path("<int:pk>/edit/", views.parcel_edit, name="edit"),
    path("subparks/", views.subpark_list, name="subparks"),
    path("subparks/export.xlsx", views.subpark_export, name="subpark_export"),
    path("subparks/new/", views.subpark_create, name="subpark_create"),
    path("subparks/<int:pk>/", views.subpark_detail, name="subpark_detail"),
    path("subparks/<int:pk>/edit/", views.subpark_edit, name="subpark_edit"),
    path("subparks/<int:pk>/buildings/", views.building_add, name="building_add"),
    path("subparks/<int:pk>/milestones/", views.milestone_add, name="milestone_add"),
    path("subparks/<int:pk>/milestones/done/", views.milestone_done, name="milestone_done"),
    path("subparks/<int:pk>/tenants/", views.tenant_add, name="tenant_add"),
    path("resources/", views.resource_list, name="resources"),
    path("resources/export.xlsx", views.resource_export, name="resource_export"),
    path("resources/new/", views.resource_create, name="resource_create"),
    path("resources/<int:pk>/edit/", views.resource_edit, name="resource_edit"),
]
