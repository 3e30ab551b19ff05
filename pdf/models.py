"""A 名册 printed in the background: who asked, for which node, and the file."""

import uuid

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models

from registry.models import OrgNode


def private_storage():
    """Printed rosters hold names and phones: kept outside MEDIA_ROOT, never served."""
    return FileSystemStorage(location=settings.PRIVATE_ROOT / "pdf")


class RosterPrint(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "生成中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    uuid = models.UUIDField("编号", default=uuid.uuid4, unique=True, editable=False)
    node = models.ForeignKey(
        OrgNode, on_delete=models.CASCADE, related_name="+", verbose_name="组织"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name="打印人",
    )
    subtree = models.BooleanField("含下级组织", default=False)
    rows = models.PositiveIntegerField("行数", default=0)
    status = models.CharField(
        "状态", max_length=20, choices=Status.choices, default=Status.QUEUED
    )
    # The django-tasks result of the background render.
    task_id = models.CharField("后台任务", max_length=64, blank=True)
    file = models.FileField(
        "文件", storage=private_storage, upload_to="rosters/", blank=True
    )
    message = models.TextField("说明", blank=True)
    created_at = models.DateTimeField("提交时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "名册打印"
        verbose_name_plural = "名册打印"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.node.name}名册（{self.get_status_display()}）"

    @property
    def is_running(self):
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)
