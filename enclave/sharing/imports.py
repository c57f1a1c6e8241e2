"""Excel import kind of retention-rate changes (县级留成比例调整导入).

An adapter only: each row is one change (税种, 生效月份, 新留成比例(%), 原因) and goes through
sharing.services.rate_change exactly as the change form on /sharing/rates/ does, in the file's order, so one
file may change a tax type twice (July, then October). All or nothing, as every import: a refused row is
named by sheet, row and column and nothing of the file is written.

Re-importing the same file changes nothing: a row whose change is already in force (a row of that tax type
starting that month at that rate) is “unchanged”, not refused.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from enclave.accounts.scope import scope_of
from enclave.excel import cells
from enclave.excel.export import TEXT
from enclave.excel.kinds import Field, ImportKind, Outcome, kind_register
from enclave.sharing import services
from enclave.sharing.models import RetentionRate, TaxType


def _tax_names() -> list[str]:
    return list(TaxType.objects.filter(is_active=True).values_list("name", flat=True))


def rate_fields() -> tuple[Field, ...]:
    return (
        Field("tax_type", "税种", cells.text, required=True, width=16, choices=_tax_names, example="示例：增值税",
              note=_lazy("税种名称或代码（vat、cit、iit、local）")),
        Field("from_month", "生效月份", cells.month, required=True, width=12, number_format=TEXT,
              example="2025-07", note=_lazy("新比例自该月起适用，原比例在前一个月结束；不能是已关账月份")),
        Field("rate_bp", "新留成比例(%)", cells.percent_bp, required=True, width=16, number_format="0.00",
              aliases=("新留成比例", "留成比例(%)", "县级留成比例(%)"),
              example="25", note=_lazy("百分数，最多两位小数，如 25 或 37.5")),
        Field("reason", "原因", cells.text, required=True, width=40, example="市财政局通知调整",
              note=_lazy("必填，记入审计日志和该比例的说明，不超过200字")),
    )  # fmt: skip


class Context:
    def __init__(self, actor: Any) -> None:
        self.tax_types: dict[str, TaxType] = {}
        for t in TaxType.objects.filter(is_active=True):
            self.tax_types[cells.folded(t.name)] = self.tax_types[cells.folded(t.code).lower()] = t


def _apply(actor: Any, values: dict[str, Any], ctx: Context) -> Outcome:
    name = cells.folded(values["tax_type"])
    tax_type = ctx.tax_types.get(name) or ctx.tax_types.get(name.lower())
    if tax_type is None:
        raise ValidationError({"tax_type": _("未知税种“%(name)s”，请从下拉列表选择") % {"name": values["tax_type"]}})
    if RetentionRate.objects.filter(
        tax_type=tax_type, effective_from=values["from_month"], rate_bp=values["rate_bp"]
    ).exists():
        return Outcome.UNCHANGED
    services.rate_change(actor=actor, tax_type=tax_type, from_month=values["from_month"],
                         rate_bp=values["rate_bp"], reason=values["reason"])  # fmt: skip
    return Outcome.NEW


RATES = kind_register(
    ImportKind(
        name="rates",
        label=_lazy("县级留成比例调整"),
        sheet="留成比例调整",
        fields=rate_fields,
        may_import=lambda user: scope_of(user).can_change_rules,
        refusal=_lazy("只有市级管理员可以调整县级留成比例"),
        prepare=Context,
        natural_key=lambda v: (cells.folded(v.get("tax_type")), v.get("from_month")) if v.get("tax_type") else (),
        apply=_apply,
        instructions=(
            _lazy("每行一次调整：某税种的县级留成比例自某月起改为新比例，原比例在前一个月结束，原记录保留。"),
            _lazy("按文件中的顺序逐行调整，同一税种可在一个文件中调整多次（如7月一次、10月一次）。"),
            _lazy("生效月份不能是已关账月份或更早的月份；已是该比例的调整会被拒绝。再次导入同一文件时，已生效的调整显示为“未变化”。"),
        ),
    )
)
