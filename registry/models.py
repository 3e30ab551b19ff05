"""The registry: org tree, volunteers (附件3), memberships, catalogues and grants.

Writes that need history, rights checks or audit entries go through
registry.services; reads scoped to a user go through registry.selectors.
"""

from datetime import date

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F, Q
from django.utils import timezone
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from treebeard.mp_tree import MP_Node
from wagtail.models import Orderable
from wagtail.models.audit_log import (
    BaseLogEntry,
    BaseLogEntryManager,
    LogEntryQuerySet,
)

from . import roles
from .choices import (
    ETHNICITY_CHOICES,
    PARTY_MEMBER_STATUSES,
    Education,
    Gender,
    InfoSource,
    PoliticalStatus,
)
from .idnumber import IDNumberError, parse_id_number
from .pinyin import name_pinyin
from .validators import (
    normalize_availability,
    normalize_phone,
    validate_availability,
    validate_mobile,
    validate_postcode,
)

# --- Sequences ---------------------------------------------------------------


class RegistrySequenceManager(models.Manager):
    def allocate(self, key, count=1):
        """Reserve ``count`` consecutive numbers under ``key``; return the first.

        Numbers are never handed out twice: the counter only grows, whatever is
        later deleted. The UPDATE locks the row until the caller's transaction ends.
        """
        if count < 1:
            raise ValueError("count must be at least 1")
        with transaction.atomic():
            bumped = self.filter(key=key).update(last_value=F("last_value") + count)
            if not bumped:
                try:
                    with transaction.atomic():
                        self.create(key=key, last_value=count)
                    return 1
                except IntegrityError:
                    # Another transaction created the row first.
                    self.filter(key=key).update(last_value=F("last_value") + count)
            last = self.filter(key=key).values_list("last_value", flat=True).get()
        return last - count + 1


class RegistrySequence(models.Model):
    """Counters behind 团体注册编号 and 注册义工号."""

    key = models.CharField("序列", max_length=50, unique=True)
    last_value = models.PositiveBigIntegerField("已分配到", default=0)

    objects = RegistrySequenceManager()

    class Meta:
        verbose_name = "编号序列"
        verbose_name_plural = "编号序列"

    def __str__(self):
        return f"{self.key}: {self.last_value}"


# --- Catalogues (editable data, seeded from the 2012 plan) --------------------


# Django's own message reads "具有 人群 的 拟服务人群 已存在。" in Chinese.
UNIQUE_NAME_MESSAGES = {"unique": "已有同名的%(model_name)s，请换一个名称"}


class ServiceCategory(ClusterableModel, Orderable):
    """A heading of the 义工服务项目 list on the 附件3 page, e.g. 医疗卫生服务."""

    name = models.CharField(
        "类别名称", max_length=50, unique=True, error_messages=UNIQUE_NAME_MESSAGES
    )
    description = models.CharField("说明", max_length=200, blank=True)

    class Meta(Orderable.Meta):
        verbose_name = "义工服务项目类别"
        verbose_name_plural = "义工服务项目类别"

    def __str__(self):
        return self.name


class ServiceItem(Orderable):
    category = ParentalKey(
        ServiceCategory,
        on_delete=models.CASCADE,
        related_name="items",
        verbose_name="类别",
    )
    name = models.CharField("项目名称", max_length=50)
    description = models.CharField("项目说明", max_length=300, blank=True)

    class Meta(Orderable.Meta):
        verbose_name = "义工服务项目"
        verbose_name_plural = "义工服务项目"
        constraints = [
            models.UniqueConstraint(
                fields=["category", "name"],
                name="registry_serviceitem_unique_name_in_category",
                violation_error_message="同一类别下已有同名的服务项目",
            )
        ]

    def __str__(self):
        return f"{self.category.name}：{self.name}"


class TargetGroup(Orderable):
    """拟服务人群 of 附件2."""

    name = models.CharField(
        "人群", max_length=50, unique=True, error_messages=UNIQUE_NAME_MESSAGES
    )

    class Meta(Orderable.Meta):
        verbose_name = "拟服务人群"
        verbose_name_plural = "拟服务人群"

    def __str__(self):
        return self.name


class ExpectedServiceArea(Orderable):
    """期望参与的服务项目 of 附件2."""

    name = models.CharField(
        "服务项目", max_length=50, unique=True, error_messages=UNIQUE_NAME_MESSAGES
    )

    class Meta(Orderable.Meta):
        verbose_name = "期望参与的服务项目"
        verbose_name_plural = "期望参与的服务项目"

    def __str__(self):
        return self.name


class CreationAction(ClusterableModel, Orderable):
    """One of the plan's 五员创建行动, with its lead unit and 参与单位."""

    name = models.CharField(
        "名称", max_length=50, unique=True, error_messages=UNIQUE_NAME_MESSAGES
    )
    title = models.CharField("行动标题", max_length=100)
    description = models.TextField("内容", blank=True)
    lead_unit = models.CharField("牵头单位", max_length=50)

    class Meta(Orderable.Meta):
        verbose_name = "五员创建行动"
        verbose_name_plural = "五员创建行动"

    def __str__(self):
        return self.name


