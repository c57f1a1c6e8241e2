from __future__ import annotations

from django.apps import AppConfig


class ParksConfig(AppConfig):
    name = "enclave.parks"
    verbose_name = "园区与单位"
