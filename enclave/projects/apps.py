from __future__ import annotations

from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "enclave.projects"
    verbose_name = "协作项目"
