"""Check 18 (business actions): each auditable action, done through HTTP as a user would, leaves exactly
one audit row with time (aware, UTC-stored), user id, role and unit snapshots, event type, object type and
id, success flag, the client address from the trusted proxy's header, the request id the response carried,
a before/after diff for edits, and no secret. (Account events are checked with the accounts work.)"""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from django.test import Client
from django.urls import reverse

from enclave.audit.models import Event, Verb
from enclave.conftest import make_enterprise, make_filed, make_recognised
from enclave.parks.models import Unit
from enclave.projects import services as project_services
from enclave.sharing import services as sharing_services
from enclave.sharing.models import MonthlyReport, TaxType

pytestmark = pytest.mark.django_db

CLIENT_IP = "203.0.113.7"
SECRETS = ("password", "pbkdf2", "md5$", "otp_secret", "session_key", "sessionid", "csrftoken")


@pytest.fixture(autouse=True)
def _behind_the_proxy(settings, tmp_path):
    settings.ENCLAVE_TRUSTED_PROXY_HEADER = "HTTP_X_FORWARDED_FOR"
    settings.ENCLAVE_TRUSTED_PROXIES = ["10.0.0.0/24"]
    settings.MEDIA_ROOT = tmp_path


class Act:
    """A signed-in user's client that sends every request through the proxy and checks the audit row."""

    def __init__(self, user):
        self.user = user
        self.client = Client(HTTP_X_FORWARDED_FOR=f"{CLIENT_IP}, 10.0.0.1", REMOTE_ADDR="10.0.0.1")
        self.client.force_login(user)

    def api(self, method, path, body=None):
        payload = "" if body is None else json.dumps(body, ensure_ascii=False)
        return getattr(self.client, method)("/api/v1" + path, payload, content_type="application/json")

    def expect_one(self, response, *, verb, object_type, object_id=None, edit=False, **after):
        assert response.status_code < 400, (response.status_code, response.content[:300])
        rows = Event.objects.filter(request_id=response["X-Request-ID"], verb=verb, object_type=object_type)
        assert rows.count() == 1, f"{verb} {object_type}: {rows.count()} rows"
        row = rows.get()
        assert row.at.tzinfo is not None and row.at.utcoffset() == dt.timedelta(0)  # aware, UTC
        assert row.actor_id == self.user.pk and row.actor_role == self.user.role
        assert row.actor_scope == self.user.display_scope
        assert row.success is True and row.ip == CLIENT_IP
        assert len(row.request_id) == 32 and row.request_id == response["X-Request-ID"]
        if object_id is not None:
            assert row.object_id == str(object_id)
        assert row.object_id or row.object_repr
        if edit:
            assert row.before and row.after and set(row.before) == set(row.after)
            assert all(row.before[k] != row.after[k] for k in row.before)
        for key, value in after.items():
            assert (row.after or {}).get(key) == value, (key, row.after)
        text = json.dumps([row.before, row.after, row.reason, row.object_repr], ensure_ascii=False).lower()
        assert not [s for s in SECRETS if s in text]
        return row


def test_the_stored_time_is_utc_and_aware(wuhua):
    from django.db import connection

    event = Event(actor=wuhua, verb=Verb.UPDATE, object_type="x")
    event.save()
    with connection.cursor() as cursor:
        cursor.execute("SELECT at FROM audit_event WHERE id = %s", [event.pk])
        raw = cursor.fetchone()[0]
    stored = raw if isinstance(raw, dt.datetime) else dt.datetime.fromisoformat(str(raw))
    assert abs(stored.replace(tzinfo=None) - event.at.astimezone(dt.UTC).replace(tzinfo=None)) < dt.timedelta(
        seconds=1
    )
    assert Event.objects.get(pk=event.pk).at.tzinfo is not None


class TestProjectActions:
    def test_create_edit_file_review_recognise(self, wuhua, reviewer):
        unit, city = Act(wuhua), Act(reviewer)
        enterprise = make_enterprise(owner_unit=wuhua.unit)
        body = {"name": "审计完整性项目", "enterprise": enterprise.credit_code, "park": "mohan",
                "kind": "new_domestic", "industry": "39", "planned_investment_fen": 8_000_000_000,
                "origin": "广东省"}  # fmt: skip
        created = unit.api("post", "/projects", body)
        pid = created.json()["id"]
        unit.expect_one(created, verb=Verb.CREATE, object_type="projects.project", object_id=pid)
        edited = unit.api("patch", f"/projects/{pid}", {"name": "审计完整性项目二期"})
        row = unit.expect_one(
            edited, verb=Verb.UPDATE, object_type="projects.project", object_id=pid, edit=True
        )
        assert row.before == {"name": "审计完整性项目"} and row.after == {"name": "审计完整性项目二期"}
        filed = unit.api("post", f"/projects/{pid}/file")
        unit.expect_one(filed, verb=Verb.TRANSITION, object_type="projects.project", object_id=pid)
        review = city.api("post", f"/projects/{pid}/start-review")
        city.expect_one(review, verb=Verb.TRANSITION, object_type="projects.project", object_id=pid)
        recognised = city.api("post", f"/projects/{pid}/recognise", {
            "parties": [{"kind": "unit", "code": "530102", "share_bp": 5000},
                        {"kind": "park", "code": "mohan", "share_bp": 5000}],
            "start_month": "2025-01", "end_month": "2029-12", "reason": "材料齐全"})  # fmt: skip
        city.expect_one(recognised, verb=Verb.RECOGNISE, object_type="projects.project", object_id=pid)

    def test_reject(self, wuhua, reviewer):
        project = project_services.project_start_review(actor=reviewer, project=make_filed(wuhua))
        city = Act(reviewer)
        rejected = city.api("post", f"/projects/{project.pk}/reject", {"reason": "房地产项目不予认定"})
        city.expect_one(rejected, verb=Verb.TRANSITION, object_type="projects.project", object_id=project.pk)


