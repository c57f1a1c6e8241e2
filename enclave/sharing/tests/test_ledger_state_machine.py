"""Ledger invariants under random sequences of actions (SECURITY.md check 23), as a hypothesis
`RuleBasedStateMachine` over the real services and database.

Rules: file, review, recognise (2–4 parties with random basis points), report, update a report, confirm,
settle (a month or a quarter), settle twice (re-run), close, adjust a closed month. After every step:

- every ledger line's shares add up to its retained amount to the fen, each share within one fen of its
  exact part, and the retained amount is the county parts less rebates plus adjustments;
- every statement adds up to its lines, and the statements of one period add up to the ledger's retained
  total for that period;
- no row of a closed month was ever modified (ledger lines, shares, monthly reports, their taxes), the
  closed months' seals verify, and corrections appear only as new adjustment rows;
- the audit chain verifies;
- the city's indicator totals count each project once, while every unit's and park's view counts each
  of its projects in full (double accounting).

A settlement run answers exactly what a fresh computation from the current data gives (its output digest
and the ledger's totals per party), and running the same period twice writes nothing the second time.

`ENCLAVE_LEDGER_EXAMPLES` (default 20; 40 with CI=true, as `.ci/run` sets) sets the number of sequences.
"""

from __future__ import annotations

import datetime as dt
import os
from collections import defaultdict
from fractions import Fraction

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    rule,
    run_state_machine_as_test,
)

from enclave.audit.services import chain_verify
from enclave.conftest import make_filed
from enclave.lib import periods
from enclave.parks.models import Park, Unit
from enclave.projects import services as project_services
from enclave.projects.models import AgreementParty, Project
from enclave.projects.workflow import Status, TransitionError
from enclave.sharing import accounting, ledger, queries, services
from enclave.sharing.fetch import months_between
from enclave.sharing.models import (
    Adjustment,
    AdjustmentTarget,
    ClosedMonth,
    MonthlyReport,
    MonthlyTax,
    RunTotal,
    SettlementLine,
    SettlementRun,
    SettlementShare,
)

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("ENCLAVE_LEDGER_EXAMPLES", "40" if os.environ.get("CI") else "20"))
MONTHS = [dt.date(2024, m, 1) for m in range(1, 13)]
PERIODS = [f"2024-{m:02d}" for m in range(1, 13)] + [f"2024Q{q}" for q in range(1, 5)]
QUARTERS = [f"2024Q{q}" for q in range(1, 5)]
PARTNERS = ("530111", "530112", "530114")
TAX_TYPES = ("vat", "cit")
amounts = st.integers(0, 10**10)


def _by_month(rows, month_of) -> dict[dt.date, list]:
    out: dict[dt.date, list] = defaultdict(list)
    for row in rows:
        out[month_of(row)].append(row)
    return out


def _ledger_rows(months: list[dt.date]) -> dict[dt.date, tuple]:
    """Every ledger line and share of the months, as stored (ids included), by month."""
    lines = _by_month(
        (
            (*row[:4], sorted(row[4].items()), *row[5:])
            for row in SettlementLine.objects.filter(month__in=months).order_by("id").values_list(
                "id", "run_id", "project_id", "month", "county_parts", "rebates_fen", "adjustments_fen",
                "retained_fen",
            )
        ),
        lambda row: row[3],
    )  # fmt: skip
    shares = _by_month(
        SettlementShare.objects.filter(line__month__in=months)
        .order_by("id")
        .values_list("line__month", "id", "line_id", "party_code", "amount_fen"),
        lambda row: row[0],
    )
    return {m: (tuple(lines.get(m, ())), tuple(shares.get(m, ()))) for m in months}


