"""The keyed hash chain over the audit trail (防篡改): HMAC-SM3 of each row's canonical content plus the
previous row's MAC.

Anyone who edits a field, deletes a row or swaps two rows (even with the triggers switched off) breaks the
chain at that row, and `manage.py verify_audit_chain` names it. The key (ENCLAVE_AUDIT_KEY) is not the
SECRET_KEY: a database dump alone is not enough to forge a chain.

Rows are chained in id order. Inserting takes a lock first (PostgreSQL: a transaction-level advisory
lock; SQLite: its IMMEDIATE transactions already hold the write lock), so ids are handed out in chain
order and two concurrent writers never link to the same predecessor.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connections

GENESIS = "0" * 64
# Any fixed 64-bit number: the PostgreSQL advisory lock that serialises audit inserts.
PG_LOCK_ID = 0x656E636C61766531  # "enclave1"

CHAINED_FIELDS = (
    "at",
    "actor_id",
    "actor_role",
    "actor_scope",
    "verb",
    "object_type",
    "object_id",
    "object_repr",
    "before",
    "after",
    "reason",
    "success",
    "ip",
    "request_id",
)


def _sm3() -> Any:
    return hashlib.new("sm3")


def mac(content: bytes, previous: str, key: bytes | None = None) -> str:
    """HMAC-SM3 (GB/T 32905 hash in RFC 2104 HMAC) of the content and the previous row's MAC."""
    key = key if key is not None else settings.ENCLAVE_AUDIT_KEY.encode()
    return hmac.new(key, content + b"|" + previous.encode(), _sm3).hexdigest()


def _utc(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def canonical(values: dict[str, Any]) -> bytes:
    """One row's chained fields as canonical JSON (sorted keys, UTC time): the same bytes whichever
    database stored the row and however its JSON columns came back."""
    data = {name: values[name] for name in CHAINED_FIELDS}
    data["at"] = _utc(data["at"])
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def lock(using: str) -> None:
    """Serialise chain appends until the surrounding transaction ends."""
    connection = connections[using]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [PG_LOCK_ID])


@dataclass(frozen=True)
class Break:
    """The first row where the chain does not hold, and why."""

    event_id: int
    position: int  # 1-based position among the rows checked
    reason: str


@dataclass(frozen=True)
class Report:
    rows: int
    head_id: int | None
    head_mac: str
    first_break: Break | None

    @property
    def ok(self) -> bool:
        return self.first_break is None


def verify(rows: Iterable[dict[str, Any]], anchors: set[str] | None = None) -> Report:
    """Walk the rows in id order. The first row links to the genesis value or to the anchor a recorded
    purge left behind; every later row links to the row before it and its own MAC must recompute."""
    anchors = {GENESIS} | (anchors or set())
    previous: str | None = None
    count, head_id, head_mac = 0, None, ""
    for row in rows:
        count += 1
        expected_prev = previous
        if expected_prev is None:
            if row["prev_mac"] not in anchors:
                return Report(count, head_id, head_mac, Break(row["id"], count, "链首缺失：之前的记录被删除"))
        elif row["prev_mac"] != expected_prev:
            return Report(
                count,
                head_id,
                head_mac,
                Break(row["id"], count, "与前一条记录不衔接：记录被删除、插入或调换"),
            )
        if not hmac.compare_digest(mac(canonical(row), row["prev_mac"]), row["mac"] or ""):
            return Report(count, head_id, head_mac, Break(row["id"], count, "内容与校验值不符：记录被修改"))
        previous, head_id, head_mac = row["mac"], row["id"], row["mac"]
    return Report(count, head_id, head_mac, None)


def rows_in_order(queryset: Any, chunk: int = 2000) -> Iterator[dict[str, Any]]:
    yield from queryset.order_by("id").values("id", "prev_mac", "mac", *CHAINED_FIELDS).iterator(chunk)
