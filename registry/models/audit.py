"""Privacy and audit: the log of full-ID reveals and the registry's audit log."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from wagtail.models.audit_log import (
    BaseLogEntry,
    BaseLogEntryManager,
    LogEntryQuerySet,
)

from .. import roles
from .rights import covered_nodes, is_active_superuser
from .tree import OrgNode
from .volunteers import Volunteer


class IDNumberReveal(models.Model):
    """One showing of a full ID number to a user (who, when, which record, why)."""

    volunteer = models.ForeignKey(
        Volunteer,
        on_delete=models.SET_NULL,
        null=True,
        related_name="id_number_reveals",
        verbose_name="义工",
    )
    # Snapshots keep the log meaningful after the volunteer or user is deleted.
    volunteer_number = models.CharField("注册义工号", max_length=20)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name="查看人",
    )
    username = models.CharField("查看人用户名", max_length=150)
    revealed_at = models.DateTimeField("查看时间", default=timezone.now, db_index=True)
    reason = models.CharField("查看原因", max_length=200, blank=True)
    ip_address = models.GenericIPAddressField("IP地址", null=True, blank=True)

    class Meta:
        verbose_name = "身份证号码查看记录"
        verbose_name_plural = "身份证号码查看记录"
        ordering = ["-revealed_at", "-pk"]

    def __str__(self):
        return (
            f"{self.username} {self.revealed_at:%Y-%m-%d %H:%M} {self.volunteer_number}"
        )


# One audit entry per bulk registration (registry.services.bulk_register logs
# it on the node); it also stands for the creation of each volunteer it added.
BULK_REGISTER_ACTION = "registry.bulk_register"
# A bulk export of a node's roster (registry.services.record_bulk_export).
BULK_EXPORT_ACTION = "registry.bulk_export"


class RegistryLogEntryQuerySet(LogEntryQuerySet):
    def latest_by_uuid_and_action(self):
        """Wagtail's history grouping, per record.

        Wagtail keeps only the latest entry of each (uuid, action) across all
        records: entries one request or one import wrote for many records share
        a uuid, and all but one record would lose theirs from its history.
        """
        latest_id = (
            self.model._default_manager.filter(
                uuid=models.OuterRef("uuid"),
                action=models.OuterRef("action"),
                content_type=models.OuterRef("content_type"),
                object_id=models.OuterRef("object_id"),
            )
            .order_by("-timestamp", "-id")
            .values("id")[:1]
        )
        return self.filter(Q(uuid__isnull=True) | Q(id=latest_id))


class RegistryLogEntryManager(BaseLogEntryManager):
    def get_queryset(self):
        return RegistryLogEntryQuerySet(self.model, using=self._db)

    def log_action(self, instance, action, **kwargs):
        kwargs.setdefault("org_node_id", getattr(instance, "audit_node_id", None))
        kwargs.update(object_id=str(instance.pk))
        return super().log_action(instance, action, **kwargs)

    def for_instance(self, instance):
        own = Q(
            content_type=ContentType.objects.get_for_model(
                instance, for_concrete_model=False
            ),
            object_id=str(instance.pk),
        )
        batch = getattr(instance, "import_batch", None)
        if batch is not None:
            # The bulk registration that created it (see Volunteer.import_batch).
            own |= Q(action=BULK_REGISTER_ACTION, uuid=batch)
        return self.filter(own)

    def viewable_by_user(self, user):
        """Entries of nodes in the user's subtrees (Wagtail's default goes by content type)."""
        if is_active_superuser(user):
            return self.all()
        return self.filter(
            org_node__in=covered_nodes(user, roles.VIEW_REGISTRY).values("pk")
        )


class RegistryLogEntry(BaseLogEntry):
    """Audit log of registry records, tagged with the node they belonged to."""

    object_id = models.CharField(max_length=255, db_index=True)
    org_node = models.ForeignKey(
        OrgNode,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="组织",
    )

    objects = RegistryLogEntryManager()

    class Meta(BaseLogEntry.Meta):
        ordering = ["-timestamp", "-id"]
        verbose_name = "注册管理日志"
        verbose_name_plural = "注册管理日志"

    def __str__(self):
        return f"RegistryLogEntry {self.pk}: {self.action} on {self.object_id}"
