"""Check 10: field-level rights and mass assignment.

A unit or park user who adds protected fields — the district/unit, the status, a share ratio, who approved
it, a settlement amount, confirmation flags — to a page form or to an API call changes none of them:
page forms save only their own fields (the extra ones are ignored, asserted in the database), and the API
refuses any unknown field with a 422 and writes nothing. API answers omit what the role may not see.
"""

from __future__ import annotations

import datetime as dt
import json
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from enclave.conftest import client_for, make_draft, make_enterprise, make_recognised
from enclave.enterprises.models import Enterprise
from enclave.leads import services as lead_services
from enclave.leads.models import Lead
from enclave.parks.models import Park
from enclave.projects.models import Agreement, AgreementParty, Project
from enclave.sharing import services as sharing_services
from enclave.sharing.models import MonthlyReport, MonthlyTax, SettlementLine

pytestmark = pytest.mark.django_db

# Protected fields a crafted request may try to set, by the names a form, the models or the domain use.
PROTECTED = {
    "district": "530103", "unit": "530103", "unit_id": "2", "filing_unit": "530103", "filing_unit_id": "2",
    "owner_unit": "530103", "park": "lingang", "status": "recognised", "share_ratio": "10000",
    "share_bp": "10000", "parties": "530102:10000", "approved_by": "1", "approved_by_id": "1",
    "recognised_on": "2024-01-01", "reviewed_on": "2024-01-01", "code": "WH-2099-9999", "is_sample": "on",
    "created_by": "1", "tax_status": "confirmed", "indicator_status": "confirmed", "tax_confirmed_by": "1",
    "retained_fen": "999999999", "amount_fen": "999999999", "share_fen": "999999999", "settled": "on",
    "stage": "signed", "id": "99999", "pk": "99999", "project": "1",
}  # fmt: skip


