"""Issue 4's "done when" on the demo: 五华区's funnel for its sub-park gives the seed's figures, overdue
items appear on the attention page, the resource library holds offers of both parks and of the 五华 and
禄劝 sub-parks, and a 五华 lead's page suggests its own sub-park's factory."""

from __future__ import annotations

import datetime as dt
import json
from io import StringIO
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

from enclave.accounts.models import User
from enclave.conftest import client_for
from enclave.land.models import Resource
from enclave.leads.demo import WUHUA_SUBPARK
from enclave.leads.models import Lead
from enclave.leads.queries import funnel_for
from enclave.parks.models import SubPark

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="class")
def demo(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any) -> Any:
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=tmp_path_factory.mktemp("media")),
        transaction.atomic(),
    ):
        call_command("demo", stdout=StringIO())
        yield
        transaction.set_rollback(True)


def demo_user(username: str) -> User:
    user = User.objects.get(username=username)
    User.objects.filter(pk=user.pk).update(must_change_password=False)
    user.refresh_from_db()
    return user


@pytest.mark.usefixtures("demo")
class TestIssueFourOnTheDemo:
    def test_the_funnel_of_wuhua_for_its_sub_park_shows_the_seed_figures(self):
        subpark = SubPark.objects.get(name=WUHUA_SUBPARK)
        result = funnel_for(None, unit_code="530102", subpark_id=subpark.pk, end=dt.date(2025, 5, 8))
        assert result.counts["contacted"] >= 100
        assert result.counts["intending"] == 23 and result.counts["filed"] == 3
        assert result.counts["signed"] == 1
        assert result.visits == 7 and result.visit_enterprises >= 30
        out = StringIO()
        call_command(
            "funnel", "--unit", "530102", "--park", "mohan", "--to", "2025-05-08", "--json", stdout=out
        )
        printed = json.loads(out.getvalue())
        assert (printed["intending"], printed["filed"], printed["agreements"], printed["visits"]) == (
            23,
            3,
            1,
            7,
        )
        assert printed["contacted"] >= 100 and printed["visit_enterprises"] >= 30

    def test_overdue_items_appear_on_the_attention_page(self):
        with time_machine.travel(dt.datetime(2025, 7, 8, 9, 0, tzinfo=dt.UTC), tick=False):
            client = client_for(demo_user("wuhua"))
            milestones = client.get("/leads/attention/", {"kind": "milestone"}).content.decode()
            leads = client.get("/leads/attention/", {"kind": "lead"}).content.decode()
        assert "具备使用条件" in milestones and "2025-06-30" in milestones  # ready for use by then: not met
        assert "（示例）" in leads and "电话回访" in leads  # leads whose next step is past

    def test_the_library_offers_space_in_both_parks_and_both_sub_parks(self):
        offers = Resource.objects.filter(is_sample=True)
        assert set(offers.values_list("park__code", flat=True)) == {"mohan", "lingang"}
        assert set(offers.exclude(subpark=None).values_list("subpark__name", flat=True)) == {
            WUHUA_SUBPARK,
            "禄劝县磨憨标准厂房园区",
        }
        assert set(offers.values_list("kind", flat=True)) == {"land", "factory", "office"}

    def test_a_wuhua_textile_lead_is_offered_its_sub_parks_factory_first(self):
        lead = Lead.objects.filter(unit__code="530102", stage="intending", industry__code="17").first()
        assert lead is not None
        with time_machine.travel(dt.datetime(2025, 5, 8, 9, 0, tzinfo=dt.UTC), tick=False):
            body = client_for(demo_user("wuhua")).get(f"/leads/{lead.pk}/").content.decode()
        section = body[body.index("资源库匹配建议") :]
        assert section.index("五华产业园2号标准厂房") < section.index("禄劝园区1号标准厂房")
        assert "位于目标园中园（云南五华产业园磨憨园区）" in section
