"""Volunteers: every field of 附件3 台山市义工注册登记表, with party attributes."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from ..choices import (
    ETHNICITY_CHOICES,
    PARTY_MEMBER_STATUSES,
    Education,
    Gender,
    InfoSource,
    PoliticalStatus,
)
from ..idnumber import IDNumberError, parse_id_number
from ..pinyin import name_pinyin
from ..validators import (
    normalize_availability,
    normalize_phone,
    validate_availability,
    validate_mobile,
    validate_postcode,
)
from .catalogues import ServiceItem
from .sequences import RegistrySequence
from .tree import OrgNode


class Volunteer(models.Model):
    """A registered volunteer: every field of 附件3 台山市义工注册登记表."""

    class Status(models.TextChoices):
        PENDING = "pending", "待审核"
        REGISTERED = "registered", "已注册"
        INCOMPLETE = "incomplete", "待补全"
        SUSPENDED = "suspended", "暂停"
        WITHDRAWN = "withdrawn", "退出"
        # A registration (附件3) its team turned down; the applicant may revise it.
        REJECTED = "rejected", "审核不符合"

    volunteer_number = models.CharField(
        "注册义工号",
        max_length=20,
        unique=True,
        editable=False,
        help_text="系统自动生成，不会改变，也不会重复使用",
    )
    status = models.CharField(
        "状态", max_length=20, choices=Status.choices, default=Status.PENDING
    )
    # Home node: the node of the open primary membership (or of the last one
    # after the volunteer left). Denormalised from Membership by the services so
    # that scoping a listing to a subtree is one indexed IN (…) on this column.
    org_node = models.ForeignKey(
        OrgNode,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="volunteers",
        verbose_name="所属队伍",
    )
    applied_on = models.DateField("填表日期", null=True, blank=True)
    # NULL, not "", for "not known yet": imports without a number are several.
    id_number = models.CharField(  # noqa: DJ001
        "身份证号码",
        max_length=18,
        null=True,
        blank=True,
        help_text="18位居民身份证号码；旧版15位号码会自动升级为18位",
    )
    # Kept apart from id_number so that tail search still works once the full
    # number is stored encrypted; 4 characters reveal nothing the mask does not.
    id_number_tail = models.CharField(
        "身份证号码后4位", max_length=4, blank=True, editable=False, db_index=True
    )
    name = models.CharField("姓名", max_length=50)
    pinyin = models.CharField(
        "姓名拼音", max_length=200, blank=True, editable=False, db_index=True
    )
    pinyin_initials = models.CharField(
        "姓名拼音首字母", max_length=50, blank=True, editable=False, db_index=True
    )
    gender = models.CharField("性别", max_length=1, choices=Gender.choices, blank=True)
    ethnicity = models.CharField(
        "民族", max_length=2, choices=ETHNICITY_CHOICES, blank=True
    )
    political_status = models.CharField(
        "政治面貌", max_length=2, choices=PoliticalStatus.choices, blank=True
    )
    birth_date = models.DateField(
        "出生日期",
        null=True,
        blank=True,
        help_text="有身份证号码时按号码自动填写；只知道出生年月时填该月1日",
    )
    education = models.CharField(
        "最高学历", max_length=20, choices=Education.choices, blank=True
    )
    major = models.CharField("专业", max_length=100, blank=True)
    occupation = models.CharField("职业", max_length=100, blank=True)
    school = models.CharField("学校", max_length=100, blank=True)
    graduated_on = models.DateField(
        "毕业时间", null=True, blank=True, help_text="只知道年月时填该月1日"
    )
    employer = models.CharField("工作单位", max_length=100, blank=True)
    job_title = models.CharField("职务", max_length=100, blank=True)
    address = models.CharField("联系地址", max_length=200, blank=True)
    postcode = models.CharField(
        "邮编", max_length=6, blank=True, validators=[validate_postcode]
    )
    phone_home = models.CharField("住宅电话", max_length=30, blank=True)
    phone_office = models.CharField("办公电话", max_length=30, blank=True)
    # Checked in clean() after separators are stripped, hence no field validator.
    mobile = models.CharField("手机", max_length=20, blank=True, db_index=True)
    qq_msn = models.CharField("QQ/MSN", max_length=50, blank=True)
    nickname = models.CharField("网名", max_length=50, blank=True)
    email = models.EmailField("电子邮箱", blank=True)
    availability = models.JSONField(
        "可提供服务时间",
        default=dict,
        blank=True,
        validators=[validate_availability],
        help_text="周一至周日及节假日，每天上午、下午、晚上可多选",
    )
    availability_note = models.CharField("服务时间备注", max_length=200, blank=True)
    long_term = models.BooleanField("是否愿意长期服务", null=True, blank=True)
    info_source = models.CharField(
        "获知本会信息途径", max_length=20, choices=InfoSource.choices, blank=True
    )
    hobbies = models.TextField("特长爱好", blank=True)
    experience = models.TextField("义工志愿服务经历", blank=True)
    motivation = models.TextField("为何参加义工服务以及对义工联的期望", blank=True)
    service_items = models.ManyToManyField(
        ServiceItem, blank=True, related_name="volunteers", verbose_name="义工服务项目"
    )
    service_items_other = models.CharField(
        "其它服务项目", max_length=200, blank=True, help_text="选择“其它”时填写具体项目"
    )
    donate_money = models.BooleanField(
        "愿意参与爱心捐助（资金）", null=True, blank=True
    )
    donate_goods = models.BooleanField(
        "愿意参与爱心捐助（物品）", null=True, blank=True
    )
    photo = models.ImageField("照片", upload_to="volunteers/photos/", blank=True)
    joined_party_on = models.DateField("入党时间", null=True, blank=True)
    full_member_on = models.DateField("转正时间", null=True, blank=True)
    is_party_activist = models.BooleanField("入党积极分子", default=False)
    # Set when a roster import created the volunteer: that import's one
    # "registry.bulk_register" audit entry (same uuid) is the volunteer's creation entry,
    # instead of one entry per imported row.
    import_batch = models.UUIDField("导入批次", null=True, blank=True, editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "义工"
        verbose_name_plural = "义工"
        ordering = ["pinyin", "pk"]
        indexes = [
            # The listing's index: a scope's rows in pinyin order, and (on
            # PostgreSQL) every column that search and the common filters read,
            # so that counting and paging a search read the index alone.
            models.Index(
                fields=["org_node", "pinyin"],
                include=[
                    "id",
                    "name",
                    "volunteer_number",
                    "pinyin_initials",
                    "id_number_tail",
                    "id_number",
                    "mobile",
                    "phone_home",
                    "phone_office",
                    "status",
                    "political_status",
                    "gender",
                    "is_party_activist",
                ],
                name="registry_vol_node_pinyin",
            ),
        ]
        constraints = [
            # NULL = not yet known (imported without one); NULLs never collide.
            models.UniqueConstraint(
                fields=["id_number"],
                condition=Q(id_number__isnull=False),
                name="registry_volunteer_unique_id_number",
                violation_error_message="该身份证号码已登记，请勿重复登记",
            ),
            models.CheckConstraint(
                condition=Q(political_status__in=sorted(PARTY_MEMBER_STATUSES))
                | Q(joined_party_on__isnull=True, full_member_on__isnull=True),
                name="registry_volunteer_party_dates_only_for_members",
                violation_error_message="只有中共党员或中共预备党员才能填写入党时间和转正时间",
            ),
            models.CheckConstraint(
                condition=~Q(political_status=PoliticalStatus.CPC_PROBATIONARY)
                | Q(full_member_on__isnull=True),
                name="registry_volunteer_probationary_not_full_member",
                violation_error_message="中共预备党员尚未转正，不应填写转正时间",
            ),
            models.CheckConstraint(
                condition=Q(full_member_on__isnull=True)
                | Q(
                    joined_party_on__isnull=False,
                    full_member_on__gte=F("joined_party_on"),
                ),
                name="registry_volunteer_full_member_after_joining",
                violation_error_message="转正时间须晚于入党时间",
            ),
        ]

    def __str__(self):
        # Wagtail uses this as the audit-log label: the name and nothing more.
        return self.name

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is None or {"name", "id_number"} & set(update_fields):
            self.refresh_derived_fields()
            if update_fields is not None:
                kwargs["update_fields"] = {
                    *update_fields,
                    "id_number",
                    "id_number_tail",
                    "pinyin",
                    "pinyin_initials",
                }
        if not self.volunteer_number:
            self.volunteer_number = self.next_volunteer_numbers(1)[0]
        super().save(*args, **kwargs)

    def refresh_derived_fields(self):
        """Recompute the stored search fields; call before bulk_create."""
        self.name = (self.name or "").strip()
        self.id_number = (self.id_number or "").strip() or None
        self.id_number_tail = self.id_number[-4:] if self.id_number else ""
        self.pinyin, self.pinyin_initials = name_pinyin(self.name)

    @classmethod
    def next_volunteer_numbers(cls, count, year=None):
        """Reserve ``count`` 注册义工号 ("TSV" + year + 6-digit sequence), e.g. for an import."""
        year = year or timezone.localdate().year
        first = RegistrySequence.objects.allocate(f"volunteer:{year}", count)
        return [f"TSV{year}{n:06d}" for n in range(first, first + count)]

    def clean(self):
        super().clean()
        errors = {}
        self.id_number = (self.id_number or "").strip() or None
        if self.id_number:
            declared_birth = (
                (self.birth_date.year, self.birth_date.month)
                if self.birth_date
                else None
            )
            try:
                parsed = parse_id_number(
                    self.id_number,
                    declared_birth=declared_birth,
                    declared_gender=self.gender or None,
                )
            except IDNumberError as exc:
                errors["id_number"] = str(exc)
            else:
                self.id_number = parsed.number
                self.birth_date = parsed.birth_date
                self.gender = parsed.gender
        elif self.status == self.Status.REGISTERED:
            errors["id_number"] = (
                "已注册的义工必须填写身份证号码；暂缺时请将状态设为“待补全”"
            )
        self.mobile = normalize_phone(self.mobile)
        if self.mobile:
            try:
                validate_mobile(self.mobile)
            except ValidationError as exc:
                errors["mobile"] = exc.messages
        try:
            validate_availability(self.availability)
        except ValidationError:
            pass  # already reported by the field's validator
        else:
            self.availability = normalize_availability(self.availability)
        errors.update(self._party_errors())
        if errors:
            raise ValidationError(errors)

    def _party_errors(self):
        errors = {}
        joined, full = self.joined_party_on, self.full_member_on
        if self.political_status not in PARTY_MEMBER_STATUSES:
            status_label = (
                PoliticalStatus(self.political_status).label
                if self.political_status
                else "未填写"
            )
            if joined:
                errors["joined_party_on"] = (
                    f"政治面貌为“{status_label}”时不应填写入党时间"
                )
            if full:
                errors["full_member_on"] = (
                    f"政治面貌为“{status_label}”时不应填写转正时间"
                )
            return errors
        if self.is_party_activist:
            errors["is_party_activist"] = (
                "中共党员或中共预备党员不应再标记为入党积极分子"
            )
        today = timezone.localdate()
        if joined and joined > today:
            errors["joined_party_on"] = "入党时间不能晚于今天"
        elif (
            joined
            and self.birth_date
            and joined < _eighteenth_birthday(self.birth_date)
        ):
            errors["joined_party_on"] = (
                "入党时间早于年满18周岁的日期，请核对入党时间或出生日期"
            )
        if full:
            if self.political_status == PoliticalStatus.CPC_PROBATIONARY:
                errors["full_member_on"] = "中共预备党员尚未转正，不应填写转正时间"
            elif not joined:
                errors["full_member_on"] = "填写转正时间时须同时填写入党时间"
            elif full > today:
                errors["full_member_on"] = "转正时间不能晚于今天"
            elif full < joined:
                errors["full_member_on"] = "转正时间须晚于入党时间"
        return errors

    @property
    def audit_node_id(self):
        return self.org_node_id


def _eighteenth_birthday(birth):
    try:
        return birth.replace(year=birth.year + 18)
    except ValueError:  # 29 February
        return date(birth.year + 18, 3, 1)
