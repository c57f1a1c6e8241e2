from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from enclave.audit.models import Event, Verb
from enclave.conftest import make_draft, make_enterprise, make_filed, make_recognised, persona
from enclave.parks.models import Industry, Unit
from enclave.projects import services
from enclave.projects.models import Agreement, Conflict, FirstContactClaim, Project
from enclave.projects.workflow import Status

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Any) -> None:
    """Uploaded evidence goes to a temporary folder, not var/media."""
    settings.MEDIA_ROOT = tmp_path


API = "/api/v1"


def client_for(user: Any, **kwargs: Any) -> Client:
    client = Client(**kwargs)
    client.force_login(user)
    return client


def send(client: Client, method: str, path: str, body: Any = None, **extra: Any) -> Any:
    payload = "" if body is None else json.dumps(body, ensure_ascii=False)
    return getattr(client, method)(API + path, data=payload, content_type="application/json", **extra)


def body_for_create(enterprise: Any, **overrides: Any) -> dict[str, Any]:
    body = {
        "name": "跨境电子产品组装项目",
        "enterprise": enterprise.credit_code,
        "park": "mohan",
        "kind": "new_domestic",
        "industry": "39",
        "planned_investment_fen": 8_000_000_000,  # 8000万元
        "origin": "广东省",
        "description": "内部资料：谈判底价",
    }
    body.update(overrides)
    return body


def own_enterprise(user: Any, **kwargs: Any) -> Any:
    """An enterprise the user's unit registered, so it is in their library."""
    return make_enterprise(owner_unit=user.unit, **kwargs)


def fields(response: Any) -> dict[str, str]:
    return {e["field"]: e["message"] for e in response.json()["detail"]}


def has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


class TestProjectWorkflowOverTheApi:
    def test_a_filing_goes_from_draft_to_recognised_with_its_agreement(self, wuhua, reviewer):
        unit = client_for(wuhua)
        city = client_for(reviewer)
        enterprise = make_enterprise(owner_unit=wuhua.unit)

        body = body_for_create(
            enterprise, partner_units=["530103"], park_area="南坡片区", subpark="云南五华产业园磨憨园区"
        )
        created = send(unit, "post", "/projects", body)
        assert created.status_code == 201, created.content
        project = created.json()
        assert project["status"] == "draft" and project["code"] is None
        assert project["filing_unit"] == {"code": "530102", "name": "五华区"}
        assert project["partner_units"] == [{"code": "530103", "name": "盘龙区"}]
        assert project["park_area"] == "南坡片区" and project["subpark"] == "云南五华产业园磨憨园区"
        assert project["may_edit"] and project["actions"] == ["file"]
        pid = project["id"]

        patched = send(unit, "patch", f"/projects/{pid}", {"name": "跨境电子产品组装二期"})
        assert patched.status_code == 200 and patched.json()["name"] == "跨境电子产品组装二期"

        filed = send(unit, "post", f"/projects/{pid}/file")
        assert filed.status_code == 200, filed.content
        assert filed.json()["status"] == "filed" and filed.json()["code"].startswith("MH-")
        assert filed.json()["filed_on"] == dt.date.today().isoformat()  # noqa: DTZ011

        assert send(city, "post", f"/projects/{pid}/start-review").json()["status"] == "under_review"
        recognised = send(
            city,
            "post",
            f"/projects/{pid}/recognise",
            {
                "parties": [
                    {"kind": "unit", "code": "530102", "share_bp": 3000},
                    {"kind": "unit", "code": "530103", "share_bp": 2000},
                    {"kind": "park", "code": "mohan", "share_bp": 5000},
                ],
                "start_month": "2025-01",
                "end_month": "2029-12",
                "reason": "材料齐全",
            },
        )
        assert recognised.status_code == 200, recognised.content
        data = recognised.json()
        assert data["status"] == "recognised"
        assert data["agreement"]["start_month"] == "2025-01-01"
        assert data["agreement"]["end_month"] == "2029-12-01"
        assert [(p["code"], p["share_bp"]) for p in data["agreement"]["parties"]] == [
            ("530102", 3000),
            ("530103", 2000),
            ("mohan", 5000),
        ]
        history = unit.get(f"{API}/projects/{pid}/history").json()
        assert [(h["action"], h["to_status"]) for h in history] == [
            ("file", "filed"),
            ("start_review", "under_review"),
            ("recognise", "recognised"),
        ]
        assert Event.objects.filter(object_type="projects.project", object_id=str(pid)).count() == 5

    def test_a_returned_filing_is_corrected_and_refiled_under_the_same_code(self, wuhua, mohan_user):
        project = make_filed(wuhua)
        park = client_for(mohan_user)
        unit = client_for(wuhua)
        returned = send(park, "post", f"/projects/{project.pk}/return", {"reason": "请补充投资协议"})
        assert returned.status_code == 200 and returned.json()["status_reason"] == "请补充投资协议"
        assert (
            send(unit, "patch", f"/projects/{project.pk}", {"planned_investment_fen": 123_00}).status_code
            == 200
        )
        refiled = send(unit, "post", f"/projects/{project.pk}/file")
        assert refiled.json()["status"] == "filed" and refiled.json()["code"] == project.code

    def test_a_start_review_needs_no_body_but_return_needs_a_reason(self, wuhua, reviewer):
        project = make_filed(wuhua)
        city = client_for(reviewer)
        assert send(city, "post", f"/projects/{project.pk}/return", {"reason": "  "}).status_code == 422
        missing = send(city, "post", f"/projects/{project.pk}/return")
        assert missing.status_code == 422 and all(has_chinese(m) for m in fields(missing).values())
        assert Project.objects.get(pk=project.pk).status == Status.FILED
        assert send(city, "post", f"/projects/{project.pk}/start-review").status_code == 200

    def test_the_city_rejects_and_closes(self, wuhua, reviewer, city_admin):
        rejected = send(
            client_for(reviewer), "post", f"/projects/{make_filed(wuhua).pk}/reject", {"reason": "房地产"}
        )
        assert rejected.json()["status"] == "rejected"
        closed = send(
            client_for(city_admin), "post", f"/projects/{make_filed(wuhua).pk}/close", {"reason": "重复"}
        )
        assert closed.json()["status"] == "closed"


