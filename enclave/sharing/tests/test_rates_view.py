"""/sharing/rates/: the retention rates' history (filter, pages, xlsx) and the change form."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest

from enclave.conftest import client_for
from enclave.sharing.models import RetentionRate, TaxType

pytestmark = pytest.mark.django_db
URL = "/sharing/rates/"


def change_post(client, **overrides):
    data = {"action": "change", "change-tax_type": str(TaxType.objects.get(code="vat").pk),
            "change-from_month": "2024-07", "change-rate_percent": "25", "change-reason": "市财政局通知调整"}  # fmt: skip
    data.update({f"change-{k}": v for k, v in overrides.items()})
    return client.post(URL, data)


class TestRatesPage:
    def test_every_business_role_reads_the_months_the_default_marker_and_the_note(self, wuhua):
        text = client_for(wuhua).get(URL).content.decode()
        assert "增值税" in text and "2024-01" in text and "默认值" in text and "须与市财政局确认" in text
        assert "调整留成比例" not in text  # the form is the city administrator's

    def test_the_city_administrator_changes_a_rate_from_a_month_on(self, city_admin):
        client = client_for(city_admin)
        response = change_post(client, rate_percent="25.5")
        assert response.status_code == 302
        rows = list(RetentionRate.objects.filter(tax_type__code="vat").order_by("effective_from")
                    .values_list("effective_to", "rate_bp"))  # fmt: skip
        assert rows == [(dt.date(2024, 6, 1), 2000), (None, 2550)]
        text = client.get(URL + "?tax=vat").content.decode()
        assert "25.5%" in text and "市财政局通知调整" in text and "2024-06" in text

    def test_a_refusal_stands_at_its_field_and_keeps_what_was_typed(self, city_admin):
        response = change_post(client_for(city_admin), rate_percent="20")
        assert response.status_code == 200
        text = response.content.decode()
        assert "无需调整" in text and "市财政局通知调整" in text
        response = change_post(client_for(city_admin), rate_percent="12.345")
        assert response.status_code == 200 and "12.345" in response.content.decode()
        assert RetentionRate.objects.count() == 4

    def test_other_roles_cannot_change_a_rate(self, reviewer, auditor, mohan_user):
        for user in (reviewer, auditor, mohan_user):
            assert change_post(client_for(user)).status_code == 403
        assert RetentionRate.objects.count() == 4

    def test_adding_an_overlapping_row_names_the_change_form(self, city_admin):
        response = client_for(city_admin).post(URL, {
            "tax_type": TaxType.objects.get(code="vat").pk, "effective_from": "2025-01", "rate_percent": "25"})  # fmt: skip
        assert "调整留成比例" in response.content.decode() and "重叠" in response.content.decode()

    def test_the_filter_keeps_one_tax_type_and_the_export_follows_it(self, city_admin, auditor):
        change_post(client_for(city_admin))
        text = client_for(auditor).get(URL + "?tax=vat").content.decode()
        assert "增值税" in text and "企业所得税</td>" not in text
        response = client_for(auditor).get(URL + "?tax=vat&format=xlsx")
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        rows = [r for r in sheet.iter_rows(values_only=True) if r[0] == "增值税"]
        assert [(r[1], r[2], r[3]) for r in rows] == [("2024-07", "长期", 25), ("2024-01", "2024-06", 20)]
        assert "增值税" in str(sheet["A1"].value) or "增值税" in str(sheet["A2"].value)

    def test_the_list_pages(self, city_admin, wuhua):
        vat = TaxType.objects.get(code="vat")
        RetentionRate.objects.filter(tax_type=vat).update(effective_to=dt.date(2024, 1, 1))
        RetentionRate.objects.bulk_create(
            RetentionRate(tax_type=vat, effective_from=dt.date(2024 + i // 12, i % 12 + 1, 1),
                          effective_to=dt.date(2024 + i // 12, i % 12 + 1, 1), rate_bp=2000 + i)
            for i in range(1, 40)
        )  # fmt: skip
        client = client_for(wuhua)
        assert "第 1 / 3 页" in client.get(URL).content.decode()
        first, second = (client.get(URL + f"?tax=vat&page={n}").content.decode() for n in (1, 2))
        assert "第 1 / 2 页" in first and "2027-03" in first and "2024-01" not in first
        assert "2024-01" in second and "企业所得税</td>" not in second
