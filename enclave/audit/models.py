"""The append-only audit trail. Rows are written by services in the same transaction as the change.

The database refuses UPDATE and DELETE on this table (triggers in migration 0002), so a row once
written stays as written; and each row carries an HMAC-SM3 chained to the row before (chain.py), so even
an edit made with the triggers off is found by `manage.py verify_audit_chain`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models, router, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Verb(models.TextChoices):
    CREATE = "create", _("新建")
    UPDATE = "update", _("修改")
    DELETE = "delete", _("删除")
    TRANSITION = "transition", _("状态变更")
    RECOGNISE = "recognise", _("认定")
    CLAIM = "claim", _("首谈登记")
    CONFLICT_OPEN = "conflict_open", _("冲突登记")
    CONFLICT_RESOLVE = "conflict_resolve", _("冲突裁定")
    LOGIN = "login", _("登录")
    LOGIN_FAILED = "login_failed", _("登录失败")
    LOGOUT = "logout", _("退出")
    DENIED = "denied", _("越权访问被拒绝")
    EXPORT = "export", _("数据导出")
    PURGE = "purge", _("审计日志清理")
    LOCK = "lock", _("账号锁定")
    UNLOCK = "unlock", _("账号解锁")
    PASSWORD_CHANGE = "password_change", _("修改密码")
    PASSWORD_RESET = "password_reset", _("重置密码")
    USER_DISABLE = "user_disable", _("停用账号")
    USER_ENABLE = "user_enable", _("启用账号")
    ROLE_GRANT = "role_grant", _("授予角色")
    ROLE_REVOKE = "role_revoke", _("撤销角色")
    SESSION_END = "session_end", _("结束会话")
    OTP_ENROL = "otp_enrol", _("绑定动态口令")
    OTP_VERIFY = "otp_verify", _("动态口令验证")
    OTP_RESET = "otp_reset", _("重置动态口令")
    PI_VIEW = "pi_view", _("查看完整个人信息")
    AUDIT_VIEW = "audit_view", _("查看审计日志")


class Event(models.Model):
    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True, on_delete=models.PROTECT
    )
    actor_role = models.CharField(_("角色快照"), max_length=20, blank=True)
    actor_scope = models.CharField(_("单位/园区快照"), max_length=40, blank=True)
    verb = models.CharField(_("类型"), max_length=20, choices=Verb.choices)
    object_type = models.CharField(_("对象类型"), max_length=40, blank=True)
    object_id = models.CharField(_("对象ID"), max_length=40, blank=True, db_index=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    before = models.JSONField(_("变更前"), null=True, blank=True)
    after = models.JSONField(_("变更后"), null=True, blank=True)
    reason = models.TextField(_("原因"), blank=True)
    success = models.BooleanField(_("成功"), default=True)
    ip = models.GenericIPAddressField("IP", null=True, blank=True)
    request_id = models.CharField(_("请求ID"), max_length=36, blank=True)
    prev_mac = models.CharField(_("前一条校验值"), max_length=64, blank=True, editable=False)
    mac = models.CharField(_("校验值（HMAC-SM3）"), max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_event_object")]
        verbose_name = verbose_name_plural = _("审计事件")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_verb_display()} {self.object_repr}"

    def save(self, *args, **kwargs) -> None:
        """Append only: a new row is sealed into the chain under the chain lock; an existing row is
        never saved again (the database would refuse it anyway)."""
        if self.pk is not None:
            raise ValueError("audit events are append-only")
        from enclave.audit import chain

        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        with transaction.atomic(using=using):
            chain.lock(using)
            self.at = self.at or timezone.now()
            self.ip = self._meta.get_field("ip").get_prep_value(self.ip) or None
            last = Event.objects.using(using).order_by("-id").values_list("mac", flat=True).first()
            self.prev_mac = last or chain.GENESIS
            values = {name: getattr(self, name) for name in chain.CHAINED_FIELDS}
            self.mac = chain.mac(chain.canonical(values), self.prev_mac)
            super().save(*args, **kwargs)
