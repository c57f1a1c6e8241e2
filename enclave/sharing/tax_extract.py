"""The tax bureau's extract (税务局实缴税款明细): one row per enterprise (统一社会信用代码), month and tax type
with the amount paid, matched to the projects' monthly reports (issue 13).

Parsing reads every row into `ExtractRow`s and reports every problem (sheet, row, column, value, reason, in
Chinese) before anything is matched: a file with a problem writes nothing. Matching then sorts the
enterprise-months into equal figures (to be confirmed), differences (estimate against the extract, per
project and party, with the effect on the shares worked out by the sharing engine) and rows that match no
report (an enterprise the platform does not know, or no report that month). The columns' headers and the
tax types' names are data (`tax_extract_columns.json`): the real export format is not known yet.

An enterprise-month of the extract is the bureau's whole record of it: a tax type the report has and the
extract has not counts as zero paid.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import IO, Any

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from enclave.excel import cells
from enclave.lib.codes import CodeError, normalise_uscc
from enclave.sharing import engine, fetch
from enclave.sharing.models import ClosedMonth, MonthlyReport, TaxType

COLUMNS_FILE = Path(__file__).with_name("tax_extract_columns.json")
FIELDS = ("uscc", "name", "month", "tax_type", "amount")


@cache
def mapping() -> dict[str, Any]:
    """The column mapping (headers per field, tax-type names), read once from the JSON file."""
    return json.loads(COLUMNS_FILE.read_text(encoding="utf-8"))


# ---------------------------------------------------------------- parsing


@dataclass(frozen=True)
class Problem:
    sheet: str
    row: int
    column: str  # the letter, "" for the whole row
    header: str
    value: str
    reason: str

    def sentence(self) -> str:
        where = f"工作表“{self.sheet}”第{self.row}行" + (
            f"{self.column}列（{self.header}）" if self.column else ""
        )
        value = f"“{self.value}”" if self.value else ""
        return f"{where}{value}：{self.reason}"


@dataclass(frozen=True)
class ExtractRow:
    row: int
    uscc: str
    name: str
    month: dt.date
    tax_code: str
    amount_fen: int


@dataclass(frozen=True)
class Parsed:
    sheet: str
    rows: tuple[ExtractRow, ...]
    problems: tuple[Problem, ...]


def _tax_codes() -> dict[str, str]:
    """Tax-type name or code (folded) → code: the active tax types' own names and codes, and the mapping's."""
    known = {t.code: t for t in TaxType.objects.filter(is_active=True)}
    names = {cells.folded(t.name): code for code, t in known.items()}
    names.update({cells.folded(code): code for code in known})
    names.update({cells.folded(n): c for n, c in mapping()["tax_types"].items() if c in known})
    return names


def _shown(value: Any) -> str:
    return cells.text(value)[:60]


def parse(file: IO[bytes] | str | Path) -> Parsed:
    """Read the extract's sheet: every row a dataclass, every problem named; nothing touches the reports."""
    spec = mapping()
    workbook = load_workbook(file, read_only=True, data_only=True)
    try:
        sheet = workbook[spec["sheet"]] if spec["sheet"] in workbook.sheetnames else workbook.worksheets[0]
        return _parse_sheet(sheet, spec)
    finally:
        workbook.close()


