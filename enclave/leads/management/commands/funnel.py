"""`manage.py funnel [--unit CODE] [--park CODE] [--from DATE] [--to DATE] [--json]`: the recruitment funnel
of a unit, a park or the city over a period, computed from the dated stage events."""

from __future__ import annotations

import datetime as dt
import json

from django.core.management.base import BaseCommand, CommandError

from enclave.leads.queries import funnel_for
from enclave.parks.models import Park, Unit


def _date(text: str | None, option: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise CommandError(f"{option} 应为日期，如 2024-07-15") from exc


class Command(BaseCommand):
    help = "招商漏斗：各阶段线索数、签约、注册、考察团及参加企业数（按单位、园区和期间）"

    def add_arguments(self, parser):
        parser.add_argument("--unit", help="协作地单位代码，如 530102")
        parser.add_argument("--park", help="园区代码，如 mohan")
        parser.add_argument("--from", dest="date_from", help="起始日期（含）")
        parser.add_argument("--to", dest="date_to", help="截止日期（含）")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出")

    def handle(self, *args, **options):
        if options["unit"] and not Unit.objects.filter(code=options["unit"]).exists():
            raise CommandError(f"没有代码为“{options['unit']}”的单位")
        if options["park"] and not Park.objects.filter(code=options["park"]).exists():
            raise CommandError(f"没有代码为“{options['park']}”的园区")
        start, end = _date(options["date_from"], "--from"), _date(options["date_to"], "--to")
        if start and end and end < start:
            raise CommandError("--to 不能早于 --from")
        funnel = funnel_for(None, unit_code=options["unit"], park_code=options["park"], start=start, end=end)
        figures = funnel.as_json()
        if options["json"]:
            self.stdout.write(json.dumps(figures, ensure_ascii=False))
            return
        labels = {
            "contacted": "已接洽", "visited": "已考察", "intending": "有意向", "filed": "已转项目", "dropped": "已放弃",
            "agreements": "签订投资协议", "registered": "注册企业", "visits": "考察团", "visit_enterprises": "考察企业",
        }  # fmt: skip
        for key, value in figures.items():
            self.stdout.write(f"{labels[key]}\t{value}")
        for key, rate in funnel.conversion_bp.items():
            days = funnel.median_days[key]
            rate_text = "—" if rate is None else f"{rate / 100:.2f}%"
            self.stdout.write(f"{key}\t转化率 {rate_text}\t中位天数 {'—' if days is None else days}")
