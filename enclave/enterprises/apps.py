from __future__ import annotations

from django.apps import AppConfig


class EnterprisesConfig(AppConfig):
    name = "enclave.enterprises"
    verbose_name = "企业库"
