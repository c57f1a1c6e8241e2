"""python manage.py backup [--out DIR]: a consistent copy of the database plus its manifest.

SQLite uses the online backup API (safe while the server runs); PostgreSQL uses pg_dump (custom format).
The backup is itself audited as a data export."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from enclave.audit.models import Verb
from enclave.audit.services import event_record
from enclave.ops.backup import backup_create


class Command(BaseCommand):
    help = "备份整个数据库（SQLite 在线备份 / PostgreSQL pg_dump），并写出核对清单"

    def add_arguments(self, parser):
        parser.add_argument("--out", type=Path, default=Path(settings.BASE_DIR) / "var" / "backups")

    def handle(self, *args, out: Path, **options):
        # The export row goes in first, so the backup holds the record of its own making.
        event_record(actor=None, verb=Verb.EXPORT, object_type="system.backup", object_repr=str(out)[:200])
        try:
            made = backup_create(out)
        except (RuntimeError, OSError) as exc:
            raise CommandError(f"备份失败：{exc}") from exc
        except Exception as exc:  # subprocess.CalledProcessError from pg_dump
            stderr = getattr(exc, "stderr", b"") or b""
            raise CommandError(f"备份失败：{stderr.decode(errors='replace') or exc}") from exc
        self.stdout.write(f"备份已写入 {made.path}\n核对清单 {made.manifest}")
