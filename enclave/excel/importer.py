"""Import one workbook of one kind: check the file, read it, parse every row, write all or nothing.

1. `safety.file_check` refuses a dangerous or unusable file before anything reads it.
2. python-calamine reads the cells (cached values of formulas, never the formulas). The header row is
   found among the first rows (title rows and merged cells above it are fine), columns by their Chinese
   headers in any order; blank rows and example rows (“示例：…”) are skipped.
3. Every cell of every row is parsed into plain values (cells.py) and every problem is collected.
4. In one transaction each parsed row goes through the kind's `apply`, which calls the same service as
   the form (same permission checks, same audit rows); service refusals become problems at their column.
   If there is any problem, or on a dry run, the transaction is rolled back: nothing is written.

The result says how many rows are new, updated or unchanged and lists every problem with its sheet,
row, column, the value and the reason; `marked_copy` returns the uploaded file with those cells marked.
"""

from __future__ import annotations

import functools
import io
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import python_calamine
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from openpyxl.utils import get_column_letter

from enclave.excel import cells
from enclave.excel.kinds import EXAMPLE_MARK, Field, ImportKind, Outcome
from enclave.excel.safety import FileRefused, Limits, file_check
from enclave.lib.money import FEN_PER_WAN, FEN_PER_YI, FEN_PER_YUAN
from enclave.projects.workflow import TransitionError

Progress = Callable[[int, int, str], None]
HEADER_SEARCH_ROWS = 30
SKIPPED_SHEETS = ("说明", "代码表", "错误清单")
WRITING = "写入（全部成功后一次提交）"
UNITS_IN_HEADER = (("亿元", FEN_PER_YI), ("万元", FEN_PER_WAN), ("元", FEN_PER_YUAN))


@dataclass(frozen=True)
class Problem:
    sheet: str
    row: int  # 1-based, as Excel shows it; 0 when the problem concerns the whole sheet
    column: str  # letter, "" for the whole row
    header: str
    value: str
    reason: str


@dataclass
class ImportResult:
    kind: str
    filename: str
    dry_run: bool
    rows: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    problems: list[Problem] = field(default_factory=list)
    refused: str = ""
    written: bool = False

    @property
    def ok(self) -> bool:
        return not self.refused and not self.problems

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["problems"] = [asdict(p) for p in self.problems]
        return data


def header_fold(text: Any) -> str:
    """A header as compared: width folded, spaces and required marks removed, brackets unified."""
    folded = cells.folded(text).replace("*", "").replace("(", "（").replace(")", "）")
    return unicodedata.normalize("NFC", folded)


def header_base(text: str) -> str:
    return re.sub(r"（[^）]*）$", "", text)


@dataclass(frozen=True)
class Column:
    field: Field
    index: int  # 0-based position in the row lists
    header: str
    unit_fen: int | None


def _match(fields: tuple[Field, ...], header: Any) -> tuple[Field, int | None] | None:
    folded = header_fold(header)
    if not folded:
        return None
    for f in fields:
        names = {header_fold(f.header), *(header_fold(a) for a in f.aliases)}
        if folded in names:
            return f, _unit_of(folded, f)
        if f.money_unit is not None and header_base(folded) in {header_base(n) for n in names}:
            return f, _unit_of(folded, f)
    return None


def _unit_of(header: str, f: Field) -> int | None:
    if f.money_unit is None:
        return None
    tail = header[len(header_base(header)) :]
    for unit, factor in UNITS_IN_HEADER:
        if unit in tail:
            return factor
    return f.money_unit


@dataclass
class Sheet:
    name: str
    header_row: int
    columns: list[Column]
    col_offset: int
    rows: Iterator[list[Any]]  # the rows after the header
    height: int


