from __future__ import annotations

from django.apps import AppConfig


class SharingConfig(AppConfig):
    name = "enclave.sharing"
    verbose_name = "利益分享与核算"
