"""Applications to set up an org node (附件2), reviewed as 附件1's flow says.

An application hangs off the node it asks to sit under (``parent``): whoever
manages that node reviews it. A rejected application is revised and submitted
again as the same record; each submission is kept as an OrgApplicationRevision.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils import timezone

from ..idnumber import IDNumberError, parse_id_number
from ..validators import validate_postcode
from .catalogues import ExpectedServiceArea, TargetGroup
from .sequences import RegistrySequence
from .tree import OrgNode


def private_storage():
    # Outside MEDIA_ROOT: the attachments are served only through a checked view.
    return FileSystemStorage(location=settings.PRIVATE_ROOT / "applications")


# The person sections of 附件2 (组织负责人资料, 联系人基本资料), stored as one dict each.
PERSON_FIELDS = (
    ("name", "姓名"),
    ("gender", "性别"),
    ("birth_date", "出生日期"),
    ("job_title", "职务"),
    ("phone", "电话"),
    ("mobile", "手机"),
    ("fax", "传真"),
    ("email", "E-mail"),
    ("address", "地址"),
    ("postcode", "邮编"),
)


# 单位简要情况 of 附件2, in the paper form's order.
UNIT_FIELDS = (
    "unit_name",
    "legal_representative",
    "address",
    "postcode",
    "phone",
    "website",
    "fax",
    "email",
    "parent_party_org",
)


class OrgApplication(models.Model):
    """台山市义工联合会成立党员义工组织申请表 (附件2), as submitted."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "待审核"
        REJECTED = "rejected", "审核不符合"
        APPROVED = "approved", "审核通过"

    class OrgType(models.TextChoices):
        # 申请组织类型 as the form lists them; the value is the OrgNode kind created.
        BRANCH = OrgNode.Kind.BRANCH, "一级义工分会"
        CORPS = OrgNode.Kind.CORPS, "义工服务总队"
        TEAM = OrgNode.Kind.TEAM, "义工服务队"
        STATION = OrgNode.Kind.STATION, "社区义工服务站"

    reference = models.CharField(
        "申请编号",
        max_length=20,
        unique=True,
        editable=False,
        help_text="提交时自动生成，凭申请编号和联系人手机号查询审核进度",
    )
    status = models.CharField(
        "审核状态", max_length=20, choices=Status.choices, default=Status.SUBMITTED
    )
    revision = models.PositiveIntegerField("提交次数", default=1, editable=False)
    parent = models.ForeignKey(
        OrgNode,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name="拟所属上级组织",
    )
    org_type = models.CharField("申请组织类型", max_length=20, choices=OrgType.choices)
    proposed_name = models.CharField("拟用名称", max_length=100)
    registered_count = models.PositiveIntegerField("注册人数")
    unit_name = models.CharField("单位名称", max_length=100)
    legal_representative = models.CharField("法人代表", max_length=50, blank=True)
    address = models.CharField("地址", max_length=200)
    postcode = models.CharField(
        "邮编", max_length=6, blank=True, validators=[validate_postcode]
    )
    phone = models.CharField("电话", max_length=30)
    website = models.CharField("网址", max_length=200, blank=True)
    fax = models.CharField("传真", max_length=30, blank=True)
    email = models.EmailField("E-mail", blank=True)
    parent_party_org = models.CharField("所属上一级党组织", max_length=100)
    leader = models.JSONField("组织负责人资料", default=dict)
    leader_id_number = models.CharField("负责人身份证号码", max_length=18)
    contact = models.JSONField("联系人基本资料", default=dict)
    contact_id_number = models.CharField("联系人身份证号码", max_length=18)
    target_groups = models.ManyToManyField(
        TargetGroup, blank=True, related_name="+", verbose_name="拟服务人群"
    )
    target_groups_other = models.CharField("其他拟服务人群", max_length=200, blank=True)
    expected_services = models.ManyToManyField(
        ExpectedServiceArea,
        blank=True,
        related_name="+",
        verbose_name="期望参与的服务项目",
    )
    expected_services_other = models.CharField(
        "其他期望参与的服务项目", max_length=200, blank=True
    )
    experience = models.TextField(
        "开展义工服务的经验", help_text="有请列出，无请填“无”"
    )
    party_org_profile = models.FileField(
        "党组织简介", storage=private_storage, upload_to="profiles/", blank=True
    )
    license_copy = models.FileField(
        "营业执照或法人登记证",
        storage=private_storage,
        upload_to="licenses/",
        blank=True,
    )
    id_copies = models.FileField(
        "负责人与联系人身份证复印件",
        storage=private_storage,
        upload_to="id-copies/",
        blank=True,
    )
    roster = models.FileField(
        "注册义工名册", storage=private_storage, upload_to="rosters/", blank=True
    )
    roster_rows = models.PositiveIntegerField("名册人数", default=0, editable=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name="提交人",
    )
    submitted_at = models.DateTimeField(
        "提交时间", default=timezone.now, editable=False
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name="审核人",
    )
    decided_at = models.DateTimeField("审核时间", null=True, blank=True, editable=False)
    decision_reason = models.TextField("审核意见", blank=True, editable=False)
    created_node = models.OneToOneField(
        OrgNode,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="application",
        verbose_name="成立的组织",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "成立义工组织申请"
        verbose_name_plural = "成立义工组织申请"
        ordering = ["-submitted_at", "-pk"]

    def __str__(self):
        return f"{self.reference} {self.proposed_name}"

    def save(self, *args, **kwargs):
        if not self.reference:
            self.reference = self.next_reference()
        super().save(*args, **kwargs)

    @staticmethod
    def next_reference():
        """申请编号: "SQ" + year + 5-digit sequence, never reused."""
        year = timezone.localdate().year
        return f"SQ{year}{RegistrySequence.objects.allocate(f'application:{year}'):05d}"

    def clean(self):
        super().clean()
        errors = {}
        for field in ("leader_id_number", "contact_id_number"):
            try:
                setattr(self, field, parse_id_number(getattr(self, field)).number)
            except IDNumberError as exc:
                errors[field] = str(exc)
        if self.org_type and self.parent_id:
            try:
                OrgNode.check_placement(self.org_type, self.parent.kind)
            except ValidationError as exc:
                # Said of the chosen parent: the applicant picks that, not a kind.
                errors["parent"] = exc.messages
        if errors:
            raise ValidationError(errors)

    @property
    def is_open_for_review(self):
        return self.status == self.Status.SUBMITTED

    @property
    def audit_node_id(self):
        return self.parent_id


class OrgApplicationRevision(models.Model):
    """One submission of an application: what was sent and what became of it."""

    application = models.ForeignKey(
        OrgApplication,
        on_delete=models.CASCADE,
        related_name="revisions",
        verbose_name="申请",
    )
    number = models.PositiveIntegerField("第几次提交")
    data = models.JSONField("提交的内容", default=dict)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="提交人",
    )
    submitted_at = models.DateTimeField("提交时间", default=timezone.now)
    decision = models.CharField(
        "审核结果",
        max_length=20,
        choices=OrgApplication.Status.choices,
        default=OrgApplication.Status.SUBMITTED,
    )
    decision_reason = models.TextField("审核意见", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="审核人",
    )
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)

    class Meta:
        verbose_name = "申请提交记录"
        verbose_name_plural = "申请提交记录"
        ordering = ["application", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["application", "number"],
                name="registry_application_revision_unique_number",
            )
        ]

    def __str__(self):
        return f"{self.application.reference} 第{self.number}次提交"
