"""API of adjustments (issue 13): GET /api/v1/adjustments, POST /api/v1/adjustments,
POST /api/v1/adjustments/{id}/void."""

from __future__ import annotations

import json

import pytest

from enclave.conftest import client_for
from enclave.sharing.models import Adjustment, ClosedMonth, SettlementRun
from enclave.sharing.tests import test_adjustments as scenario

pytestmark = pytest.mark.django_db
JUNE = scenario.JUNE
ended = scenario.ended  # the fixture: shares 30:20:50 for July and August 2024, Q3 closed


def post(user, path, body, **headers):
    return client_for(user).post(f"/api/v1{path}", json.dumps(body), content_type="application/json", **headers)


def messages(response):
    return {e["field"]: e["message"] for e in response.json()["detail"]}


def body_for(project, **overrides):
    return {"project_code": project.code, "concerns_month": "2024-08", "target": "retained",
            "amount_fen": 100_001, "reason": "8月增值税更正", **overrides}  # fmt: skip


class TestAdjustmentsApi:
    def test_create_list_and_void(self, ended, city_admin):
        created = post(city_admin, "/adjustments", body_for(ended))
        assert created.status_code == 201, created.content
        adjustment = created.json()
        assert (adjustment["month"], adjustment["concerns_month"], adjustment["amount_fen"]) == (
            "2024-10-01", "2024-08-01", 100_001)  # fmt: skip
        assert adjustment["reverses_id"] is None and adjustment["voided_by_id"] is None

        voided = post(city_admin, f"/adjustments/{adjustment['id']}/void", {"reason": "金额录错"})
        assert voided.status_code == 201, voided.content
        reversal = voided.json()
        assert (reversal["amount_fen"], reversal["month"], reversal["reverses_id"]) == (
            -100_001, "2024-10-01", adjustment["id"])  # fmt: skip

        client = client_for(city_admin)
        listed = client.get(f"/api/v1/adjustments?project_code={ended.code}&month=2024-10").json()
        assert listed["count"] == 2
        by_id = {a["id"]: a for a in listed["items"]}
        assert by_id[adjustment["id"]]["voided_by_id"] == reversal["id"]
        assert client.get("/api/v1/adjustments?month=2024-11").json()["count"] == 0
        assert len(client.get("/api/v1/adjustments?limit=1&offset=1").json()["items"]) == 1

    @pytest.mark.parametrize(
        ("overrides", "field", "text"),
        [
            ({"concerns_month": "2024-06"}, "concerns_month", "不在该项目的利益分享期限内"),
            ({"concerns_month": "2024-10"}, "concerns_month", "尚未关账"),
            ({"amount_fen": 0}, "amount_fen", "非零整数分"),
            ({"reason": "  "}, "reason", ""),
        ],
    )
    def test_refusals_are_422_in_chinese_and_nothing_is_written(self, ended, city_admin, overrides, field, text):
        ClosedMonth.objects.create(month=JUNE, run=SettlementRun.objects.get(), closed_by=city_admin)
        response = post(city_admin, "/adjustments", body_for(ended, **overrides))
        assert response.status_code == 422, response.content
        found = messages(response)
        key = next(k for k in found if k.endswith(field))
        assert text in found[key] and any("\u4e00" <= ch <= "\u9fff" for ch in found[key])
        assert not Adjustment.objects.exists()

    @pytest.mark.parametrize("amount", [1000.5, 12.345, "100", True])
    def test_an_amount_that_is_not_whole_fen_is_refused(self, ended, city_admin, amount):
        response = post(city_admin, "/adjustments", body_for(ended, amount_fen=amount))
        assert response.status_code == 422
        assert any("\u4e00" <= ch <= "\u9fff" for ch in response.content.decode())
        assert not Adjustment.objects.exists()

    def test_a_void_of_a_void_and_a_second_void_are_refused(self, ended, city_admin):
        adjustment = post(city_admin, "/adjustments", body_for(ended)).json()
        reversal = post(city_admin, f"/adjustments/{adjustment['id']}/void", {"reason": "录错"}).json()
        again = post(city_admin, f"/adjustments/{adjustment['id']}/void", {"reason": "再次"})
        assert again.status_code == 422 and "不能重复作废" in messages(again)["adjustment"]
        void_of_void = post(city_admin, f"/adjustments/{reversal['id']}/void", {"reason": "撤销"})
        assert void_of_void.status_code == 422 and "不能再作废" in messages(void_of_void)["adjustment"]
        assert Adjustment.objects.count() == 2
        assert post(city_admin, "/adjustments/999999/void", {"reason": "x"}).status_code == 404

    def test_only_the_city_reads_and_only_its_administrator_writes(self, ended, city_admin, wuhua, mohan_user):
        assert client_for(wuhua).get("/api/v1/adjustments").status_code == 403
        assert post(mohan_user, "/adjustments", body_for(ended)).status_code in (403, 404)
        adjustment = Adjustment.objects.create(
            project=ended, month=JUNE, concerns_month=JUNE, target="retained", amount_fen=1, reason="x",
            created_by=city_admin,
        )  # fmt: skip
        assert post(wuhua, f"/adjustments/{adjustment.pk}/void", {"reason": "x"}).status_code == 403
        assert not Adjustment.objects.filter(reverses=adjustment).exists()

    def test_an_idempotency_key_replays_the_first_answer(self, ended, city_admin):
        first = post(city_admin, "/adjustments", body_for(ended), HTTP_IDEMPOTENCY_KEY="adj-1")
        again = post(city_admin, "/adjustments", body_for(ended), HTTP_IDEMPOTENCY_KEY="adj-1")
        assert first.status_code == again.status_code == 201
        assert again["Idempotent-Replayed"] == "true" and again.json()["id"] == first.json()["id"]
        assert Adjustment.objects.count() == 1
