"""Excel exports of leads and site visits (adapter only: the caller chooses the rows, this writes them).

The house format (title row with the filter and export time, frozen bold header, auto-filter, amounts in
万元 as real numbers, dates as dates, text always as text) comes from the shared export code.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from django.utils import timezone

from enclave.excel.export import Column, wan, workbook_build, workbook_bytes
from enclave.leads.models import Lead, Visit

LEAD_COLUMNS = (
    Column("企业名称", 32),
    Column("统一社会信用代码", 22),
    Column("招商单位", 14),
    Column("目标园区", 20),
    Column("目标园中园", 24),
    Column("所属行业", 24),
    Column("预计投资额（万元）", 16, "#,##0.00"),
    Column("需求面积（平方米）", 16, "#,##0.00"),
    Column("来源地", 12),
    Column("对接渠道", 14),
    Column("阶段", 10),
    Column("首次接洽日期", 12, "yyyy-mm-dd"),
    Column("进入当前阶段日期", 14, "yyyy-mm-dd"),
    Column("签约日期", 12, "yyyy-mm-dd"),
    Column("注册日期", 12, "yyyy-mm-dd"),
    Column("负责人", 12),
    Column("下一步工作", 28),
    Column("下一步日期", 12, "yyyy-mm-dd"),
    Column("放弃原因", 20),
    Column("项目编号", 14),
    Column("备注", 10),
)
FUNNEL_COLUMNS = (
    Column("阶段", 22),
    Column("期间内到达的线索（个）", 16, "0"),
    Column("下一阶段", 12),
    Column("转化率（%）", 12, "0.00"),
    Column("中位天数", 10, "0.0"),
)


def percent_of_bp(bp: int | None) -> Decimal | None:
    """A conversion rate in basis points as a percentage number (3333 → 33.33), exactly; None stays empty."""
    return None if bp is None else Decimal(bp) / 100


VISIT_COLUMNS = (
    Column("考察日期", 12, "yyyy-mm-dd"),
    Column("考察团名称", 30),
    Column("组织单位", 14),
    Column("考察园区", 20),
    Column("考察园中园", 24),
    Column("参加企业数", 10, "0"),
    Column("参加企业", 50),
    Column("考察成果", 40),
    Column("备注", 10),
)


def lead_row(lead: Lead) -> list[Any]:
    return [
        lead.enterprise_name,
        lead.enterprise.credit_code if lead.enterprise_id else "",
        lead.unit.short_name,
        lead.park.short_name if lead.park_id else "",
        lead.subpark.name if lead.subpark_id else "",
        f"{lead.industry.code} {lead.industry.name}" if lead.industry_id else "",
        wan(lead.expected_investment_fen) if lead.expected_investment_fen is not None else None,
        lead.needed_area_m2,
        lead.origin,
        lead.get_channel_display(),
        lead.stage_label,
        lead.contacted_on,
        lead.stage_on,
        lead.signed_on,
        lead.registered_on,
        str(lead.owner) if lead.owner_id else "",
        lead.next_step,
        lead.next_step_on,
        lead.drop_reason,
        lead.project.display_code if lead.project_id else "",
        "示例数据" if lead.is_sample else "",
    ]


def visit_row(visit: Visit) -> list[Any]:
    names = [lead.enterprise_name for lead in visit.leads.all()]
    return [
        visit.visited_on,
        visit.title,
        visit.unit.short_name,
        visit.park.short_name,
        visit.subpark.name if visit.subpark_id else "",
        len(names),
        "、".join(names),
        visit.outcome,
        "示例数据" if visit.is_sample else "",
    ]


def _title(what: str, description: str, exported_at: dt.datetime) -> str:
    local = timezone.localtime(exported_at)
    return f"{what}导出　筛选条件：{description}　导出时间：{local:%Y-%m-%d %H:%M}（北京时间）"


def table_xlsx(
    *,
    what: str,
    columns: tuple[Column, ...],
    rows: Iterable[list[Any]],
    description: str,
    exported_at: dt.datetime,
) -> bytes:
    return workbook_bytes(
        workbook_build(title=_title(what, description, exported_at), columns=columns, rows=rows, sheet=what)
    )


def leads_xlsx(leads: Iterable[Lead], *, description: str, exported_at: dt.datetime) -> bytes:
    rows: Iterator[list[Any]] = (lead_row(lead) for lead in leads)
    return table_xlsx(
        what="招商线索", columns=LEAD_COLUMNS, rows=rows, description=description, exported_at=exported_at
    )


def visits_xlsx(visits: Iterable[Visit], *, description: str, exported_at: dt.datetime) -> bytes:
    rows = (visit_row(visit) for visit in visits)
    return table_xlsx(
        what="投资考察团", columns=VISIT_COLUMNS, rows=rows, description=description, exported_at=exported_at
    )


def export_filename(stem: str, exported_at: dt.datetime) -> str:
    return f"{stem}-{timezone.localtime(exported_at):%Y%m%d-%H%M}.xlsx"
