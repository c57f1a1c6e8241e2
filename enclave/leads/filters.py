"""Which leads and visits a list shows: the page, its Excel export and the API share one filter each.

Parameters come from a query string and are read strictly: a malformed or unknown value is a 400 page
naming the parameter (enclave.query_params). Scope is decided by the caller's `*_visible_to` queryset.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import asdict, dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from enclave import query_params as qp
from enclave.leads.models import Channel, Lead, Visit
from enclave.leads.pipeline import Stage
from enclave.lib import params as parse
from enclave.parks.models import Park, SubPark, Unit


def text_param(params: Mapping[str, object], key: str, limit: int = 60) -> str:
    return qp.text(params, key, limit)


def date_param(params: Mapping[str, object], key: str) -> dt.date | None:
    return qp.param(params, key, parse.day)


def id_param(params: Mapping[str, object], key: str) -> int | None:
    return qp.param(params, key, parse.object_id)


def code_param(params: Mapping[str, object], key: str) -> str:
    return qp.param(params, key, parse.code, "")


def _park_name(code: str) -> str:
    park = Park.objects.filter(code=code).first()
    return park.short_name if park else code


@dataclass(frozen=True)
class LeadFilter:
    stage: str = ""
    unit: str = ""  # unit code (city and park users)
    park: str = ""  # park code
    subpark: int | None = None
    industry: str = ""  # section letter or division code
    channel: str = ""
    overdue: bool = False  # open leads whose next step date has passed
    date_from: dt.date | None = None  # of the first contact
    date_to: dt.date | None = None
    q: str = ""

    @classmethod
    def from_params(cls, params: Mapping[str, object]) -> LeadFilter:
        return cls(
            stage=qp.choice(params, "stage", Stage.LABELS),
            unit=code_param(params, "unit"),
            park=code_param(params, "park"),
            subpark=id_param(params, "subpark"),
            industry=qp.param(params, "industry", parse.industry, ""),
            channel=qp.choice(params, "channel", Channel.values),
            overdue=qp.flag(params, "overdue"),
            date_from=date_param(params, "from"),
            date_to=date_param(params, "to"),
            q=text_param(params, "q", 100),
        )

    def apply(self, qs: QuerySet[Lead], *, today: dt.date | None = None) -> QuerySet[Lead]:
        if self.stage:
            qs = qs.filter(stage=self.stage)
        if self.unit:
            qs = qs.filter(unit__code=self.unit)
        if self.park:
            qs = qs.filter(park__code=self.park)
        if self.subpark:
            qs = qs.filter(subpark_id=self.subpark)
        if self.industry:
            qs = qs.filter(Q(industry__code=self.industry) | Q(industry__section__code=self.industry))
        if self.channel:
            qs = qs.filter(channel=self.channel)
        if self.overdue and today:
            qs = qs.filter(stage__in=Stage.OPEN, next_step_on__lt=today)
        if self.date_from:
            qs = qs.filter(contacted_on__gte=self.date_from)
        if self.date_to:
            qs = qs.filter(contacted_on__lte=self.date_to)
        if self.q:
            qs = qs.filter(
                Q(enterprise_name__icontains=self.q)
                | Q(enterprise__credit_code__icontains=self.q.upper())
                | Q(next_step__icontains=self.q)
            )
        return qs

    def as_params(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for key, value in asdict(self).items():
            if value in (None, "", False):
                continue
            name = {"date_from": "from", "date_to": "to"}.get(key, key)
            out[name] = "1" if value is True else str(value)
        return out

    @property
    def is_empty(self) -> bool:
        return not self.as_params()

    def describe(self) -> str:
        parts: list[str] = []
        if self.stage:
            parts.append(_("阶段：%(value)s") % {"value": Stage.LABELS[self.stage]})
        if self.unit:
            unit = Unit.objects.filter(code=self.unit).first()
            parts.append(_("单位：%(value)s") % {"value": unit.name if unit else self.unit})
        if self.park:
            parts.append(_("园区：%(value)s") % {"value": _park_name(self.park)})
        if self.subpark:
            subpark = SubPark.objects.filter(pk=self.subpark).first()
            parts.append(_("园中园：%(value)s") % {"value": subpark.name if subpark else self.subpark})
        if self.industry:
            parts.append(_("行业：%(value)s") % {"value": self.industry})
        if self.channel:
            parts.append(_("对接渠道：%(value)s") % {"value": Channel(self.channel).label})
        if self.overdue:
            parts.append(_("下一步已逾期"))
        if self.date_from or self.date_to:
            parts.append(
                _("首次接洽：%(start)s至%(end)s")
                % {"start": self.date_from or "…", "end": self.date_to or "…"}
            )
        if self.q:
            parts.append(_("搜索：%(value)s") % {"value": self.q})
        return _("；").join(parts) if parts else _("全部线索")


@dataclass(frozen=True)
class VisitFilter:
    unit: str = ""
    park: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    q: str = ""

    @classmethod
    def from_params(cls, params: Mapping[str, object]) -> VisitFilter:
        return cls(
            unit=code_param(params, "unit"),
            park=code_param(params, "park"),
            date_from=date_param(params, "from"),
            date_to=date_param(params, "to"),
            q=text_param(params, "q", 100),
        )

    def apply(self, qs: QuerySet[Visit]) -> QuerySet[Visit]:
        if self.unit:
            qs = qs.filter(unit__code=self.unit)
        if self.park:
            qs = qs.filter(park__code=self.park)
        if self.date_from:
            qs = qs.filter(visited_on__gte=self.date_from)
        if self.date_to:
            qs = qs.filter(visited_on__lte=self.date_to)
        if self.q:
            qs = qs.filter(
                Q(title__icontains=self.q) | Q(leads__enterprise_name__icontains=self.q)
            ).distinct()
        return qs

    def as_params(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for key, value in asdict(self).items():
            if value not in (None, ""):
                out[{"date_from": "from", "date_to": "to"}.get(key, key)] = str(value)
        return out

    @property
    def is_empty(self) -> bool:
        return not self.as_params()

    def describe(self) -> str:
        parts: list[str] = []
        if self.unit:
            unit = Unit.objects.filter(code=self.unit).first()
            parts.append(_("单位：%(value)s") % {"value": unit.name if unit else self.unit})
        if self.park:
            parts.append(_("园区：%(value)s") % {"value": _park_name(self.park)})
        if self.date_from or self.date_to:
            parts.append(
                _("考察日期：%(start)s至%(end)s")
                % {"start": self.date_from or "…", "end": self.date_to or "…"}
            )
        if self.q:
            parts.append(_("搜索：%(value)s") % {"value": self.q})
        return _("；").join(parts) if parts else _("全部考察团")
