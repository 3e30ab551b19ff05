"""Catalogues: editable lists seeded from the 2012 plan (附件2 and 附件3 checkboxes)."""

from django.db import models
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel
from wagtail.models import Orderable

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
