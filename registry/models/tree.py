"""The org tree: federation > branch > corps > teams > sub-teams, community stations."""

from django.core.exceptions import ValidationError
from django.db import models
from treebeard.mp_tree import MP_Node

from .. import roles
from ..validators import validate_postcode
from .catalogues import CreationAction, ExpectedServiceArea, TargetGroup
from .sequences import RegistrySequence


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
