"""Cooperation projects (协作项目), their status history, first-contact claims, conflicts and agreements."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from enclave.projects.workflow import Status


class Kind(models.TextChoices):
    # 新招引 / 存量流转
    NEW_OUT_OF_PROVINCE = "new_domestic", _("新招引（省外）")
    NEW_ABROAD = "new_abroad", _("新招引（境外）")
    RELOCATION = "relocation", _("存量流转")


class RelocationClass(models.TextChoices):
    POLICY = "policy", _("政策性流转")
    VOLUNTARY = "voluntary", _("企业自主流转")
    REGISTRATION_KEPT = "registration_kept", _("注册地不变更流转")
    HQ_ONLY = "hq_only", _("仅搬迁总部或变更注册地流转")


class Nature(models.TextChoices):
    # Only industrial projects are eligible (公共基础设施、房地产、仅注册资本的项目不纳入)
    INDUSTRIAL = "industrial", _("产业项目")
    INFRASTRUCTURE = "infrastructure", _("公共基础设施项目")
    REAL_ESTATE = "real_estate", _("房地产项目")
    CAPITAL_ONLY = "capital_only", _("仅注册资本（无实际投资）")


class Project(models.Model):
    code = models.CharField(_("项目编号"), max_length=20, unique=True, null=True, blank=True)
    name = models.CharField(_("项目名称"), max_length=120)
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="projects"
    )
    filing_unit = models.ForeignKey(
        "parks.Unit",
        verbose_name=_("报备单位（协作地）"),
        on_delete=models.PROTECT,
        related_name="filed_projects",
    )
    partner_units = models.ManyToManyField(
        "parks.Unit", verbose_name=_("其他协作单位"), blank=True, related_name="partner_projects"
    )
    park = models.ForeignKey(
        "parks.Park", verbose_name=_("承载园区"), on_delete=models.PROTECT, related_name="projects"
    )
    park_area = models.ForeignKey(
        "parks.ParkArea",
        verbose_name=_("片区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
    )
    subpark = models.ForeignKey(
        "parks.SubPark",
        verbose_name=_("园中园"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="projects",
    )
    kind = models.CharField(_("项目类型"), max_length=20, choices=Kind.choices)
    relocation_class = models.CharField(
        _("流转类别"), max_length=20, choices=RelocationClass.choices, blank=True
    )
    nature = models.CharField(_("项目性质"), max_length=20, choices=Nature.choices, default=Nature.INDUSTRIAL)
    industry = models.ForeignKey(
        "parks.Industry", verbose_name=_("所属行业"), on_delete=models.PROTECT, related_name="projects"
    )
    planned_investment_fen = models.BigIntegerField(_("计划总投资（分）"))
    origin = models.CharField(_("来源地"), max_length=40)
    investment_code = models.CharField(
        _("全国投资项目代码"),
        max_length=24,
        null=True,
        blank=True,
        unique=True,
        help_text=_("全国投资项目在线审批监管平台赋码，24位，可选"),
    )
    description = models.TextField(_("项目简介"), blank=True)

    status = models.CharField(
        _("状态"), max_length=20, choices=Status.CHOICES, default=Status.DRAFT, db_index=True
    )
    status_reason = models.TextField(_("最近一次退回/否决/关闭原因"), blank=True)
    positioning_mismatch = models.BooleanField(_("行业不符合园区产业定位"), default=False)

    signed_on = models.DateField(_("签约日期"), null=True, blank=True)
    filed_on = models.DateField(_("报备日期"), null=True, blank=True)
    reviewed_on = models.DateField(_("审查日期"), null=True, blank=True)
    recognised_on = models.DateField(_("认定日期"), null=True, blank=True, db_index=True)
    registered_on = models.DateField(_("注册日期"), null=True, blank=True)
    construction_started_on = models.DateField(_("开工日期"), null=True, blank=True)
    operating_on = models.DateField(_("投产（运营）日期"), null=True, blank=True)
    # Stock relocation: the move starts the sharing period (流转后起算), so it is recorded with its evidence.
    moved_on = models.DateField(_("搬迁日期"), null=True, blank=True)
    move_evidence = models.CharField(
        _("搬迁证明"),
        max_length=200,
        blank=True,
        help_text=_("证明搬迁的文件名称及文号，如迁入地营业执照变更通知、税务迁移证明"),
    )

    is_sample = models.BooleanField(_("示例数据"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["-recognised_on", "-filed_on", "-id"]
        verbose_name = verbose_name_plural = _("协作项目")
        constraints = [
            models.CheckConstraint(
                name="project_investment_nonnegative", condition=Q(planned_investment_fen__gte=0)
            ),
            models.CheckConstraint(
                name="project_relocation_class_iff_relocation",
                condition=(Q(kind="relocation") & ~Q(relocation_class=""))
                | (~Q(kind="relocation") & Q(relocation_class="")),
            ),
            models.CheckConstraint(
                name="project_code_after_filing", condition=Q(status="draft") | Q(code__isnull=False)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.display_code} {self.name}"

    @property
    def display_code(self) -> str:
        """The project code once filed; drafts show their internal number."""
        return self.code or gettext("草稿-%(pk)s") % {"pk": self.pk}

    @property
    def is_editable(self) -> bool:
        return self.status in Status.EDITABLE

    @property
    def status_label(self) -> str:
        return str(Status.LABELS.get(self.status, self.status))


class StatusChange(models.Model):
    """One workflow step: who moved the project from what to what, when and why."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="status_changes")
    action = models.CharField(_("操作"), max_length=20)
    from_status = models.CharField(_("原状态"), max_length=20, choices=Status.CHOICES)
    to_status = models.CharField(_("新状态"), max_length=20, choices=Status.CHOICES)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), on_delete=models.PROTECT)
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    reason = models.TextField(_("意见/原因"), blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = verbose_name_plural = _("状态变更记录")


class ProjectCodeSequence(models.Model):
    """Last serial number used for project codes per park prefix and year (e.g. MH-2024)."""

    key = models.CharField(max_length=16, unique=True)
    last = models.PositiveIntegerField(default=0)


class ClaimKind(models.TextChoices):
    VISIT = "visit", _("实地拜访")
    MEETING = "meeting", _("洽谈会议")
    LETTER = "letter", _("函件往来")
    AGREEMENT = "agreement", _("意向/投资协议")
    OTHER = "other", _("其他")


class FirstContactClaim(models.Model):
    """A unit's evidenced first contact (首谈) with an enterprise: the usual tie-breaker in conflicts."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="claims"
    )
    unit = models.ForeignKey(
        "parks.Unit", verbose_name=_("首谈单位"), on_delete=models.PROTECT, related_name="claims"
    )
    contacted_on = models.DateField(_("首次接洽日期"))
    kind = models.CharField(_("证明类型"), max_length=20, choices=ClaimKind.choices)
    document = models.FileField(_("证明材料"), upload_to="claims/%Y/%m/", blank=True)
    note = models.TextField(_("说明"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["contacted_on", "created_at", "id"]
        verbose_name = verbose_name_plural = _("首谈登记")

    def __str__(self) -> str:
        return f"{self.unit} · {self.enterprise} · {self.contacted_on}"

    @property
    def is_evidenced(self) -> bool:
        return bool(self.document)


class Conflict(models.Model):
    """The same enterprise filed into the same park by two or more units (同一企业多地报备)."""

    OPEN, RESOLVED = "open", "resolved"
    enterprise = models.ForeignKey(
        "enterprises.Enterprise", verbose_name=_("企业"), on_delete=models.PROTECT, related_name="conflicts"
    )
    park = models.ForeignKey(
        "parks.Park", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="conflicts"
    )
    projects = models.ManyToManyField(Project, verbose_name=_("涉及项目"), related_name="conflicts")
    status = models.CharField(
        _("状态"), max_length=10, choices=[(OPEN, _("待裁定")), (RESOLVED, _("已裁定"))], default=OPEN
    )
    winner = models.ForeignKey(
        Project,
        verbose_name=_("裁定归属项目"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    suggested_winner = models.ForeignKey(
        Project,
        verbose_name=_("按首谈建议归属"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    resolution_reason = models.TextField(_("裁定理由"), blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = _("报备冲突")

    def __str__(self) -> str:
        return f"{self.enterprise} @ {self.park.short_name}"


class StartEvent(models.TextChoices):
    """The event a sharing period counts from (分享期限起算事件)."""

    FIRST_TAX = "first_tax_after_recognition", _("认定后首个纳税月份")
    MOVE = "move", _("搬迁月份")
    AGREEMENT_MONTH = "agreement_month", _("协议约定月份")


class HostContribution(models.TextChoices):
    """Whether the host park put money into the project; the policy may split differently (空为不区分)."""

    CO_INVESTED = "co_invested", _("承载地共同投入")
    NO_INPUT = "no_input", _("承载地未投入")


class SharingPolicy(models.Model):
    """Default split by project kind / relocation class, effective-dated and editable by the city.

    The measures publish no ratio; the shipped rows are defaults to be confirmed (see MECHANISM.md).
    """

    kind = models.CharField(_("项目类型"), max_length=20, choices=Kind.choices)
    relocation_class = models.CharField(
        _("流转类别"), max_length=20, choices=RelocationClass.choices, blank=True
    )
    effective_from = models.DateField(_("生效日期"))
    effective_to = models.DateField(_("失效日期"), null=True, blank=True)
    cooperating_bp = models.PositiveIntegerField(_("协作地分成（基点）"))
    host_bp = models.PositiveIntegerField(_("承载地分成（基点）"))
    duration_months = models.PositiveIntegerField(_("分享期限（月）"))
    host_contribution = models.CharField(
        _("承载地投入情况"), max_length=20, choices=HostContribution.choices, blank=True
    )
    start_event = models.CharField(
        _("期限起算"), max_length=30, choices=StartEvent.choices, default=StartEvent.AGREEMENT_MONTH
    )
    cap_years_before_move = models.PositiveSmallIntegerField(
        _("分享上限（迁出前年数）"),
        null=True,
        blank=True,
        help_text=_("协作地累计分得不超过企业搬迁前若干年的纳税额；空为不设上限"),
    )
    extension_months = models.PositiveIntegerField(
        _("未达上限延长（月）"), default=0, help_text=_("期满仍未达到上限时再分享的月数；0为不延长")
    )
    note = models.CharField(_("说明"), max_length=200, blank=True)
    is_default = models.BooleanField(_("系统默认值（待财政部门确认）"), default=True)

    class Meta:
        ordering = ["kind", "relocation_class", "-effective_from"]
        verbose_name = verbose_name_plural = _("利益分享默认比例")
        constraints = [
            models.CheckConstraint(
                name="policy_bp_sum", condition=Q(cooperating_bp__lte=10000) & Q(host_bp__lte=10000)
            ),
        ]

    def __str__(self) -> str:
        label = self.get_relocation_class_display() or self.get_kind_display()
        if self.host_contribution:
            label = f"{label}（{self.get_host_contribution_display()}）"
        return gettext("%(label)s %(cooperating)s:%(host)s 自%(since)s") % {
            "label": label,
            "cooperating": f"{self.cooperating_bp / 100:g}",
            "host": f"{self.host_bp / 100:g}",
            "since": self.effective_from,
        }


class Agreement(models.Model):
    """The sharing agreement fixed at recognition: parties, their basis points, and the months it covers."""

    project = models.OneToOneField(
        Project, verbose_name=_("项目"), on_delete=models.PROTECT, related_name="agreement"
    )
    start_month = models.DateField(_("起始月份"), help_text=_("该月1日"))
    end_month = models.DateField(_("终止月份"), help_text=_("该月1日（含）"))
    policy = models.ForeignKey(
        SharingPolicy, verbose_name=_("依据的默认比例"), null=True, blank=True, on_delete=models.PROTECT
    )
    # How the months were fixed. Blank: as written (every agreement recognised before the policy carried its
    # start event). first_tax_after_recognition with end_explicit off: the end follows the first month with
    # tax (see enclave/sharing/terms.py).
    start_event = models.CharField(_("期限起算"), max_length=30, choices=StartEvent.choices, blank=True)
    duration_months = models.PositiveIntegerField(_("分享期限（月）"), null=True, blank=True)
    end_explicit = models.BooleanField(_("终止月份由协议约定"), default=True)
    cap_fen = models.BigIntegerField(
        _("协作地分享上限（分）"), null=True, blank=True, help_text=_("协作地累计分得的最高额；空为不设上限")
    )
    extension_months = models.PositiveIntegerField(
        _("未达上限延长（月）"), default=0, help_text=_("期满仍未达到上限时再分享的月数")
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = _("利益分享协议")
        constraints = [
            models.CheckConstraint(
                name="agreement_months_ordered", condition=Q(end_month__gte=models.F("start_month"))
            ),
            models.CheckConstraint(
                name="agreement_cap_nonnegative", condition=Q(cap_fen__isnull=True) | Q(cap_fen__gte=0)
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.display_code} {self.start_month:%Y-%m}–{self.end_month:%Y-%m}"


class AgreementParty(models.Model):
    """One party of an agreement: a cooperating unit or the host park, with its share in basis points."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="parties")
    unit = models.ForeignKey("parks.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    park = models.ForeignKey("parks.Park", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    share_bp = models.PositiveIntegerField(_("分成（基点）"))

    class Meta:
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(
                name="party_is_unit_xor_park",
                condition=(
                    Q(unit__isnull=False, park__isnull=True) | Q(unit__isnull=True, park__isnull=False)
                ),
            ),
            models.CheckConstraint(name="party_bp_range", condition=Q(share_bp__lte=10000)),
        ]

    @property
    def party_code(self) -> str:
        return self.unit.code if self.unit_id else self.park.code

    @property
    def party_name(self) -> str:
        return (
            self.unit.name if self.unit_id else gettext("%(park)s（承载地）") % {"park": self.park.short_name}
        )
