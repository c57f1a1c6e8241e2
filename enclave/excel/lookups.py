"""Reference data as officials write it in a cell: industries, units and parks by code, name or short name.

Each `*_options` gives the drop-down list of a template; each lookup accepts what that list offers and the
other spellings people use (a code alone, a short name), and raises CellError otherwise.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from enclave.excel import cells
from enclave.parks.models import Industry, Park, Unit


def industry_label(industry: Industry) -> str:
    return f"{industry.code} {industry.name}"


def industry_options() -> list[str]:
    return [industry_label(i) for i in Industry.objects.filter(level=Industry.DIVISION).order_by("code")]


class Lookups:
    """Reference rows loaded once per import, matched by every spelling an official might use."""

    def __init__(self) -> None:
        self.industries: dict[str, Industry] = {}
        for industry in Industry.objects.filter(level=Industry.DIVISION).select_related("section"):
            for spelling in (
                industry.code,
                industry.name,
                industry_label(industry),
                f"{industry.section_code}{industry.code}",
            ):
                self.industries[cells.folded(spelling).upper()] = industry
        self.units: dict[str, Unit] = {}
        for unit in Unit.objects.all():
            for spelling in (unit.code, unit.name, unit.short_name):
                self.units.setdefault(cells.folded(spelling).lower(), unit)
        self.parks: dict[str, Park] = {}
        for park in Park.objects.all():
            for spelling in (park.code, park.name, park.short_name, park.code_prefix):
                self.parks.setdefault(cells.folded(spelling).lower(), park)

    def industry(self, raw: Any) -> Industry:
        key = cells.folded(raw).upper()
        found = self.industries.get(key)
        if found is None and key[:2].isdigit():
            found = self.industries.get(key[:2])
        if found is None:
            raise cells.CellError(
                _("不是国民经济行业大类，请从下拉列表中选择（如“39 计算机、通信和其他电子设备制造业”）")
            )
        return found

    def unit(self, raw: Any) -> Unit:
        found = self.units.get(cells.folded(raw).lower())
        if found is None:
            raise cells.CellError(_("不是协作地单位的名称或代码，请从下拉列表中选择"))
        return found

    def park(self, raw: Any) -> Park:
        typed = cells.folded(raw).lower()
        found = self.parks.get(typed)
        if found is None and typed:  # “磨憨” for 磨憨—磨丁合作区: a part that names exactly one park
            matches = {p.pk: p for spelling, p in self.parks.items() if typed in spelling}
            found = next(iter(matches.values())) if len(matches) == 1 else None
        if found is None:
            raise cells.CellError(_("不是重点产业协作园区的名称或代码，请从下拉列表中选择"))
        return found
