"""Statistical accounting (数据核算): which place is credited with which indicator, as plain rules.

Four indicators count in full for both the cooperating unit(s) and the host park (全额双核算); out-of-province
funds and foreign capital count to the cooperating unit(s) only. Units' and parks' tables therefore add up
to more than the city: the city total counts each project once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from enclave.sharing.models import INDICATORS

BOTH = tuple(field for field, _name, both in INDICATORS if both)
COOPERATING_ONLY = tuple(field for field, _name, both in INDICATORS if not both)
FIELDS = tuple(field for field, _name, _both in INDICATORS)
NAMES = {field: name for field, name, _both in INDICATORS}


@dataclass(frozen=True)
class ProjectIndicators:
    """One project's indicator totals over a period, with the places it belongs to."""

    project_id: int
    unit_codes: tuple[str, ...]  # cooperating units (协作地)
    park_code: str  # host park (承载地)
    values: dict[str, int]


@dataclass(frozen=True)
class Credit:
    place_kind: str  # "unit" | "park"
    place_code: str
    project_id: int
    field: str
    amount_fen: int


def credits(project: ProjectIndicators) -> list[Credit]:
    """Every credit one project gives, by the rules above."""
    out = []
    for field in FIELDS:
        amount = project.values.get(field, 0)
        if not amount:
            continue
        for unit in project.unit_codes:
            out.append(Credit("unit", unit, project.project_id, field, amount))
        if field in BOTH:
            out.append(Credit("park", project.park_code, project.project_id, field, amount))
    return out


@dataclass(frozen=True)
class Table:
    """Per place and indicator, plus the city total that counts each project once."""

    by_place: dict[tuple[str, str], dict[str, int]]  # (kind, code) → field → fen
    city: dict[str, int]
    places_sum: dict[str, int]  # what the places add up to (double counted)

    def double_counted(self, field: str) -> int:
        """How much the places' sum exceeds the city total: the effect of double accounting."""
        return self.places_sum.get(field, 0) - self.city.get(field, 0)


def table(projects: Iterable[ProjectIndicators]) -> Table:
    by_place: dict[tuple[str, str], dict[str, int]] = {}
    city = dict.fromkeys(FIELDS, 0)
    places_sum = dict.fromkeys(FIELDS, 0)
    for project in projects:
        for field in FIELDS:
            city[field] += project.values.get(field, 0)
        for credit in credits(project):
            row = by_place.setdefault((credit.place_kind, credit.place_code), dict.fromkeys(FIELDS, 0))
            row[credit.field] += credit.amount_fen
            places_sum[credit.field] += credit.amount_fen
    return Table(by_place=by_place, city=city, places_sum=places_sum)
