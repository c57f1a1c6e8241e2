from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from enclave.conftest import make_enterprise, make_filed
from enclave.projects import services
from enclave.projects.models import Conflict, FirstContactClaim, Project
from enclave.projects.tests.conftest import client_for
from enclave.projects.workflow import Status

pytestmark = pytest.mark.django_db

CONFLICTS = reverse("projects:conflicts")
CLAIM = reverse("projects:claim_create")
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def upload(content: bytes = PDF, name: str = "拜访记录.pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def dispute(wuhua, panlong):
    """One enterprise filed into Mohan by Wuhua and by Panlong; Wuhua holds the earlier evidenced contact."""
    enterprise = make_enterprise(name="争议轻纺有限公司")
    services.claim_register(
        actor=wuhua, enterprise=enterprise, contacted_on=dt.date(2024, 3, 1), kind="visit", document=upload()
    )
    services.claim_register(
        actor=panlong, enterprise=enterprise, contacted_on=dt.date(2024, 4, 1), kind="meeting"
    )
    ours = make_filed(wuhua, enterprise=enterprise, name="五华轻纺项目")
    theirs = make_filed(panlong, enterprise=enterprise, name="盘龙轻纺项目")
    conflict = Conflict.objects.get()
    return {"enterprise": enterprise, "ours": ours, "theirs": theirs, "conflict": conflict}


class TestConflictList:
    def test_the_city_sees_projects_units_claims_documents_and_the_suggestion(self, dispute, city_admin):
        response = client_for(city_admin).get(CONFLICTS)
        body = response.content.decode()
        assert "争议轻纺有限公司" in body
        assert "五华轻纺项目" in body and "盘龙轻纺项目" in body
        assert "2024-03-01" in body and "实地拜访" in body and "2024-04-01" in body and "洽谈会议" in body
        claim = FirstContactClaim.objects.get(unit__code="530102")
        assert reverse("projects:claim_document", args=[claim.pk]) in body
        assert "首谈建议" in body
        form = response.context["rows"][0]["form"]
        assert form["winner"].value() == dispute["ours"].pk

    def test_a_unit_sees_the_rival_unit_but_not_the_rivals_filing_or_documents(self, dispute, panlong):
        response = client_for(panlong).get(CONFLICTS)
        body = response.content.decode()
        assert "盘龙轻纺项目" in body
        assert "五华区" in body and "2024-03-01" in body  # who claims first contact, and when
        assert "五华轻纺项目" not in body and dispute["ours"].code not in body
        wuhua_claim = FirstContactClaim.objects.get(unit__code="530102")
        assert reverse("projects:claim_document", args=[wuhua_claim.pk]) not in body
        assert response.context["rows"][0]["form"] is None

    def test_other_parks_and_uninvolved_units_see_nothing(self, dispute, lingang_user, wuhua):
        from enclave.conftest import persona

        guandu = persona("guandu", "unit", unit="530111")
        for user in (lingang_user, guandu):
            body = client_for(user).get(CONFLICTS).content.decode()
            assert "争议轻纺有限公司" not in body


class TestConflictResolve:
    def url(self, conflict) -> str:
        return reverse("projects:conflict_resolve", args=[conflict.pk])

    def test_the_city_admin_resolves_by_first_contact(self, dispute, city_admin):
        conflict = dispute["conflict"]
        response = client_for(city_admin).post(
            self.url(conflict), {f"c{conflict.pk}-winner": "", f"c{conflict.pk}-reason": ""}
        )
        assert response.status_code == 302
        conflict.refresh_from_db()
        assert conflict.status == Conflict.RESOLVED and conflict.winner == dispute["ours"]
        assert Project.objects.get(pk=dispute["theirs"].pk).status == Status.CLOSED
        assert Project.objects.get(pk=dispute["ours"].pk).status == Status.FILED

    def test_overriding_the_suggestion_needs_a_reason(self, dispute, city_admin):
        conflict, theirs = dispute["conflict"], dispute["theirs"]
        prefix = f"c{conflict.pk}"
        client = client_for(city_admin)
        response = client.post(
            self.url(conflict), {f"{prefix}-winner": str(theirs.pk), f"{prefix}-reason": ""}
        )
        assert response.status_code == 200
        form = response.context["rows"][0]["form"]
        assert form.errors["reason"] == ["改变按首谈确定的归属须填写理由"]
        assert Conflict.objects.get().status == Conflict.OPEN
        client.post(
            self.url(conflict), {f"{prefix}-winner": str(theirs.pk), f"{prefix}-reason": "盘龙完成实际落地"}
        )
        assert Conflict.objects.get().winner == theirs

    def test_only_the_city_admin_resolves(self, dispute, reviewer, wuhua):
        conflict = dispute["conflict"]
        assert client_for(reviewer).post(self.url(conflict), {}).status_code == 403
        assert client_for(wuhua).post(self.url(conflict), {}).status_code == 403
        assert Conflict.objects.get().status == Conflict.OPEN

    def test_resolving_twice_is_refused_with_a_message(self, dispute, city_admin):
        conflict = dispute["conflict"]
        client = client_for(city_admin)
        client.post(self.url(conflict), {})
        response = client.post(self.url(conflict), {}, follow=True)
        assert "该冲突已裁定，不能重复裁定" in response.content.decode()

    def test_csrf_is_enforced(self, dispute, city_admin):
        client = client_for(city_admin, enforce_csrf_checks=True)
        assert client.post(self.url(dispute["conflict"]), {}).status_code == 403
        assert Conflict.objects.get().status == Conflict.OPEN


class TestClaims:
    def post(self, user, **overrides):
        enterprise = overrides.pop("enterprise", None) or make_enterprise()
        data = {
            "enterprise_code": enterprise.credit_code,
            "contacted_on": "2024-05-06",
            "kind": "visit",
            "document": upload(),
            "note": "赴上海拜访",
        }
        data.update(overrides)
        return client_for(user).post(CLAIM, data)

    def test_a_unit_registers_a_claim_with_evidence(self, wuhua):
        response = self.post(wuhua)
        assert response.status_code == 302 and response["Location"] == CONFLICTS
        claim = FirstContactClaim.objects.get()
        assert claim.unit.code == "530102" and claim.contacted_on == dt.date(2024, 5, 6)
        assert claim.document.name.startswith("claims/") and claim.document.name.endswith(".pdf")
        assert "拜访记录" not in claim.document.name  # never the uploader's file name

    def test_pictures_are_accepted(self, wuhua):
        self.post(wuhua, document=SimpleUploadedFile("photo.png", PNG, content_type="image/png"))
        assert FirstContactClaim.objects.get().document.name.endswith(".png")

    @pytest.mark.parametrize(
        ("content", "name"),
        [
            (b"<html><script>alert(1)</script></html>", "fake.pdf"),
            (b"MZ\x90\x00executable", "evidence.jpg"),
            (b"PK\x03\x04docx", "evidence.docx"),
        ],
    )
    def test_files_are_judged_by_their_content(self, wuhua, content, name):
        response = self.post(
            wuhua, document=SimpleUploadedFile(name, content, content_type="application/pdf")
        )
        assert response.status_code == 200
        assert response.context["form"].errors["document"] == [
            "证明材料只能是 PDF、JPG 或 PNG 文件（按文件内容识别）"
        ]
        assert not FirstContactClaim.objects.exists()

    def test_files_over_the_size_cap_are_refused(self, wuhua, settings):
        settings.ENCLAVE_EVIDENCE_MAX_BYTES = 1024 * 1024
        response = self.post(wuhua, document=upload(PDF + b"0" * (1024 * 1024)))
        assert response.context["form"].errors["document"] == ["证明材料不能超过 1 MB，请压缩后重新上传"]
        assert not FirstContactClaim.objects.exists()

    def test_a_future_contact_date_and_an_unknown_enterprise_are_refused_at_their_fields(self, wuhua):
        response = self.post(wuhua, contacted_on="2999-01-01")
        assert response.context["form"].errors["contacted_on"] == ["首次接洽日期不能晚于今天"]
        response = self.post(wuhua, enterprise_code="915301001234567890")
        assert "enterprise_code" in response.context["form"].errors
        assert 'value="915301001234567890"' in response.content.decode()
        assert not FirstContactClaim.objects.exists()

    def test_only_units_register_claims(self, reviewer):
        assert client_for(reviewer).get(CLAIM).status_code == 403


class TestClaimDocuments:
    def test_documents_are_served_only_to_those_who_may_see_the_claim(
        self, dispute, wuhua, panlong, city_admin, mohan_user
    ):
        claim = FirstContactClaim.objects.get(unit__code="530102")
        url = reverse("projects:claim_document", args=[claim.pk])
        for user in (wuhua, city_admin):
            response = client_for(user).get(url)
            assert response.status_code == 200
            assert response["Content-Type"] == "application/pdf"
            assert response["Content-Disposition"].startswith("attachment")
            assert response["Content-Security-Policy"] == "sandbox"
            assert b"".join(response.streaming_content) == PDF
        for user in (panlong, mohan_user):
            assert client_for(user).get(url).status_code == 404
        assert (
            client_for(wuhua).get(reverse("projects:claim_document", args=[claim.pk + 100])).status_code
            == 404
        )

    def test_a_claim_without_a_document_is_a_404(self, dispute, panlong):
        claim = FirstContactClaim.objects.get(unit__code="530103")
        assert client_for(panlong).get(reverse("projects:claim_document", args=[claim.pk])).status_code == 404
