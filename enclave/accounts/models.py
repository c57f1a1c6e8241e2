"""Users and their roles. A role decides what a user may do; unit or park decides which rows they see.

三权分立: the system, security and audit administrators are roles of their own. An account has exactly one
role (one column), and one person has exactly one account (the unique 工号 `employee_id`), so no person can
hold two administrator roles or an administrator role plus a business role; check constraints keep the
administrators away from Django's staff and superuser flags as well.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.contrib.sessions.base_session import AbstractBaseSession
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from enclave.accounts.fields import SM4TextField


class Role(models.TextChoices):
    CITY_ADMIN = "city_admin", _("市发展改革委（市级管理员）")
    REVIEWER = "reviewer", _("市投资促进局（审查人员）")
    # 市财政局 and 市税务局 in one role: they confirm the tax figures (one row, a filter, or the bureau's extract).
    FINANCE = "finance", _("市财政局/市税务局（财税部门）")
    PARK = "park", _("园区管委会")
    UNIT = "unit", _("协作地（县区、开发区）")
    AUDITOR = "auditor", _("只读审计人员")
    SYS_ADMIN = "sys_admin", _("系统管理员")
    SECURITY_ADMIN = "security_admin", _("安全管理员")
    AUDIT_ADMIN = "audit_admin", _("审计管理员")


# 三员: the three administrators, who see no business data.
ADMIN_ROLES = (Role.SYS_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN)
BUSINESS_ROLES = (Role.CITY_ADMIN, Role.REVIEWER, Role.FINANCE, Role.PARK, Role.UNIT, Role.AUDITOR)
NO_ROLE = ""  # an account created by the system administrator, not yet granted a role


class User(AbstractUser):
    """One official, one account. `unit` is set for unit users, `park` for park committee users."""

    role = models.CharField(_("角色"), max_length=20, choices=Role.choices, blank=True, default=NO_ROLE)
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
    # 工号: the person behind the account; unique, so one person has one account.
    employee_id = models.CharField(_("工号"), max_length=32, unique=True)
    phone = SM4TextField(_("手机号码"), blank=True)
    id_number = SM4TextField(_("身份证号"), blank=True)
    # Set for initial and administrator-set passwords: the next sign-in must choose a new one.
    must_change_password = models.BooleanField(_("须修改密码"), default=False)
    password_changed_at = models.DateTimeField(_("密码修改时间"), null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("用户")
        constraints = [
            models.CheckConstraint(
                name="user_scope_matches_role",
                condition=(
                    Q(role=Role.UNIT, unit__isnull=False, park__isnull=True)
                    | Q(role=Role.PARK, park__isnull=False, unit__isnull=True)
                    | Q(
                        role__in=[
                            Role.CITY_ADMIN,
                            Role.REVIEWER,
                            Role.FINANCE,
                            Role.AUDITOR,
                            Role.SYS_ADMIN,
                            Role.SECURITY_ADMIN,
                            Role.AUDIT_ADMIN,
                            NO_ROLE,
                        ],
                        unit__isnull=True,
                        park__isnull=True,
                    )
                ),
            ),
            # No superuser at all: it would bypass every role (三权分立).
            models.CheckConstraint(name="user_no_superuser", condition=Q(is_superuser=False)),
            # An administrator role is the account's only power: not staff of the reference-data admin too.
            models.CheckConstraint(
                name="user_admin_role_alone",
                condition=~Q(role__in=[Role.SYS_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN])
                | Q(is_staff=False),
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def is_admin_role(self) -> bool:
        return self.role in ADMIN_ROLES

    @property
    def display_scope(self) -> str:
        if self.role == Role.UNIT and self.unit_id:
            return self.unit.name
        if self.role == Role.PARK and self.park_id:
            return self.park.short_name
        return gettext("全市")


class PasswordHistory(models.Model):
    """Hashes of a user's recent passwords (密码历史), so the last few cannot be chosen again."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)  # the salted slow hash, as in User.password
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]


class Session(AbstractBaseSession):
    """Django's database session plus the user it belongs to, so all of a user's sessions can be ended."""

    user_id = models.BigIntegerField(null=True, db_index=True)

    @classmethod
    def get_session_store_class(cls):
        from enclave.accounts.sessions import SessionStore

        return SessionStore


class SecurityPolicy(models.Model):
    """The security administrator's changes to the account policy (安全策略); one row. An empty field keeps
    the deployment's setting (README's configuration reference); forms keep values inside 等保 bounds."""

    password_min_length = models.PositiveSmallIntegerField(_("密码最小长度"), null=True, blank=True)
    admin_password_min_length = models.PositiveSmallIntegerField(
        _("管理员密码最小长度"), null=True, blank=True
    )
    password_min_classes = models.PositiveSmallIntegerField(
        _("密码至少包含的字符类别数"), null=True, blank=True
    )
    password_max_age_days = models.PositiveSmallIntegerField(_("密码最长使用天数"), null=True, blank=True)
    password_history = models.PositiveSmallIntegerField(_("不可重复使用的历史密码数"), null=True, blank=True)
    lockout_failures = models.PositiveSmallIntegerField(_("连续登录失败锁定次数"), null=True, blank=True)
    lockout_minutes = models.PositiveSmallIntegerField(_("锁定时长（分钟）"), null=True, blank=True)
    session_idle_minutes = models.PositiveSmallIntegerField(
        _("业务用户空闲超时（分钟）"), null=True, blank=True
    )
    admin_session_idle_minutes = models.PositiveSmallIntegerField(
        _("管理员空闲超时（分钟）"), null=True, blank=True
    )
    session_max_hours = models.PositiveSmallIntegerField(_("会话最长有效期（小时）"), null=True, blank=True)
    otp_all_users = models.BooleanField(_("所有用户须动态口令"), null=True, blank=True)
    dormant_days = models.PositiveSmallIntegerField(_("长期未使用账号停用天数"), null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = _("安全策略")

    def __str__(self) -> str:
        return str(_("安全策略"))