class TestIllegalTransitions:
    def test_refiling_a_filed_project_is_a_409_with_a_chinese_reason(self, wuhua):
        project = make_filed(wuhua)
        response = send(client_for(wuhua), "post", f"/projects/{project.pk}/file")
        assert response.status_code == 409
        assert "不能执行“提交报备”" in response.json()["detail"]

    def test_recognising_a_project_not_under_review_is_a_409_and_writes_nothing(self, wuhua, reviewer):
        project = make_filed(wuhua)
        response = send(client_for(reviewer), "post", f"/projects/{project.pk}/recognise", {})
        assert response.status_code == 409 and has_chinese(response.json()["detail"])
        assert Project.objects.get(pk=project.pk).status == Status.FILED
        assert not Agreement.objects.filter(project=project).exists()

    def test_editing_a_filed_project_is_a_409(self, wuhua):
        project = make_filed(wuhua)
        response = send(client_for(wuhua), "patch", f"/projects/{project.pk}", {"name": "改名"})
        assert response.status_code == 409
        assert Project.objects.get(pk=project.pk).name == project.name


class TestDistrictIsolation:
    @pytest.mark.parametrize("state", ["draft", "filed"])
    def test_another_units_unrecognised_project_is_404_everywhere_and_leaks_nothing(
        self, state, wuhua, panlong
    ):
        maker = make_draft if state == "draft" else make_filed
        secret = maker(wuhua, name="五华秘密项目", enterprise=make_enterprise(name="保密企业有限公司"))
        other = client_for(panlong)
        responses = [
            other.get(f"{API}/projects/{secret.pk}"),
            other.get(f"{API}/projects/{secret.pk}/history"),
            send(other, "patch", f"/projects/{secret.pk}", {"name": "x"}),
            send(other, "post", f"/projects/{secret.pk}/file"),
            send(other, "post", f"/projects/{secret.pk}/return", {"reason": "x"}),
        ]
        for response in responses:
            assert response.status_code == 404
            assert response.json() == {"detail": "不存在"}
        listing = other.get(f"{API}/projects?limit=100").content.decode()
        summary = other.get(f"{API}/projects/summary").json()
        for text in (listing, *(r.content.decode() for r in responses)):
            assert "五华秘密项目" not in text and "保密企业" not in text
            assert not secret.code or secret.code not in text
        assert summary["count"] == 0
        assert Project.objects.get(pk=secret.pk).name == "五华秘密项目"

    def test_a_park_user_does_not_see_another_parks_filing(self, wuhua, lingang_user):
        project = make_filed(wuhua)  # in Mohan
        assert client_for(lingang_user).get(f"{API}/projects/{project.pk}").status_code == 404

    def test_another_units_recognised_project_shows_public_fields_only(self, wuhua, panlong, reviewer):
        project = make_recognised(wuhua, reviewer, description="内部资料：谈判底价")
        Project.objects.filter(pk=project.pk).update(investment_code="2024-530102-17-03-000123")
        other = client_for(panlong)
        response = other.get(f"{API}/projects/{project.pk}")
        assert response.status_code == 200
        data = response.json()
        assert data["access"] == "public"
        assert set(data) == {
            "access", "id", "code", "name", "enterprise", "filing_unit", "park", "kind", "industry",
            "planned_investment_fen", "origin", "status", "status_label", "recognised_on", "agreement",
        }  # fmt: skip
        assert data["enterprise"] == {"name": project.enterprise.name}
        assert "谈判底价" not in response.content.decode()
        assert "000123" not in response.content.decode()
        assert data["agreement"]["parties"][0]["share_bp"] == 5000
        assert other.get(f"{API}/projects/{project.pk}/history").status_code == 404
        item = other.get(f"{API}/projects").json()["items"][0]
        assert item["id"] == project.pk and item["full_access"] is False

    def test_search_does_not_match_fields_the_user_may_not_see(self, wuhua, panlong, reviewer):
        make_recognised(wuhua, reviewer, description="内部资料：谈判底价")
        other = client_for(panlong)
        assert other.get(f"{API}/projects", {"q": "谈判底价"}).json()["total"] == 0
        assert client_for(wuhua).get(f"{API}/projects", {"q": "轻纺"}).json()["total"] == 1

    def test_editing_another_units_recognised_project_is_403_and_audited(self, wuhua, panlong, reviewer):
        project = make_recognised(wuhua, reviewer)
        response = send(client_for(panlong), "patch", f"/projects/{project.pk}", {"name": "抢过来"})
        assert response.status_code == 403 and has_chinese(response.json()["detail"])
        assert Project.objects.get(pk=project.pk).name == project.name
        denied = Event.objects.get(verb=Verb.DENIED)
        assert denied.actor == panlong and denied.success is False
        assert denied.object_repr == f"PATCH {API}/projects/{project.pk}"


