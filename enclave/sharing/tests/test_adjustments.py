"""Issue 13, item 3: adjustments never block a period.

An adjustment about a month inside the agreement settles in the first open month with that month's shares,
also after the agreement ended; one about a month no agreement covers is refused when entered; an entered
adjustment is voided with a reason (its reversal lands like any adjustment); a run that meets a
project-month it cannot settle names it, says what to do and writes nothing.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from enclave.audit.models import Event as AuditEvent
from enclave.conftest import client_for, make_filed
from enclave.parks.models import Unit
from enclave.projects import services as project_services
from enclave.sharing import services
from enclave.sharing.models import Adjustment, ClosedMonth, SettlementLine, SettlementRun, SettlementShare
from enclave.sharing.tests.test_views import run_queued_jobs

pytestmark = pytest.mark.django_db
JUNE, JULY, AUGUST, OCTOBER = (dt.date(2024, m, 1) for m in (6, 7, 8, 10))


@pytest.fixture
def ended(wuhua, reviewer, mohan_user, city_admin, finance):
    """Shares 30:20:50 for July and August 2024 only; both months reported, confirmed and closed (Q3)."""
    project = make_filed(wuhua, partner_units=[Unit.objects.get(code="530103")])
    project = project_services.project_start_review(actor=reviewer, project=project)
    project = project_services.project_recognise(
        actor=reviewer,
        project=project,
        parties=[
            project_services.PartyShare("unit", "530102", 3000),
            project_services.PartyShare("unit", "530103", 2000),
            project_services.PartyShare("park", "mohan", 5000),
        ],
        start_month=JULY,
        end_month=AUGUST,
        on=dt.date(2024, 6, 20),
    )
    for month in (JULY, AUGUST):
        report = services.report_create(
            actor=mohan_user, project=project, month=month, taxes={"vat": 1_000_000}, values={}
        )
        services.report_confirm(actor=finance, report=report, what="tax")
    services.settlement_close(actor=city_admin, period="2024Q3")
    return project


def adjust(actor, project, concerns=AUGUST, amount=100_001, reason="8月增值税更正"):
    return services.adjustment_create(
        actor=actor, project=project, concerns_month=concerns, target="retained", amount_fen=amount,
        reason=reason,
    )  # fmt: skip


def october_shares() -> dict[str, int]:
    line = SettlementLine.objects.get(month=OCTOBER)
    return dict(SettlementShare.objects.filter(line=line).values_list("party_code", "amount_fen"))


def audit_rows() -> int:
    return AuditEvent.objects.filter(object_type="sharing.adjustment").count()


class TestPriorPeriodAdjustments:
    def test_an_adjustment_about_the_last_month_settles_after_the_end_with_that_months_shares(
        self, ended, city_admin
    ):
        """+1,000.01元 about August lands in October (Q3 closed), after the agreement's end, and settles
        alone: 3:2:5 of 100,001 fen = 30,000.3 / 20,000.2 / 50,000.5 → 30,000 / 20,000 / 50,000 and the
        one fen left to the largest remainder, Mohan's .5: 30,000 / 20,000 / 50,001."""
        adjustment = adjust(city_admin, ended)
        assert adjustment.month == OCTOBER
        result = services.settlement_run(actor=city_admin, period="2024Q4")
        assert result.created and result.run.retained_fen == 100_001
        assert october_shares() == {"530102": 30_000, "530103": 20_000, "mohan": 50_001}
        # The year is not blocked either: July and August, VAT 10,000.00元 × 20% = 2,000.00元 a month →
        # 600.00 / 400.00 / 1,000.00 each, plus October's adjustment.
        year = services.settlement_run(actor=city_admin, period="2024")
        assert dict(year.totals) == {
            "530102": 2 * 60_000 + 30_000, "530103": 2 * 40_000 + 20_000, "mohan": 2 * 100_000 + 50_001,
        }  # fmt: skip

    def test_a_month_no_agreement_covers_is_refused_at_the_field_and_nothing_is_written(
        self, ended, city_admin
    ):
        ClosedMonth.objects.create(month=JUNE, run=SettlementRun.objects.get(), closed_by=city_admin)
        before = audit_rows()
        with pytest.raises(ValidationError) as caught:
            adjust(city_admin, ended, concerns=JUNE)
        assert "不在该项目的利益分享期限内（2024-07至2024-08）" in caught.value.message_dict["concerns_month"][0]
        assert not Adjustment.objects.exists() and audit_rows() == before

    def test_an_open_month_a_bad_month_and_a_zero_amount_are_refused(self, ended, city_admin, mohan_user):
        with pytest.raises(ValidationError, match="尚未关账"):
            adjust(city_admin, ended, concerns=OCTOBER)
        with pytest.raises(ValidationError, match="1日"):
            adjust(city_admin, ended, concerns=dt.date(2024, 8, 2))
        with pytest.raises(ValidationError, match="非零整数分"):
            adjust(city_admin, ended, amount=0)
        with pytest.raises(PermissionDenied):
            adjust(mohan_user, ended)
        assert not Adjustment.objects.exists()


