from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExcelConfig(AppConfig):
    name = "enclave.excel"
    verbose_name = _("Excel 导入导出")

    def ready(self) -> None:
        from enclave.excel import jobs  # noqa: F401 - registers the import job kind
