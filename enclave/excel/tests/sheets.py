"""Reading back an export in tests: the house style's title, header and rows of each sheet, and the one
audit row the export left."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
from django.test import Client

from enclave.audit.models import Event, Verb
from enclave.excel.export import HEADER_ROW, TITLE_ROW


def workbook(user: Any, url: str) -> openpyxl.Workbook:
    """GET an export as `user`: an xlsx answer that left exactly one export audit row by that user."""
    client = Client()
    client.force_login(user)
    before = Event.objects.filter(verb=Verb.EXPORT, actor=user).count()
    response = client.get(url)
    assert response.status_code == 200 and "spreadsheetml" in response["Content-Type"], response.status_code
    assert Event.objects.filter(verb=Verb.EXPORT, actor=user).count() == before + 1
    return openpyxl.load_workbook(io.BytesIO(response.content))


def table(ws: Any) -> tuple[str, list[Any], list[list[Any]]]:
    """(title, headers, data rows) of a sheet in the house style: frozen header with auto-filter."""
    assert ws.freeze_panes == f"A{HEADER_ROW + 1}" and ws.auto_filter.ref.startswith(f"A{HEADER_ROW}")
    headers = [c.value for c in ws[HEADER_ROW]]
    rows = [[c.value for c in r] for r in ws.iter_rows(min_row=HEADER_ROW + 1)]
    return ws[f"A{TITLE_ROW}"].value, headers, rows


def sheet(user: Any, url: str) -> tuple[str, list[Any], list[list[Any]]]:
    return table(workbook(user, url).active)


def column(headers: list[Any], rows: list[list[Any]], header: str) -> list[Any]:
    index = headers.index(header)
    return [r[index] for r in rows]
