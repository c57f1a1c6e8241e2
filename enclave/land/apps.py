from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LandConfig(AppConfig):
    name = "enclave.land"
    verbose_name = _("土地、园中园与资源库")
