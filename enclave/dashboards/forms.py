"""The dashboard's filter bar (rendering only; reading the values is queries.DashboardFilter's job)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from enclave.dashboards.queries import DashboardScope
from enclave.parks.models import Park, Unit
from enclave.projects.forms import industry_choices

FIRST_YEAR = 2024  # the measures took effect in May 2024: no project lands earlier


def period_choices(today: dt.date) -> list[tuple[str, Any]]:
    """All years since the measures, each followed by its quarters up to today's."""
    choices: list[tuple[str, Any]] = [("", _("全部（办法实施以来）"))]
    for year in range(today.year, FIRST_YEAR - 1, -1):
        choices.append((str(year), _("%(year)s年") % {"year": year}))
        last = (today.month - 1) // 3 + 1 if year == today.year else 4
        choices.extend(
            (f"{year}Q{q}", _("%(year)s年第%(q)s季度") % {"year": year, "q": q}) for q in range(last, 0, -1)
        )
    return choices


class DashboardFilterForm(forms.Form):
    period = forms.ChoiceField(label=_("认定期间"), required=False)
    park = forms.ChoiceField(label=_("园区"), required=False)
    unit = forms.ChoiceField(label=_("协作地"), required=False)
    industry = forms.ChoiceField(label=_("行业"), required=False)

    def __init__(self, *args: Any, scope: DashboardScope, today: dt.date, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = period_choices(today)
        parks = Park.objects.all()
        units = Unit.objects.all()
        if scope.level == "park" and scope.park is not None:
            parks = parks.filter(pk=scope.park.pk)
        if scope.level == "unit" and scope.unit is not None:
            units = units.filter(pk=scope.unit.pk)
        everything = [("", _("全部"))]
        self.fields["park"].choices = (everything if scope.level != "park" else []) + [
            (p.code, p.short_name) for p in parks
        ]
        self.fields["unit"].choices = (everything if scope.level != "unit" else []) + [
            (u.code, u.name) for u in units
        ]
        self.fields["industry"].choices = everything + industry_choices(sections_selectable=True)