def _locate(workbook: Any, kind: ImportKind, fields: tuple[Field, ...]) -> tuple[Sheet | None, list[Problem]]:
    """The sheet and row holding this kind's header: the row matching the most known headers."""
    names = [m.name for m in workbook.sheets_metadata if str(m.visible).endswith("Visible")]
    names.sort(key=lambda n: n != kind.sheet)
    best: tuple[int, Sheet] | None = None
    for name in names:
        if name in SKIPPED_SHEETS:
            continue
        sheet = workbook.get_sheet_by_name(name)
        offset = sheet.start[1] if sheet.start else 0
        rows = sheet.iter_rows()
        for number, row in enumerate(rows, start=1):
            if number > HEADER_SEARCH_ROWS:
                break
            columns = []
            for index, value in enumerate(row):
                matched = _match(fields, value)
                if matched and all(c.field.key != matched[0].key for c in columns):
                    columns.append(Column(matched[0], index, cells.text(value), matched[1]))
            if len(columns) >= 2 and (best is None or len(columns) > best[0]):
                located = Sheet(
                    name, number, columns, offset, rows, (sheet.start[0] if sheet.start else 0) + sheet.height
                )
                best = (len(columns), located)
                break
        if best is not None and best[1].name == name:
            break
    if best is None:
        headers = "、".join(f.header for f in fields if f.required)
        return None, [
            Problem(
                "",
                0,
                "",
                "",
                "",
                _("没有找到表头行：请使用导入模板，表头应包含 %(headers)s") % {"headers": headers},
            )
        ]
    sheet = best[1]
    problems = [
        Problem(
            sheet.name, sheet.header_row, "", f.header, "", _("缺少必填列“%(header)s”") % {"header": f.header}
        )
        for f in fields
        if f.required and all(c.field.key != f.key for c in sheet.columns)
    ]
    return sheet, problems


def _letter(sheet: Sheet, index: int) -> str:
    return get_column_letter(sheet.col_offset + index + 1)


def _is_blank_or_example(row: list[Any]) -> bool:
    """A row to skip: nothing in it, or the template's example row (one pass over the row)."""
    blank = True
    for v in row:
        if isinstance(v, str):
            if v.strip().startswith(EXAMPLE_MARK):
                return True
            if blank and not cells.is_blank(v):
                blank = False
        elif v is not None:
            blank = False
    return blank


def _readers(sheet: Sheet) -> list[tuple[int, str, bool, Callable[[Any], Any], Column]]:
    """Each column's position, key, whether required, and the function that reads its cells."""
    readers = []
    for column in sheet.columns:
        f = column.field
        if f.money_unit is not None:
            read = functools.partial(cells.money, unit_fen=column.unit_fen or f.money_unit)
        else:
            read = f.parse or cells.text
        # Cells repeat (months, project codes, round amounts): each distinct value is read once. `typed`
        # keeps 1, 1.0 and True apart; a cell that cannot be read raises again each time (not cached).
        readers.append((column.index, f.key, f.required, functools.lru_cache(maxsize=65536, typed=True)(read),
                        column))  # fmt: skip
    return readers


def _parse(
    sheet: Sheet, number: int, row: list[Any], readers: list | None = None
) -> tuple[dict[str, Any], list[Problem]]:
    values: dict[str, Any] = {}
    problems: list[Problem] = []
    width = len(row)
    for index, key, required, read, column in readers or _readers(sheet):
        raw = row[index] if index < width else None
        if raw is None or (isinstance(raw, str) and cells.is_blank(raw)):
            if required:
                problems.append(Problem(sheet.name, number, _letter(sheet, index), column.header, "",
                                        _("必填，不能为空")))  # fmt: skip
            continue
        try:
            values[key] = read(raw)
        except cells.CellError as exc:
            problems.append(Problem(sheet.name, number, _letter(sheet, index), column.header,
                                    cells.text(raw)[:100], str(exc)))  # fmt: skip
    return values, problems


def _service_problems(
    sheet: Sheet, number: int, row: list[Any], kind: ImportKind, exc: Exception
) -> list[Problem]:
    """A service's refusal as problems at the columns its fields come from (the whole row otherwise)."""
    by_key = {c.field.key: c for c in sheet.columns}
    if isinstance(exc, ValidationError) and hasattr(exc, "error_dict"):
        items = [(k, m) for k, messages in exc.message_dict.items() for m in messages]
    else:
        messages = exc.messages if isinstance(exc, ValidationError) else [str(exc) or _("无权导入该行")]
        items = [("", m) for m in messages]
    problems = []
    for key, message in items:
        column = by_key.get(kind.service_fields.get(key, key))
        if column is None and key.startswith("tax_"):
            column = by_key.get(key)
        if column is None:
            problems.append(Problem(sheet.name, number, "", "", "", message))
        else:
            raw = row[column.index] if column.index < len(row) else None
            problems.append(Problem(sheet.name, number, _letter(sheet, column.index), column.header,
                                    cells.text(raw)[:100], message))  # fmt: skip
    return problems


