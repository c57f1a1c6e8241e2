from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from enclave.land import services
from enclave.land.queries import (
    land_won_up_to,
    milestones_overdue,
    subparks_established_by,
    subparks_under_construction_at,
)
from enclave.lib.units import square_metres_from_mu
from enclave.parks.models import Park

pytestmark = pytest.mark.django_db
ESTABLISHED = dt.date(2024, 7, 1)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(dt.datetime(2025, 7, 8, 9, 0, tzinfo=dt.UTC), tick=False):
        yield


def parcel(user, **overrides):
    data = {"park": Park.objects.get(code="mohan"), "area_mu": "47.03", "auctioned_on": dt.date(2024, 7, 15),
            "price_fen": 292_000_000_00, **overrides}  # fmt: skip
    return services.parcel_create(actor=user, data=data)


def subpark(user, name="测试园中园", established_on=ESTABLISHED, **data):
    return services.subpark_create(
        actor=user,
        data={"name": name, "park": Park.objects.get(code="mohan"), "established_on": established_on, **data},
    )


class TestParcels:
    def test_area_is_kept_exactly_in_mu_and_shown_in_square_metres(self, wuhua):
        p = parcel(wuhua)
        p.refresh_from_db()
        assert p.area_mu == Decimal("47.03")
        assert square_metres_from_mu(p.area_mu).quantize(Decimal("0.01")) == Decimal("31353.33")

    @pytest.mark.parametrize("area", ["-1", "0", "12.345", "abc"])
    def test_negative_zero_too_fine_or_unreadable_areas_are_refused(self, wuhua, area):
        with pytest.raises(ValidationError) as caught:
            parcel(wuhua, area_mu=area)
        assert "area_mu" in caught.value.message_dict

    def test_a_float_area_is_read_through_its_decimal_form_never_as_binary(self, wuhua):
        assert parcel(wuhua, area_mu=52.57).area_mu == Decimal("52.57")

    def test_a_parcel_may_not_be_linked_to_another_units_sub_park(self, wuhua, panlong):
        other = subpark(panlong, "盘龙园")
        with pytest.raises(ValidationError, match="本单位"):
            parcel(wuhua, subpark=other)

    def test_only_units_record_land(self, mohan_user):
        with pytest.raises(PermissionDenied):
            parcel(mohan_user)


class TestSubParkPlans:
    def test_a_milestone_due_before_the_land_was_won_is_refused(self, wuhua):
        sp = subpark(wuhua)
        parcel(wuhua, subpark=sp)
        with pytest.raises(ValidationError, match="土地竞得日期"):
            services.milestone_add(actor=wuhua, subpark=sp, name="开工", due_on=dt.date(2024, 7, 1))

    def test_meeting_the_completion_milestone_completes_the_sub_park(self, wuhua):
        sp = subpark(wuhua)
        parcel(wuhua, subpark=sp)
        m = services.milestone_add(
            actor=wuhua, subpark=sp, name="具备使用条件", due_on=dt.date(2025, 6, 30), is_completion=True
        )
        assert list(milestones_overdue(wuhua, today=dt.date(2025, 7, 8))) == [m]
        services.milestone_done(actor=wuhua, milestone=m, done_on=dt.date(2025, 7, 5))
        sp.refresh_from_db()
        assert sp.completed_on == dt.date(2025, 7, 5)
        assert not milestones_overdue(wuhua, today=dt.date(2025, 7, 8)).exists()

    def test_a_sub_park_needs_its_date_of_establishment_not_after_today_nor_after_its_start(self, wuhua):
        mohan = Park.objects.get(code="mohan")
        with pytest.raises(ValidationError, match="设立日期"):
            services.subpark_create(actor=wuhua, data={"name": "无设立日期的园", "park": mohan})
        with pytest.raises(ValidationError, match="日期不能晚于今天"):
            subpark(wuhua, established_on=dt.date(2025, 7, 9))
        with pytest.raises(ValidationError, match="开工日期不能早于设立日期"):
            subpark(wuhua, construction_started_on=dt.date(2024, 6, 30))
        sp = subpark(wuhua, construction_started_on=dt.date(2024, 9, 1))
        with pytest.raises(ValidationError, match="开工日期不能早于设立日期"):
            services.subpark_update(actor=wuhua, subpark=sp, data={"established_on": dt.date(2024, 9, 2)})
        services.subpark_update(actor=wuhua, subpark=sp, data={"note": "改备注"})  # its date is kept
        sp.refresh_from_db()
        assert sp.established_on == ESTABLISHED

    def test_buildings_need_a_positive_floor_area(self, wuhua):
        sp = subpark(wuhua)
        with pytest.raises(ValidationError):
            services.building_add(actor=wuhua, subpark=sp, kind="factory", name="1号厂房", floor_area_m2="-3")
        b = services.building_add(
            actor=wuhua, subpark=sp, kind="factory", name="1号厂房", floor_area_m2="25900"
        )
        assert b.floor_area_m2 == Decimal("25900")


