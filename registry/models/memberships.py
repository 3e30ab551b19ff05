"""Memberships: a volunteer's place in a node over a period, with its history."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from .tree import OrgNode
from .volunteers import Volunteer


class Membership(models.Model):
    """A volunteer's place in a node over a period; closed, never overwritten."""

    class Role(models.TextChoices):
        CAPTAIN = "captain", "队长"
        VICE_CAPTAIN = "vice_captain", "副队长"
        HEAD = "head", "负责人"
        CONTACT = "contact", "联系人"
        INFO_MANAGER = "info_manager", "信息管理员"
        MEMBER = "member", "队员"

    class Kind(models.TextChoices):
        # The team of the member's own unit (the plan's 回迁 rule): one at a time.
        PRIMARY = "primary", "本单位队伍"
        # 在职党员到社区报到: at most one community station at a time.
        COMMUNITY = "community", "社区报到"
        # A post held elsewhere, e.g. 总队队长 or 分会副队长, alongside the primary team.
        POST = "post", "兼任职务"

    LEADER_ROLES = (Role.CAPTAIN, Role.HEAD)

    volunteer = models.ForeignKey(
        Volunteer,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name="义工",
    )
    node = models.ForeignKey(
        OrgNode,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name="组织",
    )
    kind = models.CharField(
        "类型", max_length=20, choices=Kind.choices, default=Kind.PRIMARY
    )
    role = models.CharField(
        "角色", max_length=20, choices=Role.choices, default=Role.MEMBER
    )
    department_title = models.CharField("部门及职务", max_length=100, blank=True)
    start_date = models.DateField("开始日期", default=timezone.localdate)
    end_date = models.DateField("结束日期", null=True, blank=True)
    end_reason = models.CharField("结束原因", max_length=100, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "成员关系"
        verbose_name_plural = "成员关系"
        ordering = ["-start_date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["volunteer"],
                condition=Q(end_date__isnull=True, kind="primary"),
                name="registry_membership_one_open_primary",
                violation_error_message="该义工已有未结束的本单位队伍，请用调动办理",
            ),
            models.UniqueConstraint(
                fields=["volunteer"],
                condition=Q(end_date__isnull=True, kind="community"),
                name="registry_membership_one_open_community",
                violation_error_message="该义工已在一个社区义工服务站报到，请先结束原报到",
            ),
            models.UniqueConstraint(
                fields=["volunteer", "node"],
                condition=Q(end_date__isnull=True),
                name="registry_membership_one_open_per_node",
                violation_error_message="该义工在此组织已有未结束的成员关系",
            ),
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=F("start_date")),
                name="registry_membership_end_after_start",
                violation_error_message="结束日期不能早于开始日期",
            ),
            models.CheckConstraint(
                condition=~Q(kind="post") | ~Q(role="member"),
                name="registry_membership_post_has_role",
                violation_error_message="兼任职务须选择队长、副队长、负责人等职务，不能是队员",
            ),
        ]

    def __str__(self):
        return f"{self.volunteer.name} — {self.node.name}（{self.get_role_display()}）"

    def clean(self):
        super().clean()
        if (
            self.kind == self.Kind.COMMUNITY
            and self.node_id
            and self.node.kind != OrgNode.Kind.STATION
        ):
            raise ValidationError(
                {
                    "node": f"社区报到只能在社区义工服务站办理，“{self.node.name}”不是服务站"
                }
            )
        if self.end_date and self.end_date > timezone.localdate():
            raise ValidationError({"end_date": "结束日期不能晚于今天"})

    @property
    def is_open(self):
        return self.end_date is None

    @property
    def audit_node_id(self):
        return self.node_id