class CreationActionUnit(Orderable):
    action = ParentalKey(
        CreationAction,
        on_delete=models.CASCADE,
        related_name="units",
        verbose_name="创建行动",
    )
    name = models.CharField("参与单位", max_length=50)

    class Meta(Orderable.Meta):
        verbose_name = "参与单位"
        verbose_name_plural = "参与单位"

    def __str__(self):
        return self.name


# --- Org tree ----------------------------------------------------------------


class OrgNode(MP_Node):
    """A unit of the organisation tree: federation > branch > corps > teams."""

    class Kind(models.TextChoices):
        FEDERATION = "federation", "义工联合会"
        BRANCH = "branch", "义工分会"
        CORPS = "corps", "义工服务总队"
        TEAM = "team", "（党员）义工服务队"
        SUBTEAM = "subteam", "党员义工服务分队"
        STATION = "station", "社区义工服务站"

    class Status(models.TextChoices):
        PREPARING = "preparing", "筹建"
        ESTABLISHED = "established", "已成立"
        DISSOLVED = "dissolved", "已撤销"

    # Which kinds may sit directly under which; None means "at the top of the tree".
    ALLOWED_PARENT_KINDS = {
        Kind.FEDERATION: {None},
        Kind.BRANCH: {Kind.FEDERATION},
        Kind.CORPS: {Kind.FEDERATION, Kind.BRANCH},
        Kind.TEAM: {Kind.FEDERATION, Kind.BRANCH, Kind.CORPS},
        Kind.SUBTEAM: {Kind.CORPS, Kind.TEAM},
        Kind.STATION: {Kind.FEDERATION, Kind.BRANCH},
    }
    # 团体注册编号 = "TS" + this letter + sequence number per kind.
    CODE_LETTERS = {
        Kind.FEDERATION: "L",
        Kind.BRANCH: "H",
        Kind.CORPS: "Z",
        Kind.TEAM: "D",
        Kind.SUBTEAM: "F",
        Kind.STATION: "S",
    }

    name = models.CharField("名称", max_length=100)
    kind = models.CharField("组织类型", max_length=20, choices=Kind.choices)
    code = models.CharField(
        "团体注册编号",
        max_length=20,
        unique=True,
        editable=False,
        help_text="系统自动生成，不会改变，也不会重复使用",
    )
    status = models.CharField(
        "状态", max_length=20, choices=Status.choices, default=Status.PREPARING
    )
    established_on = models.DateField("成立日期", null=True, blank=True)
    parent_party_org = models.CharField("所属上一级党组织", max_length=100, blank=True)
    # 附件2 单位简要情况
    unit_name = models.CharField("单位名称", max_length=100, blank=True)
    legal_representative = models.CharField("法人代表", max_length=50, blank=True)
    address = models.CharField("地址", max_length=200, blank=True)
    postcode = models.CharField(
        "邮编", max_length=6, blank=True, validators=[validate_postcode]
    )
    phone = models.CharField("电话", max_length=30, blank=True)
    website = models.CharField("网址", max_length=200, blank=True)
    fax = models.CharField("传真", max_length=30, blank=True)
    email = models.EmailField("E-mail", blank=True)
    party_member_count = models.PositiveIntegerField(
        "管辖党员总数",
        null=True,
        blank=True,
        help_text="本单位党组织管辖的党员人数（不限于已注册义工），用于季报表",
    )
    # Used while the leader or contact is not yet a registered volunteer; once
    # they are, their open membership with role 队长/负责人 or 联系人 wins.
    leader_name = models.CharField("负责人姓名", max_length=50, blank=True)
    leader_phone = models.CharField("负责人电话", max_length=30, blank=True)
    contact_name = models.CharField("联系人姓名", max_length=50, blank=True)
    contact_phone = models.CharField("联系人电话", max_length=30, blank=True)
    target_groups = models.ManyToManyField(
        TargetGroup, blank=True, related_name="org_nodes", verbose_name="拟服务人群"
    )
    target_groups_other = models.CharField("其他拟服务人群", max_length=200, blank=True)
    expected_services = models.ManyToManyField(
        ExpectedServiceArea,
        blank=True,
        related_name="org_nodes",
        verbose_name="期望参与的服务项目",
    )
    expected_services_other = models.CharField(
        "其他期望参与的服务项目", max_length=200, blank=True
    )
    creation_actions = models.ManyToManyField(
        CreationAction,
        blank=True,
        related_name="org_nodes",
        verbose_name="参与的五员创建行动",
    )
    service_experience = models.TextField("开展义工服务的经验", blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "组织"
        verbose_name_plural = "组织"
        permissions = roles.PERMISSIONS

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.code:
            self.code = self.next_code(self.kind)
        super().save(*args, **kwargs)

    @classmethod
    def next_code(cls, kind):
        letter = cls.CODE_LETTERS[kind]
        number = RegistrySequence.objects.allocate(f"orgnode:{letter}")
        return f"TS{letter}{number:04d}"

    @classmethod
    def check_placement(cls, kind, parent_kind):
        """Raise ValidationError unless a ``kind`` node may sit under ``parent_kind``."""
        allowed = cls.ALLOWED_PARENT_KINDS[kind]
        if parent_kind in allowed:
            return
        label = cls.Kind(kind).label
        if parent_kind is None:
            raise ValidationError(
                {"kind": f"“{label}”不能作为顶层组织：顶层只能是义工联合会"}
            )
        places = "、".join(cls.Kind(k).label for k in cls.Kind if k in allowed)
        raise ValidationError(
            {
                "kind": f"“{label}”不能设在“{cls.Kind(parent_kind).label}”之下，"
                f"只能设在{places}之下"
            }
        )

    def clean(self):
        super().clean()
        if self.pk is None:
            # The parent of a new node is only known to org_node_create.
            return
        parent = self.get_parent(update=True)
        self.check_placement(self.kind, parent.kind if parent else None)
        for child_kind in self.get_children().values_list("kind", flat=True).distinct():
            if self.kind not in self.ALLOWED_PARENT_KINDS[child_kind]:
                raise ValidationError(
                    {
                        "kind": f"本组织下设有“{self.Kind(child_kind).label}”，"
                        f"不能改为“{self.Kind(self.kind).label}”"
                    }
                )
        if self.name:
            self.check_sibling_name(self.name, parent, exclude_pk=self.pk)

    @classmethod
    def check_sibling_name(cls, name, parent, exclude_pk=None):
        """Raise ValidationError if ``parent`` (None: the top level) has a node ``name``."""
        siblings = parent.get_children() if parent else cls.get_root_nodes()
        if siblings.filter(name=name).exclude(pk=exclude_pk).exists():
            where = f"“{parent.name}”下" if parent else "顶层"
            raise ValidationError({"name": f"{where}已有名为“{name}”的组织"})

    @property
    def audit_node_id(self):
        return self.pk


# --- Volunteers ----------------------------------------------------------------


class Volunteer(models.Model):
    """A registered volunteer: every field of 附件3 台山市义工注册登记表."""

    class Status(models.TextChoices):
        PENDING = "pending", "待审核"
        REGISTERED = "registered", "已注册"
        INCOMPLETE = "incomplete", "待补全"
        SUSPENDED = "suspended", "暂停"
        WITHDRAWN = "withdrawn", "退出"

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
    # "rosters.import" audit entry (same uuid) is the volunteer's creation entry,
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
    def is_party_member(self):
        return self.political_status in PARTY_MEMBER_STATUSES

    @property
    def audit_node_id(self):
        return self.org_node_id


def _eighteenth_birthday(birth):
    try:
        return birth.replace(year=birth.year + 18)
    except ValueError:  # 29 February
        return date(birth.year + 18, 3, 1)


# --- Memberships ---------------------------------------------------------------


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


# --- Rights (guardian direct-FK models) -------------------------------------------


class OrgNodeUserObjectPermission(UserObjectPermissionBase):
    """A codename granted to a user on a node; covers the node's subtree."""

    content_object = models.ForeignKey(
        OrgNode, on_delete=models.CASCADE, verbose_name="组织"
    )

    class Meta(UserObjectPermissionBase.Meta):
        verbose_name = "用户组织权限"
        verbose_name_plural = "用户组织权限"


class OrgNodeGroupObjectPermission(GroupObjectPermissionBase):
    """A codename granted to a group on a node; covers the node's subtree."""

    content_object = models.ForeignKey(
        OrgNode, on_delete=models.CASCADE, verbose_name="组织"
    )

    class Meta(GroupObjectPermissionBase.Meta):
        verbose_name = "用户组组织权限"
        verbose_name_plural = "用户组组织权限"


# --- Privacy and audit ---------------------------------------------------------------


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


# One audit entry per roster import (the rosters app logs it on the node); it
# also stands for the creation of each volunteer the import added.
ROSTER_IMPORT_ACTION = "rosters.import"


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
            # The import that created it (see Volunteer.import_batch).
            own |= Q(action=ROSTER_IMPORT_ACTION, uuid=batch)
        return self.filter(own)

    def viewable_by_user(self, user):
        """Entries of nodes in the user's subtrees (Wagtail's default goes by content type)."""
        from .selectors import nodes_for_user

        if user.is_active and user.is_superuser:
            return self.all()
        return self.filter(
            org_node__in=nodes_for_user(user, roles.VIEW_REGISTRY).values("pk")
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
