"""Reference data of the mechanism: industries, key parks and their areas, cooperating units, sub-parks."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Industry(models.Model):
    """GB/T 4754-2017 industry: a section (门类, letter) or a division (大类, two digits)."""

    SECTION, DIVISION = "section", "division"
    code = models.CharField(_("代码"), max_length=4, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    level = models.CharField(_("层级"), max_length=10, choices=[(SECTION, _("门类")), (DIVISION, _("大类"))])
    section = models.ForeignKey(
        "self",
        verbose_name=_("所属门类"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="divisions",
    )

    class Meta:
        ordering = ["code"]
        verbose_name = verbose_name_plural = _("国民经济行业")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def section_code(self) -> str:
        return self.code if self.level == self.SECTION else (self.section.code if self.section_id else "")


class Unit(models.Model):
    """A cooperating unit (协作地): county-level division or development/resort zone of the city."""

    class Kind(models.TextChoices):
        DISTRICT = "district", _("市辖区")
        COUNTY = "county", _("县")
        CITY = "county-level city", _("县级市")
        DEVELOPMENT_ZONE = "development zone", _("开发区")
        RESORT_ZONE = "resort zone", _("度假区/风景名胜区")
        NEW_AREA = "new area", _("国家级新区")

    class Tier(models.TextChoices):
        # 分级分类: default tiers of the assessment (editable by the city)
        T1 = "T1", _("一类（主城区）")
        T2 = "T2", _("二类")
        T3 = "T3", _("三类")
        ZONE = "Z", _("开发（度假）区及滇中新区")

    code = models.CharField(_("单位代码"), max_length=32, unique=True, help_text=_("行政区划代码或平台代码"))
    name = models.CharField(_("名称"), max_length=60, unique=True)
    short_name = models.CharField(_("简称"), max_length=20)
    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    division_code = models.CharField(
        _("行政区划代码"), max_length=6, blank=True, help_text=_("GB/T 2260；开发区等可为空")
    )
    # The tier in force today, kept by assessment.services.unit_tier_change; assessments read UnitTier as of
    # the period assessed, never this field (it is the fallback only for a unit without any UnitTier row).
    tier = models.CharField(_("考核分类"), max_length=2, choices=Tier.choices)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)
    sort_order = models.PositiveIntegerField(_("排序"), default=0)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = verbose_name_plural = _("协作地单位")

    def __str__(self) -> str:
        return self.name


# The date the shipped tiers are in force from: before any data the platform holds.
TIERS_IN_FORCE_FROM = dt.date(2000, 1, 1)


class UnitTier(models.Model):
    """A unit's assessment tier (分级分类) from a date on, until a later row replaces it.

    Rows are only ever added (a change is a new dated row with its reason), so a unit that moves tier in
    2026 keeps the tier it had when a 2024 period is assessed or re-run. Of two rows from the same date the
    later one holds. Shipped rows are defaults (is_default)."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("单位"), on_delete=models.PROTECT, related_name="tier_history"
    )
    tier = models.CharField(_("考核分类"), max_length=2, choices=Unit.Tier.choices)
    valid_from = models.DateField(_("生效日期"))
    reason = models.CharField(_("调整原因"), max_length=500)
    is_default = models.BooleanField(_("系统默认值"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("调整人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("调整时间"), auto_now_add=True)

    class Meta:
        ordering = ["unit__sort_order", "unit__code", "valid_from", "id"]
        verbose_name = verbose_name_plural = _("协作地考核分类（按生效日期）")
        constraints = [models.CheckConstraint(name="unit_tier_has_reason", condition=~Q(reason=""))]

    def __str__(self) -> str:
        return f"{self.unit} {self.tier} ≥{self.valid_from.isoformat()}"


class Park(models.Model):
    """A key cooperation park (重点产业协作园区), the host place (承载地)."""

    code = models.SlugField(_("园区代码"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=100, unique=True)
    short_name = models.CharField(_("简称"), max_length=40)
    code_prefix = models.CharField(_("项目编号前缀"), max_length=4, unique=True, help_text=_("如 MH、LG"))
    host_unit = models.ForeignKey(
        Unit,
        verbose_name=_("承载方共建单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="co_built_parks",
        help_text=_("与园区共建的本市单位（如昆明经开区共建沪滇临港昆明科技城），可为空"),
    )
    industries = models.ManyToManyField(
        Industry, verbose_name=_("产业定位（行业）"), blank=True, related_name="parks"
    )
    focus = models.TextField(_("产业定位说明"), blank=True)
    note = models.TextField(_("备注"), blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["code"]
        verbose_name = verbose_name_plural = _("重点产业协作园区")

    def __str__(self) -> str:
        return self.name

    def fits_positioning(self, industry: Industry) -> bool:
        """True when the industry (or its section) is in the park's positioning; an empty positioning fits all."""
        codes = set(self.industries.values_list("code", flat=True))
        return not codes or industry.code in codes or industry.section_code in codes


class ParkArea(models.Model):
    """An area (片区) of a park, e.g. 南坡片区."""

    park = models.ForeignKey(Park, verbose_name=_("园区"), on_delete=models.PROTECT, related_name="areas")
    name = models.CharField(_("片区名称"), max_length=60)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        ordering = ["park", "name"]
        constraints = [models.UniqueConstraint(fields=["park", "name"], name="park_area_unique_name")]
        verbose_name = verbose_name_plural = _("园区片区")

    def __str__(self) -> str:
        return f"{self.park.short_name}·{self.name}"


class SubPark(models.Model):
    """A sub-park (跨区域合作园区) that a unit builds inside a key park, e.g. 云南五华产业园磨憨园区."""

    name = models.CharField(_("名称"), max_length=100, unique=True)
    unit = models.ForeignKey(
        Unit, verbose_name=_("建设单位"), on_delete=models.PROTECT, related_name="subparks"
    )
    park = models.ForeignKey(
        Park, verbose_name=_("所在园区"), on_delete=models.PROTECT, related_name="subparks"
    )
    area = models.ForeignKey(
        ParkArea,
        verbose_name=_("片区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="subparks",
    )
    note = models.TextField(_("备注"), blank=True)
    established_on = models.DateField(
        _("设立日期"), help_text=_("园中园设立（规划建设）的日期；此前的简报和统计不计入该园中园")
    )
    # What the unit plans and builds (buildings, milestones, parcels and tenants live in enclave/land).
    planned_investment_fen = models.BigIntegerField(_("计划投资（分）"), null=True, blank=True)
    target_industries = models.ManyToManyField(
        Industry, verbose_name=_("重点引进行业"), blank=True, related_name="target_subparks"
    )
    focus = models.TextField(_("产业定位说明"), blank=True)
    construction_started_on = models.DateField(_("开工日期"), null=True, blank=True)
    completed_on = models.DateField(_("建成投用日期"), null=True, blank=True)

    class Meta:
        ordering = ["park", "name"]
        verbose_name = verbose_name_plural = _("跨区域合作园区（园中园）")
        constraints = [
            models.CheckConstraint(
                name="subpark_investment_nonnegative",
                condition=models.Q(planned_investment_fen__isnull=True)
                | models.Q(planned_investment_fen__gte=0),
            )
        ]

    def __str__(self) -> str:
        return self.name