def _report_rows(months: list[dt.date]) -> dict[dt.date, tuple]:
    """Every monthly report and tax line of the months, as stored, by month."""
    reports = _by_month(
        MonthlyReport.objects.filter(month__in=months)
        .order_by("id")
        .values_list("month", "id", "project_id", "rebates_fen", *accounting.FIELDS, "tax_status",
                     "indicator_status", "updated_at"),
        lambda row: row[0],
    )  # fmt: skip
    taxes = _by_month(
        MonthlyTax.objects.filter(report__month__in=months)
        .order_by("id")
        .values_list("report__month", "id", "report_id", "tax_type__code", "paid_fen"),
        lambda row: row[0],
    )
    return {m: (tuple(reports.get(m, ())), tuple(taxes.get(m, ()))) for m in months}


def _adjustment_row(pk: int) -> tuple:
    return (
        Adjustment.objects.filter(pk=pk)
        .values_list("project_id", "month", "concerns_month", "target", "amount_fen", "reason")
        .get()
    )


class LedgerMachine(RuleBasedStateMachine):
    """One random history of a few projects through 2024. Each history runs inside a savepoint that is
    rolled back at its end, so histories do not see each other."""

    users: dict = {}

    filed = Bundle("filed")
    in_review = Bundle("in_review")
    recognised = Bundle("recognised")
    reports = Bundle("reports")

    def __init__(self) -> None:
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        self.frozen: dict[dt.date, tuple] = {}  # closed month → its ledger and report rows at closing
        self.adjustments: dict[int, tuple] = {}  # adjustment rows as written: only ever added, never changed
        self.serial = 0

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    # ------------------------------------------------------------ the project workflow

    @rule(target=filed, unit_user=st.sampled_from(["wuhua", "panlong"]), park=st.sampled_from(["mohan", "lingang"]),
          partners=st.lists(st.sampled_from(PARTNERS), max_size=2, unique=True))  # fmt: skip
    def file(self, unit_user, park, partners):
        self.serial += 1
        return make_filed(
            self.users[unit_user],
            name=f"台账状态机项目{self.serial}",
            park=Park.objects.get(code=park),
            partner_units=list(Unit.objects.filter(code__in=partners)),
        ).pk

    @rule(target=in_review, project_id=filed)
    def review(self, project_id):
        project = Project.objects.get(pk=project_id)
        if project.status != Status.FILED:
            return project_id
        return project_services.project_start_review(actor=self.users["reviewer"], project=project).pk

    @rule(target=recognised, project_id=in_review, data=st.data())
    def recognise(self, project_id, data):
        project = Project.objects.get(pk=project_id)
        if project.status != Status.UNDER_REVIEW:
            with pytest.raises((TransitionError, ValidationError)):
                project_services.project_recognise(actor=self.users["reviewer"], project=project)
            return project_id
        units = [project.filing_unit.code, *sorted(project.partner_units.values_list("code", flat=True))]
        weights = data.draw(
            st.lists(st.integers(0, 10_000), min_size=len(units) + 1, max_size=len(units) + 1)
        )
        if sum(weights) == 0:
            weights[-1] = 1
        bps = [w * 10_000 // sum(weights) for w in weights]
        bps[-1] += 10_000 - sum(bps)  # exactly 10,000 basis points, the host park taking the rounding
        parties = [project_services.PartyShare("unit", u, bp) for u, bp in zip(units, bps, strict=False)]
        parties.append(project_services.PartyShare("park", project.park.code, bps[-1]))
        project_services.project_recognise(
            actor=self.users["reviewer"], project=project, parties=parties, start_month=MONTHS[0],
            end_month=dt.date(2029, 12, 1), on=dt.date(2024, 6, 20),
        )  # fmt: skip
        return project_id

    # ------------------------------------------------------------ monthly reports

    @rule(target=reports, project_id=recognised, month=st.sampled_from(MONTHS),
          taxes=st.fixed_dictionaries({t: amounts for t in TAX_TYPES}), rebate_share=st.integers(0, 100),
          indicator=st.integers(0, 10**11))  # fmt: skip
    def report(self, project_id, month, taxes, rebate_share, indicator):
        project = Project.objects.get(pk=project_id)
        values = {
            "rebates_fen": sum(taxes.values()) * rebate_share // 1000,
            "industrial_output_fen": indicator,
            "foreign_capital_fen": indicator // 7,
        }
        actor = self.users["mohan_user" if project.park.code == "mohan" else "lingang_user"]
        exists = MonthlyReport.objects.filter(project=project, month=month).exists()
        if month in self.frozen or exists:
            before = MonthlyReport.objects.count()
            with pytest.raises(ValidationError):
                services.report_create(actor=actor, project=project, month=month, taxes=taxes, values=values)
            assert MonthlyReport.objects.count() == before
            return (
                MonthlyReport.objects.filter(project=project, month=month)
                .values_list("pk", flat=True)
                .first()
            )
        return services.report_create(
            actor=actor, project=project, month=month, taxes=taxes, values=values
        ).pk

    @rule(report_id=reports, vat=amounts)
    def update_report(self, report_id, vat):
        if report_id is None:
            return
        report = MonthlyReport.objects.get(pk=report_id)
        if report.month in self.frozen:
            with pytest.raises(ValidationError):
                services.report_update(
                    actor=self.users["city_admin"], report=report, taxes={"vat": vat}, values={}
                )
            return
        paid = sum(t.paid_fen for t in report.taxes.exclude(tax_type__code="vat")) + vat
        values = {"rebates_fen": min(report.rebates_fen, paid)}
        services.report_update(
            actor=self.users["city_admin"], report=report, taxes={"vat": vat}, values=values
        )

    @rule(report_id=reports)
    def confirm(self, report_id):
        if report_id is None:
            return
        report = MonthlyReport.objects.get(pk=report_id)
        if report.month in self.frozen:
            with pytest.raises(ValidationError):
                services.report_confirm(actor=self.users["finance"], report=report, what="tax")
            return
        services.report_confirm(actor=self.users["finance"], report=report, what="tax")

    @rule(data=st.data())
    def confirm_all(self, data):
        """The bureau confirms a whole quarter at once, so closing gets a chance."""
        quarter = periods.parse(data.draw(st.sampled_from(QUARTERS)))
        for report in MonthlyReport.objects.filter(
            month__gte=quarter.start, month__lte=quarter.end, tax_status="estimated"
        ):
            services.report_confirm(actor=self.users["finance"], report=report, what="tax")

    # ------------------------------------------------------------ settlement, closing, adjustments

    def _settle(self, period: str) -> services.RunResult:
        result = services.settlement_run(actor=self.users["city_admin"], period=period)
        span = periods.parse(period)
        months = months_between(span.start, span.end)
        # The run is what a fresh computation from today's data gives …
        verification = services.settlement_verify(period=period)
        assert verification.run is not None and verification.run.pk == result.run.pk
        assert verification.matches, f"run {period} does not match a recomputation of the current data"
        # … and the ledger holds exactly the run's totals per party.
        ledger_totals = defaultdict(int)
        for code, amount in SettlementShare.objects.filter(line__month__in=months).values_list(
            "party_code", "amount_fen"
        ):
            ledger_totals[code] += amount
        run_totals = dict(RunTotal.objects.filter(run=result.run).values_list("party_code", "amount_fen"))
        assert {c: a for c, a in ledger_totals.items() if a} == {c: a for c, a in run_totals.items() if a}
        assert sum(ledger_totals.values()) == result.run.retained_fen
        return result

    @rule(period=st.sampled_from(PERIODS))
    def settle(self, period):
        self._settle(period)

    @rule(period=st.sampled_from(PERIODS))
    def settle_twice(self, period):
        """Re-running a period whose inputs have not changed is the same run and writes nothing."""
        first = self._settle(period)
        span = periods.parse(period)
        months = months_between(span.start, span.end)
        rows, runs = _ledger_rows(months), SettlementRun.objects.count()
        again = self._settle(period)
        assert again.run.pk == first.run.pk and not again.created
        assert _ledger_rows(months) == rows and SettlementRun.objects.count() == runs

    @rule(period=st.sampled_from(QUARTERS + ["2024-01", "2024-05", "2024-08"]))
    def close(self, period):
        span = periods.parse(period)
        months = months_between(span.start, span.end)
        estimated = MonthlyReport.objects.filter(month__in=months, tax_status="estimated").exists()
        if all(m in self.frozen for m in months) or estimated:
            runs = SettlementRun.objects.count()
            with pytest.raises(ValidationError):
                services.settlement_close(actor=self.users["city_admin"], period=period)
            assert SettlementRun.objects.count() == runs
            return
        services.settlement_close(actor=self.users["city_admin"], period=period)
        new = [m for m in months if m not in self.frozen]
        ledger_rows, report_rows = _ledger_rows(new), _report_rows(new)
        for month in new:
            self.frozen[month] = (ledger_rows[month], report_rows[month])
        assert set(ClosedMonth.objects.values_list("month", flat=True)) == set(self.frozen)

    @rule(project_id=recognised, month=st.sampled_from(MONTHS),
          what=st.sampled_from([AdjustmentTarget.RETAINED, AdjustmentTarget.INDUSTRIAL_OUTPUT]),
          amount=st.integers(-(10**8), 10**8).filter(bool))  # fmt: skip
    def adjust(self, project_id, month, what, amount):
        project = Project.objects.get(pk=project_id)
        kwargs = dict(
            project=project, concerns_month=month, target=what, amount_fen=amount, reason="更正申报差错"
        )
        if month not in self.frozen:
            with pytest.raises(ValidationError):
                services.adjustment_create(actor=self.users["city_admin"], **kwargs)
            return
        adjustment = services.adjustment_create(actor=self.users["city_admin"], **kwargs)
        assert adjustment.month not in self.frozen and adjustment.month > month  # settles in an open month
        self.adjustments[adjustment.pk] = _adjustment_row(adjustment.pk)

    @rule(project_id=recognised)
    def outsider_cannot_settle_or_adjust(self, project_id):
        with pytest.raises(PermissionDenied):
            services.settlement_run(actor=self.users["wuhua"], period="2024Q1")
        with pytest.raises(PermissionDenied):
            services.adjustment_create(
                actor=self.users["mohan_user"], project=Project.objects.get(pk=project_id),
                concerns_month=MONTHS[0], target="retained", amount_fen=1, reason="越权",
            )  # fmt: skip

    # ------------------------------------------------------------ invariants

    @invariant()
    def every_line_is_conserved_to_the_fen(self):
        weights = defaultdict(dict)
        for project_id, unit, park, bp in AgreementParty.objects.values_list(
            "agreement__project_id", "unit__code", "park__code", "share_bp"
        ):
            weights[project_id][unit or park] = bp
        shares = defaultdict(dict)
        for line_id, code, amount in SettlementShare.objects.values_list(
            "line_id", "party_code", "amount_fen"
        ):
            shares[line_id][code] = amount
        for line in SettlementLine.objects.all():
            assert sum(shares[line.pk].values()) == line.retained_fen, f"line {line.pk} not conserved"
            assert (
                line.retained_fen == sum(line.county_parts.values()) - line.rebates_fen + line.adjustments_fen
            )
            assert set(shares[line.pk]) == set(weights[line.project_id])
            for code, amount in shares[line.pk].items():
                exact = Fraction(line.retained_fen * weights[line.project_id][code], 10_000)
                assert abs(amount - exact) < 1, f"{code} got {amount}, exact share {exact}"

    @invariant()
    def every_statement_adds_up_to_its_lines(self):
        involved = set(AgreementParty.objects.values_list("unit__code", flat=True)) | set(
            AgreementParty.objects.values_list("park__code", flat=True)
        )
        parties = [p for p in queries.all_parties() if p.code in involved]
        for label in ("2024Q1", "2024Q2", "2024Q3", "2024Q4", "2024"):
            period = periods.parse(label)
            months = months_between(period.start, period.end)
            total = 0
            for party in parties:
                statement = queries.statement(period, party)
                expected = defaultdict(lambda: [0, 0])  # project → [retained, share]
                for project_id, retained, amount in SettlementShare.objects.filter(
                    party_code=party.code, line__month__in=months
                ).values_list("line__project_id", "line__retained_fen", "amount_fen"):
                    expected[project_id][0] += retained
                    expected[project_id][1] += amount
                assert {ln.project_id: [ln.retained_fen, ln.share_fen] for ln in statement.lines} == expected
                assert statement.share_fen == sum(ln.share_fen for ln in statement.lines)
                total += statement.share_fen
            retained = sum(
                SettlementLine.objects.filter(month__in=months).values_list("retained_fen", flat=True)
            )
            assert total == retained, f"{label}: statements {total} ≠ ledger retained {retained}"

    @invariant()
    def closed_months_never_change(self):
        months = list(self.frozen)
        ledger_now, reports_now = _ledger_rows(months), _report_rows(months)
        for month, (ledger_rows, report_rows) in self.frozen.items():
            assert ledger_now[month] == ledger_rows, f"ledger rows of closed {month:%Y-%m} changed"
            assert reports_now[month] == report_rows, f"reports of closed {month:%Y-%m} changed"
        assert ledger.ledger_verify().ok
        assert {pk: _adjustment_row(pk) for pk in Adjustment.objects.values_list("pk", flat=True)} == (
            self.adjustments
        ), "an adjustment row was changed or removed, or one appeared outside adjustment_create"

    @invariant()
    def audit_chain_is_intact(self):
        report = chain_verify()
        assert report.ok, report

    @invariant()
    def city_counts_each_project_once_and_each_place_in_full(self):
        table = accounting.table(queries.project_indicators(MONTHS))
        per_project = defaultdict(lambda: dict.fromkeys(accounting.FIELDS, 0))
        for report in MonthlyReport.objects.filter(month__in=MONTHS):
            for field in accounting.FIELDS:
                per_project[report.project_id][field] += getattr(report, field)
        for adjustment in Adjustment.objects.filter(month__in=MONTHS, target__in=accounting.FIELDS):
            per_project[adjustment.project_id][adjustment.target] += adjustment.amount_fen
        for field in accounting.FIELDS:
            assert table.city[field] == sum(v[field] for v in per_project.values())
        places = defaultdict(list)
        for project_id, unit, park in AgreementParty.objects.values_list(
            "agreement__project_id", "unit__code", "park__code"
        ):
            places[("unit", unit) if unit else ("park", park)].append(project_id)
        for (kind, code), project_ids in places.items():
            row = table.by_place.get((kind, code), dict.fromkeys(accounting.FIELDS, 0))
            for field in accounting.FIELDS:
                counted = kind == "unit" or field in accounting.BOTH
                expected = (
                    sum(per_project[p][field] for p in project_ids if p in per_project) if counted else 0
                )
                assert row[field] == expected, f"{kind} {code} {field}: {row[field]} ≠ {expected}"


def test_ledger_invariants_hold_under_random_histories(wuhua, panlong, reviewer, city_admin, mohan_user,
                                                       lingang_user, finance):  # fmt: skip
    LedgerMachine.users = {
        "wuhua": wuhua, "panlong": panlong, "reviewer": reviewer, "city_admin": city_admin,
        "mohan_user": mohan_user, "lingang_user": lingang_user, "finance": finance,
    }  # fmt: skip
    run_state_machine_as_test(
        LedgerMachine,
        settings=settings(
            max_examples=EXAMPLES,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
            database=None,
        ),
    )
