"""The shipped defaults (系统默认值) of the assessment: scoring items, targets and the bonus rule.

The measures publish no weights or targets, so these rows are written once by a data migration, marked
is_default, and are to be confirmed or replaced by the city (admin pages, effective-dated rows). Amounts are
in 万元 here for readability and stored in fen.
"""

from __future__ import annotations

from typing import Any

FROM_YEAR = 2024
TIERS = ("T1", "T2", "T3", "Z")
WAN = 10**6  # fen per 万元

# (source, weight, rule, cap_bp, floor_bp) — the same scheme for every tier; targets differ by tier.
QUARTER_ITEMS = (
    ("projects", 30, "pass_fail", 10000, 0),
    ("planned_investment_fen", 20, "linear", 10000, 5000),
    ("fixed_asset_investment_fen", 30, "ratio_capped", 10000, 0),
    ("out_of_province_funds_fen", 20, "ratio_capped", 10000, 0),
)
YEAR_ITEMS = (
    ("projects", 20, "ratio_capped", 10000, 0),
    ("planned_investment_fen", 15, "linear", 10000, 5000),
    ("fixed_asset_investment_fen", 20, "ratio_capped", 10000, 0),
    ("out_of_province_funds_fen", 10, "ratio_capped", 10000, 0),
    ("shared_tax_fen", 15, "ratio_capped", 10000, 0),
    ("industrial_output_fen", 10, "linear", 10000, 6000),
    ("revenue_fen", 10, "pass_fail", 10000, 0),
)
# Annual targets per tier: projects (count), then amounts in 万元.
YEAR_TARGETS: dict[str, dict[str, int]] = {
    "T1": {"projects": 4, "planned_investment_fen": 8000, "fixed_asset_investment_fen": 2500,
           "out_of_province_funds_fen": 1500, "shared_tax_fen": 2, "industrial_output_fen": 500, "revenue_fen": 150},
    "T2": {"projects": 2, "planned_investment_fen": 5000, "fixed_asset_investment_fen": 1500,
           "out_of_province_funds_fen": 800, "shared_tax_fen": 1, "industrial_output_fen": 300, "revenue_fen": 100},
    "T3": {"projects": 2, "planned_investment_fen": 4000, "fixed_asset_investment_fen": 1000,
           "out_of_province_funds_fen": 500, "shared_tax_fen": 1, "industrial_output_fen": 200, "revenue_fen": 50},
    "Z": {"projects": 3, "planned_investment_fen": 8000, "fixed_asset_investment_fen": 2500,
          "out_of_province_funds_fen": 1500, "shared_tax_fen": 2, "industrial_output_fen": 400, "revenue_fen": 150},
}  # fmt: skip
# Quarterly targets: one project a quarter, and a quarter of the annual amounts.
QUARTER_SOURCES = tuple(source for source, *_rest in QUARTER_ITEMS)
BONUS_RULE = {
    "per_project_centi": 50,  # 0.5 points per recognised project
    "bands": [[10**10, 50], [5 * 10**10, 100]],  # +0.5 from 1亿元, +1 from 5亿元 planned investment
    "cap_centi": 200,  # at most 2 points per unit and year
}
NOTE = "系统默认值，待市考核办确认"


def rows() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(scoring items, targets) as field dicts."""
    items, targets = [], []
    for tier in TIERS:
        for kind, scheme in (("quarter", QUARTER_ITEMS), ("year", YEAR_ITEMS)):
            for source, weight, rule, cap_bp, floor_bp in scheme:
                items.append({"tier": tier, "period_kind": kind, "source": source, "effective_from": FROM_YEAR,
                              "weight": weight, "rule": rule, "cap_bp": cap_bp, "floor_bp": floor_bp, "note": NOTE})  # fmt: skip
        for source, amount in YEAR_TARGETS[tier].items():
            value = amount if source == "projects" else amount * WAN
            targets.append({"tier": tier, "source": source, "quarter": 0, "effective_from": FROM_YEAR,
                            "value": value, "note": NOTE})  # fmt: skip
            if source in QUARTER_SOURCES:
                quarterly = 1 if source == "projects" else value // 4
                for quarter in (1, 2, 3, 4):
                    targets.append({"tier": tier, "source": source, "quarter": quarter,
                                    "effective_from": FROM_YEAR, "value": quarterly, "note": NOTE})  # fmt: skip
    return items, targets