def _parse_sheet(sheet: Any, spec: dict[str, Any]) -> Parsed:
    name, header_row = sheet.title, int(spec.get("header_row", 1))
    problems: list[Problem] = []
    rows_iter = sheet.iter_rows(min_row=header_row, values_only=True)
    headers = [cells.folded(v) for v in next(rows_iter, ())]
    where: dict[str, int] = {}
    for key, column in spec["columns"].items():
        wanted = {cells.folded(h) for h in column["headers"]}
        found = [i for i, h in enumerate(headers) if h and h in wanted]
        if found:
            where[key] = found[0]
        elif column.get("required", True):
            problems.append(Problem(name, header_row, "", column["label"], "",
                                    _("缺少“%(label)s”列（可用的表头：%(headers)s）")
                                    % {"label": column["label"], "headers": "、".join(column["headers"])}))  # fmt: skip
    if problems:
        return Parsed(name, (), tuple(problems))
    labels = {k: spec["columns"][k]["label"] for k in where}
    codes = _tax_codes()
    parsed: list[ExtractRow] = []
    first_seen: dict[tuple[str, dt.date, str], int] = {}
    for number, values in enumerate(rows_iter, start=header_row + 1):
        cell = {k: (values[i] if i < len(values) else None) for k, i in where.items()}
        if all(cells.is_blank(v) for v in cell.values()):
            continue

        def problem(key: str, reason: str, _number: int = number, _cell: dict = cell) -> None:
            problems.append(Problem(name, _number, get_column_letter(where[key] + 1), labels[key],
                                    _shown(_cell[key]), reason))  # fmt: skip

        before = len(problems)
        for key in ("uscc", "month", "tax_type", "amount"):
            if cells.is_blank(cell[key]):
                problem(key, _("不能为空"))
        if len(problems) > before:
            continue
        uscc = month = code = amount = None
        try:
            uscc = normalise_uscc(cells.folded(cell["uscc"]))
        except CodeError as exc:
            problem("uscc", str(exc))
        try:
            month = cells.month(cell["month"])
        except cells.CellError as exc:
            problem("month", str(exc))
        code = codes.get(cells.folded(cell["tax_type"]))
        if code is None:
            problem("tax_type", _("未知税种；可用：%(names)s") % {"names": "、".join(_tax_names())})
        try:
            amount = cells.money(cell["amount"], unit_fen=100)
            if amount < 0:
                problem("amount", _("实缴金额不能为负数；退税请由财政部门录入带原因的调整记录"))
                amount = None
        except cells.CellError as exc:
            problem("amount", str(exc))
        if uscc is None or month is None or code is None or amount is None:
            continue
        key = (uscc, month, code)
        if key in first_seen:
            problem(
                "uscc", _("与第%(row)s行重复（同一企业、同一所属期、同一税种）") % {"row": first_seen[key]}
            )
            continue
        first_seen[key] = number
        parsed.append(ExtractRow(number, uscc, cells.text(cell.get("name"))[:120], month, code, amount))
    closed = set(
        ClosedMonth.objects.filter(month__in={r.month for r in parsed}).values_list("month", flat=True)
    )
    for r in parsed:
        if r.month in closed:
            problems.append(Problem(name, r.row, get_column_letter(where["month"] + 1), labels["month"],
                                    f"{r.month:%Y-%m}", _("该月份已关账，不能再确认或更正；更正请录入调整记录")))  # fmt: skip
    if not parsed and not problems:
        problems.append(Problem(name, header_row + 1, "", "", "", _("没有数据行")))
    return Parsed(name, tuple(parsed), tuple(sorted(problems, key=lambda p: (p.row, p.column))))


def _tax_names() -> list[str]:
    return list(TaxType.objects.filter(is_active=True).order_by("sort_order").values_list("name", flat=True))


def template_workbook() -> Workbook:
    """The blank template: the mapping's first header for each column, and a sheet that explains them."""
    spec = mapping()
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = spec["sheet"]
    columns = list(spec["columns"].values())
    for index, column in enumerate(columns, start=1):
        sheet.cell(row=1, column=index, value=column["label"])
        sheet.column_dimensions[get_column_letter(index)].width = 24
    sheet.freeze_panes = "A2"
    notes = workbook.create_sheet("说明")
    notes.append(["列", "是否必填", "可用的表头", "示例"])
    for column in columns:
        notes.append([column["label"], "必填" if column.get("required", True) else "选填",
                      "、".join(column["headers"]), str(column.get("example", ""))])  # fmt: skip
    notes.append([])
    notes.append(["税种", "、".join(_tax_names())])
    notes.append(["金额", "以元为单位，最多保留两位小数（到分）；不能为负数"])
    notes.append(["重复", "同一企业、同一所属期、同一税种只能有一行"])
    notes.append(
        ["格式", "税务局金税系统的实际导出格式尚未确认；列名对照见 enclave/sharing/tax_extract_columns.json"]
    )
    for column in "ABCD":
        notes.column_dimensions[column].width = 36
    return workbook


