"""Users and their roles. A role decides what a user may do; unit or park decides which rows they see."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CITY_ADMIN = "city_admin", _("市发展改革委（市级管理员）")
    REVIEWER = "reviewer", _("市投资促进局（审查人员）")
    PARK = "park", _("园区管委会")
    UNIT = "unit", _("协作地（县区、开发区）")
    AUDITOR = "auditor", _("只读审计人员")


class User(AbstractUser):
    """One official, one account. `unit` is set for unit users, `park` for park committee users."""

    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, default=Role.UNIT)
    unit = models.ForeignKey(
        "parks.Unit",
        verbose_name=_("所属单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    park = models.ForeignKey(
        "parks.Park",
        verbose_name=_("所属园区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    full_name = models.CharField(_("姓名"), max_length=40, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("用户")
        constraints = [
            models.CheckConstraint(
                name="user_scope_matches_role",
                condition=(
                    Q(role=Role.UNIT, unit__isnull=False, park__isnull=True)
                    | Q(role=Role.PARK, park__isnull=False, unit__isnull=True)
                    | Q(
                        role__in=[Role.CITY_ADMIN, Role.REVIEWER, Role.AUDITOR],
                        unit__isnull=True,
                        park__isnull=True,
                    )
                ),
            )
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_scope(self) -> str:
        if self.role == Role.UNIT and self.unit_id:
            return self.unit.name
        if self.role == Role.PARK and self.park_id:
            return self.park.short_name
        return gettext("全市")
