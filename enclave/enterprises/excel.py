"""Excel adapter of the enterprise library: the export's rows and the import kind (企业信息导入).

Which rows is the caller's scoped query; the format is enclave/excel's house style. The import reads the
same columns the export writes (extra columns such as 行业门类 or 登记单位 are ignored), keyed by the unified
social credit code, and writes through enterprises.services like the form does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from enclave.accounts.models import Role
from enclave.accounts.scope import scope_of
from enclave.enterprises import services
from enclave.enterprises.models import Enterprise, OriginKind
from enclave.excel import cells
from enclave.excel.export import (
    MONEY,
    TEXT,
    Column,
    export_filename,
    export_title,
    wan,
    workbook_build,
    workbook_bytes,
)
from enclave.excel.kinds import Field, ImportKind, Outcome, kind_register
from enclave.excel.lookups import Lookups, industry_options
from enclave.lib.codes import PROVINCES, CodeError, normalise_uscc
from enclave.lib.money import FEN_PER_WAN

COLUMNS = (
    Column("企业名称", 34),
    Column("统一社会信用代码", 22),
    Column("行业门类", 18),
    Column("所属行业", 28),
    Column("来源地类型", 12),
    Column("来源地", 14),
    Column("注册资本（万元）", 16, MONEY),
    Column("注册地址", 36),
    Column("联系人", 10),
    Column("登记单位", 16),
    Column("备注", 10),
)


def enterprise_row(enterprise: Enterprise, *, full: bool) -> list[Any]:
    """One enterprise as cell values; address, capital and contact only where the user has full access."""
    industry = enterprise.industry
    section = industry.section if industry.section_id else None
    return [
        enterprise.name,
        enterprise.credit_code,
        f"{section.code} {section.name}" if section else "",
        f"{industry.code} {industry.name}",
        enterprise.get_origin_kind_display(),
        enterprise.origin,
        wan(enterprise.registered_capital_fen) if full else None,
        enterprise.registered_address if full else "",
        enterprise.contact_name if full else "",
        enterprise.owner_unit.name if enterprise.owner_unit_id else "市级登记",
        "示例数据" if enterprise.is_sample else "",
    ]


def enterprise_rows(enterprises: Iterable[Enterprise], *, full_ids: set[int]) -> Iterator[list[Any]]:
    for enterprise in enterprises:
        yield enterprise_row(enterprise, full=enterprise.pk in full_ids)


def enterprises_xlsx(
    enterprises: Iterable[Enterprise], *, description: str, full_ids: set[int], exported_at: dt.datetime
) -> bytes:
    """The library export: exactly the given rows, titled with the filter and the export time."""
    title = export_title("企业库导出", description=description, exported_at=exported_at)
    rows = enterprise_rows(enterprises, full_ids=full_ids)
    return workbook_bytes(workbook_build(title=title, columns=COLUMNS, rows=rows, sheet="企业库"))


def export_filename_for(exported_at: dt.datetime) -> str:
    return export_filename("企业库", exported_at)


# ---------------------------------------------------------------- import


def _uscc(raw: Any) -> str:
    try:
        return normalise_uscc(cells.folded(raw))
    except CodeError as exc:
        raise cells.CellError(str(exc)) from exc


def _origin_kind(raw: Any) -> str:
    return cells.choice(raw, dict(OriginKind.choices))


def fields() -> tuple[Field, ...]:
    return (
        Field("name", "企业名称", required=True, width=34, example="示例：云南滇池示例科技有限公司",
              note=_("营业执照上的全称")),
        Field("credit_code", "统一社会信用代码", _uscc, required=True, width=22, number_format=TEXT,
              example="91530100MA0000001X", note=_("18位，作为企业的唯一标识：已登记的代码按本行内容更新")),
        Field("industry", "所属行业", cells.text, required=True, width=30, choices=industry_options,
              example="39 计算机、通信和其他电子设备制造业", note=_("国民经济行业大类，可只填两位代码")),
        Field("origin_kind", "来源地类型", _origin_kind, required=True, width=14,
              choices=lambda: [str(label) for _v, label in OriginKind.choices], example="省外"),
        Field("origin", "来源地", cells.text, required=True, width=14,
              choices=lambda: [*PROVINCES.values(), "老挝", "泰国", "越南", "缅甸", "新加坡"], example="上海市",
              note=_("省外企业填省级行政区全称；境外企业填国家或地区")),
        Field("registered_capital_fen", "注册资本（万元）", money_unit=FEN_PER_WAN, width=16,
              number_format=MONEY, example=5000, note=_("单位万元；也可写“5000万”“0.5亿元”")),
        Field("registered_address", "注册地址", cells.text, width=36, example="昆明市五华区示例路1号"),
        Field("contact_name", "联系人", cells.text, width=12, example="张三"),
    )  # fmt: skip


def _may_import(user: Any) -> bool:
    scope = scope_of(user)
    return scope.role == Role.UNIT or scope.can_review


def _apply(actor: Any, values: dict[str, Any], lookups: Lookups) -> Outcome:
    data = dict(values)
    if "industry" in data:
        try:
            data["industry"] = lookups.industry(data["industry"])
        except cells.CellError as exc:
            raise ValidationError({"industry": str(exc)}) from exc
    existing = Enterprise.objects.filter(credit_code=data["credit_code"]).first()
    from enclave.enterprises.queries import enterprises_visible_to

    if existing is None or not enterprises_visible_to(actor).filter(pk=existing.pk).exists():
        # A code registered out of the user's sight is refused by the service exactly as on the form.
        services.enterprise_create(actor=actor, data=data)
        return Outcome.NEW
    if all(getattr(existing, key) == value for key, value in data.items()):
        return Outcome.UNCHANGED
    services.enterprise_update(actor=actor, enterprise=existing, data=data)
    return Outcome.UPDATED


ENTERPRISES = kind_register(
    ImportKind(
        name="enterprises",
        label=_("企业信息"),
        sheet="企业信息",
        fields=fields,
        may_import=_may_import,
        refusal=_("只有协作地单位、市投资促进局和市发展改革委可以导入企业信息"),
        prepare=lambda actor: Lookups(),
        natural_key=lambda values: (values.get("credit_code"),) if values.get("credit_code") else (),
        apply=_apply,
        service_fields={"registered_capital_fen": "registered_capital_fen"},
        instructions=(
            _(
                "每行一家企业，以统一社会信用代码识别：企业库中已有该代码时更新该企业（须有修改权限），否则登记为新企业。"
            ),
        ),
    )
)