class _Form(HTMLParser):
    """The current values of the first POST form in a page's main part, as a browser would send them."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._in_form = self._done = False
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if self._done:
            return
        if tag == "form" and (a.get("method") or "").lower() == "post":
            action = a.get("action") or ""
            self._in_form = not action.startswith(("/accounts/logout/", "/i18n/"))
        if not self._in_form or "name" not in a:
            if tag == "option" and self._select and "selected" in a:
                self.data.setdefault(self._select, []).append(a.get("value", ""))
            return
        name = a["name"]
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            if kind not in ("submit", "button", "file"):
                self.data.setdefault(name, []).append(a.get("value", "on" if kind == "checkbox" else ""))
        elif tag == "select":
            self._select = name
        elif tag == "textarea":
            self._textarea = name
            self.data.setdefault(name, []).append("")

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form" and self._in_form:
            self._in_form, self._done = False, True


def page_form(client, url: str) -> dict[str, list[str]]:
    response = client.get(url)
    assert response.status_code == 200, url
    parser = _Form()
    parser.feed(response.content.decode())
    assert parser.data, f"no form found on {url}"
    return parser.data


def post_with_extras(client, url: str, changes: dict[str, str]):
    data = page_form(client, url)
    data.update({k: [v] for k, v in changes.items()})
    data.update({k: [v] for k, v in PROTECTED.items() if k not in data})
    return client.post(url, data)


def row(model, pk: int) -> dict:
    return model.objects.filter(pk=pk).values().get()


@pytest.fixture
def recognised(wuhua, reviewer):
    return make_recognised(wuhua, reviewer, name="五华已认定项目")


class TestPageForms:
    def test_project_edit_ignores_protected_fields(self, wuhua):
        draft = make_draft(wuhua, name="五华草稿项目")
        before = row(Project, draft.pk)
        client = client_for(wuhua)
        response = post_with_extras(
            client, reverse("projects:edit", args=[draft.pk]), {"name": "五华改名项目"}
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        after = row(Project, draft.pk)
        assert after["name"] == "五华改名项目"  # the form's own field was saved …
        for field in (
            "status",
            "filing_unit_id",
            "code",
            "recognised_on",
            "reviewed_on",
            "is_sample",
            "park_id",
        ):
            assert after[field] == before[field], field  # … and nothing protected changed
        assert not Agreement.objects.filter(project=draft).exists()

    def test_project_create_makes_a_draft_of_the_users_own_unit_whatever_is_posted(self, wuhua):
        client = client_for(wuhua)
        enterprise = make_enterprise(owner_unit=wuhua.unit)
        assert page_form(client, reverse("projects:create"))
        draft = make_draft(wuhua, enterprise=enterprise, name="模板")
        data = page_form(client, reverse("projects:edit", args=[draft.pk]))  # a filled-in filing
        data.update({k: [v] for k, v in PROTECTED.items() if k not in data})
        data["name"] = ["五华新建项目"]
        response = client.post(reverse("projects:create"), data)
        assert response.status_code == 302, response.content.decode()[:2000]
        created = Project.objects.get(name="五华新建项目")
        assert created.status == "draft" and created.filing_unit_id == wuhua.unit_id
        assert not (created.code or "").startswith("WH-2099")
        assert not created.is_sample and created.recognised_on is None

    def test_report_edit_cannot_confirm_or_set_settlement_amounts(self, recognised, mohan_user, city_admin):
        report = sharing_services.report_create(
            actor=mohan_user, project=recognised, month=dt.date(2024, 8, 1), taxes={"vat": 100_00}, values={}
        )
        client = client_for(mohan_user)
        response = post_with_extras(
            client, reverse("sharing:report_edit", args=[report.pk]), {"tax_vat": "200.00"}
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        report.refresh_from_db()
        assert MonthlyTax.objects.get(report=report, tax_type__code="vat").paid_fen == 200_00
        assert report.tax_status == "estimated" and report.tax_confirmed_by is None
        assert report.project_id == recognised.pk and report.month == dt.date(2024, 8, 1)
        assert not SettlementLine.objects.exists()

    def test_enterprise_edit_keeps_its_owner(self, wuhua):
        enterprise = make_enterprise(owner_unit=wuhua.unit)
        before = row(Enterprise, enterprise.pk)
        response = post_with_extras(
            client_for(wuhua),
            reverse("enterprises:edit", args=[enterprise.pk]),
            {"name": "五华改名企业有限公司"},
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        after = row(Enterprise, enterprise.pk)
        assert after["name"] == "五华改名企业有限公司"
        assert (after["owner_unit_id"], after["is_sample"]) == (before["owner_unit_id"], before["is_sample"])

    def test_lead_edit_keeps_its_unit_and_stage(self, wuhua):
        lead = lead_services.lead_create(
            actor=wuhua, data={"enterprise_name": "五华线索企业", "park": Park.objects.get(code="mohan")},
            contacted_on=dt.date(2024, 3, 1),
        )  # fmt: skip
        before = row(Lead, lead.pk)
        response = post_with_extras(
            client_for(wuhua), reverse("leads:edit", args=[lead.pk]), {"enterprise_name": "五华线索改名企业"}
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        after = row(Lead, lead.pk)
        assert after["enterprise_name"] == "五华线索改名企业"
        for field in ("unit_id", "stage", "created_by_id"):
            assert after[field] == before[field], field


def send(client, method: str, path: str, body: dict):
    return client.generic(method.upper(), f"/api/v1{path}", json.dumps(body), content_type="application/json")


class TestApi:
    @pytest.mark.parametrize("extra", sorted(set(PROTECTED) - {"park"}))  # a draft's park is its content
    def test_project_patch_with_a_protected_field_is_refused_and_changes_nothing(self, wuhua, extra):
        draft = make_draft(wuhua, name="五华草稿项目")
        before = row(Project, draft.pk)
        response = send(
            client_for(wuhua), "patch", f"/projects/{draft.pk}", {"name": "新名", extra: PROTECTED[extra]}
        )
        assert response.status_code == 422, (extra, response.status_code)
        assert row(Project, draft.pk) == before

    def test_project_create_with_protected_fields_writes_nothing(self, wuhua):
        enterprise = make_enterprise(owner_unit=wuhua.unit)
        body = {
            "name": "API新建项目", "enterprise": enterprise.credit_code, "park": "mohan", "kind": "new_domestic",
            "nature": "industrial", "industry": "17", "planned_investment_fen": 50_000_000_00, "origin": "上海市",
        }  # fmt: skip
        count = Project.objects.count()
        for extra in (
            "status",
            "filing_unit",
            "district",
            "share_ratio",
            "approved_by",
            "code",
            "recognised_on",
        ):
            response = send(client_for(wuhua), "post", "/projects", {**body, extra: PROTECTED[extra]})
            assert response.status_code == 422, extra
            assert Project.objects.count() == count
        response = send(client_for(wuhua), "post", "/projects", body)  # the same call without them works
        assert response.status_code in (200, 201), response.content

    @pytest.mark.parametrize(
        "extra",
        ["tax_status", "indicator_status", "tax_confirmed_by", "retained_fen", "share_fen", "amount_fen",
         "approved_by", "status", "project", "created_by"],
    )  # fmt: skip
    def test_report_calls_cannot_confirm_or_set_settlement_amounts(self, recognised, mohan_user, extra):
        client = client_for(mohan_user)
        body = {"project_code": recognised.code, "month": "2024-08", "taxes": {"vat": 100_00}}
        response = send(client, "post", "/reports", {**body, extra: PROTECTED[extra]})
        assert response.status_code == 422, extra
        assert not MonthlyReport.objects.exists()
        response = send(client, "post", "/reports", body)
        assert response.status_code in (200, 201), response.content
        report = MonthlyReport.objects.get()
        before = row(MonthlyReport, report.pk)
        response = send(
            client, "patch", f"/reports/{report.pk}", {"taxes": {"vat": 5}, extra: PROTECTED[extra]}
        )
        assert response.status_code == 422, extra
        assert row(MonthlyReport, report.pk) == before
        assert MonthlyTax.objects.get(report=report).paid_fen == 100_00

    def test_a_unit_cannot_set_its_own_share_by_recognising(self, wuhua, reviewer):
        filed = make_recognised(wuhua, reviewer, name="五华已认定")
        before = sorted(
            AgreementParty.objects.filter(agreement__project=filed).values_list("share_bp", flat=True)
        )
        draft = make_draft(wuhua, name="五华草稿")
        body = {"parties": [{"kind": "unit", "code": "530102", "share_bp": 10000}]}
        for project in (filed, draft):
            response = send(client_for(wuhua), "post", f"/projects/{project.pk}/recognise", body)
            assert response.status_code in (403, 404, 409, 422), response.status_code
        assert (
            sorted(AgreementParty.objects.filter(agreement__project=filed).values_list("share_bp", flat=True))
            == before
        )
        assert not Agreement.objects.filter(project=draft).exists()


class TestApiAnswersOmitWhatTheRoleMayNotSee:
    def test_another_districts_reports_and_tax_figures_are_not_in_its_answers(
        self, recognised, mohan_user, panlong
    ):
        sharing_services.report_create(
            actor=mohan_user,
            project=recognised,
            month=dt.date(2024, 8, 1),
            taxes={"vat": 987_654_32},
            values={},
        )
        client = client_for(panlong)
        reports = client.get("/api/v1/reports").json()
        assert reports["count"] == 0 and reports["items"] == []
        for path in ("/api/v1/reports", "/api/v1/projects", f"/api/v1/projects/{recognised.pk}"):
            body = client.get(path).content.decode()
            assert "98765432" not in body and "987654" not in body, path

    def test_the_api_has_no_personal_information_of_users(self, city_admin):
        schema = client_for(city_admin).get("/api/v1/openapi.json").content.decode()
        for field in ("phone", "id_number", "手机", "身份证"):
            assert field not in schema, field
