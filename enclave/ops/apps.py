from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    """Operations: database backup and restore (no models)."""

    name = "enclave.ops"
    verbose_name = _("运维")