class TestMoneyActions:
    @pytest.fixture
    def report(self, wuhua, reviewer, mohan_user):
        project = make_recognised(wuhua, reviewer)
        return sharing_services.report_create(actor=mohan_user, project=project, month=dt.date(2024, 8, 1),
                                              taxes={"vat": 1_000_000}, values={})  # fmt: skip

    def test_report_create_and_edit(self, wuhua, reviewer, mohan_user):
        project = make_recognised(wuhua, reviewer)
        park = Act(mohan_user)
        created = park.api(
            "post", "/reports", {"project_code": project.code, "month": "2024-08", "taxes": {"vat": 5}}
        )
        rid = created.json()["id"]
        park.expect_one(created, verb=Verb.CREATE, object_type="sharing.monthlyreport", object_id=rid)
        edited = park.api("patch", f"/reports/{rid}", {"taxes": {"vat": 7}})
        row = park.expect_one(edited, verb=Verb.UPDATE, object_type="sharing.monthlyreport", edit=True)
        assert row.before["taxes"] == {"vat": 5} and row.after["taxes"] == {"vat": 7}

    def test_bulk_confirmation_of_tax_figures(self, report, finance):
        bureau = Act(finance)
        preview = bureau.api("post", "/reports/confirm", {"period": "2024Q3", "dry_run": True}).json()
        done = bureau.api("post", "/reports/confirm", {"period": "2024Q3", "digest": preview["digest"]})
        bureau.expect_one(
            done, verb=Verb.UPDATE, object_type="sharing.monthlyreport", count=1, confirmed="tax"
        )

    def test_the_tax_bureau_extract(self, report, finance):
        import openpyxl
        from django.core.files.uploadedfile import SimpleUploadedFile

        workbook = openpyxl.Workbook()
        workbook.active.title = "税款明细"
        workbook.active.append(["统一社会信用代码", "税款所属期", "税种", "实缴金额（元）"])
        workbook.active.append([report.project.enterprise.credit_code, "2024-08", "增值税", 10000])
        buffer = io.BytesIO()
        workbook.save(buffer)
        bureau = Act(finance)
        response = bureau.client.post(
            "/api/v1/tax-extracts",
            {"file": SimpleUploadedFile("extract.xlsx", buffer.getvalue()), "dry_run": "false"},
        )
        assert response.json()["written"] is True, response.content
        bureau.expect_one(
            response, verb=Verb.UPDATE, object_type="sharing.monthlyreport", confirmed=1, corrected=0
        )

    def test_settlement_run_and_close(self, report, city_admin):
        city = Act(city_admin)
        run = city.api("post", "/settlements/run", {"period": "2024Q3"})
        city.expect_one(run, verb=Verb.CREATE, object_type="sharing.settlementrun", period="2024Q3")
        MonthlyReport.objects.filter(pk=report.pk).update(tax_status="confirmed")
        closed = city.api("post", "/settlements/close", {"period": "2024Q3"})
        city.expect_one(closed, verb=Verb.UPDATE, object_type="sharing.settlementrun", closed="2024Q3")

    def test_an_adjustment_of_a_closed_month(self, report, city_admin):
        MonthlyReport.objects.filter(pk=report.pk).update(tax_status="confirmed")
        sharing_services.settlement_close(actor=city_admin, period="2024Q3")
        city = Act(city_admin)
        response = city.client.post(reverse("sharing:adjustments"), {
            "project_code": report.project.code, "concerns_month": "2024-08", "target": "retained",
            "amount_yuan": "-12.34", "amount_fen": "-1234", "reason": "税务更正"})  # fmt: skip
        assert response.status_code == 302, response.content.decode()[:2000]
        city.expect_one(response, verb=Verb.CREATE, object_type="sharing.adjustment")


