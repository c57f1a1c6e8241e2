"""Excel adapter of the monthly reports (月度报表): the export's columns and the import kind.

One row per project-month, keyed by project code and month. The export writes exactly the columns the
import reads (taxes per tax type and rebates in 元, indicators in 万元), plus a few for reading (园区, data
status) that the import ignores, so a list exported, corrected and imported again changes only what was
corrected. Rows go through sharing.services.report_create / report_update, as the form's do.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enclave.accounts.models import Role
from enclave.accounts.scope import scope_of
from enclave.excel import cells
from enclave.excel.export import MONEY, TEXT, Column, wan, yuan
from enclave.excel.importer import WRITING
from enclave.excel.kinds import BatchPlan, Field, ImportKind, Outcome, kind_register
from enclave.lib.money import FEN_PER_WAN, FEN_PER_YUAN
from enclave.projects.models import Project
from enclave.sharing import services
from enclave.sharing.models import INDICATORS, ClosedMonth, MonthlyReport, MonthlyTax, TaxType

INDICATOR_FIELDS = tuple(f for f, _n, _b in INDICATORS)


def _tax_types() -> list[TaxType]:
    return list(TaxType.objects.filter(is_active=True).order_by("sort_order", "code"))


def fields() -> tuple[Field, ...]:
    taxes = tuple(
        Field(f"tax_{t.code}", f"{t.name}（元）", money_unit=FEN_PER_YUAN, width=16, number_format=MONEY,
              example=Decimal("123456.78") if i == 0 else None, note=_("当月在承载园区实缴的税额，单位元"))
        for i, t in enumerate(_tax_types())
    )  # fmt: skip
    indicators = tuple(
        Field(f, f"{name}（万元）", money_unit=FEN_PER_WAN, width=18, number_format=MONEY)
        for f, name, _both in INDICATORS
    )
    return (
        Field("project_code", "项目编号", lambda raw: cells.folded(raw).upper(), required=True, width=15,
              number_format=TEXT, example="示例：MH-2024-0001", note=_("已认定项目的编号")),
        Field("project_name", "项目名称", cells.text, width=30, note=_("仅供核对，导入时不使用")),
        Field("month", "月份", cells.month, required=True, width=10, number_format=TEXT, example="2024-07",
              note=_("如 2024-07、2024年7月")),
        *taxes,
        Field("rebates_fen", "优惠政策返还（元）", money_unit=FEN_PER_YUAN, width=16, number_format=MONEY),
        *indicators,
    )  # fmt: skip


EXTRA_COLUMNS = (Column("园区", 16), Column("税收数据", 10), Column("指标数据", 10))


def export_columns() -> tuple[Column, ...]:
    return (*(Column(f.header, f.width, f.number_format) for f in fields()), *EXTRA_COLUMNS)


def report_rows(reports: Iterable[MonthlyReport]) -> list[list[Any]]:
    """Each report as the import reads it; `reports` should prefetch taxes."""
    types = _tax_types()
    rows = []
    for r in reports:
        paid = {t.tax_type_id: t.paid_fen for t in r.taxes.all()}
        rows.append([
            r.project.code, r.project.name, r.month.strftime("%Y-%m"),
            *(yuan(paid.get(t.pk, 0)) for t in types), yuan(r.rebates_fen),
            *(wan(getattr(r, f)) for f in INDICATOR_FIELDS),
            r.project.park.short_name, r.get_tax_status_display(), r.get_indicator_status_display(),
        ])  # fmt: skip
    return rows


def _may_import(user: Any) -> bool:
    return scope_of(user).role in (Role.CITY_ADMIN, Role.PARK)


class Context:
    def __init__(self, actor: Any) -> None:
        from enclave.projects.queries import projects_visible_to

        self.projects = {
            p.code: p
            for p in projects_visible_to(actor).exclude(code=None).select_related("park", "agreement")
        }


def _apply(actor: Any, values: dict[str, Any], ctx: Context) -> Outcome:
    project = ctx.projects.get(values["project_code"])
    if project is None:
        raise ValidationError({"project_code": str(_("项目编号不存在或不在您的职责范围内"))})
    taxes = {k.removeprefix("tax_"): v for k, v in values.items() if k.startswith("tax_")}
    amounts = {k: v for k, v in values.items() if k == "rebates_fen" or k in INDICATOR_FIELDS}
    existing = MonthlyReport.objects.filter(project=project, month=values["month"]).first()
    if existing is None:
        for t in _tax_types():
            taxes.setdefault(t.code, 0)
        services.report_create(
            actor=actor, project=project, month=values["month"], taxes=taxes, values=amounts
        )
        return Outcome.NEW
    paid = {t.tax_type.code: t.paid_fen for t in existing.taxes.select_related("tax_type")}
    if all(paid.get(c, 0) == v for c, v in taxes.items()) and all(
        getattr(existing, f) == v for f, v in amounts.items()
    ):
        return Outcome.UNCHANGED
    services.report_update(actor=actor, report=existing, taxes=taxes, values=amounts)
    return Outcome.UPDATED


# ---------------------------------------------------------------- the batch path


class _Existing:
    """A stored report as the batch check needs it: its figures and its taxes by code."""

    __slots__ = ("pk", "values", "taxes")

    def __init__(self, pk: int, values: dict[str, int]) -> None:
        self.pk, self.values, self.taxes = pk, values, {}


def _existing_reports(project_ids: set[int]) -> dict[tuple[int, dt.date], _Existing]:
    found: dict[tuple[int, dt.date], _Existing] = {}
    by_pk: dict[int, _Existing] = {}
    ids = sorted(project_ids)
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        for pk, project_id, month, *amounts in MonthlyReport.objects.filter(project_id__in=chunk).values_list(
            "pk", "project_id", "month", *services.REPORT_AMOUNT_FIELDS
        ):
            item = _Existing(pk, dict(zip(services.REPORT_AMOUNT_FIELDS, amounts, strict=True)))
            found[(project_id, month)] = by_pk[pk] = item
        for report_id, code, paid in MonthlyTax.objects.filter(report__project_id__in=chunk).values_list(
            "report_id", "tax_type__code", "paid_fen"
        ):
            by_pk[report_id].taxes[code] = paid
    return found


def _batch(actor: Any, rows: list[dict[str, Any]], ctx: Context) -> BatchPlan:
    """Check every row as `_apply` and the services would, against data loaded once: the visible projects
    with their agreements, the reports already stored for them (re-import: unchanged or updated), the
    closed months and the active tax types. Then write the new reports with multi-row INSERTs (COPY on
    PostgreSQL) and one audit row for the whole import; updated reports go through `report_update`, each
    with its own before/after audit row, as an edit should."""
    types = _tax_types()
    known = {t.code for t in types}
    this_month = timezone.localdate().replace(day=1)
    closed = set(ClosedMonth.objects.values_list("month", flat=True))
    wanted = {ctx.projects[v["project_code"]].pk for v in rows if v and v["project_code"] in ctx.projects}
    stored = _existing_reports(wanted)
    decisions: list[Outcome | Exception | None] = []
    new: list[tuple[Project, dt.date, dict[str, int], dict[str, int]]] = []
    updates: list[tuple[int, dict[str, int], dict[str, int]]] = []
    tax_keys = [(f"tax_{t.code}", t.code) for t in types]
    amount_keys = ("rebates_fen", *INDICATOR_FIELDS)
    for values in rows:
        if not values:
            decisions.append(None)
            continue
        project = ctx.projects.get(values["project_code"])
        if project is None:
            decisions.append(ValidationError({"project_code": str(_("项目编号不存在或不在您的职责范围内"))}))
            continue
        month = values["month"]
        # what _apply takes from the row (fields() lists the active tax types only)
        taxes = {code: values[key] for key, code in tax_keys if key in values}
        amounts = {key: values[key] for key in amount_keys if key in values}
        existing = stored.get((project.pk, month))
        try:
            if existing is None:
                for t in types:
                    taxes.setdefault(t.code, 0)
                services.report_create_check(
                    actor=actor, project=project, month=month, taxes=taxes, values=amounts,
                    closed=month in closed, exists=False, known=known, this_month=this_month,
                )  # fmt: skip
                new.append((project, month, taxes, amounts))
                decisions.append(Outcome.NEW)
                continue
            if all(existing.taxes.get(c, 0) == v for c, v in taxes.items()) and all(
                existing.values[f] == v for f, v in amounts.items()
            ):
                decisions.append(Outcome.UNCHANGED)
                continue
            merged_taxes, merged_values = services.report_update_merge(
                existing.taxes, existing.values, taxes, amounts
            )
            services.report_update_check(
                actor=actor, project=project, month=month, merged_taxes=merged_taxes,
                merged_values=merged_values, closed=month in closed, known=known, this_month=this_month,
            )  # fmt: skip
            updates.append((existing.pk, taxes, amounts))
            decisions.append(Outcome.UPDATED)
        except (ValidationError, PermissionDenied) as exc:
            decisions.append(exc)

    def write(progress: Callable[[int, int, str], None], source: str) -> None:
        total = len(new) + len(updates)
        progress(0, total, WRITING)
        done = services.reports_insert(
            actor=actor, reports=new, tax_types=types, source=source,
            progress=lambda n: progress(n, total, WRITING),
        )  # fmt: skip
        for pk, taxes, amounts in updates:
            services.report_update(actor=actor, report=MonthlyReport(pk=pk), taxes=taxes, values=amounts)
            done += 1
            if done % 500 == 0:
                progress(done, total, WRITING)
        progress(total, total, WRITING)

    return BatchPlan(decisions, write)


REPORTS = kind_register(
    ImportKind(
        name="reports",
        label=_("项目月度报表"),
        sheet="月度报表",
        fields=fields,
        may_import=_may_import,
        refusal=_("只有承载园区或市级管理员可以导入月度报表"),
        prepare=Context,
        natural_key=lambda v: (v.get("project_code"), v.get("month")),
        apply=_apply,
        service_fields={"project": "project_code"},
        batch=_batch,
        instructions=(
            _(
                "每行一个项目一个月，以“项目编号+月份”识别：已有该月报表时更新（数据重新变为预估值），否则新增。"
            ),
            _("税额和优惠返还单位为元，统计指标单位为万元；已关账月份不能导入，请录入调整记录。"),
        ),
    )
)
