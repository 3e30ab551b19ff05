"""Service activities, the archive (档案), commitments, quarterly reports (附件4), certificates.

Every record hangs off an org node of the registry and is written only by
activities.services. Two ledgers are kept apart (Activity.Ledger): volunteer
service, which is certifiable and counts towards stars, certificates and the
export to i志愿; and party activities (meetings, lectures, office duty), which
count for the plan's yearly rules only.
"""

import secrets
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Case, Q, Value, When
from django.db.models.functions import Now
from django.utils import timezone
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path, re_path
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.models.audit_log import BaseLogEntry, BaseLogEntryManager

from registry import policy
from registry.models import CreationAction, OrgNode, ServiceCategory, Volunteer

PK = r"(?P<pk>[0-9]{1,19})"
DEFAULT_STAR_THRESHOLDS = "100,300,600,1000,1500"


def validate_star_thresholds(value):
    """ "100,300,600,1000,1500": ascending positive hours, one per star."""
    parts = [
        part.strip() for part in value.replace("，", ",").split(",") if part.strip()
    ]
    try:
        hours = [Decimal(part) for part in parts]
    except ArithmeticError:
        raise ValidationError(
            "星级时数只能是数字，用逗号分隔，如 100,300,600,1000,1500"
        ) from None
    if not hours or any(h <= 0 for h in hours) or hours != sorted(set(hours)):
        raise ValidationError("星级时数须为由小到大、不重复的正数，用逗号分隔")


@register_setting(icon="calendar-check")
class ServiceRules(BaseGenericSetting):
    """The plan's yearly rules (五(二)三), editable; the defaults are the plan's values."""

    services_per_year = models.PositiveSmallIntegerField(
        "每名党员义工每年至少服务次数", default=4
    )
    services_per_quarter = models.PositiveSmallIntegerField(
        "每名党员义工每季度至少服务次数", default=1
    )
    hours_per_year = models.DecimalField(
        "每名党员义工每年至少服务时数", max_digits=6, decimal_places=1, default=10
    )
    concentrated_per_team = models.PositiveSmallIntegerField(
        "每支队伍每年至少集中性活动次数", default=2
    )
    team_commitments = models.PositiveSmallIntegerField(
        "每支队伍每年至少承诺并践诺实事", default=1
    )
    member_commitments = models.PositiveSmallIntegerField(
        "每名党员义工每年至少承诺并践诺好事", default=1
    )
    warning_days = models.PositiveSmallIntegerField(
        "季度结束前多少天预警",
        default=15,
        help_text="本季度尚未服务的党员义工在季度结束前这些天内显示“预警”",
    )
    daily_hours_limit = models.DecimalField(
        "每人每日服务时数上限",
        max_digits=4,
        decimal_places=1,
        default=8,
        help_text="一人一天累计超过此时数的记录须经上级组织审核后才计入",
    )
    report_due_days = models.PositiveSmallIntegerField(
        "季报表上报期限（季度结束后天数）", default=10
    )
    star_thresholds = models.CharField(
        "星级认定时数",
        max_length=100,
        default=DEFAULT_STAR_THRESHOLDS,
        validators=[validate_star_thresholds],
        help_text="一星至五星所需的累计志愿服务时数，用逗号分隔",
    )

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("services_per_year"),
                FieldPanel("services_per_quarter"),
                FieldPanel("hours_per_year"),
                FieldPanel("member_commitments"),
            ],
            heading="党员义工",
        ),
        MultiFieldPanel(
            [FieldPanel("concentrated_per_team"), FieldPanel("team_commitments")],
            heading="党员义工服务队",
        ),
        MultiFieldPanel(
            [
                FieldPanel("warning_days"),
                FieldPanel("daily_hours_limit"),
                FieldPanel("report_due_days"),
                FieldPanel("star_thresholds"),
            ],
            heading="预警、审核与星级",
        ),
    ]

    class Meta:
        verbose_name = "年度服务规则"

    @property
    def stars(self):
        """The thresholds as Decimals, lowest first."""
        return [
            Decimal(part.strip())
            for part in self.star_thresholds.replace("，", ",").split(",")
            if part.strip()
        ]


class Evaluation(Orderable):
    """服务评价: 优秀 / 良好 / 合格 / 不合格 by default, editable."""

    name = models.CharField(
        "评价", max_length=20, unique=True, error_messages={"unique": "已有同名的评价"}
    )

    class Meta(Orderable.Meta):
        verbose_name = "服务评价等级"
        verbose_name_plural = "服务评价等级"

    def __str__(self):
        return self.name