# ---------------------------------------------------------------- matching


@dataclass(frozen=True)
class PartyEffect:
    code: str
    name: str
    estimate_fen: int
    extract_fen: int

    @property
    def difference_fen(self) -> int:
        return self.extract_fen - self.estimate_fen


@dataclass(frozen=True)
class Matched:
    """One report and the extract's figures for its enterprise-month."""

    report_id: int
    project_code: str
    project_name: str
    month: dt.date
    uscc: str
    rows: tuple[int, ...]
    estimate: dict[str, int]  # tax code → fen, as reported
    extract: dict[str, int]  # tax code → fen, from the bureau (missing types as 0)
    confirmed: bool  # the report's taxes were already confirmed
    parties: tuple[PartyEffect, ...] = ()
    note: str = ""  # why the shares could not be worked out, if so

    @property
    def equal(self) -> bool:
        return self.estimate == self.extract

    @property
    def estimate_total_fen(self) -> int:
        return sum(self.estimate.values())

    @property
    def extract_total_fen(self) -> int:
        return sum(self.extract.values())


@dataclass(frozen=True)
class Unmatched:
    rows: tuple[int, ...]
    uscc: str
    name: str
    month: dt.date
    amount_fen: int
    reason: str


@dataclass(frozen=True)
class Result:
    sheet: str
    row_count: int
    problems: tuple[Problem, ...] = ()
    equal: tuple[Matched, ...] = ()
    differences: tuple[Matched, ...] = ()
    unmatched: tuple[Unmatched, ...] = ()
    digest: str = ""  # of what was found: an acceptance names the very differences it saw
    written: bool = False
    confirmed_count: int = 0
    corrected_count: int = 0
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def clean(self) -> bool:
        return not (self.problems or self.differences or self.unmatched)

    @property
    def to_confirm(self) -> int:
        return sum(1 for m in self.equal if not m.confirmed)


def _padded(taxes: dict[str, int], codes: set[str]) -> dict[str, int]:
    return {c: taxes.get(c, 0) for c in sorted(codes)}


def match(parsed: Parsed, reports: Any) -> Result:
    """Match the parsed rows to the reports the user may see (`reports`: a scoped queryset)."""
    if parsed.problems:
        return Result(parsed.sheet, len(parsed.rows), problems=parsed.problems)
    groups: dict[tuple[str, dt.date], list[ExtractRow]] = defaultdict(list)
    for row in parsed.rows:
        groups[(row.uscc, row.month)].append(row)
    usccs, months = {u for u, _m in groups}, {m for _u, m in groups}
    found: dict[tuple[str, dt.date], list[MonthlyReport]] = defaultdict(list)
    for report in (
        reports.filter(project__enterprise__credit_code__in=usccs, month__in=months)
        .select_related("project", "project__enterprise")
        .prefetch_related("taxes__tax_type")
        .order_by("pk")
    ):
        found[(report.project.enterprise.credit_code, report.month)].append(report)
    from enclave.enterprises.models import Enterprise

    known = set(Enterprise.objects.filter(credit_code__in=usccs).values_list("credit_code", flat=True))
    pending: list[Matched] = []
    unmatched: list[Unmatched] = []
    for (uscc, month), rows in sorted(groups.items(), key=lambda item: item[1][0].row):
        numbers = tuple(r.row for r in rows)
        amount = sum(r.amount_fen for r in rows)
        label = rows[0].name
        candidates = found.get((uscc, month), [])
        if uscc not in known:
            reason = _("平台企业库中没有该统一社会信用代码的企业")
        elif not candidates:
            reason = _("该企业在该月没有可匹配的项目月度报表（项目未认定、不在分享期限内或尚未填报）")
        elif len(candidates) > 1:
            reason = _("该企业该月有多个项目的月度报表，无法按企业自动匹配，请逐项确认")
        else:
            report = candidates[0]
            estimate = {t.tax_type.code: t.paid_fen for t in report.taxes.all()}
            extract = {r.tax_code: r.amount_fen for r in rows}
            codes = set(estimate) | set(extract)
            pending.append(Matched(
                report.pk, report.project.code, report.project.name, month, uscc, numbers,
                _padded(estimate, codes), _padded(extract, codes), report.tax_status == "confirmed",
            ))  # fmt: skip
            continue
        unmatched.append(Unmatched(numbers, uscc, label, month, amount, reason))
    equal = tuple(m for m in pending if m.equal)
    differences = tuple(_with_effects([m for m in pending if not m.equal]))
    result = Result(parsed.sheet, len(parsed.rows), (), equal, differences, tuple(unmatched))
    return replace(result, digest=result_digest(result))


