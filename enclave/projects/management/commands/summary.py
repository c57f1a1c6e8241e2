"""`manage.py summary [--park] [--unit] [--from] [--to] [--json]`: the reports' figures from the database.

Counts recognised projects by recognition date (the landing date), over all projects, through the same
query the pages use, so a figure printed here and one shown on screen cannot differ.
"""

from __future__ import annotations

import datetime as dt
import json
import re

from django.core.management.base import BaseCommand, CommandError

from enclave.lib.money import format_yi
from enclave.parks.models import Park, Unit
from enclave.projects.models import Project
from enclave.projects.queries import project_summary

DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _date(value: str | None, label: str) -> dt.date | None:
    if value is None:
        return None
    text = value.strip()
    try:
        if not DATE_RE.fullmatch(text):
            raise ValueError
        return dt.date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"{label}“{value}”无效，应为 YYYY-MM-DD 格式的日期，如 2024-06-30") from None


class Command(BaseCommand):
    help = "统计已认定项目（按认定日期）：项目数、计划总投资、涉及企业数"

    def add_arguments(self, parser):
        parser.add_argument("--park", help="园区代码，如 mohan、lingang")
        parser.add_argument("--unit", help="协作单位代码，如 530102、dianchi（含作为其他协作单位的项目）")
        parser.add_argument("--from", dest="date_from", help="认定日期起（含），YYYY-MM-DD")
        parser.add_argument("--to", dest="date_to", help="认定日期止（含），YYYY-MM-DD")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出")

    def handle(self, *args, **options):
        date_from = _date(options["date_from"], "起始日期")
        date_to = _date(options["date_to"], "截止日期")
        if date_from and date_to and date_from > date_to:
            raise CommandError(f"起始日期{date_from}晚于截止日期{date_to}")
        park = unit = None
        if options["park"] is not None:
            park = Park.objects.filter(code=options["park"].strip()).first()
            if park is None:
                known = "、".join(Park.objects.values_list("code", flat=True))
                raise CommandError(f"未知的园区代码“{options['park']}”，可用的有：{known}")
        if options["unit"] is not None:
            unit = Unit.objects.filter(code=options["unit"].strip()).first()
            if unit is None:
                known = "、".join(Unit.objects.values_list("code", flat=True))
                raise CommandError(f"未知的单位代码“{options['unit']}”，可用的有：{known}")
        result = project_summary(
            Project.objects.all(),
            park_code=park.code if park else None,
            unit_code=unit.code if unit else None,
            date_from=date_from,
            date_to=date_to,
        )
        if options["json"]:
            self.stdout.write(json.dumps(result))
            return
        scope = [x for x in (park.short_name if park else "", unit.name if unit else "") if x]
        if date_from or date_to:
            scope.append(f"{date_from or '…'}至{date_to or '…'}认定")
        prefix = f"{'，'.join(scope)}：" if scope else ""
        self.stdout.write(
            f"{prefix}{result['count']}个项目，计划总投资{format_yi(result['planned_investment_fen'])}，"
            f"涉及企业{result['enterprises']}户"
        )