class TestMassAssignment:
    def test_create_refuses_status_filing_unit_and_code_and_writes_nothing(self, wuhua):
        body = body_for_create(
            own_enterprise(wuhua),
            status="recognised",
            filing_unit="530103",
            code="MH-2024-9999",
            is_sample=True,
        )
        response = send(client_for(wuhua), "post", "/projects", body)
        assert response.status_code == 422
        assert set(fields(response)) == {"status", "filing_unit", "code", "is_sample"}
        assert all(has_chinese(m) for m in fields(response).values())
        assert not Project.objects.exists()

    def test_patch_refuses_workflow_fields_and_changes_nothing(self, wuhua):
        project = make_draft(wuhua)
        before = Project.objects.filter(pk=project.pk).values().get()
        for extra in (
            {"status": "recognised"},
            {"filing_unit": "530103"},
            {"code": "MH-2024-0001"},
            {"recognised_on": "2024-01-01"},
            {"positioning_mismatch": True},
            {"created_by": 1},
        ):
            response = send(
                client_for(wuhua), "patch", f"/projects/{project.pk}", {"name": "新名称", **extra}
            )
            assert response.status_code == 422, extra
        assert Project.objects.filter(pk=project.pk).values().get() == before

    def test_explicit_null_for_a_required_field_is_refused(self, wuhua):
        project = make_draft(wuhua)
        response = send(client_for(wuhua), "patch", f"/projects/{project.pk}", {"name": None, "park": None})
        assert response.status_code == 422 and set(fields(response)) == {"name", "park"}


