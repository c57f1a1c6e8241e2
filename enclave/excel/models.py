"""One upload of a workbook and what came of it: counts, every problem, and the marked copy to download."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ImportRun(models.Model):
    RUNNING, WRITTEN, CHECKED, PROBLEMS, REFUSED = "running", "written", "checked", "problems", "refused"
    STATUS = [
        (RUNNING, _("处理中")),
        (WRITTEN, _("已导入")),
        (CHECKED, _("检查通过（试导入，未写入）")),
        (PROBLEMS, _("有错误，未导入")),
        (REFUSED, _("文件被拒绝")),
    ]

    kind = models.CharField(_("导入类型"), max_length=40)
    filename = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveBigIntegerField(_("文件大小（字节）"), default=0)
    dry_run = models.BooleanField(_("试导入"), default=False)
    status = models.CharField(_("状态"), max_length=10, choices=STATUS, default=RUNNING)
    rows = models.PositiveIntegerField(_("数据行数"), default=0)
    new = models.PositiveIntegerField(_("新增"), default=0)
    updated = models.PositiveIntegerField(_("更新"), default=0)
    unchanged = models.PositiveIntegerField(_("未变化"), default=0)
    refused = models.TextField(_("拒绝原因"), blank=True)
    problem_count = models.PositiveIntegerField(_("问题数"), default=0)
    problems = models.JSONField(_("问题清单"), default=list, blank=True)
    marked = models.BinaryField(_("标注错误的文件"), null=True, blank=True)
    job = models.OneToOneField(
        "jobs.Job", null=True, blank=True, on_delete=models.SET_NULL, related_name="import_run"
    )
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = _("Excel 导入记录")

    def __str__(self) -> str:
        return f"{self.filename} #{self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.status != self.RUNNING
