"""Load the reference data shipped with Enclave (copied from public standards into parks/data/).

Used by the data migration and by `manage.py load_reference`; loading twice changes nothing.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

DATA = Path(__file__).resolve().parent / "data"

# 分级分类 defaults for assessment (editable afterwards by the city).
DEFAULT_TIERS = {
    "530102": "T1", "530103": "T1", "530111": "T1", "530112": "T1", "530114": "T1",
    "530181": "T2", "530115": "T2", "530127": "T2", "530125": "T2", "530124": "T2", "530126": "T2",
    "530113": "T3", "530128": "T3", "530129": "T3",
}  # fmt: skip
SHORT_NAMES = {
    "530126": "石林县", "530128": "禄劝县", "530129": "寻甸县", "gaoxin": "高新区", "jingkai": "经开区",
    "dianchi": "滇池度假区", "yangzonghai": "阳宗海", "dianzhong": "滇中新区",
}  # fmt: skip
PARK_EXTRA: dict[str, dict[str, Any]] = {
    "mohan": {
        "code_prefix": "MH",
        "industries": ["C", "F", "G"],
        "focus": "出口导向型加工制造（轻纺、机电、五金电器、消费电子）、跨境贸易、多式联运和运输代理、跨境物流",
        "areas": ["南坡片区"],
    },
    "lingang": {
        "code_prefix": "LG",
        "industries": ["C", "F", "I", "M"],
        "focus": "先进制造、科技研发与服务、数字经济、农产品精深加工与商贸物流",
        "host_unit": "jingkai",
        "areas": ["科技城一期"],
    },
}


def rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def load(apps: Any) -> None:
    """Create or update industries, units, parks and their areas from the CSV files."""
    Industry = apps.get_model("parks", "Industry")
    Unit = apps.get_model("parks", "Unit")
    Park = apps.get_model("parks", "Park")
    ParkArea = apps.get_model("parks", "ParkArea")

    sections: dict[str, Any] = {}
    for row in rows("gbt4754-2017.csv"):
        if row["section"] not in sections:
            sections[row["section"]], _ = Industry.objects.update_or_create(
                code=row["section"],
                defaults={"name": row["section_name"], "level": "section", "section": None},
            )
        Industry.objects.update_or_create(
            code=row["division"],
            defaults={"name": row["division_name"], "level": "division", "section": sections[row["section"]]},
        )

    for order, row in enumerate(rows("kunming-units.csv"), start=1):
        code = row["code"]
        Unit.objects.update_or_create(
            code=code,
            defaults={
                "name": row["name"],
                "short_name": SHORT_NAMES.get(code, row["name"]),
                "kind": row["kind"],
                "division_code": code if code.isdigit() else "",
                "tier": DEFAULT_TIERS.get(code, "Z"),
                "note": row["note"],
                "sort_order": order,
            },
        )

    for row in rows("key-parks.csv"):
        extra = PARK_EXTRA.get(row["code"], {})
        host = Unit.objects.filter(code=extra.get("host_unit", "")).first()
        park, _ = Park.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "short_name": row["short_name"],
                "note": row["note"],
                "code_prefix": extra.get("code_prefix", row["code"][:2].upper()),
                "focus": extra.get("focus", ""),
                "host_unit": host,
            },
        )
        if extra.get("industries"):
            park.industries.set(Industry.objects.filter(code__in=extra["industries"]))
        for area in extra.get("areas", []):
            ParkArea.objects.get_or_create(park=park, name=area)
