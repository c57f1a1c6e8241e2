"""Which enterprises the library page and its Excel export show: one filter shared by both.

Parameters come from a query string and are read strictly: a malformed or unknown value is a 400 page
naming the parameter (enclave.query_params). Scope is not decided here; callers pass a queryset already
limited by `queries.enterprises_visible_to(user)`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from enclave import query_params as qp
from enclave.enterprises.models import Enterprise, OriginKind
from enclave.lib import params as parse
from enclave.parks.models import Industry


@dataclass(frozen=True)
class EnterpriseFilter:
    section: str = ""  # GB/T 4754 section letter (门类)
    origin_kind: str = ""
    origin: str = ""
    q: str = ""  # part of the name or of the credit code

    @classmethod
    def from_params(cls, params: Mapping[str, object]) -> EnterpriseFilter:
        return cls(
            section=qp.param(params, "section", parse.industry, ""),
            origin_kind=qp.choice(params, "origin_kind", OriginKind.values),
            origin=qp.text(params, "origin", 40),
            q=qp.text(params, "q", 100),
        )

    def apply(self, qs: QuerySet[Enterprise]) -> QuerySet[Enterprise]:
        if self.section:
            qs = qs.filter(Q(industry__section__code=self.section) | Q(industry__code=self.section))
        if self.origin_kind:
            qs = qs.filter(origin_kind=self.origin_kind)
        if self.origin:
            qs = qs.filter(origin=self.origin)
        if self.q:
            code = self.q.upper().replace(" ", "").replace("-", "")
            qs = qs.filter(Q(name__icontains=self.q) | Q(credit_code__icontains=code))
        return qs

    def as_params(self) -> dict[str, str]:
        """The non-empty values, for links and for the audit row of an export."""
        return {k: v for k, v in asdict(self).items() if v}

    @property
    def is_empty(self) -> bool:
        return not self.as_params()

    def describe(self) -> str:
        """The filter in words for the export title, e.g. “行业门类：C 制造业；来源地：上海市”."""
        parts: list[str] = []
        if self.section:
            section = Industry.objects.filter(code=self.section).first()
            parts.append(_("行业门类：%(value)s") % {"value": section if section else self.section})
        if self.origin_kind:
            parts.append(_("来源地类型：%(value)s") % {"value": OriginKind(self.origin_kind).label})
        if self.origin:
            parts.append(_("来源地：%(value)s") % {"value": self.origin})
        if self.q:
            parts.append(_("搜索：%(value)s") % {"value": self.q})
        return _("；").join(parts) if parts else _("全部企业")
