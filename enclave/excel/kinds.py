"""What can be imported: one registered `ImportKind` per kind of row (enterprises, filings, monthly reports).

A kind is declared in its app's excel.py (the adapter) and says: its columns (header, how a cell is read,
drop-down choices, number format, an example), who may import it, how a parsed row is written — through the
same service the form uses — and the row's natural key, so that importing the same file again changes
nothing. Land parcels and later kinds register the same way; the upload page, the template download, the
command and the error report need no change.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from django.utils.translation import gettext_lazy as _


class Outcome(StrEnum):
    NEW = "new"
    UPDATED = "updated"
    UNCHANGED = "unchanged"


@dataclass(frozen=True)
class Field:
    """One column. `parse` reads a non-blank cell (raising cells.CellError); money columns give `money_unit`
    instead, the unit in fen the cell is in when neither the header nor the cell names one."""

    key: str
    header: str
    parse: Callable[[Any], Any] | None = None
    required: bool = False
    aliases: tuple[str, ...] = ()
    width: int = 16
    number_format: str = ""
    note: Any = ""
    choices: Callable[[], list[str]] | None = None
    example: Any = None
    money_unit: int | None = None


@dataclass
class BatchPlan:
    """What a kind's batch check decided, row by row (aligned with the rows it was given): the outcome,
    or the exception the kind's service would have raised for that row (None for rows not checked).
    `write(progress, source)` then writes every row at once; it is called only when no row was refused
    and this is not a dry run, inside the import's transaction."""

    decisions: list[Outcome | Exception | None]
    write: Callable[[Callable[[int, int, str], None], str], None]


@dataclass(frozen=True)
class ImportKind:
    name: str
    label: Any
    sheet: str
    fields: Callable[[], tuple[Field, ...]]
    may_import: Callable[[Any], bool]
    refusal: Any
    prepare: Callable[[Any], Any]
    natural_key: Callable[[dict[str, Any]], tuple[Any, ...]]
    apply: Callable[[Any, dict[str, Any], Any], Outcome]
    service_fields: Mapping[str, str] = field(default_factory=dict)
    instructions: tuple[Any, ...] = ()
    # Optional fast path for large files: check every row against preloaded data with the service's own
    # rules and messages, then write in bulk. Must give exactly what `apply` row by row gives.
    batch: Callable[[Any, list[dict[str, Any]], Any], BatchPlan] | None = None


_KINDS: dict[str, ImportKind] = {}
# App adapters that declare kinds; importing them registers their kinds.
ADAPTERS = (
    "enclave.enterprises.excel",
    "enclave.projects.excel",
    "enclave.sharing.excel",
    "enclave.leads.imports",
    "enclave.land.imports",
    "enclave.sharing.imports",
)


def kind_register(kind: ImportKind) -> ImportKind:
    _KINDS[kind.name] = kind
    return kind


def kinds() -> dict[str, ImportKind]:
    for module in ADAPTERS:
        importlib.import_module(module)
    return dict(_KINDS)


def kind_get(name: str) -> ImportKind:
    found = kinds().get(name)
    if found is None:
        raise KeyError(name)
    return found


REQUIRED_MARK = "*"
EXAMPLE_MARK = ("示例：", "示例:")
INSTRUCTIONS = (
    _("带 * 的列必须填写；其他列可以留空。更新已有记录时，留空的单元格表示不修改。"),
    _("金额可以直接写单位，如 1,234.56、520万、2.92亿元；不写单位时按列标题中的单位。金额最多保留到分。"),
    _(
        "日期可写作 2024-07-15、2024/7/15、2024年7月15日，或使用Excel日期格式；月份可写作 2024-07 或 2024年7月。"
    ),
    _("可以在表头上方保留标题行，空行会被跳过；列的顺序可以调整，但请不要修改列标题。"),
    _("以“示例：”开头的行是填写示例，导入时忽略，可以删除。"),
    _(
        "导入时先检查全部行：只要有一处错误，整份文件都不会写入，并列出全部问题（可下载标注了错误单元格的文件）。"
    ),
    _("再次导入同一文件不会产生重复记录：已有记录按唯一标识更新，内容相同的行保持不变。"),
)
