"""projects.services.policy_change: a sharing default changes from a day on, in one step, history kept."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from enclave.audit.models import Event, Verb
from enclave.conftest import make_recognised
from enclave.projects import services
from enclave.projects.models import SharingPolicy

pytestmark = pytest.mark.django_db
NEW_YEAR = dt.date(2025, 1, 1)


@pytest.fixture
def new_domestic():
    return SharingPolicy.objects.get(kind="new_domestic", host_contribution="")


def change(actor, policy, from_date=NEW_YEAR, reason="市政府新政策", **values):
    return services.policy_change(
        actor=actor, policy=policy, from_date=from_date, values=values or {"duration_months": 36}, reason=reason
    )


def refused(field, match, call):
    rows, events = list(SharingPolicy.objects.values_list("pk", "effective_to")), Event.objects.count()
    with pytest.raises(ValidationError) as caught:
        call()
    assert any(match in m for m in caught.value.message_dict.get(field, [])), caught.value.message_dict
    assert list(SharingPolicy.objects.values_list("pk", "effective_to")) == rows
    assert Event.objects.count() == events


class TestPolicyChange:
    def test_the_running_row_ends_the_day_before_and_the_new_row_copies_every_other_field(
        self, city_admin, new_domestic
    ):
        new = change(city_admin, new_domestic, cooperating_bp=4000, host_bp=6000)
        new_domestic.refresh_from_db()
        assert new_domestic.effective_to == dt.date(2024, 12, 31)
        assert (new.effective_from, new.effective_to, new.cooperating_bp, new.host_bp) == (NEW_YEAR, None, 4000, 6000)
        assert not new.is_default and new.note == "市政府新政策"
        set_by_the_change = {"id", "effective_from", "effective_to", "cooperating_bp", "host_bp", "is_default", "note"}
        for field in SharingPolicy._meta.concrete_fields:  # also fields added after this test was written
            if field.name not in set_by_the_change:
                assert getattr(new, field.attname) == getattr(new_domestic, field.attname), field.name

    def test_one_audit_row_with_the_reason(self, city_admin, new_domestic):
        events = Event.objects.count()
        new = change(city_admin, new_domestic)
        assert Event.objects.count() == events + 1
        event = Event.objects.latest("id")
        assert (event.verb, event.reason, event.object_id) == (Verb.UPDATE, "市政府新政策", str(new.pk))
        assert event.before["in_force"]["duration_months"] == 60
        assert event.after["ended"]["effective_to"] == "2024-12-31" and event.after["started"]["duration_months"] == 36

    def test_recognitions_after_the_day_use_the_new_row(self, city_admin, new_domestic, wuhua, reviewer):
        new = change(city_admin, new_domestic, from_date=dt.date(2024, 6, 1))
        project = make_recognised(wuhua, reviewer)  # recognised 2024-06-20
        assert project.agreement.policy_id == new.pk

    def test_refusals_write_nothing(self, city_admin, new_domestic):
        refused("reason", "必须填写原因", lambda: change(city_admin, new_domestic, reason=""))
        refused("__all__", "无需调整", lambda: change(city_admin, new_domestic, duration_months=60))
        refused("host_bp", "之和", lambda: change(city_admin, new_domestic, cooperating_bp=6000))
        refused("cooperating_bp", "0到10000", lambda: change(city_admin, new_domestic, cooperating_bp=10001,
                                                               host_bp=-1))  # fmt: skip
        refused("duration_months", "1到600", lambda: change(city_admin, new_domestic, duration_months=0))
        refused("kind", "不能通过调整修改", lambda: change(city_admin, new_domestic, kind="new_abroad"))
        refused("from_date", "没有生效的默认比例", lambda: change(city_admin, new_domestic, from_date=dt.date(2024, 1, 1)))

    def test_the_running_rows_own_first_day_names_the_next_day(self, city_admin, new_domestic):
        refused("from_date", "请选择2024-05-02或更晚", lambda: change(city_admin, new_domestic,
                                                                  from_date=dt.date(2024, 5, 1)))  # fmt: skip

    def test_a_day_before_a_recognition_under_the_running_row_is_refused(
        self, city_admin, new_domestic, wuhua, reviewer
    ):
        project = make_recognised(wuhua, reviewer)  # recognised 2024-06-20 under the shipped default
        assert project.agreement.policy_id == new_domestic.pk
        refused("from_date", "最早为2024-06-21", lambda: change(city_admin, new_domestic, from_date=dt.date(2024, 6, 1)))
        change(city_admin, new_domestic, from_date=dt.date(2024, 6, 21))

    def test_only_the_city_administrator_changes_a_default(self, reviewer, auditor, new_domestic):
        for user in (reviewer, auditor):
            with pytest.raises(PermissionDenied):
                change(user, new_domestic)
        assert SharingPolicy.objects.count() == 10