class Approval(models.TextChoices):
    """The node above's decision on a 补录 activity or a day over the hour limit."""

    NOT_NEEDED = "not_needed", "无需审核"
    PENDING = "pending", "待上级审核"
    APPROVED = "approved", "上级已同意"
    REJECTED = "rejected", "上级不同意"


COUNTING_APPROVALS = (Approval.NOT_NEEDED, Approval.APPROVED)


class ActivityQuerySet(models.QuerySet):
    def with_phase(self):
        """Annotate ``phase``: the status as of now (预告, 进行中, 已完成, 已取消)."""
        return self.annotate(
            phase=Case(
                When(cancelled_at__isnull=False, then=Value(Activity.Status.CANCELLED)),
                When(starts_at__gt=Now(), then=Value(Activity.Status.ANNOUNCED)),
                When(ends_at__gte=Now(), then=Value(Activity.Status.ONGOING)),
                default=Value(Activity.Status.COMPLETED),
                output_field=models.CharField(),
            )
        )

    def public(self):
        """Announced in advance, approved where needed, on an open node."""
        return self.filter(announced=True).exclude(
            node__status=OrgNode.Status.DISSOLVED
        )

    def upcoming(self):
        return self.public().filter(cancelled_at__isnull=True, ends_at__gte=Now())


class Activity(models.Model):
    """One service activity of a node: announced in advance, or entered afterwards (补录)."""

    class Mode(models.TextChoices):
        CONCENTRATED = "concentrated", "集中性"
        DISPERSED = "dispersed", "分散"

    class Ledger(models.TextChoices):
        SERVICE = "service", "志愿服务"
        PARTY = "party", "党员活动"

    class Status(models.TextChoices):
        ANNOUNCED = "announced", "预告"
        ONGOING = "ongoing", "进行中"
        COMPLETED = "completed", "已完成"
        CANCELLED = "cancelled", "已取消"

    node = models.ForeignKey(
        OrgNode, on_delete=models.PROTECT, related_name="+", verbose_name="组织"
    )
    title = models.CharField("活动名称", max_length=100)
    creation_action = models.ForeignKey(
        CreationAction,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="五员创建行动",
    )
    category = models.ForeignKey(
        ServiceCategory,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="服务项目类别",
    )
    mode = models.CharField(
        "活动形式", max_length=20, choices=Mode.choices, default=Mode.CONCENTRATED
    )
    ledger = models.CharField(
        "记录类别",
        max_length=20,
        choices=Ledger.choices,
        default=Ledger.SERVICE,
        help_text="会议、讲座、值班等党员活动计入年度达标，但不计入可出具证明的志愿服务时数",
    )
    starts_at = models.DateTimeField("开始时间")
    ends_at = models.DateTimeField("结束时间")
    place = models.CharField("地点", max_length=200)
    beneficiaries = models.CharField("服务对象", max_length=200, blank=True)
    capacity = models.PositiveIntegerField(
        "名额", null=True, blank=True, help_text="留空为不限名额"
    )
    description = models.TextField("活动内容", blank=True)
    leader_name = models.CharField("活动负责人", max_length=50, blank=True)
    leader_phone = models.CharField("负责人电话", max_length=30, blank=True)
    # False: entered after it began (补录); it counts once the node above agrees.
    announced = models.BooleanField("提前预告", default=True, editable=False)
    approval = models.CharField(
        "上级审核",
        max_length=20,
        choices=Approval.choices,
        default=Approval.NOT_NEEDED,
        editable=False,
    )
    approval_note = models.CharField("审核意见", max_length=200, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="审核人",
    )
    approved_at = models.DateTimeField("审核时间", null=True, blank=True)
    cancelled_at = models.DateTimeField("取消时间", null=True, blank=True)
    cancel_reason = models.CharField("取消原因", max_length=200, blank=True)
    # Printed as a QR code for check-in on site; replaced when the leader resets it.
    checkin_token = models.CharField(
        max_length=43, unique=True, default=secrets.token_urlsafe, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="录入人",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = ActivityQuerySet.as_manager()

    class Meta:
        verbose_name = "服务活动"
        verbose_name_plural = "服务活动"
        ordering = ["-starts_at", "-pk"]
        indexes = [models.Index(fields=["node", "starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gte=models.F("starts_at")),
                name="activities_activity_ends_after_start",
                violation_error_message="结束时间不能早于开始时间",
            )
        ]

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.starts_at and self.ends_at and self.ends_at < self.starts_at:
            raise ValidationError({"ends_at": "结束时间不能早于开始时间"})
        if self.node_id and self.node.status == OrgNode.Status.DISSOLVED:
            raise ValidationError({"node": f"“{self.node.name}”已撤销，不能再开展活动"})

    @property
    def status(self):
        now = timezone.now()
        if self.cancelled_at:
            return self.Status.CANCELLED
        if now < self.starts_at:
            return self.Status.ANNOUNCED
        if now <= self.ends_at:
            return self.Status.ONGOING
        return self.Status.COMPLETED

    def get_status_display(self):
        return self.Status(self.status).label

    @property
    def counts(self):
        """Do its records count at all (not cancelled; 补录 approved by the node above)?"""
        return self.cancelled_at is None and self.approval in COUNTING_APPROVALS

    @property
    def duration_hours(self):
        seconds = (self.ends_at - self.starts_at).total_seconds()
        return Decimal(seconds / 3600).quantize(Decimal("0.1"))

    @property
    def audit_node_id(self):
        return self.node_id


class SignUp(models.Model):
    """A volunteer's sign-up for an announced activity, and the check-in on the day."""

    class Source(models.TextChoices):
        PUBLIC = "public", "网上报名"
        LEADER = "leader", "队伍登记"

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="signups", verbose_name="活动"
    )
    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.PROTECT, related_name="+", verbose_name="义工"
    )
    source = models.CharField("报名方式", max_length=20, choices=Source.choices)
    signed_up_at = models.DateTimeField("报名时间", default=timezone.now)
    cancelled_at = models.DateTimeField("取消报名时间", null=True, blank=True)
    checked_in_at = models.DateTimeField("签到时间", null=True, blank=True)
    checked_in_by = models.CharField("签到方式", max_length=50, blank=True)

    class Meta:
        verbose_name = "活动报名"
        verbose_name_plural = "活动报名"
        ordering = ["signed_up_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "volunteer"],
                name="activities_signup_once_per_activity",
                violation_error_message="该义工已报名本活动",
            )
        ]

    def __str__(self):
        return f"{self.activity} · {self.volunteer}"

    @property
    def audit_node_id(self):
        return self.activity.node_id


