"""Which offers of the resource library (资源库) a list shows: the page, its Excel export and the API share it.

Parameters are read strictly (a malformed or unknown value is a 400 page naming it, enclave.query_params);
which rows the user may read at all is decided by `resources_visible_to`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from enclave import query_params as qp
from enclave.land.models import Resource, ResourceKind
from enclave.leads.filters import code_param, date_param, id_param, text_param
from enclave.parks.models import Park, SubPark


@dataclass(frozen=True)
class ResourceFilter:
    park: str = ""  # park code
    subpark: int | None = None
    kind: str = ""
    available_by: dt.date | None = None  # available on or before this day
    only_available: bool = False  # leave out offers marked not available (不可供)
    q: str = ""

    @classmethod
    def from_params(cls, params: Mapping[str, object]) -> ResourceFilter:
        return cls(
            park=code_param(params, "park"),
            subpark=id_param(params, "subpark"),
            kind=qp.choice(params, "kind", ResourceKind.values),
            available_by=date_param(params, "available_by"),
            only_available=qp.flag(params, "only_available"),
            q=text_param(params, "q", 100),
        )

    def as_params(self) -> dict[str, str]:
        values = {
            "park": self.park,
            "subpark": str(self.subpark or ""),
            "kind": self.kind,
            "available_by": self.available_by.isoformat() if self.available_by else "",
            "only_available": "1" if self.only_available else "",
            "q": self.q,
        }
        return {k: v for k, v in values.items() if v}

    def apply(self, qs: QuerySet[Resource]) -> QuerySet[Resource]:
        if self.park:
            qs = qs.filter(park__code=self.park)
        if self.subpark:
            qs = qs.filter(subpark_id=self.subpark)
        if self.kind:
            qs = qs.filter(kind=self.kind)
        if self.available_by:
            qs = qs.filter(available_on__lte=self.available_by)
        if self.only_available:
            qs = qs.filter(is_available=True)
        if self.q:
            qs = qs.filter(Q(name__icontains=self.q) | Q(note__icontains=self.q))
        return qs.order_by("park__code", "kind", "available_on", "pk")

    def describe(self) -> str:
        parts = []
        if self.park:
            park = Park.objects.filter(code=self.park).first()
            parts.append(_("园区：%(value)s") % {"value": park.short_name if park else self.park})
        if self.subpark:
            subpark = SubPark.objects.filter(pk=self.subpark).first()
            parts.append(_("园中园：%(value)s") % {"value": subpark.name if subpark else self.subpark})
        if self.kind:
            parts.append(_("类型：%(value)s") % {"value": ResourceKind(self.kind).label})
        if self.available_by:
            parts.append(_("%(day)s前可用") % {"day": f"{self.available_by:%Y-%m-%d}"})
        if self.only_available:
            parts.append(_("仅可供"))
        if self.q:
            parts.append(_("搜索：%(value)s") % {"value": self.q})
        return _("；").join(parts) if parts else _("全部资源")
