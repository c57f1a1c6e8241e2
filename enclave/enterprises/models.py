"""Enterprises (企业库), identified by their unified social credit code (统一社会信用代码)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from enclave.lib.codes import PROVINCES, CodeError, normalise_uscc


def validate_uscc(value: str) -> None:
    try:
        normalise_uscc(value)
    except CodeError as exc:
        raise ValidationError(str(exc), code="invalid_uscc") from exc


class OriginKind(models.TextChoices):
    # 来源地: within Kunming (存量), another province, or abroad
    LOCAL = "local", _("昆明市内")
    PROVINCE = "province", _("省内其他州市")
    OUT_OF_PROVINCE = "out_of_province", _("省外")
    ABROAD = "abroad", _("境外")


PROVINCE_NAMES = tuple(PROVINCES.values())


class Enterprise(models.Model):
    name = models.CharField(_("企业名称"), max_length=120)
    credit_code = models.CharField(
        _("统一社会信用代码"),
        max_length=18,
        unique=True,
        validators=[validate_uscc],
        error_messages={"unique": _("该统一社会信用代码已登记，请在企业库中查找该企业")},
    )
    registered_address = models.CharField(_("注册地址"), max_length=200, blank=True)
    registered_capital_fen = models.BigIntegerField(_("注册资本（分）"), default=0)
    origin_kind = models.CharField(_("来源地类型"), max_length=20, choices=OriginKind.choices)
    origin = models.CharField(_("来源地（省份或国家/地区）"), max_length=40)
    industry = models.ForeignKey(
        "parks.Industry", verbose_name=_("所属行业"), on_delete=models.PROTECT, related_name="enterprises"
    )
    contact_name = models.CharField(_("联系人"), max_length=40, blank=True)
    owner_unit = models.ForeignKey(
        "parks.Unit",
        verbose_name=_("登记单位"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("登记该企业的协作地；市级登记为空"),
    )
    is_sample = models.BooleanField(_("示例数据"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = verbose_name_plural = _("企业")
        constraints = [
            models.CheckConstraint(
                name="enterprise_capital_nonnegative", condition=models.Q(registered_capital_fen__gte=0)
            )
        ]

    def __str__(self) -> str:
        return self.name