def import_file(
    *,
    actor: Any,
    kind: ImportKind,
    path: str | Path,
    filename: str,
    dry_run: bool,
    progress: Progress | None = None,
    limits: Limits | None = None,
    batch: bool = True,
) -> ImportResult:
    """Import one file; nothing is written unless every row is valid and this is not a dry run.

    Kinds with a batch path use it unless `batch=False` (the row-by-row path through the service, kept
    as the reference the batch path is tested against)."""
    limits = limits or Limits.from_settings()
    result = ImportResult(kind=kind.name, filename=filename, dry_run=dry_run)
    report = progress or (lambda done, total, stage: None)
    if not kind.may_import(actor):
        result.refused = str(kind.refusal)
        return result
    try:
        report(0, 1, "检查文件")
        file_check(path, filename=filename, limits=limits)
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
    except FileRefused as exc:
        result.refused = exc.message
        return result
    except python_calamine.PasswordError:
        result.refused = _("文件设置了打开密码（已加密），无法读取。请取消密码后另存为 .xlsx 再导入。")
        return result
    except python_calamine.CalamineError:
        result.refused = _("文件已损坏或不是有效的 .xlsx 工作簿，请在 Excel 或 WPS 中打开后重新保存。")
        return result
    try:
        fields = kind.fields()
        try:
            sheet, problems = _locate(workbook, kind, fields)
        except python_calamine.CalamineError:
            result.refused = _("文件已损坏或不是有效的 .xlsx 工作簿，请在 Excel 或 WPS 中打开后重新保存。")
            return result
        result.problems.extend(problems)
        if sheet is None:
            return result
        estimate = max(sheet.height - sheet.header_row, 0)
        if estimate > limits.max_rows:
            result.refused = _(
                "工作表“%(sheet)s”有 %(rows)s 行数据，超过单次导入上限 %(limit)s 行，请拆分后分批导入。"
            ) % {"sheet": sheet.name, "rows": f"{estimate:,}", "limit": f"{limits.max_rows:,}"}
            return result
        parsed: list[tuple[int, list[Any], dict[str, Any]]] = []
        seen: dict[tuple[Any, ...], int] = {}
        report(0, estimate, "读取并校验")
        readers = _readers(sheet)
        for number, row in enumerate(sheet.rows, start=sheet.header_row + 1):
            if _is_blank_or_example(row):
                continue
            if len(parsed) >= limits.max_rows:
                result.refused = _("数据行数超过单次导入上限 %(limit)s 行，请拆分后分批导入。") % {
                    "limit": f"{limits.max_rows:,}"
                }
                return result
            values, problems = _parse(sheet, number, row, readers)
            result.problems.extend(problems)
            key = kind.natural_key(values)
            if not problems and key:
                if key in seen:
                    result.problems.append(Problem(sheet.name, number, "", "", "", _(
                        "与第 %(row)s 行重复（同一记录在文件中出现两次）") % {"row": seen[key]}))  # fmt: skip
                    continue
                seen[key] = number
            parsed.append((number, row, values if not problems else {}))
            if len(parsed) % 1000 == 0:
                report(len(parsed), estimate, "读取并校验")
        result.rows = len(parsed)
    finally:
        workbook.close()
    if batch and kind.batch is not None:
        _write_batch(actor=actor, kind=kind, sheet=sheet, parsed=parsed, result=result, report=report)
    else:
        _write(actor=actor, kind=kind, sheet=sheet, parsed=parsed, result=result, report=report)
    return result


def _count(result: ImportResult, outcome: Outcome) -> None:
    if outcome == Outcome.NEW:
        result.new += 1
    elif outcome == Outcome.UPDATED:
        result.updated += 1
    else:
        result.unchanged += 1


