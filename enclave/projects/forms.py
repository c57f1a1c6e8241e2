"""Forms of the project pages: they turn typed text into typed values and nothing more.

Business rules (what is required, what is eligible, which dates may be in the future) live in
projects/services.py; the forms only parse (credit code → enterprise, 万元 → fen, "2025-07" → a month) and
say in Chinese what could not be read.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from enclave.enterprises.models import Enterprise
from enclave.lib import limits
from enclave.lib.codes import PROVINCES, CodeError, normalise_uscc
from enclave.lib.money import FEN_PER_WAN, MoneyError, parse_fen
from enclave.parks.models import Industry, Park, ParkArea, SubPark, Unit
from enclave.projects.models import (
    ClaimKind,
    Conflict,
    HostContribution,
    Kind,
    Nature,
    Project,
    RelocationClass,
)
from enclave.projects.workflow import Status

ORIGINS = (*PROVINCES.values(), "老挝", "泰国", "越南", "缅甸", "新加坡", "昆明市内")
DATE_ERRORS = {"invalid": _("请输入有效的日期，如 2024-06-30")}
ENTERPRISE_MISSING = _("企业库中没有该统一社会信用代码，请先在企业库登记该企业")


def date_widget() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def industry_choices(*, sections_selectable: bool = False) -> list[tuple[str, Any]]:
    """GB/T 4754 divisions grouped by section (门类); optionally the sections themselves as choices."""
    sections = Industry.objects.filter(level=Industry.SECTION).prefetch_related("divisions").order_by("code")
    grouped: list[tuple[str, Any]] = []
    for section in sections:
        options = [
            (d.code, f"{d.code} {d.name}") for d in sorted(section.divisions.all(), key=lambda d: d.code)
        ]
        if sections_selectable:
            label = gettext("%(code)s %(name)s（整个门类）") % {"code": section.code, "name": section.name}
            options.insert(0, (section.code, label))
        grouped.append((f"{section.code} {section.name}", options))
    return grouped


def enterprise_by_code(text: str) -> Enterprise:
    """The enterprise whose unified social credit code was typed; knowing the code is the key to it."""
    try:
        code = normalise_uscc(text)
    except CodeError as exc:
        raise forms.ValidationError(str(exc), code="invalid_uscc") from exc
    enterprise = Enterprise.objects.filter(credit_code=code).first()
    if enterprise is None:
        raise forms.ValidationError(ENTERPRISE_MISSING, code="enterprise_missing")
    return enterprise


class ProjectForm(forms.Form):
    """A unit's filing (项目报备). Field names follow services.CONTENT_FIELDS except the two typed as text."""

    # Where a service error about a content field is shown on this form.
    SERVICE_FIELDS = {"enterprise": "enterprise_code", "planned_investment_fen": "planned_investment_wan"}

    name = forms.CharField(label=_("项目名称"), max_length=120, required=False)
    enterprise_code = forms.CharField(
        label=_("企业统一社会信用代码"),
        max_length=40,
        required=False,
        help_text=_("18位，企业须已在企业库登记"),
    )
    partner_units = forms.ModelMultipleChoiceField(
        label=_("其他协作单位"),
        queryset=Unit.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("与本单位共同引进该项目的其他县（市）区、开发（度假）区，可不选"),
        error_messages={
            "invalid_choice": _("所选协作单位不存在"),
            "invalid_pk_value": _("所选协作单位不存在"),
        },
    )
    park = forms.ModelChoiceField(
        label=_("承载园区"),
        queryset=Park.objects.none(),
        required=False,
        empty_label=_("请选择园区"),
        error_messages={"invalid_choice": _("所选园区不存在")},
    )
    park_area = forms.ModelChoiceField(
        label=_("片区"),
        queryset=ParkArea.objects.none(),
        required=False,
        empty_label=_("（不指定）"),
        error_messages={"invalid_choice": _("所选片区不存在")},
    )
    subpark = forms.ModelChoiceField(
        label=_("园中园（跨区域合作园区）"),
        queryset=SubPark.objects.none(),
        required=False,
        empty_label=_("（不在园中园内）"),
        error_messages={"invalid_choice": _("所选园中园不存在")},
    )
    kind = forms.ChoiceField(
        label=_("项目类型"),
        choices=[("", _("请选择"))] + list(Kind.choices),
        required=False,
        error_messages={"invalid_choice": _("请从列表中选择项目类型")},
    )
    relocation_class = forms.ChoiceField(
        label=_("流转类别"),
        choices=[("", _("（仅存量流转项目填写）"))] + list(RelocationClass.choices),
        required=False,
        error_messages={"invalid_choice": _("请从列表中选择流转类别")},
    )
    nature = forms.ChoiceField(
        label=_("项目性质"),
        choices=Nature.choices,
        initial=Nature.INDUSTRIAL,
        required=False,
        help_text=_("仅产业项目可以认定；公共基础设施、房地产和仅注册资本（无实际投资）的项目不纳入认定范围"),
        error_messages={"invalid_choice": _("请从列表中选择项目性质")},
    )
    industry = forms.ChoiceField(
        label=_("所属行业（国民经济行业大类）"),
        choices=(),
        required=False,
        error_messages={"invalid_choice": _("请从列表中选择行业大类")},
    )
    planned_investment_wan = forms.CharField(
        label=_("计划总投资（万元）"),
        max_length=30,
        required=False,
        help_text=_("以万元为单位，如 5000 或 1,250.5；最多精确到分（小数点后6位）"),
    )
    origin = forms.CharField(
        label=_("来源地"),
        max_length=40,
        required=False,
        help_text=_("省外项目填省级行政区（如 上海市），境外项目填国家或地区（如 老挝）"),
    )
    investment_code = forms.CharField(
        label=_("全国投资项目代码"),
        max_length=limits.TYPED_CODE,
        required=False,
        help_text=_("24位，如 2024-530102-17-03-000123；尚未赋码可不填"),
    )
    description = forms.CharField(
        label=_("项目简介"),
        required=False,
        max_length=limits.LONG_TEXT,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    signed_on = forms.DateField(
        label=_("签约日期"), required=False, widget=date_widget(), error_messages=DATE_ERRORS
    )
    registered_on = forms.DateField(
        label=_("注册日期"), required=False, widget=date_widget(), error_messages=DATE_ERRORS
    )
    construction_started_on = forms.DateField(
        label=_("开工日期"), required=False, widget=date_widget(), error_messages=DATE_ERRORS
    )
    operating_on = forms.DateField(
        label=_("投产（运营）日期"), required=False, widget=date_widget(), error_messages=DATE_ERRORS
    )
    moved_on = forms.DateField(
        label=_("搬迁日期"),
        required=False,
        widget=date_widget(),
        error_messages=DATE_ERRORS,
        help_text=_("存量流转项目填写；分享期限自搬迁月份起算"),
    )
    move_evidence = forms.CharField(
        label=_("搬迁证明"),
        max_length=200,
        required=False,
        help_text=_("证明搬迁的文件名称及文号，如迁入地营业执照变更通知、税务迁移证明"),
    )

    def __init__(self, *args: Any, filing_unit: Unit, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["partner_units"].queryset = Unit.objects.filter(is_active=True).exclude(pk=filing_unit.pk)
        self.fields["park"].queryset = Park.objects.filter(is_active=True)
        self.fields["park_area"].queryset = ParkArea.objects.select_related("park")
        self.fields["subpark"].queryset = SubPark.objects.select_related("park")
        self.fields["industry"].choices = [("", _("请选择行业大类"))] + industry_choices()

    @classmethod
    def initial_from(cls, project: Project) -> dict[str, Any]:
        """The form's values for an existing filing."""
        return {
            "name": project.name,
            "enterprise_code": project.enterprise.credit_code,
            "partner_units": list(project.partner_units.all()),
            "park": project.park,
            "park_area": project.park_area,
            "subpark": project.subpark,
            "kind": project.kind,
            "relocation_class": project.relocation_class,
            "nature": project.nature,
            "industry": project.industry.code,
            "planned_investment_wan": _wan_text(project.planned_investment_fen),
            "origin": project.origin,
            "investment_code": project.investment_code or "",
            "description": project.description,
            "signed_on": project.signed_on,
            "registered_on": project.registered_on,
            "construction_started_on": project.construction_started_on,
            "operating_on": project.operating_on,
            "moved_on": project.moved_on,
            "move_evidence": project.move_evidence,
        }

    @classmethod
    def data_from(cls, project: Project) -> dict[str, Any]:
        """The stored filing as submitted form data (to show it with errors attached)."""
        data: dict[str, Any] = {}
        for key, value in cls.initial_from(project).items():
            if isinstance(value, list):
                data[key] = [str(item.pk) for item in value]
            elif hasattr(value, "pk"):
                data[key] = str(value.pk)
            elif isinstance(value, dt.date):
                data[key] = value.isoformat()
            else:
                data[key] = "" if value is None else str(value)
        return data

    def clean_enterprise_code(self) -> Enterprise | None:
        text = self.cleaned_data["enterprise_code"].strip()
        if not text:
            raise forms.ValidationError(_("请填写企业的统一社会信用代码"), code="required")
        return enterprise_by_code(text)

    def clean_industry(self) -> Industry | None:
        code = self.cleaned_data["industry"]
        if not code:
            return None
        industry = Industry.objects.filter(code=code, level=Industry.DIVISION).first()
        if industry is None:
            raise forms.ValidationError(_("请从列表中选择行业大类"))
        return industry

    def clean_planned_investment_wan(self) -> int | None:
        text = self.cleaned_data["planned_investment_wan"].strip()
        if not text:
            return None
        try:
            fen = parse_fen(text, unit_fen=FEN_PER_WAN)
        except MoneyError as exc:
            raise forms.ValidationError(str(exc)) from exc
        if fen < 0:
            raise forms.ValidationError(_("计划总投资不能为负数"))
        if fen > settings.ENCLAVE_MAX_AMOUNT_FEN:
            raise forms.ValidationError(_("计划总投资超过1000亿元，请核对金额和单位（本栏以万元为单位）"))
        return fen

    def service_data(self) -> dict[str, Any]:
        """The content for services.project_create/update: only the fields that could be read."""
        mapping = {"enterprise_code": "enterprise", "planned_investment_wan": "planned_investment_fen"}
        data = {mapping.get(k, k): v for k, v in self.cleaned_data.items()}
        for key in (
            "name", "origin", "investment_code", "description", "kind", "relocation_class", "nature", "move_evidence"
        ):  # fmt: skip
            if key in data and data[key] is None:
                data[key] = ""
        return data


def _wan_text(fen: int) -> str:
    """Fen as the plain 万元 number a person would type back: 50000000 → '50', 12345678 → '12.345678'."""
    whole, part = divmod(fen, FEN_PER_WAN)
    return f"{whole}.{part:06d}".rstrip("0").rstrip(".") if part else str(whole)


class LibraryFilterForm(forms.Form):
    """Only renders the library's filter bar; reading the values is filters.ProjectFilter's job."""

    q = forms.CharField(label=_("搜索"), required=False, widget=forms.TextInput(attrs={"type": "search"}))
    park = forms.ChoiceField(label=_("园区"), required=False)
    unit = forms.ChoiceField(label=_("协作地"), required=False)
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部"))] + Status.CHOICES)
    kind = forms.ChoiceField(label=_("类型"), required=False, choices=[("", _("全部"))] + list(Kind.choices))
    relocation_class = forms.ChoiceField(
        label=_("流转类别"), required=False, choices=[("", _("全部"))] + list(RelocationClass.choices)
    )
    industry = forms.ChoiceField(label=_("行业"), required=False)
    origin = forms.CharField(
        label=_("来源地"), required=False, widget=forms.TextInput(attrs={"list": "origins"})
    )
    year = forms.IntegerField(
        label=_("认定年份"), required=False, widget=forms.NumberInput(attrs={"min": 2000})
    )
    quarter = forms.ChoiceField(
        label=_("认定季度"),
        required=False,
        choices=[
            ("", _("全部")),
            ("1", _("第一季度")),
            ("2", _("第二季度")),
            ("3", _("第三季度")),
            ("4", _("第四季度")),
        ],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["park"].choices = [("", _("全部"))] + [(p.code, p.short_name) for p in Park.objects.all()]
        self.fields["unit"].choices = [("", _("全部"))] + [(u.code, u.name) for u in Unit.objects.all()]
        self.fields["industry"].choices = [("", _("全部"))] + industry_choices(sections_selectable=True)


def _month(text: str, label: str) -> dt.date:
    try:
        year_s, month_s = text.strip().split("-")
        return dt.date(int(year_s), int(month_s), 1)
    except ValueError as exc:
        raise forms.ValidationError(_("%(label)s应为年-月，如 2025-07") % {"label": label}) from exc


class RecogniseForm(forms.Form):
    """Recognition (认定): date, the months of sharing (blank: from the policy), the optional cap and
    extension, and one share per party in basis points."""

    # Where a service error is shown on this form.
    SERVICE_FIELDS = {"cap_fen": "cap_wan"}

    recognised_on = forms.DateField(label=_("认定日期"), widget=date_widget(), error_messages=DATE_ERRORS)
    host_contribution = forms.ChoiceField(
        label=_("承载地投入情况"),
        choices=[("", _("不区分"))] + list(HostContribution.choices),
        required=False,
        help_text=_("默认比例区分承载地是否共同投入时选择"),
        error_messages={"invalid_choice": _("请从列表中选择承载地投入情况")},
    )
    start_month = forms.CharField(
        label=_("分享起始月份"),
        widget=forms.TextInput(attrs={"type": "month"}),
        max_length=7,
        required=False,
        help_text=_("留空则按默认比例的起算事件确定；填写即为协议约定月份"),
    )
    end_month = forms.CharField(
        label=_("分享终止月份"),
        widget=forms.TextInput(attrs={"type": "month"}),
        max_length=7,
        required=False,
        help_text=_("留空则按默认比例的期限计算；填写则以此为准"),
    )
    cap_wan = forms.CharField(
        label=_("协作地分享上限（万元）"),
        max_length=30,
        required=False,
        help_text=_("协作地累计分得的最高额，如企业搬迁前三年的纳税额；留空为不设上限"),
    )
    extension_months = forms.IntegerField(
        label=_("未达上限延长（月）"),
        required=False,
        help_text=_("期满仍未达到上限时再分享的月数；留空按默认比例"),
        error_messages={"invalid": _("未达上限延长应为整数月")},
    )
    reason = forms.CharField(
        label=_("认定意见"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=limits.REASON,
    )

    def __init__(self, *args: Any, parties: list[tuple[str, str, str]], **kwargs: Any) -> None:
        """`parties`: (kind, code, display name) of every possible party, in display order."""
        super().__init__(*args, **kwargs)
        self.parties = parties
        for index, (_kind, _code, name) in enumerate(parties):
            self.fields[f"share_{index}"] = forms.IntegerField(
                label=name,
                min_value=0,
                max_value=10000,
                widget=forms.NumberInput(attrs={"step": 1, "class": "share-bp"}),
                error_messages={
                    "required": _("请填写分成基点（0–10000）"),
                    "invalid": _("分成应为整数基点，如 5000 表示50%"),
                    "min_value": _("分成不能为负数"),
                    "max_value": _("分成不能超过10000基点（100%）"),
                },
            )

    def share_fields(self) -> list[forms.BoundField]:
        return [self[f"share_{i}"] for i in range(len(self.parties))]

    def clean_start_month(self) -> dt.date | None:
        text = self.cleaned_data["start_month"].strip()
        return _month(text, str(_("分享起始月份"))) if text else None

    def clean_end_month(self) -> dt.date | None:
        text = self.cleaned_data["end_month"].strip()
        return _month(text, str(_("分享终止月份"))) if text else None

    def clean_cap_wan(self) -> int | None:
        text = self.cleaned_data["cap_wan"].strip()
        if not text:
            return None
        try:
            return parse_fen(text, unit_fen=FEN_PER_WAN)
        except MoneyError as exc:
            raise forms.ValidationError(str(exc)) from exc

    def party_shares(self) -> list[tuple[str, str, int]]:
        return [
            (kind, code, self.cleaned_data[f"share_{i}"])
            for i, (kind, code, _name) in enumerate(self.parties)
        ]


class ActionForm(forms.Form):
    """A workflow step taken from the detail page (审查、退回、否决、关闭), with its reason."""

    action = forms.CharField(max_length=20)
    reason = forms.CharField(
        label=_("原因"), required=False, max_length=limits.REASON, widget=forms.Textarea(attrs={"rows": 2})
    )


class ConflictResolveForm(forms.Form):
    winner = forms.ModelChoiceField(
        label=_("裁定归属项目"),
        queryset=Project.objects.none(),
        required=False,
        empty_label=_("按首谈建议"),
        error_messages={"invalid_choice": _("所选项目不在该冲突中")},
    )
    reason = forms.CharField(
        label=_("裁定理由"),
        required=False,
        max_length=limits.REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("改变按首谈确定的归属，或各方均无首谈证明时，须填写理由"),
    )

    def __init__(self, *args: Any, conflict: Conflict, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"c{conflict.pk}")
        super().__init__(*args, **kwargs)
        self.conflict = conflict
        field = self.fields["winner"]
        field.queryset = conflict.projects.select_related("filing_unit")
        field.label_from_instance = lambda p: f"{p.display_code} · {p.filing_unit.name} · {p.name}"
        if conflict.suggested_winner_id and not self.is_bound:
            self.initial["winner"] = conflict.suggested_winner_id


# Evidence files: the first bytes decide the type, never the name or the browser's content type.
EVIDENCE_MAGIC = ((b"%PDF-", "pdf"), (b"\xff\xd8\xff", "jpg"), (b"\x89PNG\r\n\x1a\n", "png"))
EVIDENCE_TYPES = {"pdf": "application/pdf", "jpg": "image/jpeg", "png": "image/png"}


def evidence_kind(head: bytes) -> str | None:
    for magic, ext in EVIDENCE_MAGIC:
        if head.startswith(magic):
            return ext
    return None


class ClaimForm(forms.Form):
    """A first-contact claim (首谈登记) with its evidence document."""

    enterprise_code = forms.CharField(label=_("企业统一社会信用代码"), max_length=40, required=False)
    contacted_on = forms.DateField(
        label=_("首次接洽日期"),
        widget=date_widget(),
        error_messages={"required": _("请填写首次接洽日期"), **DATE_ERRORS},
    )
    kind = forms.ChoiceField(
        label=_("证明类型"),
        choices=[("", _("请选择"))] + list(ClaimKind.choices),
        error_messages={"required": _("请选择证明类型"), "invalid_choice": _("请从列表中选择证明类型")},
    )
    document = forms.FileField(
        label=_("证明材料"),
        help_text=_("PDF、JPG 或 PNG 文件，如拜访记录、会议纪要、往来函件、意向协议"),
        error_messages={"required": _("请上传首谈证明材料"), "empty": _("上传的文件是空的")},
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}
        ),
    )
    note = forms.CharField(
        label=_("说明"), required=False, max_length=limits.LONG_TEXT, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean_enterprise_code(self) -> Enterprise:
        text = self.cleaned_data["enterprise_code"].strip()
        if not text:
            raise forms.ValidationError(_("请填写企业的统一社会信用代码"), code="required")
        return enterprise_by_code(text)

    def clean_document(self) -> Any:
        upload = self.cleaned_data["document"]
        limit = settings.ENCLAVE_EVIDENCE_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(
                _("证明材料不能超过 %(mb)s MB，请压缩后重新上传") % {"mb": f"{limit / 1024 / 1024:g}"}
            )
        upload.seek(0)
        kind = evidence_kind(upload.read(16))
        upload.seek(0)
        if kind is None:
            raise forms.ValidationError(_("证明材料只能是 PDF、JPG 或 PNG 文件（按文件内容识别）"))
        # Never keep the uploader's file name: it is shown to others and used as a path.
        upload.name = f"{uuid.uuid4().hex}.{kind}"
        return upload