class TestSettingChanges:
    def test_a_retention_rate(self, city_admin):
        city = Act(city_admin)
        new_tax = TaxType.objects.create(code="test_tax", name="测试税种", sort_order=99)
        response = city.client.post(reverse("sharing:rates"), {
            "tax_type": new_tax.pk, "effective_from": "2035-01", "effective_to": "", "rate_percent": "12.5",
            "note": "测试"})  # fmt: skip
        assert response.status_code == 302, response.content.decode()[:3000]
        city.expect_one(response, verb=Verb.CREATE, object_type="sharing.retentionrate", rate_bp=1250)

    def test_an_assessment_target(self, city_admin):
        city = Act(city_admin)
        response = city.client.post(reverse("assessment:target_change"), {
            "tier": "T2", "source": "projects", "quarter": "0", "effective_from": "2030", "value": "5",
            "reason": "市考核办确认"})  # fmt: skip
        assert response.status_code == 302, response.content.decode()[:3000]
        row = city.expect_one(response, verb=Verb.CREATE, object_type="assessment.target", value=5)
        assert row.reason == "市考核办确认"

    def test_a_units_tier(self, city_admin):
        city = Act(city_admin)
        response = city.client.post(reverse("assessment:tiers"), {
            "unit": Unit.objects.get(code="530113").pk, "tier": "T2", "valid_from": "2030-01-01",
            "reason": "调整为二类"})  # fmt: skip
        assert response.status_code == 302, response.content.decode()[:3000]
        row = city.expect_one(response, verb=Verb.CREATE, object_type="parks.unittier", tier="T2")
        assert row.reason == "调整为二类" and row.before == {"tier": "T3"}

    def test_reference_data_through_the_admin(self, city_admin):
        from enclave.parks.tests.test_admin import unit_post

        city_admin.is_staff = True
        city_admin.save()
        city = Act(city_admin)
        unit = Unit.objects.get(code="530102")
        url = reverse("admin:parks_unit_change", args=[unit.pk])
        response = city.client.post(url, unit_post(unit, name="五华区（改）"))
        assert response.status_code == 302, response.content.decode()[:500]
        row = city.expect_one(
            response, verb=Verb.UPDATE, object_type="parks.unit", object_id=unit.pk, edit=True
        )
        assert row.after == {"name": "五华区（改）"}

    def test_an_agreement_is_recorded_with_its_shares(self, wuhua, reviewer):
        project = project_services.project_start_review(actor=reviewer, project=make_filed(wuhua))
        city = Act(reviewer)
        response = city.api("post", f"/projects/{project.pk}/recognise", {
            "parties": [{"kind": "unit", "code": "530102", "share_bp": 6000},
                        {"kind": "park", "code": "mohan", "share_bp": 4000}],
            "start_month": "2025-01", "end_month": "2029-12", "reason": "材料齐全"})  # fmt: skip
        row = city.expect_one(response, verb=Verb.CREATE, object_type="projects.agreement")
        assert [(p["code"], p["share_bp"]) for p in row.after["parties"]] == [
            ("530102", 6000),
            ("mohan", 4000),
        ]
        assert row.after["start_month"] == "2025-01-01"


class TestExports:
    @pytest.mark.parametrize(
        ("route", "query", "object_type"),
        [
            ("projects:export", "", "projects.project"),
            ("enterprises:export", "", "enterprises.enterprise"),
            ("sharing:accounting", "?period=2024Q3&format=xlsx", "sharing.accounting"),
            ("sharing:reports", "?format=xlsx", "sharing.reports"),
            ("sharing:overview", "?period=2024Q3&format=xlsx", "sharing.overview"),
            ("sharing:adjustments", "?format=xlsx", "sharing.adjustment"),
            ("sharing:rates", "?format=xlsx", "sharing.retentionrate"),
            ("projects:conflicts", "?format=xlsx", "projects.conflict"),
            ("land:resource_export", "", "land.resource"),
            ("parks:export", "", "parks.park"),
            ("parks:unit_export", "?tier=T1", "parks.unit"),
            ("leads:funnel_export", "?park=mohan", "leads.funnel"),
            ("assessment:runs_export", "?period=2024Q3", "assessment.run"),
            ("assessment:targets_export", "?year=2024", "assessment.target"),
            ("excel:runs_export", "?status=written", "excel.importrun"),
        ],
    )
    def test_every_export_is_one_row(self, city_admin, route, query, object_type):
        city = Act(city_admin)
        response = city.client.get(reverse(route) + query)
        assert "spreadsheetml" in response["Content-Type"], (route, response.status_code)
        import openpyxl

        openpyxl.load_workbook(io.BytesIO(response.content))
        city.expect_one(response, verb=Verb.EXPORT, object_type=object_type)

    def test_a_units_assessment_result_export(self, wuhua, city_admin):
        from enclave.assessment import services as assessment_services

        sharing_services.settlement_close(actor=city_admin, period="2024Q2")
        run = assessment_services.assessment_run(actor=city_admin, period="2024Q2").run
        assessment_services.assessment_publish(actor=city_admin, run=run)
        unit = Act(wuhua)
        response = unit.client.get(reverse("assessment:unit_export", args=[run.pk, "530102"]))
        assert "spreadsheetml" in response["Content-Type"]
        unit.expect_one(response, verb=Verb.EXPORT, object_type="assessment.unitresult")

    def test_a_statement_export(self, wuhua):
        unit = Act(wuhua)
        response = unit.client.get(
            reverse("sharing:statement", kwargs={"code": "530102"}) + "?period=2024Q3&format=xlsx"
        )
        assert "spreadsheetml" in response["Content-Type"]
        unit.expect_one(response, verb=Verb.EXPORT, object_type="sharing.statement")
