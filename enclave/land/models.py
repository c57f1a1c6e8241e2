"""Land won at auction (土地竞拍), what a sub-park (跨区域合作园区) builds on it, its milestones and tenants,
and the resource library (资源库) of land and space on offer.

Areas: land in 亩 as a Decimal with two places (as auctions report it, never a float); floor space in m²
as a Decimal with two places. Money in integer fen.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from enclave.lib.units import square_metres_from_mu


class LandUse(models.TextChoices):
    INDUSTRIAL = "industrial", _("工业用地")
    WAREHOUSE = "warehouse", _("仓储用地")
    COMMERCIAL = "commercial", _("商服用地")
    MIXED = "mixed", _("混合用地")
    OTHER = "other", _("其他")


class LandParcel(models.Model):
    """A parcel a unit won at auction inside a key park (竞得土地)."""

    unit = models.ForeignKey(
        "parks.Unit", verbose_name=_("竞得单位"), on_delete=models.PROTECT, related_name="parcels"
    )
    park = models.ForeignKey(
        "parks.Park", verbose_name=_("所在园区"), on_delete=models.PROTECT, related_name="parcels"
    )
    park_area = models.ForeignKey(
        "parks.ParkArea",
        verbose_name=_("片区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="parcels",
    )
    subpark = models.ForeignKey(
        "parks.SubPark",
        verbose_name=_("建设的园中园"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="parcels",
    )
    parcel_no = models.CharField(_("宗地编号"), max_length=40, blank=True)
    area_mu = models.DecimalField(_("面积（亩）"), max_digits=10, decimal_places=2)
    auctioned_on = models.DateField(_("竞得日期"))
    price_fen = models.BigIntegerField(_("成交价（分）"))
    intended_use = models.CharField(
        _("用途"), max_length=20, choices=LandUse.choices, default=LandUse.INDUSTRIAL
    )
    note = models.TextField(_("备注"), blank=True)
    is_sample = models.BooleanField(_("示例数据"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["-auctioned_on", "-id"]
        verbose_name = verbose_name_plural = _("竞得土地")
        constraints = [
            models.CheckConstraint(name="parcel_area_positive", condition=Q(area_mu__gt=0)),
            models.CheckConstraint(name="parcel_price_nonnegative", condition=Q(price_fen__gte=0)),
        ]

    def __str__(self) -> str:
        return f"{self.unit.short_name} {self.area_mu}亩 {self.auctioned_on:%Y-%m-%d}"

    @property
    def area_m2(self):  # noqa: ANN201 - Decimal
        return square_metres_from_mu(self.area_mu)


class BuildingKind(models.TextChoices):
    RD_CENTRE = "rd_centre", _("研发中心")
    SERVICE = "service", _("后勤综合楼")
    FACTORY = "factory", _("标准化厂房")
    OFFICE = "office", _("办公楼")
    WAREHOUSE = "warehouse", _("仓库")
    DORMITORY = "dormitory", _("宿舍")
    OTHER = "other", _("其他")


class Building(models.Model):
    """A building of a sub-park with its floor area (建筑面积)."""

    subpark = models.ForeignKey("parks.SubPark", on_delete=models.PROTECT, related_name="buildings")
    kind = models.CharField(_("类型"), max_length=20, choices=BuildingKind.choices)
    name = models.CharField(_("名称"), max_length=60)
    floor_area_m2 = models.DecimalField(_("建筑面积（平方米）"), max_digits=12, decimal_places=2)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        ordering = ["subpark", "kind", "name", "id"]
        verbose_name = verbose_name_plural = _("园中园建筑")
        constraints = [
            models.CheckConstraint(name="building_area_positive", condition=Q(floor_area_m2__gt=0))
        ]

    def __str__(self) -> str:
        return self.name


class Milestone(models.Model):
    """A dated promise of a sub-park (节点), e.g. ready for use by 2025-06-30, and when it was met."""

    subpark = models.ForeignKey("parks.SubPark", on_delete=models.PROTECT, related_name="milestones")
    name = models.CharField(_("节点名称"), max_length=100)
    due_on = models.DateField(_("计划完成日期"))
    done_on = models.DateField(_("实际完成日期"), null=True, blank=True)
    is_completion = models.BooleanField(
        _("竣工投用节点"), default=False, help_text=_("完成后园中园视为建成投用")
    )
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = verbose_name_plural = _("园中园建设节点")

    def __str__(self) -> str:
        return self.name


class TenantStatus(models.TextChoices):
    INTENDING = "intending", _("意向入园")
    ENTERED = "entered", _("已入园")


class Tenant(models.Model):
    """An enterprise that intends to enter, or has entered, a sub-park (入园企业)."""

    subpark = models.ForeignKey("parks.SubPark", on_delete=models.PROTECT, related_name="tenants")
    enterprise_name = models.CharField(_("企业名称"), max_length=120)
    lead = models.ForeignKey(
        "leads.Lead",
        verbose_name=_("对应线索"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="tenancies",
    )
    status = models.CharField(
        _("状态"), max_length=20, choices=TenantStatus.choices, default=TenantStatus.INTENDING
    )
    since_on = models.DateField(_("日期"))
    floor_area_m2 = models.DecimalField(
        _("使用面积（平方米）"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    is_sample = models.BooleanField(_("示例数据"), default=False)

    class Meta:
        ordering = ["subpark", "status", "since_on", "id"]
        verbose_name = verbose_name_plural = _("入园企业")
        constraints = [
            models.CheckConstraint(
                name="tenant_area_nonnegative",
                condition=Q(floor_area_m2__isnull=True) | Q(floor_area_m2__gte=0),
            )
        ]

    def __str__(self) -> str:
        return self.enterprise_name


class ResourceKind(models.TextChoices):
    LAND = "land", _("土地")
    FACTORY = "factory", _("标准厂房")
    OFFICE = "office", _("办公用房")


class PriceUnit(models.TextChoices):
    TOTAL = "total", _("总价（元）")
    PER_MU = "per_mu", _("元/亩")
    PER_M2_MONTH = "per_m2_month", _("租金（元/平方米·月）")
    PER_M2 = "per_m2", _("售价（元/平方米）")


class Resource(models.Model):
    """Land or space on offer in a park or sub-park (资源库), for matching with leads."""

    kind = models.CharField(_("资源类型"), max_length=20, choices=ResourceKind.choices)
    name = models.CharField(_("名称"), max_length=100)
    park = models.ForeignKey(
        "parks.Park", verbose_name=_("园区"), on_delete=models.PROTECT, related_name="resources"
    )
    subpark = models.ForeignKey(
        "parks.SubPark",
        verbose_name=_("园中园"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="resources",
    )
    area_m2 = models.DecimalField(_("面积（平方米）"), max_digits=12, decimal_places=2)
    price_fen = models.BigIntegerField(_("价格（分）"), default=0)
    price_unit = models.CharField(
        _("计价方式"), max_length=20, choices=PriceUnit.choices, default=PriceUnit.PER_M2_MONTH
    )
    available_on = models.DateField(_("可用日期"))
    industries = models.ManyToManyField(
        "parks.Industry", verbose_name=_("适合行业"), blank=True, related_name="resources"
    )
    is_available = models.BooleanField(_("可供"), default=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    is_sample = models.BooleanField(_("示例数据"), default=False)
    unit = models.ForeignKey(
        "parks.Unit",
        verbose_name=_("登记单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["park", "kind", "available_on", "id"]
        verbose_name = verbose_name_plural = _("资源库")
        constraints = [
            models.CheckConstraint(name="resource_area_positive", condition=Q(area_m2__gt=0)),
            models.CheckConstraint(name="resource_price_nonnegative", condition=Q(price_fen__gte=0)),
        ]

    def __str__(self) -> str:
        return self.name
