"""Recruitment leads (招商线索), their dated stage events, and site visits (投资考察团)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from enclave.enterprises.models import OriginKind
from enclave.leads.pipeline import EventKind, Stage


class Channel(models.TextChoices):
    # 对接渠道
    VISIT = "visit", _("上门拜访")
    REFERRAL = "referral", _("以商招商（企业推荐）")
    FAIR = "fair", _("展会、推介会")
    AGENCY = "agency", _("中介机构、商协会")
    GOVERNMENT = "government", _("对口帮扶、部门推送")
    ONLINE = "online", _("线上对接")
    OTHER = "other", _("其他")


class Lead(models.Model):
    """An enterprise a unit is working to bring into a key park (招商线索/对接企业)."""

    enterprise = models.ForeignKey(
        "enterprises.Enterprise",
        verbose_name=_("企业库中的企业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="leads",
    )
    enterprise_name = models.CharField(_("企业名称"), max_length=120)
    unit = models.ForeignKey(
        "parks.Unit", verbose_name=_("招商单位"), on_delete=models.PROTECT, related_name="leads"
    )
    park = models.ForeignKey(
        "parks.Park",
        verbose_name=_("目标园区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="leads",
    )
    subpark = models.ForeignKey(
        "parks.SubPark",
        verbose_name=_("目标园中园"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="leads",
    )
    industry = models.ForeignKey(
        "parks.Industry",
        verbose_name=_("所属行业"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="leads",
    )
    expected_investment_fen = models.BigIntegerField(_("预计投资额（分）"), null=True, blank=True)
    needed_area_m2 = models.DecimalField(
        _("需求面积（平方米）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    origin_kind = models.CharField(_("来源地类型"), max_length=20, choices=OriginKind.choices, blank=True)
    origin = models.CharField(_("来源地（省份或国家/地区）"), max_length=40, blank=True)
    channel = models.CharField(_("对接渠道"), max_length=20, choices=Channel.choices, default=Channel.VISIT)
    contact_name = models.CharField(_("企业联系人"), max_length=40, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("负责人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_leads",
    )
    next_step = models.CharField(_("下一步工作"), max_length=200, blank=True)
    next_step_on = models.DateField(_("下一步日期"), null=True, blank=True)
    note = models.TextField(_("备注"), blank=True)

    stage = models.CharField(
        _("阶段"), max_length=20, choices=Stage.CHOICES, default=Stage.CONTACTED, db_index=True
    )
    contacted_on = models.DateField(_("首次接洽日期"))
    stage_on = models.DateField(_("进入当前阶段日期"))
    drop_reason = models.TextField(_("放弃原因"), blank=True)
    signed_on = models.DateField(_("签约日期"), null=True, blank=True)
    registered_on = models.DateField(_("注册日期"), null=True, blank=True)
    project = models.OneToOneField(
        "projects.Project",
        verbose_name=_("转报备的项目"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="lead",
    )

    shared_with = models.ManyToManyField(
        "parks.Unit",
        verbose_name=_("共享给（其他单位，只读）"),
        blank=True,
        related_name="shared_leads",
        help_text=_("线索默认只有本单位可见；共享后这些单位可以查看，但不能修改"),
    )

    is_sample = models.BooleanField(_("示例数据"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["-contacted_on", "-id"]
        verbose_name = verbose_name_plural = _("招商线索")
        constraints = [
            models.CheckConstraint(
                name="lead_investment_nonnegative",
                condition=Q(expected_investment_fen__isnull=True) | Q(expected_investment_fen__gte=0),
            ),
            models.CheckConstraint(
                name="lead_area_nonnegative",
                condition=Q(needed_area_m2__isnull=True) | Q(needed_area_m2__gte=0),
            ),
            models.CheckConstraint(
                name="lead_stage_after_contact", condition=Q(stage_on__gte=models.F("contacted_on"))
            ),
        ]

    def __str__(self) -> str:
        return self.enterprise_name

    @property
    def stage_label(self) -> str:
        return str(Stage.LABELS.get(self.stage, self.stage))

    @property
    def is_open(self) -> bool:
        return self.stage in Stage.OPEN


class LeadEvent(models.Model):
    """A dated step of a lead: reaching a stage, or signing / registering. The funnel is computed from these.

    `on` is the day it happened (as the official states it); `at` is when it was recorded.
    """

    lead = models.ForeignKey(Lead, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("事项"), max_length=20, choices=EventKind.CHOICES)
    on = models.DateField(_("日期"))
    note = models.TextField(_("说明"), blank=True)
    visit = models.ForeignKey(
        "leads.Visit", null=True, blank=True, on_delete=models.PROTECT, related_name="lead_events"
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("操作人"),
        null=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        ordering = ["on", "id"]
        verbose_name = verbose_name_plural = _("线索进展记录")
        constraints = [models.UniqueConstraint(fields=["lead", "kind"], name="lead_event_once_per_kind")]

    @property
    def kind_label(self) -> str:
        return str(EventKind.LABELS.get(self.kind, self.kind))


class Visit(models.Model):
    """A site visit (投资考察团) that a unit organises to a key park, with the leads taking part."""

    visited_on = models.DateField(_("考察日期"))
    unit = models.ForeignKey(
        "parks.Unit", verbose_name=_("组织单位"), on_delete=models.PROTECT, related_name="visits"
    )
    park = models.ForeignKey(
        "parks.Park", verbose_name=_("考察园区"), on_delete=models.PROTECT, related_name="visits"
    )
    subpark = models.ForeignKey(
        "parks.SubPark",
        verbose_name=_("考察园中园"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="visits",
    )
    title = models.CharField(_("考察团名称"), max_length=120)
    leads = models.ManyToManyField(
        Lead, verbose_name=_("参加企业（线索）"), related_name="visits", blank=True
    )
    outcome = models.TextField(_("考察成果"), blank=True)
    is_sample = models.BooleanField(_("示例数据"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["-visited_on", "-id"]
        verbose_name = verbose_name_plural = _("投资考察团")

    def __str__(self) -> str:
        return f"{self.visited_on:%Y-%m-%d} {self.title}"
