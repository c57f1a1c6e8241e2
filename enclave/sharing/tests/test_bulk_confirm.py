"""Bulk confirmation of tax figures (issue 13): the finance bureau confirms every estimated report of a filter
at once, after a preview with the count and the total; the page, the service and the API."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from enclave.audit.models import Event
from enclave.conftest import client_for, make_recognised
from enclave.parks.models import Park
from enclave.sharing import services
from enclave.sharing.confirmation import ReportFilter, bulk_preview, reports_confirm_bulk, reports_filter
from enclave.sharing.models import MonthlyReport

pytestmark = pytest.mark.django_db

JULY, AUGUST = dt.date(2024, 7, 1), dt.date(2024, 8, 1)
URL = "/sharing/reports/confirm/"


@pytest.fixture
def reports(wuhua, reviewer, mohan_user, lingang_user):
    """Two Mohan projects and one Lingang project, each with July and August: VAT 1,000.01 / 2,000.02 /
    4,000.04 元 in July (the August figures are ten times as much)."""
    a = make_recognised(wuhua, reviewer, name="甲项目")
    b = make_recognised(wuhua, reviewer, name="乙项目")
    c = make_recognised(wuhua, reviewer, name="临港项目", park=Park.objects.get(code="lingang"))
    made = {}
    for project, user, vat in (
        (a, mohan_user, 100_001),
        (b, mohan_user, 200_002),
        (c, lingang_user, 400_004),
    ):
        for month, factor in ((JULY, 1), (AUGUST, 10)):
            made[(project.name, month)] = services.report_create(
                actor=user, project=project, month=month, taxes={"vat": vat * factor}, values={}
            )
    return made


def _digest(html: str) -> str:
    return re.search(r'name="digest" value="([0-9a-f]{64})"', html).group(1)


def _statuses() -> dict[tuple[str, dt.date], str]:
    return {(r.project.name, r.month): r.tax_status for r in MonthlyReport.objects.select_related("project")}


class TestThePage:
    def test_the_preview_shows_the_count_and_total_of_the_filter_and_the_post_confirms_exactly_those(
        self, reports, finance
    ):
        client = client_for(finance)
        page = client.get(URL, {"period": "2024-07", "park": "mohan"})
        html = page.content.decode()
        assert page.status_code == 200
        assert re.search(r'id="confirm-count">2<', html)
        assert re.search(r'id="confirm-total">3,000.03<', html)  # 1,000.01 + 2,000.02
        response = client.post(URL, {"period": "2024-07", "park": "mohan", "digest": _digest(html)})
        assert (
            response.status_code == 302
            and response["Location"] == "/sharing/reports/?period=2024-07&park=mohan"
        )
        assert _statuses() == {
            ("甲项目", JULY): "confirmed", ("乙项目", JULY): "confirmed", ("临港项目", JULY): "estimated",
            ("甲项目", AUGUST): "estimated", ("乙项目", AUGUST): "estimated", ("临港项目", AUGUST): "estimated",
        }  # fmt: skip
        confirmed = MonthlyReport.objects.filter(tax_status="confirmed")
        assert {r.tax_confirmed_by_id for r in confirmed} == {finance.pk}

    def test_one_audit_row_names_the_count_the_total_and_the_reports(self, reports, finance):
        client = client_for(finance)
        html = client.get(URL, {"period": "2024-08"}).content.decode()
        before = Event.objects.count()
        client.post(URL, {"period": "2024-08", "digest": _digest(html)})
        assert Event.objects.count() == before + 1
        row = Event.objects.latest("pk")
        assert row.object_type == "sharing.monthlyreport" and "3 份" in row.object_repr
        assert row.after["count"] == 3 and row.after["taxes_fen"] == 700_007 * 10
        assert row.after["filter"] == {"period": "2024-08"} and row.actor_id == finance.pk

    def test_a_report_changed_after_the_preview_refuses_the_whole_action(self, reports, finance, mohan_user):
        client = client_for(finance)
        html = client.get(URL, {"period": "2024-07"}).content.decode()
        services.report_update(
            actor=mohan_user, report=reports[("甲项目", JULY)], taxes={"vat": 100_002}, values={}
        )
        response = client.post(URL, {"period": "2024-07", "digest": _digest(html)}, follow=True)
        assert "请重新预览" in response.content.decode()
        assert set(_statuses().values()) == {"estimated"}

    def test_a_report_added_after_the_preview_refuses_too(
        self, reports, finance, wuhua, reviewer, mohan_user
    ):
        client = client_for(finance)
        html = client.get(URL, {"period": "2024-07"}).content.decode()
        late = make_recognised(wuhua, reviewer, name="后到项目")
        services.report_create(actor=mohan_user, project=late, month=JULY, taxes={"vat": 1}, values={})
        client.post(URL, {"period": "2024-07", "digest": _digest(html)})
        assert not MonthlyReport.objects.filter(tax_status="confirmed").exists()

    def test_a_closed_month_is_refused_and_named(self, reports, finance, city_admin):
        for report in MonthlyReport.objects.filter(month=JULY):
            services.report_confirm(actor=finance, report=report, what="tax")
        services.settlement_close(actor=city_admin, period="2024-07")
        MonthlyReport.objects.filter(month=JULY).update(tax_status="estimated")  # as if never confirmed
        client = client_for(finance)
        html = client.get(URL, {"period": "2024Q3"}).content.decode()
        assert "已关账" in html and "2024-07" in html and 'name="digest"' not in html
        qs = reports_filter(MonthlyReport.objects.all(), ReportFilter(period="2024Q3"))
        with pytest.raises(ValidationError, match="2024-07 已关账"):
            reports_confirm_bulk(actor=finance, reports=qs, digest=bulk_preview(qs).digest)
        assert not MonthlyReport.objects.filter(tax_status="confirmed").exists()

    def test_the_city_administrator_and_a_district_may_not_confirm_in_bulk(self, reports, city_admin, wuhua):
        for user in (city_admin, wuhua):
            assert client_for(user).get(URL, {"period": "2024-07"}).status_code == 403
            assert client_for(user).post(URL, {"period": "2024-07", "digest": "0" * 64}).status_code == 403
        qs = MonthlyReport.objects.all()
        with pytest.raises(PermissionDenied):
            reports_confirm_bulk(actor=city_admin, reports=qs, digest=bulk_preview(qs).digest)
        assert set(_statuses().values()) == {"estimated"}

    def test_the_reports_page_offers_bulk_confirmation_to_finance_only(self, reports, finance, city_admin):
        assert "批量确认税收" in client_for(finance).get("/sharing/reports/?period=2024-07").content.decode()
        city = client_for(city_admin).get("/sharing/reports/").content.decode()
        assert "批量确认税收" not in city and "确认税收" not in city and "确认指标" in city

    def test_the_reports_page_filters_by_park(self, reports, finance):
        html = client_for(finance).get("/sharing/reports/", {"park": "lingang"}).content.decode()
        assert "临港项目" in html and "甲项目" not in html


class TestTheApi:
    def post(self, user, body):
        return client_for(user).post("/api/v1/reports/confirm", body, content_type="application/json")

    def test_a_dry_run_previews_and_the_digest_confirms_exactly_that_set(self, reports, finance):
        preview = self.post(finance, {"period": "2024Q3", "park": "lingang", "dry_run": True})
        assert preview.status_code == 200, preview.content
        body = preview.json()
        assert body["confirmed"] is False and body["count"] == 2 and body["total_fen"] == 400_004 * 11
        assert body["months"] == ["2024-07-01", "2024-08-01"]
        assert set(_statuses().values()) == {"estimated"}
        done = self.post(finance, {"period": "2024Q3", "park": "lingang", "digest": body["digest"]})
        assert done.status_code == 200 and done.json()["confirmed"] is True and done.json()["count"] == 2
        assert MonthlyReport.objects.filter(tax_status="confirmed").count() == 2

    def test_a_stale_digest_a_bad_period_and_an_empty_set_are_refused_in_chinese(self, reports, finance):
        stale = self.post(finance, {"period": "2024-07", "digest": "a" * 64})
        assert stale.status_code == 422 and "请重新预览" in stale.content.decode()
        bad = self.post(finance, {"period": "2024Q5"})
        assert bad.status_code == 422 and "季度只能是 1–4" in bad.json()["detail"][0]["message"]
        empty = self.post(finance, {"period": "2023-01"})
        assert empty.status_code == 422 and "没有待确认的报表" in empty.content.decode()
        assert set(_statuses().values()) == {"estimated"}

    def test_only_the_finance_role_may(self, reports, city_admin, mohan_user):
        for user in (city_admin, mohan_user):
            assert self.post(user, {"period": "2024-07"}).status_code == 403
        assert set(_statuses().values()) == {"estimated"}