def _with_effects(items: list[Matched]) -> list[Matched]:
    """Each difference with its effect on the parties' shares: the engine settles the month twice, once
    with the estimate and once with the extract (same rebates, adjustments, agreement and rates)."""
    if not items:
        return []
    from enclave.sharing.queries import all_parties

    names = {p.code: p.name for p in all_parties()}
    inputs = fetch.load(sorted({m.month for m in items}))
    by_key = {(r.project_code, r.month): r for r in inputs.reports}
    out = []
    for m in items:
        agreement = inputs.agreements.get(m.project_code)
        base = by_key.get((m.project_code, m.month))
        if agreement is None or base is None:
            out.append(replace(m, note=_("该项目该月没有有效的分享协议，无法计算分成影响")))
            continue
        rates = inputs.rates_by_month.get(m.month, {})
        try:
            before = engine.settle_month(base._replace(taxes=_paid(m.estimate)), agreement, rates)
            after = engine.settle_month(base._replace(taxes=_paid(m.extract)), agreement, rates)
        except engine.EngineError as exc:
            out.append(replace(m, note=str(exc)))
            continue
        was, now = dict(before.shares), dict(after.shares)
        parties = tuple(PartyEffect(code, names.get(code, code), was.get(code, 0), now.get(code, 0))
                        for code in sorted(set(was) | set(now)))  # fmt: skip
        out.append(replace(m, parties=parties))
    return out


def _paid(taxes: dict[str, int]) -> tuple[engine.TaxPaid, ...]:
    return tuple(engine.TaxPaid(code, fen) for code, fen in sorted(taxes.items()) if fen)


def result_digest(result: Result) -> str:
    """What the user saw: the reports and figures to confirm or change, and the rows left out."""
    lines = [f"E|{m.report_id}|{sorted(m.extract.items())}" for m in result.equal]
    lines += [
        f"D|{m.report_id}|{sorted(m.estimate.items())}|{sorted(m.extract.items())}"
        for m in result.differences
    ]
    lines += [f"U|{u.rows}|{u.uscc}|{u.month.isoformat()}|{u.amount_fen}" for u in result.unmatched]
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def upload_apply(
    *, actor: Any, upload: Any, accept: bool = False, digest: str = "", dry_run: bool = False
) -> Result:
    """An uploaded extract: the excel app's safety checks on the file itself, then check and (maybe) write.
    A refused file is a ValidationError on "file" (Chinese); nothing is written."""
    import tempfile
    import zipfile

    from django.core.exceptions import PermissionDenied, ValidationError

    from enclave.accounts.scope import may_confirm_tax
    from enclave.excel.safety import FileRefused, file_check
    from enclave.sharing.confirmation import tax_extract_apply

    if not may_confirm_tax(actor):
        raise PermissionDenied("只有市财政局/市税务局（财税部门）可以导入税务局数据")
    filename = str(getattr(upload, "name", "") or "税务局数据.xlsx")[:200]
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as tmp:
        for chunk in upload.chunks():
            tmp.write(chunk)
        tmp.flush()
        try:
            file_check(tmp.name, filename=filename)
        except FileRefused as exc:
            raise ValidationError({"file": exc.message}) from exc
        try:
            return tax_extract_apply(
                actor=actor, file=tmp.name, filename=filename, accept=accept, digest=digest, dry_run=dry_run
            )
        except (zipfile.BadZipFile, KeyError, OSError, InvalidFileException) as exc:
            raise ValidationError(
                {"file": _("文件已损坏或不是有效的 .xlsx 工作簿，请在 Excel 或 WPS 中打开后重新保存。")}
            ) from exc
