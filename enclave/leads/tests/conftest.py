from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from enclave.conftest import make_enterprise
from enclave.leads import services
from enclave.leads.models import Lead
from enclave.parks.models import Industry, Park, Unit


def lead_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "enterprise_name": "上海某纺织有限公司",
        "park": Park.objects.get(code="mohan"),
        "industry": Industry.objects.get(code="17"),
        "expected_investment_fen": 30_000_000_00,
        "origin_kind": "out_of_province",
        "origin": "上海市",
        "channel": "visit",
        "next_step": "约企业负责人赴磨憨考察",
    }
    data.update(overrides)
    return data


def make_lead(user: Any, *, contacted_on: dt.date = dt.date(2024, 8, 1), **overrides: Any) -> Lead:
    return services.lead_create(actor=user, data=lead_data(**overrides), contacted_on=contacted_on)


@pytest.fixture
def wuhua_enterprise(db: Any):
    return make_enterprise(name="五华登记的企业", owner_unit=Unit.objects.get(code="530102"))