def _write(
    *, actor: Any, kind: ImportKind, sheet: Sheet, parsed: list, result: ImportResult, report: Progress
) -> None:
    total = len(parsed)
    report(0, total, WRITING)
    with transaction.atomic():
        context = kind.prepare(actor)
        for done, (number, row, values) in enumerate(parsed, start=1):
            if not values:
                continue
            try:
                with transaction.atomic():
                    outcome = kind.apply(actor, values, context)
            except (ValidationError, PermissionDenied, TransitionError) as exc:
                result.problems.extend(_service_problems(sheet, number, row, kind, exc))
                continue
            _count(result, outcome)
            if done % 500 == 0:
                report(done, total, WRITING)
        if result.problems or result.dry_run:
            transaction.set_rollback(True)
        else:
            result.written = True
    result.problems.sort(key=lambda p: (p.row, p.column))


def _write_batch(
    *, actor: Any, kind: ImportKind, sheet: Sheet, parsed: list, result: ImportResult, report: Progress
) -> None:
    """The batch path: the kind checks every row at once against preloaded data (the service's rules and
    messages), and only a file without a single problem is written, in bulk, in one transaction."""
    assert kind.batch is not None
    with transaction.atomic():
        context = kind.prepare(actor)
        plan = kind.batch(actor, [values for _number, _row, values in parsed], context)
        for (number, row, values), decision in zip(parsed, plan.decisions, strict=True):
            if not values or decision is None:
                continue
            if isinstance(decision, Exception):
                if not isinstance(decision, ValidationError | PermissionDenied | TransitionError):
                    raise decision
                result.problems.extend(_service_problems(sheet, number, row, kind, decision))
            else:
                _count(result, decision)
        if not result.problems and not result.dry_run:
            try:
                with transaction.atomic():
                    plan.write(report, result.filename)
            except IntegrityError:
                # Someone stored one of these rows since the check: nothing of this file is written.
                result.refused = _("导入期间其他用户录入了文件中的部分记录，未写入任何数据，请重新导入。")
                transaction.set_rollback(True)
                return
            result.written = True
        else:
            transaction.set_rollback(True)
    result.problems.sort(key=lambda p: (p.row, p.column))


# ---------------------------------------------------------------- the marked copy


def marked_copy(path: str | Path, problems: list[Problem]) -> bytes:
    """The uploaded workbook with every bad cell filled red and commented, and a sheet listing every problem.

    openpyxl reads through defusedxml here; the file has passed safety.file_check already."""
    from openpyxl import load_workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    from enclave.excel.export import Column as OutColumn
    from enclave.excel.export import sheet_fill

    bad = PatternFill("solid", fgColor="FFC7CE")
    with open(path, "rb") as handle:  # a file object: openpyxl would judge a path by its suffix
        wb = load_workbook(handle)
    by_cell: dict[tuple[str, str], list[str]] = {}
    for p in problems:
        if p.sheet in wb.sheetnames and p.row:
            ref = f"{p.column or 'A'}{p.row}"
            by_cell.setdefault((p.sheet, ref), []).append(p.reason)
    for (name, ref), reasons in by_cell.items():
        cell = wb[name][ref]
        cell.fill = bad
        comment = Comment("\n".join(reasons), "Enclave")
        comment.width, comment.height = 300, 80 + 20 * len(reasons)
        cell.comment = comment
    if "错误清单" in wb.sheetnames:
        del wb["错误清单"]
    listing = wb.create_sheet("错误清单", 0)
    columns = (OutColumn("工作表", 14), OutColumn("行", 8), OutColumn("列", 8), OutColumn("列标题", 20),
               OutColumn("单元格内容", 24), OutColumn("问题", 60))  # fmt: skip
    rows = [[p.sheet, p.row or None, p.column, p.header, p.value, p.reason] for p in problems]
    sheet_fill(
        listing,
        title=f"导入检查发现 {len(problems)} 处问题，文件未导入。请按下表修改后重新上传。",
        columns=columns,
        rows=rows,
    )
    wb.active = 0
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