class TestVoid:
    def test_a_void_lands_its_reversal_and_is_audited_once(self, ended, city_admin):
        adjustment = adjust(city_admin, ended)
        services.settlement_run(actor=city_admin, period="2024Q4")
        before = audit_rows()
        reversal = services.adjustment_void(actor=city_admin, adjustment=adjustment, reason="金额录错")
        assert (reversal.amount_fen, reversal.month, reversal.concerns_month) == (-100_001, OCTOBER, AUGUST)
        assert reversal.reverses == adjustment and reversal.reason == "金额录错"
        assert audit_rows() == before + 1
        # The pair cancels out: October settles nothing for the project any more.
        services.settlement_run(actor=city_admin, period="2024Q4")
        assert not SettlementLine.objects.filter(month=OCTOBER).exists()

    def test_a_void_after_the_adjustment_settled_in_a_closed_month_lands_in_the_next_open_month(
        self, ended, city_admin
    ):
        adjustment = adjust(city_admin, ended)
        services.settlement_close(actor=city_admin, period="2024-10")
        reversal = services.adjustment_void(actor=city_admin, adjustment=adjustment, reason="重复录入")
        assert reversal.month == dt.date(2024, 11, 1)
        services.settlement_run(actor=city_admin, period="2024-11")
        line = SettlementLine.objects.get(month=dt.date(2024, 11, 1))
        assert line.retained_fen == -100_001
        assert dict(line.shares.values_list("party_code", "amount_fen")) == {
            "530102": -30_000, "530103": -20_000, "mohan": -50_001,
        }  # fmt: skip

    def test_voiding_twice_or_voiding_a_void_is_refused_in_chinese(self, ended, city_admin):
        adjustment = adjust(city_admin, ended)
        reversal = services.adjustment_void(actor=city_admin, adjustment=adjustment, reason="录错")
        with pytest.raises(ValidationError, match="已作废，不能重复作废"):
            services.adjustment_void(actor=city_admin, adjustment=adjustment, reason="再次")
        with pytest.raises(ValidationError, match="作废冲销记录，不能再作废"):
            services.adjustment_void(actor=city_admin, adjustment=reversal, reason="撤销作废")
        with pytest.raises(ValidationError, match="必须填写原因"):
            services.adjustment_void(actor=city_admin, adjustment=adjust(city_admin, ended), reason="  ")
        assert Adjustment.objects.count() == 3

    def test_the_state_rule(self):
        assert services.adjustment_void_refusal(is_reversal=False, is_voided=False) is None
        assert services.adjustment_void_refusal(is_reversal=False, is_voided=True)
        assert services.adjustment_void_refusal(is_reversal=True, is_voided=False)


class TestBlockedRuns:
    def test_a_run_meeting_an_unsettleable_adjustment_names_it_writes_nothing_and_a_void_clears_it(
        self, ended, city_admin
    ):
        """An adjustment about June (before the agreement), entered before issue 13's check."""
        legacy = Adjustment.objects.create(
            project=ended, month=OCTOBER, concerns_month=JUNE, target="retained", amount_fen=500,
            reason="旧版本录入", created_by=city_admin,
        )  # fmt: skip
        runs = SettlementRun.objects.count()
        with pytest.raises(ValidationError) as caught:
            services.settlement_run(actor=city_admin, period="2024Q4")
        message = caught.value.messages[0]
        assert ended.code in message and "2024-10" in message and "2024-06" in message
        assert "未写入任何数据" in message and "作废" in message
        assert SettlementRun.objects.count() == runs
        services.adjustment_void(actor=city_admin, adjustment=legacy, reason="更正月份不在协议期内")
        assert services.settlement_run(actor=city_admin, period="2024Q4").created

    def test_the_job_page_shows_the_message(self, ended, city_admin, django_capture_on_commit_callbacks):
        Adjustment.objects.create(
            project=ended, month=OCTOBER, concerns_month=JUNE, target="retained", amount_fen=500,
            reason="旧版本录入", created_by=city_admin,
        )  # fmt: skip
        client = client_for(city_admin)
        with django_capture_on_commit_callbacks(execute=True):
            job_page = client.post("/sharing/run/", {"period": "2024Q4"})["Location"]
        run_queued_jobs()
        fragment = client.get(job_page + "progress/").content.decode()
        assert ended.code in fragment and "2024-10" in fragment and "作废" in fragment
        assert "内部错误" not in fragment