class TestCsrf:
    def test_a_post_without_the_token_is_refused_and_writes_nothing(self, wuhua):
        client = client_for(wuhua, enforce_csrf_checks=True)
        response = send(client, "post", "/projects", body_for_create(own_enterprise(wuhua)))
        assert response.status_code == 403 and "CSRF" in response.json()["detail"]
        assert not Project.objects.exists()

    def test_a_transition_without_the_token_changes_nothing(self, wuhua):
        project = make_draft(wuhua)
        client = client_for(wuhua, enforce_csrf_checks=True)
        assert send(client, "post", f"/projects/{project.pk}/file").status_code == 403
        assert send(client, "patch", f"/projects/{project.pk}", {"name": "x"}).status_code == 403
        assert Project.objects.get(pk=project.pk).status == Status.DRAFT

    def test_with_the_token_the_same_post_works(self, wuhua):
        client = client_for(wuhua, enforce_csrf_checks=True)
        token = "a" * 32
        client.cookies[settings.CSRF_COOKIE_NAME] = token
        response = send(
            client, "post", "/projects", body_for_create(own_enterprise(wuhua)), HTTP_X_CSRFTOKEN=token
        )
        assert response.status_code == 201

    def test_get_to_a_mutating_route_is_405(self, wuhua):
        project = make_draft(wuhua)
        assert client_for(wuhua).get(f"{API}/projects/{project.pk}/file").status_code == 405
        assert Project.objects.get(pk=project.pk).status == Status.DRAFT


