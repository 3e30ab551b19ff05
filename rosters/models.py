"""An uploaded roster and what became of it: preview, confirmation, result."""

import uuid

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models

from registry.models import OrgNode


def private_storage():
    """Uploaded rosters hold ID numbers: kept outside MEDIA_ROOT, never served."""
    return FileSystemStorage(location=settings.PRIVATE_ROOT / "rosters")


class RosterImport(models.Model):
    class Status(models.TextChoices):
        CHECKING = "checking", "正在检查"
        CHECKED = "checked", "待确认"
        REJECTED = "rejected", "文件无法导入"
        IMPORTING = "importing", "正在导入"
        IMPORTED = "imported", "已导入"
        FAILED = "failed", "未导入"

    class Mode(models.TextChoices):
        ALL = "all", "全部成功才导入"
        VALID_ONLY = "valid_only", "只导入通过检查的行"

    # Shared by the audit-log entries of this import's rows.
    uuid = models.UUIDField("批次", default=uuid.uuid4, unique=True, editable=False)
    node = models.ForeignKey(
        OrgNode,
        on_delete=models.CASCADE,
        related_name="roster_imports",
        verbose_name="导入到",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="录入人",
    )
    file = models.FileField(
        "文件", storage=private_storage, upload_to="uploads/", blank=True
    )
    original_name = models.CharField("文件名", max_length=255)
    sha256 = models.CharField("文件摘要", max_length=64)
    size = models.PositiveBigIntegerField("文件大小")
    estimated_rows = models.PositiveIntegerField("估计行数", default=0)
    background = models.BooleanField("后台处理", default=False)
    # The django-tasks result of the background step in progress.
    task_id = models.CharField("后台任务", max_length=64, blank=True)
    status = models.CharField(
        "状态", max_length=20, choices=Status.choices, default=Status.CHECKING
    )
    mode = models.CharField("导入方式", max_length=20, choices=Mode.choices, blank=True)
    # ImportResult.as_json() of the check, then of the import.
    result = models.JSONField("结果", default=dict, blank=True)
    message = models.TextField("说明", blank=True)
    failed_file = models.FileField(
        "未通过的行", storage=private_storage, upload_to="failed/", blank=True
    )
    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    checked_at = models.DateTimeField("检查完成时间", null=True, blank=True)
    imported_at = models.DateTimeField("更新日期", null=True, blank=True)

    class Meta:
        verbose_name = "名册导入"
        verbose_name_plural = "名册导入"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.original_name} → {self.node.name}"

    @property
    def is_running(self):
        return self.status in (self.Status.CHECKING, self.Status.IMPORTING)

    @property
    def counts(self):
        return self.result.get("counts", {})

    def delete_files(self):
        for stored in (self.file, self.failed_file):
            if stored:
                stored.delete(save=False)
