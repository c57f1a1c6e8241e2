"""`manage.py assess PERIOD [--publish] [--provisional] [--reason TEXT] [--json]`: assess a quarter or a year."""

from __future__ import annotations

import json

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from enclave.accounts.models import Role, User
from enclave.assessment import queries, services
from enclave.assessment.models import AssessmentRun


class Command(BaseCommand):
    help = "考核一个季度（如 2024Q3）或年度（如 2024）：计算各单位得分与排名，可选发布"

    def add_arguments(self, parser):
        parser.add_argument("period", help="期间：2024Q3 或 2024")
        parser.add_argument("--publish", action="store_true", help="运行后发布（冻结）结果")
        parser.add_argument(
            "--provisional", action="store_true", help="结算未关账时作为临时结果运行（不能发布）"
        )
        parser.add_argument("--reason", default="", help="更正原因（该期间已发布时必填）")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出")
        parser.add_argument(
            "--as-user", default="", help="以该市级管理员账户的名义运行（默认：第一个市级管理员）"
        )

    def handle(self, *args, **options):
        actor = self._actor(options["as_user"])
        try:
            outcome = services.assessment_run(
                actor=actor,
                period=options["period"],
                provisional=options["provisional"],
                reason=options["reason"],
            )
            run = outcome.run
            if options["publish"] and run.status == AssessmentRun.DRAFT:
                run = services.assessment_publish(actor=actor, run=run)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        except PermissionDenied as exc:
            raise CommandError(str(exc)) from exc
        summary = queries.run_summary(run)
        if options["json"]:
            self.stdout.write(json.dumps(summary, ensure_ascii=False))
            return
        state = dict(AssessmentRun.STATUSES)[run.status]
        note = "新运行" if outcome.created else "输入未变化，沿用已有运行"
        extra = "，临时结果" if run.provisional else ""
        self.stdout.write(
            f"{run.period} 考核（第{run.pk}次运行，{state}{extra}，{note}，输入摘要 {run.input_digest[:12]}）"
        )
        for unit in summary["units"]:
            self.stdout.write(
                f"  {unit['rank']:>3} {unit['code']:<12} {unit['name']:<12} {unit['tier']:<3} "
                f"类内{unit['rank_in_tier']:>2}  {unit['score']:>7.2f}  加分 {unit['bonus']:.2f}"
            )

    def _actor(self, username: str) -> User:
        users = User.objects.filter(role=Role.CITY_ADMIN, is_active=True)
        user = users.filter(username=username).first() if username else users.order_by("pk").first()
        if user is None:
            raise CommandError("没有可用的市级管理员账户（--as-user）")
        return user