class ServiceRecordQuerySet(models.QuerySet):
    def counted(self):
        return self.filter(counted=True)

    def certifiable(self):
        return self.filter(counted=True, ledger=Activity.Ledger.SERVICE)

    def in_year(self, year):
        return self.filter(served_on__year=year)


class ServiceRecord(models.Model):
    """One line of the 《党员义工服务活动记录档案》: who served, when, how long, how well."""

    activity = models.ForeignKey(
        Activity, on_delete=models.PROTECT, related_name="records", verbose_name="活动"
    )
    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.PROTECT, related_name="+", verbose_name="义工"
    )
    served_on = models.DateField("服务日期")
    hours = models.DecimalField(
        "服务时数",
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.25")), MaxValueValidator(24)],
        help_text="实际服务时数，不含往返路途时间",
    )
    content = models.CharField("服务内容", max_length=200)
    evaluation = models.ForeignKey(
        Evaluation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="服务评价",
    )
    # Copied from the activity so that yearly sums read one table.
    ledger = models.CharField(
        "记录类别", max_length=20, choices=Activity.Ledger.choices, editable=False
    )
    approval = models.CharField(
        "上级审核",
        max_length=20,
        choices=Approval.choices,
        default=Approval.NOT_NEEDED,
        editable=False,
        help_text="当天累计时数超过上限时须上级组织审核",
    )
    approval_note = models.CharField("审核意见", max_length=200, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="审核人",
    )
    # Whether the record counts now: its activity counts and its own approval allows.
    counted = models.BooleanField("计入", default=False, editable=False)
    recorder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="记录人",
    )
    recorder_name = models.CharField("记录人", max_length=150, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = ServiceRecordQuerySet.as_manager()

    class Meta:
        verbose_name = "服务记录"
        verbose_name_plural = "服务记录"
        ordering = ["-served_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "volunteer", "served_on"],
                name="activities_record_once_per_day",
                violation_error_message="该义工当天在本活动已有服务记录",
            )
        ]
        indexes = [
            models.Index(
                fields=["volunteer", "served_on"],
                name="activities_record_counted",
                condition=Q(counted=True),
            ),
            models.Index(fields=["served_on"], name="activities_record_day"),
        ]

    def __str__(self):
        return f"{self.volunteer} {self.served_on} {self.hours}小时"

    @property
    def audit_node_id(self):
        return self.activity.node_id


