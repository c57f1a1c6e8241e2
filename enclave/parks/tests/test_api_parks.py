"""Reference-data endpoints, and the API's own schema and docs pages."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db

API = "/api/v1"


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


class TestParks:
    def test_parks_are_listed_with_code_and_name(self, panlong):
        parks = client_for(panlong).get(f"{API}/parks").json()
        codes = {p["code"]: p for p in parks}
        assert {"mohan", "lingang"} <= set(codes)
        assert codes["mohan"]["code_prefix"] == "MH"
        assert codes["lingang"]["host_unit"]["code"] == "jingkai"

    def test_a_park_shows_its_positioning_and_areas(self, mohan_user):
        park = client_for(mohan_user).get(f"{API}/parks/mohan").json()
        assert {"code": "C", "name": "制造业"} in park["industries"]
        assert [a["name"] for a in park["areas"]] == ["南坡片区"]
        assert {
            "name": "云南五华产业园磨憨园区",
            "unit": {"code": "530102", "name": "五华区"},
            "area": "南坡片区",
        } in park["subparks"]

    def test_an_unknown_park_is_a_plain_404(self, mohan_user):
        client = client_for(mohan_user)
        response = client.get(f"{API}/parks/atlantis")
        assert response.status_code == 404 and response.json() == {"detail": "不存在"}
        assert client.get(f"{API}/parks/{'x' * 40}").status_code == 422

    def test_anonymous_callers_get_401(self):
        for path in ("/parks", "/parks/mohan", "/units", "/industries"):
            response = Client().get(API + path)
            assert response.status_code == 401 and response.json() == {"detail": "请先登录"}


class TestUnitsAndIndustries:
    def test_units_are_listed_in_their_order(self, wuhua):
        units = client_for(wuhua).get(f"{API}/units").json()
        assert units[0] == {
            "code": "530102",
            "name": "五华区",
            "short_name": "五华区",
            "kind": "district",
            "division_code": "530102",
            "tier": "T1",
            "is_active": True,
        }
        assert "gaoxin" in {u["code"] for u in units}

    def test_industries_filter_by_level_and_section(self, wuhua):
        client = client_for(wuhua)
        sections = client.get(f"{API}/industries", {"level": "section"}).json()
        assert {s["code"] for s in sections} >= {"A", "C", "F"}
        manufacturing = client.get(f"{API}/industries", {"section": "C"}).json()
        assert "17" in {i["code"] for i in manufacturing}
        assert all(i["section_code"] == "C" and i["level"] == "division" for i in manufacturing)
        bad = client.get(f"{API}/industries", {"level": "galaxy"})
        assert bad.status_code == 400 and "参数“level”无效" in bad.json()["detail"]  # a query parameter


class TestSchemaAndDocs:
    def test_openapi_json_lists_every_endpoint(self, wuhua):
        schema = client_for(wuhua).get(f"{API}/openapi.json").json()
        paths = set(schema["paths"])
        assert {
            f"{API}/parks",
            f"{API}/parks/{{code}}",
            f"{API}/units",
            f"{API}/industries",
            f"{API}/enterprises",
            f"{API}/enterprises/{{enterprise_id}}",
            f"{API}/projects",
            f"{API}/projects/summary",
            f"{API}/projects/{{project_id}}",
            f"{API}/projects/{{project_id}}/history",
            f"{API}/projects/{{project_id}}/file",
            f"{API}/projects/{{project_id}}/start-review",
            f"{API}/projects/{{project_id}}/return",
            f"{API}/projects/{{project_id}}/reject",
            f"{API}/projects/{{project_id}}/recognise",
            f"{API}/projects/{{project_id}}/close",
            f"{API}/claims",
            f"{API}/conflicts",
            f"{API}/conflicts/{{conflict_id}}/resolve",
        } <= paths
        create = schema["paths"][f"{API}/projects"]["post"]
        assert {"201", "403", "422"} <= set(create["responses"])
        body = schema["components"]["schemas"]["ProjectIn"]
        assert body["additionalProperties"] is False
        assert "status" not in body["properties"] and "filing_unit" not in body["properties"]
        money = body["properties"]["planned_investment_fen"]
        assert money["type"] == "integer" and money["maximum"] == 10**15

    def test_the_schema_and_docs_need_a_login(self):
        assert Client().get(f"{API}/openapi.json").status_code == 401
        assert Client().get(f"{API}/docs").status_code == 401

    def test_the_docs_page_uses_only_local_static_files(self, wuhua):
        response = client_for(wuhua).get(f"{API}/docs")
        assert response.status_code == 200
        html = response.content.decode()
        assert "/static/ninja/swagger-ui-bundle.js" in html
        external = re.findall(r"""(?:src|href)=["'](?:https?:)?//""", html)
        assert external == [] and "cdn" not in html.lower()
