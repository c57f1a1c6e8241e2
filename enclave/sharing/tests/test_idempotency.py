"""Check 24: idempotency keys on money-relevant API calls, and one settlement run under concurrency.

Same key + same request: the first response again (Idempotent-Replayed), nothing created. Same key +
different request: a 422 with a Chinese message, nothing created. A refused first call keeps nothing, so
the corrected call may reuse the key. On PostgreSQL, two connections at once with one key make one report,
and two connections settling the same period make one run with one set of ledger rows."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test import Client

from enclave.audit.models import Event
from enclave.conftest import make_recognised
from enclave.sharing import services
from enclave.sharing.models import (
    IdempotentRequest,
    MonthlyReport,
    SettlementLine,
    SettlementRun,
    SettlementShare,
)

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _post(client, url, body, key=None, method="post"):
    extra = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return getattr(client, method)(url, body, content_type="application/json", **extra)


@pytest.fixture
def project(wuhua, reviewer):
    return make_recognised(wuhua, reviewer)


def _report(project, month="2024-08", vat=1_000_000):
    return {"project_code": project.code, "month": month, "taxes": {"vat": vat}}


class TestReportCreate:
    def test_the_same_key_and_payload_returns_the_first_result_and_creates_nothing(self, project, mohan_user):
        park = client_for(mohan_user)
        first = _post(park, "/api/v1/reports", _report(project), key="r-2024-08-a")
        assert first.status_code == 201, first.content
        events = Event.objects.filter(object_type="sharing.monthlyreport").count()
        again = _post(park, "/api/v1/reports", _report(project), key="r-2024-08-a")
        assert again.status_code == 201 and again.json() == first.json()
        assert again["Idempotent-Replayed"] == "true"
        assert MonthlyReport.objects.count() == 1
        assert Event.objects.filter(object_type="sharing.monthlyreport").count() == events

    def test_key_order_and_spacing_of_the_json_do_not_matter(self, project, mohan_user):
        park = client_for(mohan_user)
        _post(park, "/api/v1/reports", _report(project), key="k1")
        body = '{"taxes": {"vat": 1000000},   "month": "2024-08", "project_code": "%s"}' % project.code
        again = park.post("/api/v1/reports", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k1")
        assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"

    def test_the_same_key_with_another_payload_is_refused_in_chinese(self, project, mohan_user):
        park = client_for(mohan_user)
        _post(park, "/api/v1/reports", _report(project), key="k2")
        other = _post(park, "/api/v1/reports", _report(project, month="2024-09"), key="k2")
        assert other.status_code == 422
        assert "幂等键" in other.json()["detail"][0]["message"]
        assert MonthlyReport.objects.count() == 1

    def test_a_refused_call_keeps_nothing_so_the_corrected_call_may_reuse_its_key(self, project, mohan_user):
        park = client_for(mohan_user)
        bad = _post(park, "/api/v1/reports", _report(project, vat=-5), key="k3")
        assert bad.status_code == 422
        assert not IdempotentRequest.objects.filter(key="k3").exists()
        good = _post(park, "/api/v1/reports", _report(project), key="k3")
        assert good.status_code == 201

    def test_keys_belong_to_their_user(self, project, mohan_user, city_admin):
        first = _post(client_for(mohan_user), "/api/v1/reports", _report(project), key="shared")
        other = _post(client_for(city_admin), "/api/v1/reports", _report(project), key="shared")
        assert first.status_code == 201
        assert other.status_code == 422 and "已存在" in other.content.decode()  # not the park's stored result

    def test_a_malformed_key_is_refused(self, project, mohan_user):
        response = _post(client_for(mohan_user), "/api/v1/reports", _report(project), key="x" * 101)
        assert response.status_code == 422 and "幂等键" in response.content.decode()
        assert MonthlyReport.objects.count() == 0

    def test_without_a_key_nothing_changes(self, project, mohan_user):
        park = client_for(mohan_user)
        assert _post(park, "/api/v1/reports", _report(project)).status_code == 201
        assert (
            _post(park, "/api/v1/reports", _report(project)).status_code == 422
        )  # the usual duplicate refusal


class TestOtherMoneyCalls:
    def test_report_update_bulk_and_settlement_run_replay(self, project, mohan_user, city_admin):
        park = client_for(mohan_user)
        created = _post(park, "/api/v1/reports", _report(project))
        report_id = created.json()["id"]
        patch = _post(
            park, f"/api/v1/reports/{report_id}", {"taxes": {"vat": 2_000_000}}, key="u1", method="patch"
        )
        events = Event.objects.count()
        again = _post(
            park, f"/api/v1/reports/{report_id}", {"taxes": {"vat": 2_000_000}}, key="u1", method="patch"
        )
        assert patch.status_code == again.status_code == 200 and again["Idempotent-Replayed"] == "true"
        assert Event.objects.count() == events
        bulk = {"reports": [_report(project, month="2024-09"), _report(project, month="2024-10")]}
        assert _post(park, "/api/v1/reports/bulk", bulk, key="b1").status_code == 201
        assert _post(park, "/api/v1/reports/bulk", bulk, key="b1")["Idempotent-Replayed"] == "true"
        assert MonthlyReport.objects.count() == 3
        city = client_for(city_admin)
        run = _post(city, "/api/v1/settlements/run", {"period": "2024Q3"}, key="run-2024Q3")
        assert run.status_code == 200 and run.json()["created"] is True
        replayed = _post(city, "/api/v1/settlements/run", {"period": "2024Q3"}, key="run-2024Q3")
        assert replayed.json() == run.json()  # the first result, "created": true, replayed
        assert SettlementRun.objects.count() == 1
        changed = _post(city, "/api/v1/settlements/run", {"period": "2024Q4"}, key="run-2024Q3")
        assert changed.status_code == 422 and SettlementRun.objects.count() == 1


def test_settlement_runs_are_the_same_run_when_repeated(project, mohan_user, city_admin):
    services.report_create(actor=mohan_user, project=project, month=__import__("datetime").date(2024, 8, 1),
                           taxes={"vat": 1_000_000}, values={})  # fmt: skip
    first = services.settlement_run(actor=city_admin, period="2024Q3")
    second = services.settlement_run(actor=city_admin, period="2024Q3")
    assert first.created and not second.created and first.run.pk == second.run.pk
    assert SettlementRun.objects.count() == 1 and SettlementLine.objects.count() == 1


needs_pg = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs two real connections (PostgreSQL)"
)


def _at_once(*actions):
    barrier = threading.Barrier(len(actions))
    results: list = [None] * len(actions)

    def run(i, action):
        from django.db import connections

        try:
            barrier.wait()
            results[i] = action()
        except Exception as exc:  # noqa: BLE001 - reported by the assertion below
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


@needs_pg
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_connections_settling_one_period_make_one_run_and_one_ledger(
    wuhua, reviewer, mohan_user, city_admin
):
    import datetime as dt

    project = make_recognised(wuhua, reviewer)
    for month in (7, 8, 9):
        services.report_create(actor=mohan_user, project=project, month=dt.date(2024, month, 1),
                               taxes={"vat": 1_000_000 + month}, values={})  # fmt: skip
    results = _at_once(
        *(lambda: services.settlement_run(actor=city_admin, period="2024Q3") for _ in range(2))
    )
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sorted(r.created for r in results) == [False, True]
    assert results[0].run.pk == results[1].run.pk
    assert SettlementRun.objects.count() == 1
    assert SettlementLine.objects.count() == 3
    assert SettlementShare.objects.filter(line__run=results[0].run).count() == 6
    assert Event.objects.filter(object_type="sharing.settlementrun", verb="create").count() == 1


@needs_pg
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_connections_with_one_key_make_one_report(wuhua, reviewer, mohan_user):
    project = make_recognised(wuhua, reviewer)

    def call():
        return _post(client_for(mohan_user), "/api/v1/reports", _report(project), key="concurrent-key")

    results = _at_once(call, call)
    assert not [r for r in results if isinstance(r, Exception)], results
    assert [r.status_code for r in results] == [201, 201]
    assert results[0].json() == results[1].json()
    assert MonthlyReport.objects.count() == 1
