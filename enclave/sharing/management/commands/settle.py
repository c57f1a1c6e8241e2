"""`manage.py settle PERIOD [--close | --provisional | --true-up] [--verify] [--json]`: settle a month, quarter or
year and print each party's total; issue a quarter's provisional statement; make (or verify) a year's true-up."""

from __future__ import annotations

import json
import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from enclave.accounts.models import Role, User
from enclave.lib.money import format_yuan
from enclave.parks.models import Park, Unit
from enclave.sharing import services


class Command(BaseCommand):
    help = "结算一个期间（如 2024-07、2024Q3、2024），可选关账；打印各方分成合计"

    def add_arguments(self, parser):
        parser.add_argument("period", help="期间：2024-07、2024Q3 或 2024")
        which = parser.add_mutually_exclusive_group()
        which.add_argument("--close", action="store_true", help="结算后关账（须税收数据已确认）")
        which.add_argument("--provisional", action="store_true", help="出具季度预结算（期间须为季度，只能出具一次）")
        which.add_argument(
            "--true-up", action="store_true", help="年终体制结算（期间须为年度；须全年税收数据已确认；全年关账）"
        )
        parser.add_argument("--json", action="store_true", help="以 JSON 输出")
        parser.add_argument(
            "--verify", action="store_true", help="只重算并与已保存的结算核对摘要，不写入任何数据"
        )
        parser.add_argument(
            "--as-user", default="", help="以该市级管理员账户的名义运行（默认：第一个市级管理员）"
        )

    def handle(self, *args, **options):
        if options["verify"]:
            if options["true_up"]:
                return self._verify_true_up(options["period"])
            return self._verify(options["period"])
        actor = self._actor(options["as_user"])
        show = not options["json"]

        def progress(done: int, total: int, stage: str) -> None:
            if show:
                bar = "#" * (20 * done // max(total, 1))
                sys.stderr.write(f"\r[{bar:<20}] {done}/{total} {stage}    ")
                sys.stderr.flush()

        if options["provisional"] or options["true_up"]:
            return self._statement(actor, options, progress)
        try:
            if options["close"]:
                result = services.settlement_close(actor=actor, period=options["period"], progress=progress)
            else:
                result = services.settlement_run(actor=actor, period=options["period"], progress=progress)
        except ValidationError as exc:
            raise CommandError("；".join(m for ms in exc.message_dict.values() for m in ms)) from exc
        if show:
            sys.stderr.write("\n")
        names = {
            **dict(Unit.objects.values_list("code", "name")),
            **dict(Park.objects.values_list("code", "short_name")),
        }
        parties = [{"code": s.party_code, "name": names.get(s.party_code, s.party_code), "share_fen": s.amount_fen}
                   for s in result.totals]  # fmt: skip
        if options["json"]:
            payload = {
                "period": result.run.period,
                "retained_fen": result.run.retained_fen,
                "parties": parties,
            }
            self.stdout.write(json.dumps(payload, ensure_ascii=False))
            return
        state = "新结算" if result.created else "输入未变化，沿用已有结算"
        self.stdout.write(
            f"{result.run.period} 县级留成合计 {format_yuan(result.run.retained_fen)}（{state}，摘要 {result.run.input_digest[:12]}）"
        )
        for party in parties:
            self.stdout.write(
                f"  {party['code']:<12} {party['name']:<16} {format_yuan(party['share_fen']):>20}"
            )

    def _verify(self, period: str) -> None:
        try:
            check = services.settlement_verify(period=period)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        if check.run is None:
            raise CommandError(
                f"{check.period} 没有与当前数据（输入摘要 {check.input_digest[:12]}）对应的已保存结算：数据已变化或尚未结算"
            )
        if not check.matches:
            raise CommandError(f"{check.period} 重算结果与已保存结算不一致（结算 #{check.run.pk}）")
        self.stdout.write(
            f"{check.period} 核对一致：输入摘要 {check.input_digest[:12]}，结果摘要 {check.output_digest[:12]}，结算 #{check.run.pk}"
        )

    def _statement(self, actor: User, options: dict, progress) -> None:
        """A provisional quarter or a year's true-up: each party's amounts, as text or JSON."""
        try:
            if options["provisional"]:
                provisional = services.settlement_provisional(actor=actor, period=options["period"], progress=progress)
                lines = [{"code": c, "share_fen": a}
                         for c, a in provisional.run.totals.values_list("party_code", "amount_fen")]  # fmt: skip
                payload = {"period": provisional.period, "provisional": True, "run": provisional.run_id,
                           "parties": lines}  # fmt: skip
            else:
                true_up = services.settlement_true_up(actor=actor, year=options["period"], progress=progress)
                lines = [{"code": line.party_code, "quarters_fen": [line.q1_fen, line.q2_fen, line.q3_fen, line.q4_fen],
                          "provisional_fen": line.provisional_fen, "year_fen": line.year_fen,
                          "difference_fen": line.difference_fen} for line in true_up.lines.all()]  # fmt: skip
                payload = {"year": true_up.year, "quarters": true_up.quarters, "digest": true_up.digest,
                           "run": true_up.run_id, "parties": lines}  # fmt: skip
        except ValidationError as exc:
            raise CommandError("；".join(m for ms in exc.message_dict.values() for m in ms)) from exc
        if options["json"]:
            self.stdout.write(json.dumps(payload, ensure_ascii=False))
            return
        sys.stderr.write("\n")
        if options["provisional"]:
            self.stdout.write(f"{payload['period']} 季度预结算已出具（暂定，年终体制结算时清算差额）")
            for line in lines:
                self.stdout.write(f"  {line['code']:<12} {format_yuan(line['share_fen']):>20}")
            return
        self.stdout.write(f"{payload['year']} 年终体制结算已完成，全年已关账（摘要 {payload['digest'][:12]}）")
        for line in lines:
            self.stdout.write(
                f"  {line['code']:<12} 预结算 {format_yuan(line['provisional_fen']):>16}  年度 "
                f"{format_yuan(line['year_fen']):>16}  应补/应退 {format_yuan(line['difference_fen']):>16}"
            )

    def _verify_true_up(self, year: str) -> None:
        try:
            check = services.true_up_verify(year=year)
        except ValidationError as exc:
            raise CommandError("；".join(exc.messages)) from exc
        if not check.matches:
            raise CommandError(
                f"{check.year} 年终体制结算核对不一致：保存的摘要 {check.stored_digest[:12]}，重算 {check.digest[:12]}"
                + ("" if check.year_run_reproduced else "；年度结算按当前数据重算的结果与保存的不同")
            )
        self.stdout.write(f"{check.year} 年终体制结算核对一致：摘要 {check.digest[:12]}")

    def _actor(self, username: str) -> User:
        users = User.objects.filter(role=Role.CITY_ADMIN, is_active=True)
        user = users.filter(username=username).first() if username else users.order_by("pk").first()
        if user is None:
            raise CommandError("没有可用的市级管理员账户（--as-user）")
        return user
