"""The tax bureau's extract (issue 13): real .xlsx files built with openpyxl, matched to the reports by
USCC, month and tax type; equal figures confirmed, differences listed with their effect on the shares,
unknown enterprises listed; nothing written unless the file is clean or the differences are accepted."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from enclave.audit.models import Event
from enclave.conftest import client_for, make_recognised
from enclave.lib.codes import uscc_with_check
from enclave.sharing import services, tax_extract
from enclave.sharing.models import MonthlyReport

pytestmark = pytest.mark.django_db

JULY, AUGUST = dt.date(2024, 7, 1), dt.date(2024, 8, 1)
HEADERS = ["统一社会信用代码", "纳税人名称", "税款所属期", "税种", "实缴金额（元）"]
UNKNOWN = uscc_with_check("91530100MA9999999")
PAGE, API = "/sharing/tax-extract/", "/api/v1/tax-extracts"


@pytest.fixture(autouse=True)
def _in_chinese(settings):
    """Problems are gettext'd in the user's language; these tests read the Chinese source texts, whatever
    language an earlier test in the process left active."""
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        yield


def xlsx(rows, headers=HEADERS, sheet="税款明细") -> bytes:
    workbook = openpyxl.Workbook()
    ws = workbook.active
    ws.title = sheet
    ws.append(headers)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def upload(content: bytes, name: str = "税务局2024年7月.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


@pytest.fixture
def world(wuhua, reviewer, mohan_user):
    """Two Mohan projects of Wuhua (50% Wuhua, 50% Mohan): 甲 reported VAT 10,000.00 and CIT 5,000.00 元
    in July, 乙 VAT 20,000.00 元; both estimated."""
    a = make_recognised(wuhua, reviewer, name="甲项目")
    b = make_recognised(wuhua, reviewer, name="乙项目")
    services.report_create(
        actor=mohan_user, project=a, month=JULY, taxes={"vat": 1_000_000, "cit": 500_000}, values={}
    )
    services.report_create(actor=mohan_user, project=b, month=JULY, taxes={"vat": 2_000_000}, values={})
    return a, b


def clean_rows(a, b):
    return [
        [a.enterprise.credit_code, a.enterprise.name, "2024-07", "增值税", 10000],
        [a.enterprise.credit_code, a.enterprise.name, "2024年7月", "企业所得税", "5,000.00"],
        [b.enterprise.credit_code, b.enterprise.name, 202407, "增值税", 20000.00],
    ]


def statuses():
    return {r.project.name: r.tax_status for r in MonthlyReport.objects.select_related("project")}


def taxes(name):
    report = MonthlyReport.objects.get(project__name=name)
    return {t.tax_type.code: t.paid_fen for t in report.taxes.select_related("tax_type")}


class TestTheService:
    def test_a_clean_file_confirms_every_matched_report(self, world, finance):
        a, b = world
        result = tax_extract.upload_apply(actor=finance, upload=upload(xlsx(clean_rows(a, b))))
        assert result.clean and result.written and result.confirmed_count == 2
        assert statuses() == {"甲项目": "confirmed", "乙项目": "confirmed"}
        row = Event.objects.latest("pk")
        assert "确认 2 份" in row.object_repr and row.after["rows"] == 3 and row.actor_id == finance.pk

    def test_a_difference_is_listed_with_its_effect_on_the_shares_and_nothing_is_written(
        self, world, finance
    ):
        a, b = world
        rows = clean_rows(a, b)
        rows[0][4] = "11000.00"  # the bureau: VAT 11,000.00 元, the estimate 10,000.00
        before = Event.objects.count()
        result = tax_extract.upload_apply(actor=finance, upload=upload(xlsx(rows)))
        assert not result.clean and not result.written and not result.problems
        assert [m.project_code for m in result.equal] == [b.code]
        [diff] = result.differences
        assert diff.project_code == a.code and diff.rows == (2, 3)
        assert diff.estimate == {"cit": 500_000, "vat": 1_000_000}
        assert diff.extract == {"cit": 500_000, "vat": 1_100_000}
        # County parts: VAT 20% and CIT 16%. Estimate 200,000 + 80,000 = 280,000 fen → 140,000 each;
        # extract 220,000 + 80,000 = 300,000 → 150,000 each: each party gets 100.00 元 more.
        assert {(p.code, p.estimate_fen, p.extract_fen, p.difference_fen) for p in diff.parties} == {
            ("530102", 140_000, 150_000, 10_000), ("mohan", 140_000, 150_000, 10_000),
        }  # fmt: skip
        assert (
            statuses() == {"甲项目": "estimated", "乙项目": "estimated"} and Event.objects.count() == before
        )
        accepted = tax_extract.upload_apply(
            actor=finance, upload=upload(xlsx(rows)), accept=True, digest=result.digest
        )
        assert accepted.written and accepted.confirmed_count == 1 and accepted.corrected_count == 1
        assert statuses() == {"甲项目": "confirmed", "乙项目": "confirmed"}
        assert taxes("甲项目") == {"vat": 1_100_000, "cit": 500_000}
        corrected = Event.objects.filter(object_id=str(MonthlyReport.objects.get(project=a).pk)).latest("pk")
        assert corrected.before["taxes"] == {"vat": 1_000_000} and corrected.after["taxes"] == {
            "vat": 1_100_000
        }
        assert "接受所列差异" in corrected.reason

    def test_a_tax_type_missing_from_the_extract_counts_as_zero(self, world, finance):
        a, b = world
        rows = [r for r in clean_rows(a, b) if r[3] != "企业所得税"]
        result = tax_extract.upload_apply(actor=finance, upload=upload(xlsx(rows)), dry_run=True)
        [diff] = result.differences
        assert diff.extract == {"cit": 0, "vat": 1_000_000}

    def test_an_unknown_enterprise_is_listed_and_written_only_when_accepted(self, world, finance):
        a, b = world
        rows = [*clean_rows(a, b), [UNKNOWN, "不认识的企业", "2024-07", "增值税", 300]]
        result = tax_extract.upload_apply(actor=finance, upload=upload(xlsx(rows)))
        [unknown] = result.unmatched
        assert unknown.rows == (5,) and unknown.uscc == UNKNOWN and unknown.amount_fen == 30_000
        assert "没有该统一社会信用代码" in unknown.reason
        assert not result.written and set(statuses().values()) == {"estimated"}
        accepted = tax_extract.upload_apply(
            actor=finance, upload=upload(xlsx(rows)), accept=True, digest=result.digest
        )
        assert accepted.written and accepted.confirmed_count == 2
        assert statuses() == {"甲项目": "confirmed", "乙项目": "confirmed"}

    def test_an_acceptance_of_other_differences_than_those_shown_is_refused(self, world, finance, mohan_user):
        a, b = world
        rows = clean_rows(a, b)
        rows[2][4] = 20001
        shown = tax_extract.upload_apply(actor=finance, upload=upload(xlsx(rows)))
        services.report_update(
            actor=mohan_user, report=MonthlyReport.objects.get(project=b), taxes={"vat": 1}, values={}
        )
        from django.core.exceptions import ValidationError

        with pytest.raises(ValidationError, match="请重新检查"):
            tax_extract.upload_apply(
                actor=finance, upload=upload(xlsx(rows)), accept=True, digest=shown.digest
            )
        assert set(statuses().values()) == {"estimated"}

    @pytest.mark.parametrize(
        ("bad", "column", "reason"),
        [
            (lambda rows: rows.append(list(rows[0])), "A", "与第2行重复"),
            (lambda rows: rows[1].__setitem__(4, "5000.001"), "E", "精确到分以下"),
            (lambda rows: rows[1].__setitem__(4, 5000.125), "E", "精确到分以下"),
            (lambda rows: rows[1].__setitem__(0, "91530100MA0000000X"), "A", "统一社会信用代码"),
            (lambda rows: rows[1].__setitem__(3, "印花税（不存在）"), "D", "未知税种"),
            (lambda rows: rows[1].__setitem__(4, -1), "E", "不能为负数"),
            (lambda rows: rows[1].__setitem__(2, "2024-13"), "C", "月份"),
        ],
    )
    def test_a_bad_cell_is_refused_naming_its_row_and_column_and_nothing_is_written(
        self, world, finance, bad, column, reason
    ):
        a, b = world
        rows = clean_rows(a, b)
        bad(rows)
        before = Event.objects.count()
        result = tax_extract.upload_apply(actor=finance, upload=upload(xlsx(rows)), accept=True)
        assert result.problems and not result.written
        problem = next(p for p in result.problems if reason in p.reason)
        assert problem.column == column and problem.sheet == "税款明细" and problem.row >= 2
        assert f"第{problem.row}行{column}列" in problem.sentence()
        assert set(statuses().values()) == {"estimated"} and Event.objects.count() == before

    def test_a_closed_month_is_refused(self, world, finance, city_admin, mohan_user):
        a, b = world
        for report in MonthlyReport.objects.all():
            services.report_confirm(actor=finance, report=report, what="tax")
        services.settlement_close(actor=city_admin, period="2024-07")
        result = tax_extract.upload_apply(actor=finance, upload=upload(xlsx(clean_rows(a, b))), accept=True)
        assert not result.written and {(p.row, p.column) for p in result.problems} == {
            (2, "C"),
            (3, "C"),
            (4, "C"),
        }
        assert all("已关账" in p.reason for p in result.problems)

    def test_a_missing_column_is_named(self, world, finance):
        result = tax_extract.upload_apply(
            actor=finance, upload=upload(xlsx([["x", "y"]], headers=["统一社会信用代码", "税种"]))
        )
        assert {p.header for p in result.problems} == {"税款所属期", "实缴金额（元）"}

    def test_headers_are_data_another_known_header_is_read(self, world, finance):
        a, b = world
        headers = ["纳税人识别号", "企业名称", "所属期", "征收项目", "实缴税额"]
        result = tax_extract.upload_apply(
            actor=finance, upload=upload(xlsx(clean_rows(a, b), headers=headers))
        )
        assert result.written and result.confirmed_count == 2

    def test_only_the_finance_role_imports(self, world, city_admin, wuhua):
        from django.core.exceptions import PermissionDenied

        a, b = world
        for user in (city_admin, wuhua):
            with pytest.raises(PermissionDenied):
                tax_extract.upload_apply(actor=user, upload=upload(xlsx(clean_rows(a, b))))
        assert set(statuses().values()) == {"estimated"}


class TestThePage:
    def test_upload_shows_differences_then_accepting_writes(self, world, finance):
        a, b = world
        rows = [*clean_rows(a, b), [UNKNOWN, "不认识的企业", "2024-07", "增值税", 300]]
        rows[0][4] = 11000
        client = client_for(finance)
        page = client.post(PAGE, {"file": upload(xlsx(rows))})
        html = page.content.decode()
        assert page.status_code == 200 and 'id="extract-not-written"' in html
        assert (
            a.code in html and UNKNOWN in html and "100.00" in html
        )  # each party's share moves by 100.00 元
        digest = tax_extract.upload_apply(actor=finance, upload=upload(xlsx(rows)), dry_run=True).digest
        assert f'value="{digest}"' in html
        done = client.post(PAGE, {"file": upload(xlsx(rows)), "accept": "on", "digest": digest})
        assert 'id="extract-written"' in done.content.decode()
        assert taxes("甲项目") == {"vat": 1_100_000, "cit": 500_000}

    def test_problems_are_listed_with_row_and_column(self, world, finance):
        a, b = world
        rows = clean_rows(a, b)
        rows[1][4] = "5000.001"
        html = client_for(finance).post(PAGE, {"file": upload(xlsx(rows))}).content.decode()
        assert 'id="extract-problems"' in html and "<td>3</td><td>E</td>" in html and "精确到分以下" in html

    def test_a_file_that_is_not_an_xlsx_is_refused(self, world, finance):
        html = client_for(finance).post(PAGE, {"file": upload(b"not a workbook")}).content.decode()
        assert "form-errors" in html and set(statuses().values()) == {"estimated"}

    def test_the_template_has_the_mapped_headers(self, finance):
        response = client_for(finance).get("/sharing/tax-extract/template/")
        workbook = openpyxl.load_workbook(io.BytesIO(response.content))
        assert [c.value for c in workbook["税款明细"][1]] == HEADERS
        assert "说明" in workbook.sheetnames

    def test_other_roles_are_refused(self, city_admin, wuhua):
        for user in (city_admin, wuhua):
            assert client_for(user).get(PAGE).status_code == 403


class TestTheApi:
    def post(self, user, content, **fields):
        return client_for(user).post(API, {"file": upload(content), **fields})

    def test_a_dry_run_by_default_then_writing(self, world, finance):
        a, b = world
        checked = self.post(finance, xlsx(clean_rows(a, b)))
        assert checked.status_code == 200, checked.content
        body = checked.json()
        assert body["written"] is False and body["clean"] is True and len(body["equal"]) == 2
        assert set(statuses().values()) == {"estimated"}
        written = self.post(finance, xlsx(clean_rows(a, b)), dry_run="false")
        assert written.json()["written"] is True and written.json()["confirmed_count"] == 2
        assert set(statuses().values()) == {"confirmed"}

    def test_differences_and_unknown_need_accept(self, world, finance):
        a, b = world
        rows = [*clean_rows(a, b), [UNKNOWN, "不认识的企业", "2024-07", "增值税", 300]]
        rows[0][4] = 11000
        body = self.post(finance, xlsx(rows), dry_run="false").json()
        assert body["written"] is False and body["unmatched"][0]["uscc"] == UNKNOWN
        [diff] = body["differences"]
        assert {p["code"]: p["difference_fen"] for p in diff["parties"]} == {
            "530102": 10_000,
            "mohan": 10_000,
        }
        done = self.post(finance, xlsx(rows), dry_run="false", accept="true", digest=body["digest"]).json()
        assert done["written"] is True and done["corrected_count"] == 1

    def test_a_bad_file_is_a_422_naming_the_row_and_cell(self, world, finance):
        a, b = world
        rows = clean_rows(a, b)
        rows.append(list(rows[2]))
        response = self.post(finance, xlsx(rows), dry_run="false", accept="true")
        assert response.status_code == 422
        messages = [e["message"] for e in response.json()["detail"]]
        assert any("第5行A列" in m and "与第4行重复" in m for m in messages), messages
        assert set(statuses().values()) == {"estimated"}

    def test_only_the_finance_role(self, world, city_admin):
        a, b = world
        assert self.post(city_admin, xlsx(clean_rows(a, b))).status_code == 403
