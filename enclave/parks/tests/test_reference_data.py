"""The reference data shipped in migrations matches the public standards in parks/data/."""

from __future__ import annotations

import pytest
from django.apps import apps

from enclave.lib.codes import normalise_division_code, normalise_unit_code
from enclave.parks import reference
from enclave.parks.models import Industry, Park, ParkArea, SubPark, Unit
from enclave.projects.models import SharingPolicy

pytestmark = pytest.mark.django_db

# GB/T 2260 county-level codes of Kunming (昆明市, 5301).
KUNMING_DIVISIONS = {
    "530102": "五华区", "530103": "盘龙区", "530111": "官渡区", "530112": "西山区", "530113": "东川区",
    "530114": "呈贡区", "530115": "晋宁区", "530124": "富民县", "530125": "宜良县", "530126": "石林彝族自治县",
    "530127": "嵩明县", "530128": "禄劝彝族苗族自治县", "530129": "寻甸回族彝族自治县", "530181": "安宁市",
}  # fmt: skip
ZONES = {"gaoxin", "jingkai", "dianchi", "yangzonghai", "dianzhong"}


class TestIndustries:
    def test_every_section_and_division_of_the_csv_is_loaded(self):
        rows = reference.rows("gbt4754-2017.csv")
        sections = {row["section"] for row in rows}
        divisions = {row["division"] for row in rows}
        assert (len(sections), len(divisions)) == (20, 97)
        assert Industry.objects.filter(level=Industry.SECTION).count() == 20
        assert Industry.objects.filter(level=Industry.DIVISION).count() == 97
        assert Industry.objects.count() == 117

    def test_each_division_hangs_under_its_section(self):
        for row in reference.rows("gbt4754-2017.csv"):
            division = Industry.objects.select_related("section").get(code=row["division"])
            assert division.name == row["division_name"]
            assert division.section.code == row["section"] and division.section.name == row["section_name"]
        assert not Industry.objects.filter(level=Industry.DIVISION, section__isnull=True).exists()


class TestUnits:
    def test_nineteen_units_fourteen_with_their_gbt2260_codes_and_five_zones(self):
        assert Unit.objects.count() == 19
        counties = {u.code: u for u in Unit.objects.exclude(code__in=ZONES)}
        assert {code: u.name for code, u in counties.items()} == KUNMING_DIVISIONS
        for code, unit in counties.items():
            assert normalise_division_code(code) == code == unit.division_code
        for unit in Unit.objects.filter(code__in=ZONES):
            assert normalise_unit_code(unit.code) == unit.code and unit.division_code == ""

    def test_every_unit_code_passes_the_unit_code_rule(self):
        for code in Unit.objects.values_list("code", flat=True):
            assert normalise_unit_code(code) == code

    @pytest.mark.parametrize(
        ("code", "tier"),
        [("530102", "T1"), ("530181", "T2"), ("530113", "T3"), ("gaoxin", "Z"), ("jingkai", "Z")],
    )
    def test_default_assessment_tiers(self, code, tier):
        assert Unit.objects.get(code=code).tier == tier

    def test_tier_names_read_as_the_measures_write_them(self):
        assert Unit.objects.get(code="530102").get_tier_display() == "一类（主城区）"
        assert Unit.objects.get(code="gaoxin").get_tier_display() == "开发（度假）区及滇中新区"


class TestParks:
    def test_mohan_and_lingang_with_their_code_prefixes(self):
        assert dict(Park.objects.values_list("code", "code_prefix")) == {"mohan": "MH", "lingang": "LG"}

    def test_lingang_is_co_built_by_the_economic_development_zone(self):
        assert Park.objects.get(code="lingang").host_unit.code == "jingkai"
        assert Park.objects.get(code="mohan").host_unit is None

    def test_positioning_and_areas(self):
        mohan = Park.objects.get(code="mohan")
        assert set(mohan.industries.values_list("code", flat=True)) == {"C", "F", "G"}
        assert list(ParkArea.objects.filter(park=mohan).values_list("name", flat=True)) == ["南坡片区"]
        assert mohan.fits_positioning(Industry.objects.get(code="17"))
        assert not mohan.fits_positioning(Industry.objects.get(code="83"))

    def test_the_wuhua_sub_park_sits_in_mohans_nanpo_area(self):
        subpark = SubPark.objects.get(name="云南五华产业园磨憨园区")
        assert (subpark.unit.code, subpark.park.code, subpark.area.name) == ("530102", "mohan", "南坡片区")


class TestSharingDefaults:
    def test_the_shipped_ratios_are_marked_as_defaults_and_add_up(self):
        policies = list(SharingPolicy.objects.all())
        assert len(policies) == 10  # six kinds and classes, and host co-invested / no input for both new kinds
        for policy in policies:
            assert policy.is_default
            assert policy.cooperating_bp + policy.host_bp == 10_000


class TestLoading:
    def test_loading_twice_changes_nothing(self):
        counts = [m.objects.count() for m in (Industry, Unit, Park, ParkArea)]
        reference.load(apps)
        assert [m.objects.count() for m in (Industry, Unit, Park, ParkArea)] == counts