class TestBulletinQueries:
    def test_land_won_up_to_a_date_sums_per_unit(self, wuhua, panlong):
        parcel(wuhua)
        parcel(wuhua, area_mu="2.97", auctioned_on=dt.date(2025, 1, 10), price_fen=1)
        parcel(panlong, area_mu="10", auctioned_on=dt.date(2024, 12, 1), price_fen=5)
        at_2024_end = land_won_up_to(dt.date(2024, 12, 31))
        assert [(w.unit_code, w.parcels, w.area_mu) for w in at_2024_end] == [
            ("530102", 1, Decimal("47.03")),
            ("530103", 1, Decimal("10.00")),
        ]
        assert land_won_up_to(dt.date(2025, 2, 1))[0].area_mu == Decimal("50.00")
        first = land_won_up_to(dt.date(2025, 2, 1))[0]
        assert (first.parcels, first.first_won_on, first.last_won_on) == (
            2,
            dt.date(2024, 7, 15),
            dt.date(2025, 1, 10),
        )
        assert [w.unit_code for w in land_won_up_to(dt.date(2025, 2, 1), user=panlong)] == ["530103"]

    def test_sub_parks_under_construction_start_with_their_land_and_end_at_completion(self, wuhua):
        sp = subpark(wuhua)
        parcel(wuhua, subpark=sp)
        assert not subparks_under_construction_at(dt.date(2024, 7, 1)).filter(pk=sp.pk).exists()
        assert subparks_under_construction_at(dt.date(2024, 12, 1)).filter(pk=sp.pk).exists()
        services.subpark_update(actor=wuhua, subpark=sp, data={"completed_on": dt.date(2025, 6, 28)})
        assert not subparks_under_construction_at(dt.date(2025, 7, 1)).filter(pk=sp.pk).exists()

    def test_a_sub_park_is_absent_from_as_of_reads_before_it_was_set_up(self, wuhua, panlong):
        """Its land was won on 2024-07-15 but the sub-park was set up only on 2024-08-01: until then it is
        neither established nor under construction, whatever its land says."""
        sp = subpark(wuhua, established_on=dt.date(2024, 8, 1))
        parcel(wuhua, subpark=sp)
        for day in (dt.date(2024, 7, 15), dt.date(2024, 7, 31)):
            assert not subparks_established_by(day).filter(pk=sp.pk).exists()
            assert not subparks_under_construction_at(day).filter(pk=sp.pk).exists()
        assert subparks_established_by(dt.date(2024, 8, 1)).filter(pk=sp.pk).exists()
        assert subparks_under_construction_at(dt.date(2024, 8, 1)).filter(pk=sp.pk).exists()
        assert subparks_established_by(dt.date(2024, 8, 1), user=wuhua).filter(pk=sp.pk).exists()
        assert not subparks_established_by(dt.date(2024, 8, 1), user=panlong).filter(pk=sp.pk).exists()
