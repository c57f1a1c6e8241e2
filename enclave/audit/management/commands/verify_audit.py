"""python manage.py verify_audit: the same check as verify_audit_chain (the name the issue uses)."""

from enclave.audit.management.commands.verify_audit_chain import Command  # noqa: F401
