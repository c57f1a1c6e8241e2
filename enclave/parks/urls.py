from __future__ import annotations

from django.urls import path

from enclave.parks import views

app_name = "parks"
urlpatterns = [
    path("", views.index, name="index"),
    path("units/", views.unit_list, name="unit_list"),
    path("<slug:code>/", views.park_detail, name="park_detail"),
]