class TestInputValidation:
    def test_a_negative_investment_is_a_422_in_chinese(self, wuhua):
        response = send(
            client_for(wuhua),
            "post",
            "/projects",
            body_for_create(own_enterprise(wuhua), planned_investment_fen=-5),
        )
        assert response.status_code == 422
        assert has_chinese(fields(response)["planned_investment_fen"])

    @pytest.mark.parametrize("amount", [12.5, "100", True, 10**30, 0])
    def test_amounts_must_be_integer_fen_within_bounds(self, wuhua, amount):
        response = send(
            client_for(wuhua),
            "post",
            "/projects",
            body_for_create(own_enterprise(wuhua), planned_investment_fen=amount),
        )
        assert response.status_code == 422
        assert has_chinese(fields(response)["planned_investment_fen"])
        assert not Project.objects.exists()

    def test_unknown_codes_are_field_errors(self, wuhua):
        response = send(
            client_for(wuhua),
            "post",
            "/projects",
            body_for_create(own_enterprise(wuhua), park="nowhere", industry="99", partner_units=["999999"]),
        )
        assert response.status_code == 422
        assert set(fields(response)) == {"park", "industry", "partner_units"}
        wrong_area = send(
            client_for(wuhua),
            "post",
            "/projects",
            body_for_create(own_enterprise(wuhua), park_area="科技城一期"),
        )
        assert wrong_area.status_code == 422 and "片区" in fields(wrong_area)["park_area"]

    def test_an_enterprise_the_unit_cannot_see_cannot_be_filed_by_credit_code(self, wuhua, panlong):
        theirs = make_enterprise(owner_unit=Unit.objects.get(code="530103"))
        response = send(client_for(wuhua), "post", "/projects", body_for_create(theirs))
        assert response.status_code == 422 and "enterprise" in fields(response)

    def test_bad_dates_text_and_investment_codes_are_422(self, wuhua):
        client = client_for(wuhua)
        enterprise = own_enterprise(wuhua)
        for bad in (
            {"signed_on": "2024-02-30"},
            {"signed_on": "2999-01-01"},
            {"name": "a\x00b"},
            {"name": "长" * 121},
            {"investment_code": "2024-990102-17-03-000123"},
            {"kind": "teleport"},
        ):
            response = send(client, "post", "/projects", body_for_create(enterprise, **bad))
            assert response.status_code == 422, bad
            assert has_chinese(fields(response)[next(iter(bad))]), bad

    def test_shares_not_adding_up_to_10000_are_refused(self, wuhua, reviewer):
        project = services.project_start_review(actor=reviewer, project=make_filed(wuhua))
        response = send(
            client_for(reviewer),
            "post",
            f"/projects/{project.pk}/recognise",
            {
                "parties": [
                    {"kind": "unit", "code": "530102", "share_bp": 3000},
                    {"kind": "park", "code": "mohan", "share_bp": 3000},
                ]
            },
        )
        assert response.status_code == 422
        messages = [e["message"] for e in response.json()["detail"] if e["field"] == "parties"]
        assert any("10000" in m for m in messages)
        assert Project.objects.get(pk=project.pk).status == Status.UNDER_REVIEW

    def test_ids_out_of_range_and_malformed_bodies_are_4xx(self, wuhua):
        client = client_for(wuhua)
        assert client.get(f"{API}/projects/99999999999999999999999").status_code == 422
        assert client.get(f"{API}/projects/0").status_code == 422
        assert client.get(f"{API}/projects/abc").status_code == 422
        assert (
            client.post(f"{API}/projects", data="{not json", content_type="application/json").status_code
            == 400
        )
        assert (
            client.post(f"{API}/projects", data="[1, 2]", content_type="application/json").status_code == 422
        )
        assert (
            client.get(f"{API}/projects", {"limit": 1000, "year": "x", "status": "bogus"}).status_code == 400
        )

    @hypothesis_settings(
        max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(
        body=st.dictionaries(
            st.sampled_from(["name", "enterprise", "park", "kind", "industry", "planned_investment_fen", "origin",
                             "partner_units", "park_area", "signed_on", "investment_code", "status"]),
            st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=30),
                      st.lists(st.text(max_size=5), max_size=3)),
        )
    )  # fmt: skip
    def test_no_body_ever_causes_a_server_error(self, wuhua, body):
        response = send(client_for(wuhua), "post", "/projects", body)
        assert response.status_code < 500

    @hypothesis_settings(
        max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(
        body=st.fixed_dictionaries({}, optional={
            "parties": st.one_of(st.none(), st.lists(st.fixed_dictionaries({
                "kind": st.sampled_from(["unit", "park", "bank"]),
                "code": st.sampled_from(["530102", "530103", "mohan", "lingang", ""]),
                "share_bp": st.one_of(st.integers(-10, 20000), st.just(5000), st.floats(allow_nan=False)),
            }), max_size=4)),
            "start_month": st.one_of(st.dates().map(str), st.dates().map(lambda d: f"{d:%Y-%m}"), st.text(max_size=8)),
            "end_month": st.one_of(st.dates().map(str), st.none()),
            "recognised_on": st.one_of(st.dates().map(str), st.integers()),
            "reason": st.text(max_size=20),
        })
    )  # fmt: skip
    def test_no_recognition_body_causes_a_server_error(self, wuhua, reviewer, body):
        project = services.project_start_review(actor=reviewer, project=make_filed(wuhua))
        response = send(client_for(reviewer), "post", f"/projects/{project.pk}/recognise", body)
        assert response.status_code in (200, 409, 422), response.content

    @hypothesis_settings(
        max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
    )
    @given(
        params=st.dictionaries(
            st.sampled_from(["park", "unit", "status", "kind", "industry", "origin", "year", "quarter", "q",
                             "limit", "offset"]),
            st.text(max_size=12),
        )
    )  # fmt: skip
    def test_no_query_string_causes_a_server_error(self, panlong, params):
        response = client_for(panlong).get(f"{API}/projects", params)
        assert response.status_code in (200, 400), response.content

    def test_text_the_database_cannot_store_is_refused(self, wuhua):
        client = client_for(wuhua)
        assert client.get(f"{API}/projects", {"q": "a\x00b"}).status_code == 400  # a query parameter
        assert client.get(f"{API}/parks/mo%00han").status_code == 422
        lone_surrogate = json.dumps(
            body_for_create(own_enterprise(wuhua), origin="\ud800")
        )  # "\\ud800" in JSON
        response = client.post(f"{API}/projects", data=lone_surrogate, content_type="application/json")
        assert response.status_code == 422 and "origin" in fields(response)


class TestListAndSummary:
    def test_filters_and_paging(self, wuhua, panlong, reviewer):
        a = make_recognised(wuhua, reviewer)
        make_recognised(panlong, reviewer, industry=Industry.objects.get(code="39"))
        make_filed(wuhua)
        city = client_for(reviewer)

        def total(**params: Any) -> int:
            response = city.get(f"{API}/projects", params)
            assert response.status_code == 200, response.content
            return response.json()["total"]

        assert total() == 3
        assert total(status="recognised") == 2
        assert total(unit="530102") == 2
        assert total(industry="C") == 3 and total(industry="39") == 1
        assert total(year=2024, quarter=2) == 2 and total(year=2023) == 0
        assert total(park="lingang") == 0 and total(kind="relocation") == 0
        assert total(origin="上海市") == 3
        assert total(q=a.code) == 1
        page = city.get(f"{API}/projects", {"limit": 2, "offset": 2}).json()
        assert page["total"] == 3 and len(page["items"]) == 1

    def test_summary_counts_recognised_projects_in_range(self, wuhua, panlong, reviewer):
        make_recognised(wuhua, reviewer)
        make_recognised(panlong, reviewer)
        make_filed(wuhua)
        client = client_for(panlong)
        assert client.get(f"{API}/projects/summary").json() == {
            "count": 2,
            "planned_investment_fen": 2 * 50_000_000_00,
            "enterprises": 2,
        }
        assert client.get(f"{API}/projects/summary", {"unit": "530103"}).json()["count"] == 1
        assert client.get(f"{API}/projects/summary", {"from": "2024-07-01"}).json()["count"] == 0
        assert client.get(f"{API}/projects/summary", {"park": "lingang"}).json()["count"] == 0
        bad = client.get(f"{API}/projects/summary", {"from": "2024-12-01", "to": "2024-01-01"})
        assert bad.status_code == 422 and "from" in fields(bad)


class TestAuthentication:
    def test_anonymous_callers_get_401_in_chinese(self, wuhua):
        project = make_draft(wuhua)
        anonymous = Client()
        for response in (
            anonymous.get(f"{API}/projects"),
            anonymous.get(f"{API}/projects/{project.pk}"),
            send(anonymous, "post", "/projects", {}),
            anonymous.get(f"{API}/claims"),
            anonymous.get(f"{API}/conflicts"),
        ):
            assert response.status_code == 401
            assert response.json() == {"detail": "请先登录"}

    def test_the_auditor_reads_but_cannot_write(self, wuhua, auditor):
        project = make_filed(wuhua)
        client = client_for(auditor)
        assert client.get(f"{API}/projects/{project.pk}").json()["access"] == "full"
        response = send(client, "post", "/projects", body_for_create(own_enterprise(wuhua)))
        assert response.status_code == 403
        assert Event.objects.filter(verb=Verb.DENIED, actor=auditor, success=False).count() == 1
        assert send(client, "post", f"/projects/{project.pk}/start-review").status_code in (403, 409)
        assert Project.objects.get(pk=project.pk).status == Status.FILED


def evidence(name: str = "visit.pdf", content: bytes = b"%PDF-1.4 minutes of the first meeting") -> Any:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


class TestClaims:
    def test_a_unit_registers_a_first_contact_with_evidence(self, wuhua):
        enterprise = make_enterprise(owner_unit=wuhua.unit)
        response = client_for(wuhua).post(
            f"{API}/claims",
            {
                "enterprise": enterprise.credit_code,
                "contacted_on": "2024-03-01",
                "kind": "visit",
                "document": evidence(),
            },
        )
        assert response.status_code == 201, response.content
        assert response.json()["has_document"] and response.json()["unit"]["code"] == "530102"
        claim = FirstContactClaim.objects.get()
        assert claim.document.name.endswith(".pdf") and "visit" not in claim.document.name

    def test_the_document_is_optional(self, wuhua):
        enterprise = own_enterprise(wuhua)
        response = client_for(wuhua).post(
            f"{API}/claims",
            {"enterprise": enterprise.credit_code, "contacted_on": "2024-03-01", "kind": "letter"},
        )
        assert response.status_code == 201, response.content
        assert response.json()["has_document"] is False

    def test_bad_evidence_and_future_dates_are_422(self, wuhua):
        enterprise = make_enterprise(owner_unit=wuhua.unit)
        client = client_for(wuhua)
        base = {"enterprise": enterprise.credit_code, "contacted_on": "2024-03-01", "kind": "visit"}
        for extra, field in (
            ({"document": evidence("x.exe", b"MZ")}, "document"),
            ({"document": evidence("x.pdf", b"<html>")}, "document"),
            ({"contacted_on": "2999-01-01"}, "contacted_on"),
            ({"kind": "rumour"}, "kind"),
            ({"enterprise": "91530100MA0000000X"}, "enterprise"),
        ):
            response = client.post(f"{API}/claims", {**base, **extra})
            assert response.status_code == 422, extra
            assert field in fields(response) and has_chinese(fields(response)[field])
        assert not FirstContactClaim.objects.exists()

    def test_claims_are_visible_to_their_unit_and_the_city_only(self, wuhua, panlong, reviewer):
        enterprise = make_enterprise(owner_unit=wuhua.unit)
        services.claim_register(
            actor=wuhua, enterprise=enterprise, contacted_on=dt.date(2024, 1, 2), kind="visit"
        )
        assert client_for(wuhua).get(f"{API}/claims").json()["total"] == 1
        assert client_for(reviewer).get(f"{API}/claims").json()["total"] == 1
        assert client_for(panlong).get(f"{API}/claims").json()["total"] == 0


class TestConflicts:
    def make_conflict(self, wuhua: Any, panlong: Any) -> tuple[Project, Project, Conflict]:
        enterprise = make_enterprise(name="争议企业有限公司")
        services.claim_register(
            actor=wuhua,
            enterprise=enterprise,
            contacted_on=dt.date(2024, 1, 2),
            kind="visit",
            document=evidence(),
        )
        ours = make_filed(wuhua, enterprise=enterprise, name="五华的报备")
        theirs = make_filed(panlong, enterprise=enterprise, name="盘龙的报备")
        return ours, theirs, Conflict.objects.get()

    def test_each_side_sees_the_conflict_but_not_the_other_sides_filing(self, wuhua, panlong):
        ours, theirs, conflict = self.make_conflict(wuhua, panlong)
        response = client_for(panlong).get(f"{API}/conflicts")
        text = response.content.decode()
        assert response.json()["total"] == 1
        assert "盘龙的报备" in text and "五华的报备" not in text and ours.code not in text
        hidden = [p for p in response.json()["items"][0]["projects"] if not p["visible"]]
        assert hidden == [
            {
                "visible": False,
                "id": None,
                "code": None,
                "name": None,
                "filing_unit": {"code": "530102", "name": "五华区"},
            }
        ]

    def test_the_city_resolves_by_first_contact_and_the_other_filing_is_closed(
        self, wuhua, panlong, city_admin
    ):
        ours, theirs, conflict = self.make_conflict(wuhua, panlong)
        assert send(client_for(panlong), "post", f"/conflicts/{conflict.pk}/resolve", {}).status_code == 403
        response = send(client_for(city_admin), "post", f"/conflicts/{conflict.pk}/resolve", {})
        assert response.status_code == 200, response.content
        assert response.json()["winner"]["id"] == ours.pk
        assert Project.objects.get(pk=theirs.pk).status == Status.CLOSED
        again = send(client_for(city_admin), "post", f"/conflicts/{conflict.pk}/resolve", {})
        assert again.status_code == 409

    def test_a_unit_outside_the_conflict_gets_404(self, wuhua, panlong, reviewer):
        *_, conflict = self.make_conflict(wuhua, panlong)
        outsider = client_for(persona("guandu", "unit", unit="530111"))
        assert outsider.get(f"{API}/conflicts").json()["total"] == 0
        assert send(outsider, "post", f"/conflicts/{conflict.pk}/resolve", {}).status_code == 404
