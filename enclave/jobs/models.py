"""Long jobs (settlements, imports) with the progress a page can show while they run in the background."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Job(models.Model):
    QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
    STATUS = [(QUEUED, _("排队中")), (RUNNING, _("运行中")), (DONE, _("已完成")), (FAILED, _("失败"))]

    kind = models.CharField(_("任务类型"), max_length=40)
    params = models.JSONField(_("参数"), default=dict)
    status = models.CharField(_("状态"), max_length=10, choices=STATUS, default=QUEUED)
    done = models.PositiveIntegerField(_("已完成步数"), default=0)
    total = models.PositiveIntegerField(_("总步数"), default=0)
    stage = models.CharField(_("当前阶段"), max_length=100, blank=True)
    result = models.JSONField(_("结果"), null=True, blank=True)
    error = models.TextField(_("错误信息"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = _("后台任务")

    def __str__(self) -> str:
        return f"{self.kind} #{self.pk}"

    @property
    def percent(self) -> int:
        """100 only once the job is done: a stage that has reached its end (reading done, writing still to
        come) shows 99, so an official never sees a full bar on a job that is still running."""
        if self.status == self.DONE:
            return 100
        return min(self.done * 100 // self.total, 99) if self.total else 0

    @property
    def is_finished(self) -> bool:
        return self.status in (self.DONE, self.FAILED)
