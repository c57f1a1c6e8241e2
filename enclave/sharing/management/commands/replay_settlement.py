"""python manage.py replay_settlement RUN_ID [--json]: recompute a stored settlement run and compare digests.

Exit 0 when today's inputs are the run's and the recomputed output digest is identical (可复现); exit 1
when the output differs, or when the inputs have changed since the run (then there is nothing to replay)."""

from __future__ import annotations

import json

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from enclave.sharing import services
from enclave.sharing.models import SettlementRun


class Command(BaseCommand):
    help = "重放一次结算运行：按现有数据重算并核对输入与结果摘要（SM3）"

    def add_arguments(self, parser):
        parser.add_argument("run", type=int, help="结算运行的 ID")
        parser.add_argument("--json", action="store_true")

    def handle(self, *args, run: int, **options):
        stored = SettlementRun.objects.filter(pk=run).first()
        if stored is None:
            raise CommandError(f"结算运行 {run} 不存在")
        try:
            replay = services.settlement_replay(run=stored)
        except ValidationError as exc:
            raise CommandError("；".join(m for ms in exc.message_dict.values() for m in ms)) from exc
        same_inputs = replay.input_digest == stored.input_digest
        identical = same_inputs and replay.output_digest == stored.output_digest
        if options["json"]:
            self.stdout.write(json.dumps({
                "run": stored.pk, "period": stored.period, "engine_version": stored.engine_version,
                "code_version": stored.code_version, "rules_digest": stored.rules_digest,
                "input_digest": stored.input_digest, "replayed_input_digest": replay.input_digest,
                "output_digest": stored.output_digest, "replayed_output_digest": replay.output_digest,
                "identical": identical,
            }, ensure_ascii=False))  # fmt: skip
        if not same_inputs:
            raise CommandError(
                f"{stored.period} 的输入数据自运行 {stored.pk} 以来已变化（输入摘要不同），无法重放"
            )
        if not identical:
            raise CommandError(
                f"重放结果与运行 {stored.pk} 不一致：保存的结果摘要 {stored.output_digest}，重算 {replay.output_digest}"
            )
        if not options["json"]:
            self.stdout.write(
                f"重放一致：运行 {stored.pk}（{stored.period}）结果摘要 {replay.output_digest}"
                f"，引擎 {stored.engine_version}，程序 {stored.code_version or '—'}"
            )
