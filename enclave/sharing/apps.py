from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SharingConfig(AppConfig):
    name = "enclave.sharing"
    verbose_name = _("利益分享与核算")

    def ready(self) -> None:
        from enclave.sharing import jobs  # noqa: F401 - registers the settlement job kinds