class Exemption(models.Model):
    """A period in which a party volunteer is not held to the yearly rules, and why."""

    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.CASCADE, related_name="+", verbose_name="义工"
    )
    starts_on = models.DateField("免除开始日期")
    ends_on = models.DateField("免除结束日期")
    reason = models.CharField(
        "免除原因",
        max_length=200,
        help_text="如：长期患病、年老体弱、外出务工（流动党员）",
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="批准人",
    )
    granted_by_name = models.CharField("批准人", max_length=150)
    granted_at = models.DateTimeField("批准时间", default=timezone.now)
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)

    class Meta:
        verbose_name = "达标免除"
        verbose_name_plural = "达标免除"
        ordering = ["-starts_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="activities_exemption_ends_after_start",
                violation_error_message="结束日期不能早于开始日期",
            )
        ]

    def __str__(self):
        return f"{self.volunteer} {self.starts_on}—{self.ends_on}"

    @property
    def audit_node_id(self):
        return self.volunteer.org_node_id


class Commitment(models.Model):
    """A public commitment (承诺): a team's 实事 or a party volunteer's 好事, and its fulfilment."""

    class Kind(models.TextChoices):
        TEAM = "team", "队伍承诺（实事）"
        MEMBER = "member", "党员义工承诺（好事）"

    kind = models.CharField("承诺类型", max_length=20, choices=Kind.choices)
    node = models.ForeignKey(
        OrgNode, on_delete=models.PROTECT, related_name="+", verbose_name="组织"
    )
    volunteer = models.ForeignKey(
        Volunteer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="党员义工",
    )
    year = models.PositiveSmallIntegerField("年度")
    content = models.CharField("承诺内容", max_length=200)
    beneficiary = models.CharField("帮扶对象", max_length=100)
    due_on = models.DateField("承诺完成日期")
    fulfilled_on = models.DateField("践诺日期", null=True, blank=True)
    evidence = models.TextField("践诺情况", blank=True)
    activity = models.ForeignKey(
        Activity,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="践诺活动",
    )
    # Published on the 公开承诺 page only with this consent (志愿服务条例 Art. 20).
    public_consent = models.BooleanField(
        "同意在党务公开栏公开",
        default=False,
        help_text="须经本人（队伍承诺为队长）同意，方可在网站“公开承诺”栏目公开",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="录入人",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "公开承诺"
        verbose_name_plural = "公开承诺"
        ordering = ["-year", "due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="team", volunteer__isnull=True)
                | Q(kind="member", volunteer__isnull=False),
                name="activities_commitment_kind_matches_volunteer",
                violation_error_message="党员义工承诺须选择党员义工，队伍承诺不选",
            )
        ]

    def __str__(self):
        return self.content

    @property
    def is_fulfilled(self):
        return self.fulfilled_on is not None

    @property
    def audit_node_id(self):
        return self.node_id


class QuarterlyReport(models.Model):
    """《党员义工工作进展情况季报表》(附件4) of a node for one quarter."""

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        SUBMITTED = "submitted", "已上报"
        RETURNED = "returned", "已退回"
        APPROVED = "approved", "已通过"

    EDITABLE = (Status.DRAFT, Status.RETURNED)

    node = models.ForeignKey(
        OrgNode, on_delete=models.PROTECT, related_name="+", verbose_name="组织"
    )
    year = models.PositiveSmallIntegerField("年度")
    quarter = models.PositiveSmallIntegerField(
        "季度", validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    status = models.CharField(
        "状态", max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    org_name = models.CharField("党员义工组织名称", max_length=100)
    sub_org_count = models.PositiveIntegerField("下辖党员义工组织（个）", default=0)
    party_member_count = models.PositiveIntegerField("管辖党员总数（人）", default=0)
    registered_party_volunteers = models.PositiveIntegerField(
        "注册党员义工总数（人）", default=0
    )
    activist_volunteers = models.PositiveIntegerField(
        "入党积极分子注册义工（人）", default=0
    )
    leader_name = models.CharField("负责人姓名", max_length=50, blank=True)
    leader_phone = models.CharField("负责人联系电话", max_length=30, blank=True)
    contact_name = models.CharField("联系人姓名", max_length=50, blank=True)
    contact_phone = models.CharField("联系人联系电话", max_length=30, blank=True)
    participants = models.PositiveIntegerField("参加人数", default=0)
    hours = models.DecimalField("累计时数", max_digits=10, decimal_places=2, default=0)
    # [{"title", "date", "place", "participants", "hours", "content"}] in date order.
    projects = models.JSONField("项目", default=list, blank=True)
    notes = models.TextField("补充说明", blank=True)
    generated_at = models.DateTimeField("数据生成时间", default=timezone.now)
    submitted_at = models.DateTimeField("上报时间", null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="上报人",
    )
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="审核人",
    )
    return_reason = models.CharField("退回原因", max_length=300, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "季报表"
        verbose_name_plural = "季报表"
        ordering = ["-year", "-quarter", "node__path"]
        constraints = [
            models.UniqueConstraint(
                fields=["node", "year", "quarter"],
                name="activities_report_once_per_quarter",
                violation_error_message="本组织该季度的季报表已存在",
            )
        ]

    def __str__(self):
        return f"{self.org_name} {self.year}年第{self.quarter}季度季报表"

    @property
    def is_editable(self):
        return self.status in self.EDITABLE

    @property
    def audit_node_id(self):
        return self.node_id


class Certificate(models.Model):
    """An issued 志愿服务记录证明: what it said, so that its QR code can be verified."""

    number = models.CharField("证明编号", max_length=20, unique=True, editable=False)
    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.PROTECT, related_name="+", verbose_name="义工"
    )
    issuer = models.CharField("出具单位", max_length=100)
    issued_on = models.DateField("出具日期", default=timezone.localdate)
    served_from = models.DateField("服务起始日期")
    served_to = models.DateField("服务截止日期")
    total_hours = models.DecimalField("累计服务时数", max_digits=10, decimal_places=2)
    # [{"period", "content", "hours"}] as printed.
    periods = models.JSONField("服务明细", default=list)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="经办人",
    )
    issued_by_name = models.CharField("经办人", max_length=150)
    revoked_at = models.DateTimeField("作废时间", null=True, blank=True)

    class Meta:
        verbose_name = "志愿服务记录证明"
        verbose_name_plural = "志愿服务记录证明"
        ordering = ["-issued_on", "-pk"]

    def __str__(self):
        return self.number

    @property
    def audit_node_id(self):
        return self.volunteer.org_node_id


