from __future__ import annotations

from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "enclave.jobs"
    verbose_name = "后台任务"