class TestPage:
    def test_the_city_administrator_voids_on_the_page(self, ended, city_admin):
        adjustment = adjust(city_admin, ended)
        client = client_for(city_admin)
        page = client.get("/sharing/adjustments/").content.decode()
        assert f"/sharing/adjustments/{adjustment.pk}/void/" in page and "有效" in page
        response = client.post(f"/sharing/adjustments/{adjustment.pk}/void/", {"reason": "录错"})
        assert response.status_code == 302
        reversal = Adjustment.objects.get(reverses=adjustment)
        page = client.get("/sharing/adjustments/").content.decode()
        assert f"冲销记录 #{reversal.pk}" in page and f"作废 #{adjustment.pk} 的冲销记录" in page
        assert f"/sharing/adjustments/{adjustment.pk}/void/" not in page
        # A second void is refused with the reason on the page, nothing written.
        page = client.post(f"/sharing/adjustments/{adjustment.pk}/void/", {"reason": "再次"}, follow=True)
        assert "不能重复作废" in page.content.decode()
        assert Adjustment.objects.count() == 2
        export = client.get("/sharing/adjustments/?format=xlsx")
        assert export.status_code == 200 and "spreadsheetml" in export["Content-Type"]

    def test_the_form_refuses_a_month_outside_the_agreement_at_the_field(self, ended, city_admin):
        ClosedMonth.objects.create(month=JUNE, run=SettlementRun.objects.get(), closed_by=city_admin)
        client = client_for(city_admin)
        response = client.post("/sharing/adjustments/", {
            "project_code": ended.code, "concerns_month": "2024-06", "target": "retained",
            "amount_fen": "10.00", "reason": "更正",
        })  # fmt: skip
        assert response.status_code == 200
        assert "不在该项目的利益分享期限内" in response.content.decode()
        response = client.post("/sharing/adjustments/", {
            "project_code": ended.code, "concerns_month": "2024-08", "target": "retained",
            "amount_fen": "10.005", "reason": "更正",
        })  # fmt: skip
        assert "最多保留到分" in response.content.decode() and 'value="10.005"' in response.content.decode()
        assert not Adjustment.objects.exists()

    def test_others_cannot_void(self, ended, city_admin, mohan_user, wuhua):
        adjustment = adjust(city_admin, ended)
        assert client_for(mohan_user).post(f"/sharing/adjustments/{adjustment.pk}/void/", {"reason": "x"}).status_code == 403
        assert client_for(wuhua).post(f"/sharing/adjustments/{adjustment.pk}/void/", {"reason": "x"}).status_code == 403
        assert client_for(city_admin).get(f"/sharing/adjustments/{adjustment.pk}/void/").status_code == 405
        assert not Adjustment.objects.filter(reverses=adjustment).exists()


class TestListFilter:
    """The list filters by project, the period an adjustment settles in, the period it corrects and its
    state; the export carries the same filter in its title and audit row; a bad value is a 400 naming it."""

    def test_state_and_periods_filter_the_page_and_the_export(self, ended, city_admin):
        import io

        from openpyxl import load_workbook

        kept = adjust(city_admin, ended, concerns=JULY, amount=500, reason="7月更正")
        voided = adjust(city_admin, ended, concerns=AUGUST, amount=700, reason="8月录错")
        services.adjustment_void(actor=city_admin, adjustment=voided, reason="录错")
        reversal = Adjustment.objects.get(reverses=voided)
        client = client_for(city_admin)

        def listed(**params) -> set[int]:
            page = client.get("/sharing/adjustments/", params).content.decode()
            return {a.pk for a in (kept, voided, reversal) if f'id="adjustment-{a.pk}"' in page}

        assert listed() == {kept.pk, voided.pk, reversal.pk}
        assert listed(state="active") == {kept.pk}
        assert listed(state="voided") == {voided.pk}
        assert listed(state="reversal") == {reversal.pk}
        assert listed(concerns="2024-07") == {kept.pk}
        assert listed(concerns="2024Q3", state="active") == {kept.pk}
        assert listed(q=ended.code[-4:], period="2024Q4") == {kept.pk, voided.pk, reversal.pk}
        assert listed(period="2025") == set()
        export = client.get("/sharing/adjustments/", {"state": "voided", "format": "xlsx"})
        sheet = load_workbook(io.BytesIO(export.content)).active
        values = [[c.value for c in row] for row in sheet.iter_rows()]
        assert "状态：已作废" in str(values[0][0])
        assert [row[0] for row in values if isinstance(row[0], int)] == [voided.pk]
        audit = AuditEvent.objects.filter(verb="export", object_type="sharing.adjustment").latest("id")
        assert audit.after["filters"] == {"state": "voided"} and audit.after["rows"] == 1

    @pytest.mark.parametrize("params, named", [({"state": "x"}, "state"), ({"period": "2024Q9"}, "period"),
                                               ({"concerns": "七月"}, "concerns")])  # fmt: skip
    def test_a_bad_value_is_refused_naming_it(self, ended, city_admin, params, named):
        response = client_for(city_admin).get("/sharing/adjustments/", params)
        assert response.status_code == 400 and f"参数“{named}”" in response.content.decode()