class ActivityLogEntryManager(BaseLogEntryManager):
    def log_action(self, instance, action, **kwargs):
        kwargs.setdefault("org_node_id", getattr(instance, "audit_node_id", None))
        kwargs.update(object_id=str(instance.pk))
        return super().log_action(instance, action, **kwargs)

    def for_instance(self, instance):
        return self.filter(
            content_type=ContentType.objects.get_for_model(
                instance, for_concrete_model=False
            ),
            object_id=str(instance.pk),
        )

    def viewable_by_user(self, user):
        """Entries of nodes the user may view (Wagtail's default goes by content type)."""
        return self.filter(org_node__in=policy.nodes_where(user, "view").values("pk"))


class ActivityLogEntry(BaseLogEntry):
    """Audit log of this app's records, tagged with their node like the registry's."""

    object_id = models.CharField(max_length=255, db_index=True)
    org_node = models.ForeignKey(
        OrgNode,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="组织",
    )

    objects = ActivityLogEntryManager()

    class Meta(BaseLogEntry.Meta):
        ordering = ["-timestamp", "-id"]
        verbose_name = "服务活动日志"
        verbose_name_plural = "服务活动日志"


# --- Public pages ----------------------------------------------------------------------


TEXT_FEATURES = ["bold", "italic", "link", "ol", "ul"]


class ActivityIndexPage(RoutablePageMixin, Page):
    """活动预告: announced activities, upcoming first, with sign-up and check-in."""

    # activities.public_views, set by the app's ready(): the views import the models.
    views = None

    intro = RichTextField("导语", blank=True, features=TEXT_FEATURES)
    signup_notes = RichTextField(
        "报名须知", blank=True, features=TEXT_FEATURES, help_text="显示在报名表上方"
    )

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        FieldPanel("signup_notes"),
    ]
    parent_page_types = ["website.HomePage"]
    subpage_types = []
    max_count = 1

    class Meta:
        verbose_name = "活动预告页"
        verbose_name_plural = "活动预告页"

    @path("")
    def index_view(self, request):
        return self.views.activity_index(request, self)

    @re_path(rf"^{PK}/$")
    def detail_view(self, request, pk):
        return self.views.activity_detail(request, self, pk)

    @re_path(r"^checkin/(?P<token>[A-Za-z0-9_-]{20,64})/$")
    def checkin_view(self, request, token):
        return self.views.checkin(request, self, token)


class CommitmentIndexPage(Page):
    """公开承诺 (党务公开栏): commitments whose makers agreed to publish them."""

    intro = RichTextField("导语", blank=True, features=TEXT_FEATURES)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["website.HomePage"]
    subpage_types = []
    max_count = 1

    class Meta:
        verbose_name = "公开承诺页"
        verbose_name_plural = "公开承诺页"

    def get_context(self, request, *args, **kwargs):
        return ActivityIndexPage.views.commitment_context(
            request, super().get_context(request, *args, **kwargs)
        )
