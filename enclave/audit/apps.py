from __future__ import annotations

from django.apps import AppConfig
from django.db.backends.signals import connection_created
from django.utils.translation import gettext_lazy as _


def sqlite_recursive_triggers(sender, connection, **kwargs) -> None:
    """Every SQLite connection fires delete triggers for the rows REPLACE removes (off by default), so
    INSERT OR REPLACE meets audit_event's delete trigger like any DELETE (issue 14, item 2). The table
    refuses a second row with an existing id too (audit 0008), for clients that skip this."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA recursive_triggers = ON")


class AuditConfig(AppConfig):
    name = "enclave.audit"
    verbose_name = _("审计日志")

    def ready(self) -> None:
        from enclave.audit import checks  # noqa: F401 - registers the client-address settings check

        connection_created.connect(sqlite_recursive_triggers, dispatch_uid="enclave.audit.recursive_triggers")
