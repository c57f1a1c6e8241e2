"""The append-only audit trail. Rows are written by services in the same transaction as the change.

The database refuses UPDATE and DELETE on this table (triggers in migration 0002), so a row once
written stays as written.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Verb(models.TextChoices):
    CREATE = "create", "新建"
    UPDATE = "update", "修改"
    DELETE = "delete", "删除"
    TRANSITION = "transition", "状态变更"
    RECOGNISE = "recognise", "认定"
    CLAIM = "claim", "首谈登记"
    CONFLICT_OPEN = "conflict_open", "冲突登记"
    CONFLICT_RESOLVE = "conflict_resolve", "冲突裁定"
    LOGIN = "login", "登录"
    LOGIN_FAILED = "login_failed", "登录失败"
    LOGOUT = "logout", "退出"
    DENIED = "denied", "越权访问被拒绝"
    EXPORT = "export", "数据导出"


class Event(models.Model):
    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="操作人", null=True, blank=True, on_delete=models.PROTECT
    )
    actor_role = models.CharField("角色快照", max_length=20, blank=True)
    actor_scope = models.CharField("单位/园区快照", max_length=40, blank=True)
    verb = models.CharField("类型", max_length=20, choices=Verb.choices)
    object_type = models.CharField("对象类型", max_length=40, blank=True)
    object_id = models.CharField("对象ID", max_length=40, blank=True, db_index=True)
    object_repr = models.CharField("对象", max_length=200, blank=True)
    before = models.JSONField("变更前", null=True, blank=True)
    after = models.JSONField("变更后", null=True, blank=True)
    reason = models.TextField("原因", blank=True)
    success = models.BooleanField("成功", default=True)
    ip = models.GenericIPAddressField("IP", null=True, blank=True)
    request_id = models.CharField("请求ID", max_length=36, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_event_object")]
        verbose_name = verbose_name_plural = "审计事件"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_verb_display()} {self.object_repr}"
