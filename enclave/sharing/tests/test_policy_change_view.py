"""/sharing/policies/change/: the city administrator changes a sharing default from a day on."""

from __future__ import annotations

import datetime as dt

import pytest

from enclave.conftest import client_for
from enclave.projects.models import SharingPolicy

pytestmark = pytest.mark.django_db
URL = "/sharing/policies/change/"


def form(**overrides):
    data = {"rule": "relocation:voluntary", "from_date": "2025-01-01", "cooperating_percent": "40",
            "host_percent": "60", "duration_months": "", "start_event": "", "cap_years_before_move": "",
            "extension_months": "", "reason": "市政府新政策"}  # fmt: skip
    return {**data, **overrides}


class TestPolicyChangePage:
    def test_the_city_administrator_changes_a_default_and_lands_on_the_defaults(self, city_admin):
        client = client_for(city_admin)
        assert "企业自主流转" in client.get(URL).content.decode()
        response = client.post(URL, form())
        assert response.status_code == 302 and response["Location"] == "/parks/"
        rows = SharingPolicy.objects.filter(relocation_class="voluntary").order_by("effective_from")
        assert [(p.effective_to, p.cooperating_bp, p.host_bp, p.duration_months) for p in rows] == [
            (dt.date(2024, 12, 31), 3000, 7000, 36), (None, 4000, 6000, 36)]  # fmt: skip
        page = client.get("/parks/").content.decode()
        assert "市政府新政策" in page and URL in page

    def test_a_refusal_stands_at_its_field_and_keeps_what_was_typed(self, city_admin):
        response = client_for(city_admin).post(URL, form(host_percent="50"))
        text = response.content.decode()
        assert response.status_code == 200 and "之和应为10000基点" in text and "市政府新政策" in text
        response = client_for(city_admin).post(URL, form(from_date="2024-05-01"))
        assert "同一天不能再调整" in response.content.decode()
        assert SharingPolicy.objects.count() == 10

    def test_other_roles_cannot_open_it(self, reviewer, wuhua, auditor):
        for user in (reviewer, wuhua, auditor):
            assert client_for(user).get(URL).status_code == 403
            assert client_for(user).post(URL, form()).status_code == 403
        assert SharingPolicy.objects.count() == 10

    def test_the_period_terms_change_on_the_page(self, city_admin):
        client = client_for(city_admin)
        data = form(cooperating_percent="", host_percent="", cap_years_before_move="3", extension_months="24")
        assert client.post(URL, data).status_code == 302
        row = SharingPolicy.objects.get(relocation_class="voluntary", effective_to=None)
        assert (row.cap_years_before_move, row.extension_months, row.start_event) == (3, 24, "move")
        page = client.get("/parks/").content.decode()
        assert "搬迁前3年纳税额" in page and "搬迁月份" in page and "承载地未投入" in page
