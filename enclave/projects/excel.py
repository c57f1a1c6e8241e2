"""Excel adapter of the project library: the export's rows and the filing import kind (项目报备导入).

Which rows is the scoped, filtered queryset the page shows; the format is enclave/excel's house style.
The import reads the export's columns too (extra ones such as 状态 are ignored): a row with a project code
updates that project, a row without one matches the unit's own filing of the same enterprise, park and
name, and otherwise starts a new draft — always through projects.services, as the filing form does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from enclave.accounts.models import Role
from enclave.accounts.scope import scope_of
from enclave.enterprises.models import Enterprise
from enclave.excel import cells
from enclave.excel.export import (
    DATE,
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
from enclave.parks.models import Park, Unit
from enclave.projects import services
from enclave.projects.models import Kind, Nature, Project, RelocationClass

COLUMNS = (
    Column("项目编号", 15),
    Column("项目名称", 32),
    Column("企业", 30),
    Column("统一社会信用代码", 22),
    Column("报备单位（协作地）", 16),
    Column("其他协作单位", 18),
    Column("承载园区", 22),
    Column("项目类型", 14),
    Column("所属行业", 26),
    Column("计划总投资（万元）", 16, MONEY),
    Column("来源地", 12),
    Column("状态", 10),
    Column("报备日期", 12, DATE),
    Column("认定日期", 12, DATE),
    Column("备注", 16),
)


def project_row(project: Project, *, full: bool) -> list[Any]:
    """One project as cell values. Reasons and flags only where the user has full access."""
    notes = []
    if full and project.positioning_mismatch:
        notes.append("行业不符定位")
    if project.is_sample:
        notes.append("示例数据")
    partners = "、".join(u.short_name for u in project.partner_units.all())
    return [
        project.display_code,
        project.name,
        project.enterprise.name,
        project.enterprise.credit_code,
        project.filing_unit.name,
        partners,
        project.park.short_name,
        project.get_kind_display(),
        f"{project.industry.code} {project.industry.name}",
        wan(project.planned_investment_fen),
        project.origin,
        project.status_label,
        project.filed_on if full else None,
        project.recognised_on,
        "；".join(notes),
    ]


def project_rows(projects: Iterable[Project], *, full_ids: set[int]) -> Iterator[list[Any]]:
    for project in projects:
        yield project_row(project, full=project.pk in full_ids)


def projects_xlsx(
    projects: Iterable[Project], *, description: str, full_ids: set[int], exported_at: dt.datetime
) -> bytes:
    """The library export: exactly the given rows, titled with the filter and the export time (北京时间)."""
    title = export_title("协作项目库导出", description=description, exported_at=exported_at)
    rows = project_rows(projects, full_ids=full_ids)
    return workbook_bytes(workbook_build(title=title, columns=COLUMNS, rows=rows, sheet="项目库"))


def export_filename_for(exported_at: dt.datetime) -> str:
    return export_filename("协作项目库", exported_at)


# ---------------------------------------------------------------- import


def _uscc(raw: Any) -> str:
    try:
        return normalise_uscc(cells.folded(raw))
    except CodeError as exc:
        raise cells.CellError(str(exc)) from exc


def _labels(choices: Any) -> list[str]:
    return [str(label) for _v, label in choices]


def fields() -> tuple[Field, ...]:
    return (
        Field("code", "项目编号", lambda raw: cells.folded(raw).upper(), width=15, number_format=TEXT,
              note=_("已报备项目的编号（如 MH-2024-0007）；新项目留空")),
        Field("name", "项目名称", cells.text, required=True, width=30, example="示例：轻纺出口加工项目"),
        Field("enterprise_code", "企业统一社会信用代码", _uscc, required=True, aliases=("统一社会信用代码",),
              width=22, number_format=TEXT, example="91530100MA0000001X", note=_("企业须已在企业库登记")),
        Field("park", "承载园区", cells.text, required=True, width=22,
              choices=lambda: [p.short_name for p in Park.objects.filter(is_active=True)], example="磨憨"),
        Field("kind", "项目类型", lambda raw: cells.choice(raw, dict(Kind.choices)), required=True, width=14,
              choices=lambda: _labels(Kind.choices), example="新招引（省外）"),
        Field("relocation_class", "流转类别", lambda raw: cells.choice(raw, dict(RelocationClass.choices)),
              width=18, choices=lambda: _labels(RelocationClass.choices), note=_("仅存量流转项目填写")),
        Field("nature", "项目性质", lambda raw: cells.choice(raw, dict(Nature.choices)), width=14,
              choices=lambda: _labels(Nature.choices), example="产业项目", note=_("留空按产业项目")),
        Field("industry", "所属行业", cells.text, required=True, width=30, choices=industry_options,
              example="17 纺织业", note=_("国民经济行业大类，可只填两位代码")),
        Field("planned_investment_fen", "计划总投资（万元）", required=True, money_unit=FEN_PER_WAN, width=16,
              number_format=MONEY, example=5000, note=_("单位万元；也可写“2.92亿元”")),
        Field("origin", "来源地", cells.text, required=True, width=14,
              choices=lambda: [*PROVINCES.values(), "老挝", "泰国", "越南", "缅甸", "新加坡", "昆明市内"],
              example="上海市"),
        Field("partner_units", "其他协作单位", cells.split_list, width=18,
              note=_("与本单位共同引进的单位，多个用顿号分隔，如“盘龙区、官渡区”")),
        Field("investment_code", "全国投资项目代码", cells.folded, width=26, number_format=TEXT),
        Field("signed_on", "签约日期", cells.date, width=12, number_format=DATE, example=dt.date(2024, 7, 15)),
        Field("registered_on", "注册日期", cells.date, width=12, number_format=DATE),
        Field("construction_started_on", "开工日期", cells.date, width=12, number_format=DATE),
        Field("operating_on", "投产（运营）日期", cells.date, width=14, number_format=DATE, aliases=("投产日期",)),
        Field("moved_on", "搬迁日期", cells.date, width=12, number_format=DATE,
              note=_("存量流转项目填写；分享期限自搬迁月份起算")),
        Field("move_evidence", "搬迁证明", cells.text, width=30,
              note=_("填写搬迁日期时必填：证明文件名称及文号")),
        Field("description", "项目简介", cells.text, width=30),
    )  # fmt: skip


def _may_import(user: Any) -> bool:
    return scope_of(user).role == Role.UNIT


def _resolve(values: dict[str, Any], lookups: Lookups) -> dict[str, Any]:
    """Codes and names into the objects the service takes; every unreadable one is reported."""
    data = {k: v for k, v in values.items() if k not in ("code", "enterprise_code")}
    errors: dict[str, str] = {}
    if "enterprise_code" in values:
        enterprise = Enterprise.objects.filter(credit_code=values["enterprise_code"]).first()
        if enterprise is None:
            errors["enterprise_code"] = str(_("企业库中没有该统一社会信用代码，请先在企业库登记该企业"))
        data["enterprise"] = enterprise
    for key, find in (("park", lookups.park), ("industry", lookups.industry)):
        if key in values:
            try:
                data[key] = find(values[key])
            except cells.CellError as exc:
                errors[key] = str(exc)
    if "partner_units" in values:
        partners: list[Unit] = []
        for name in values["partner_units"]:
            try:
                partners.append(lookups.unit(name))
            except cells.CellError:
                errors["partner_units"] = str(_("“%(name)s”不是协作地单位的名称或代码") % {"name": name})
        data["partner_units"] = partners
    if errors:
        raise ValidationError(errors)
    return data


def _same(project: Project, data: dict[str, Any]) -> bool:
    for key, value in data.items():
        if key == "partner_units":
            if {u.pk for u in value} != set(project.partner_units.values_list("pk", flat=True)):
                return False
        elif key == "investment_code":
            if (project.investment_code or None) != (value or None):
                return False
        elif getattr(project, key) != value:
            return False
    return True


def _apply(actor: Any, values: dict[str, Any], lookups: Lookups) -> Outcome:
    from enclave.projects.queries import projects_visible_to

    data = _resolve(values, lookups)
    project = None
    if values.get("code"):
        project = projects_visible_to(actor).filter(code=values["code"]).first()
        if project is None:
            raise ValidationError({"code": str(_("项目编号不存在或不在您的职责范围内"))})
    elif data.get("enterprise") is not None and data.get("park") is not None:
        project = (
            Project.objects.filter(
                filing_unit_id=actor.unit_id,
                enterprise=data["enterprise"],
                park=data["park"],
                name=data["name"],
            )
            .order_by("-id")
            .first()
        )
    if project is None:
        data.setdefault("nature", Nature.INDUSTRIAL)
        services.project_create(actor=actor, data=data)
        return Outcome.NEW
    if _same(project, data):
        return Outcome.UNCHANGED
    services.project_update(actor=actor, project=project, data=data)
    return Outcome.UPDATED


FILINGS = kind_register(
    ImportKind(
        name="projects",
        label=_("项目报备"),
        sheet="项目报备",
        fields=fields,
        may_import=_may_import,
        refusal=_("只有协作地单位可以导入项目报备"),
        prepare=lambda actor: Lookups(),
        natural_key=lambda v: (
            (v["code"],) if v.get("code") else (v.get("enterprise_code"), v.get("park"), v.get("name"))
        ),
        apply=_apply,
        service_fields={"enterprise": "enterprise_code"},
        instructions=(
            _("每行一个项目。新项目导入后为草稿，请在项目页面逐个核对后提交报备。"),
            _(
                "填写项目编号的行更新该项目（仅草稿或退回修改状态可修改）；未填编号的行按“企业+承载园区+项目名称”匹配本单位已有的报备。"
            ),
        ),
    )
)
