from __future__ import annotations

from enclave.sharing.accounting import ProjectIndicators, table

A = ProjectIndicators(
    1, ("530102",), "mohan", {"fixed_asset_investment_fen": 100, "out_of_province_funds_fen": 40}
)
B = ProjectIndicators(
    2,
    ("530102", "530103"),
    "lingang",
    {"industrial_output_fen": 7, "foreign_capital_fen": 3, "trade_sales_fen": 5},
)


def test_four_indicators_count_in_full_for_both_places():
    t = table([A])
    assert t.by_place[("unit", "530102")]["fixed_asset_investment_fen"] == 100
    assert t.by_place[("park", "mohan")]["fixed_asset_investment_fen"] == 100
    assert t.city["fixed_asset_investment_fen"] == 100
    assert t.double_counted("fixed_asset_investment_fen") == 100


def test_out_of_province_funds_and_foreign_capital_count_to_the_cooperating_unit_only():
    t = table([A, B])
    assert t.by_place[("unit", "530102")]["out_of_province_funds_fen"] == 40
    assert t.by_place[("park", "mohan")]["out_of_province_funds_fen"] == 0
    assert t.by_place[("park", "lingang")]["foreign_capital_fen"] == 0
    assert t.by_place[("unit", "530103")]["foreign_capital_fen"] == 3


def test_the_city_counts_each_project_once_while_each_place_counts_it_in_full():
    t = table([A, B])
    assert t.city == {
        "fixed_asset_investment_fen": 100, "industrial_output_fen": 7, "trade_sales_fen": 5,
        "services_revenue_fen": 0, "out_of_province_funds_fen": 40, "foreign_capital_fen": 3,
    }  # fmt: skip
    # B has two cooperating units and a host: its output is credited three times.
    assert t.places_sum["industrial_output_fen"] == 21
    assert t.double_counted("industrial_output_fen") == 14
    assert t.double_counted("foreign_capital_fen") == 3  # two units, no park
