"""Which projects a list shows: the library page, its Excel export and the API share one filter.

Parameters come from a query string and are read strictly: a malformed or unknown value is a 400 page
naming the parameter (enclave.query_params), never a silently wider list. Scope is not decided here; callers pass
a queryset already limited by `queries.projects_visible_to(user)`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from enclave import query_params as qp
from enclave.lib import params as parse
from enclave.parks.models import Industry, Park, Unit
from enclave.projects.models import Kind, Project, RelocationClass
from enclave.projects.workflow import Status

PARAMS = ("park", "unit", "status", "kind", "relocation_class", "industry", "origin", "year", "quarter", "q")


@dataclass(frozen=True)
class ProjectFilter:
    """The filter as plain values: codes of park/unit/industry, status/kind values, recognition year/quarter."""

    park: str = ""
    unit: str = ""
    status: str = ""
    kind: str = ""
    relocation_class: str = ""  # 流转类别, for relocation projects
    industry: str = ""  # GB/T 4754 section letter (门类) or two-digit division (大类)
    origin: str = ""
    year: int | None = None  # of the recognition date (认定日期)
    quarter: int | None = None  # 1–4, of the recognition date
    q: str = ""  # code, name, enterprise name or credit code

    @classmethod
    def from_params(cls, params: Mapping[str, object]) -> ProjectFilter:
        quarter_text = qp.raw(params, "quarter").upper().removeprefix("Q")
        return cls(
            park=qp.param(params, "park", parse.code, ""),
            unit=qp.param(params, "unit", parse.code, ""),
            status=qp.choice(params, "status", Status.LABELS),
            kind=qp.choice(params, "kind", Kind.values),
            relocation_class=qp.choice(params, "relocation_class", RelocationClass.values),
            industry=qp.param(params, "industry", parse.industry, ""),
            origin=qp.text(params, "origin", 40),
            year=qp.param(params, "year", parse.year),
            quarter=qp.param({"quarter": quarter_text}, "quarter", parse.quarter),
            q=qp.text(params, "q", 100),
        )

    def apply(self, qs: QuerySet[Project]) -> QuerySet[Project]:
        if self.park:
            qs = qs.filter(park__code=self.park)
        if self.unit:
            partner = Project.partner_units.through.objects.filter(unit__code=self.unit).values("project_id")
            qs = qs.filter(Q(filing_unit__code=self.unit) | Q(pk__in=partner))
        if self.status:
            qs = qs.filter(status=self.status)
        if self.kind:
            qs = qs.filter(kind=self.kind)
        if self.relocation_class:
            qs = qs.filter(relocation_class=self.relocation_class)
        if self.industry:
            if self.industry.isdigit():
                qs = qs.filter(industry__code=self.industry)
            else:
                qs = qs.filter(industry__section__code=self.industry)
        if self.origin:
            qs = qs.filter(origin=self.origin)
        if self.year is not None:
            qs = qs.filter(recognised_on__year=self.year)
        if self.quarter is not None:
            qs = qs.filter(recognised_on__quarter=self.quarter)
        if self.q:
            text = self.q
            qs = qs.filter(
                Q(code__icontains=text)
                | Q(name__icontains=text)
                | Q(enterprise__name__icontains=text)
                | Q(enterprise__credit_code__icontains=text.upper().replace(" ", ""))
            )
        return qs

    def as_params(self) -> dict[str, str]:
        """The non-empty values as query-string parameters (for links and the audit row)."""
        return {k: str(v) for k, v in asdict(self).items() if v not in ("", None)}

    @property
    def is_empty(self) -> bool:
        return not self.as_params()

    def describe(self) -> str:
        """The filter in words for a report title, e.g. “园区：磨憨—磨丁合作区；认定年份：2024”."""
        parts: list[str] = []
        if self.park:
            park = Park.objects.filter(code=self.park).first()
            parts.append(_("园区：%(value)s") % {"value": park.short_name if park else self.park})
        if self.unit:
            unit = Unit.objects.filter(code=self.unit).first()
            parts.append(_("协作地：%(value)s") % {"value": unit.name if unit else self.unit})
        if self.status:
            parts.append(_("状态：%(value)s") % {"value": Status.LABELS[self.status]})
        if self.kind:
            parts.append(_("类型：%(value)s") % {"value": Kind(self.kind).label})
        if self.relocation_class:
            parts.append(_("流转类别：%(value)s") % {"value": RelocationClass(self.relocation_class).label})
        if self.industry:
            industry = Industry.objects.filter(code=self.industry).first()
            parts.append(_("行业：%(value)s") % {"value": industry if industry else self.industry})
        if self.origin:
            parts.append(_("来源地：%(value)s") % {"value": self.origin})
        if self.year is not None:
            parts.append(_("认定年份：%(value)s") % {"value": self.year})
        if self.quarter is not None:
            parts.append(_("认定季度：第%(value)s季度") % {"value": self.quarter})
        if self.q:
            parts.append(_("搜索：%(value)s") % {"value": self.q})
        return _("；").join(parts) if parts else _("全部项目")


def project_filter(qs: QuerySet[Project], params: Mapping[str, object]) -> QuerySet[Project]:
    """Apply the library filter given as query-string parameters to an already scoped queryset."""
    return ProjectFilter.from_params(params).apply(qs)
