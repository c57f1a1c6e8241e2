from __future__ import annotations

from django.urls import path

from enclave.projects import views

app_name = "projects"
urlpatterns = [
    path("", views.library, name="library"),
    path("export.xlsx", views.export, name="export"),
    path("new/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/file/", views.file, name="file"),
    path("<int:pk>/action/", views.action, name="action"),
    path("<int:pk>/recognise/", views.recognise, name="recognise"),
    path("conflicts/", views.conflicts, name="conflicts"),
    path("conflicts/<int:pk>/resolve/", views.conflict_resolve, name="conflict_resolve"),
    path("claims/new/", views.claim_create, name="claim_create"),
    path("claims/<int:pk>/document/", views.claim_document, name="claim_document"),
]
