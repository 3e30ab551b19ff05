"""Wagtail admin viewsets of the registry, grouped in the 义工注册管理 menu.

Node-scoped models (组织、义工、成员关系) use the scoped views of
registry.views; the catalogues use Wagtail's own views, since their permission
policy (registry.permissions.CataloguePermissionPolicy) has no per-row scope.
"""

from django import forms
from django.urls import path
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
)
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from .filters import MembershipFilterSet, OrgNodeFilterSet, VolunteerFilterSet
from .forms import MembershipForm, OrgNodeForm, VolunteerForm
from .models import (
    CreationAction,
    ExpectedServiceArea,
    Membership,
    OrgNode,
    ServiceCategory,
    TargetGroup,
    Volunteer,
)
from .views import generic, grants, memberships, nodes, volunteers
from .views.choosers import org_node_chooser_viewset, volunteer_chooser_viewset

CHECKBOXES = forms.CheckboxSelectMultiple


class RegistryModelViewSet(ModelViewSet):
    """Scoped views for a node-scoped model; URLs under /admin/registry/<model>/."""

    index_view_class = generic.IndexView
    add_view_class = generic.CreateView
    edit_view_class = generic.EditView
    delete_view_class = generic.DeleteView
    inspect_view_class = generic.InspectView
    history_view_class = generic.HistoryView
    usage_view_class = generic.UsageView
    inspect_view_enabled = True
    # Registering a copy would register the same person (or unit) twice.
    copy_view_enabled = False
    list_per_page = 50
    scope_select_related = ()
    # Ids in URLs: ASCII digits within a BigAutoField, else no match (404).
    pk_path_converter = "pk"

    # Views about one record beyond Wagtail's own: {name: view class}, served
    # at <name>/<pk>/; every view of the viewset gets "<name>_url_name".
    object_views = {}

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            scope_select_related=self.scope_select_related,
            **{
                f"{name}_url_name": self.get_url_name(name)
                for name in self.object_views
            },
            **kwargs,
        )

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            *(
                path(f"{name}/<pk:pk>/", self.construct_view(view_class), name=name)
                for name, view_class in self.object_views.items()
            ),
        ]


class OrgNodeViewSet(RegistryModelViewSet):
    model = OrgNode
    name = "registry_orgnode"
    url_prefix = "registry/orgnode"
    icon = "group"
    menu_label = "组织架构"
    index_view_class = nodes.OrgNodeIndexView
    object_views = {
        "permissions": grants.NodePermissionsView,
        "revoke": grants.NodeRevokeView,
        "move": nodes.OrgNodeMoveView,
    }
    add_view_class = nodes.OrgNodeCreateView
    edit_view_class = nodes.OrgNodeEditView
    delete_view_class = nodes.OrgNodeDeleteView
    inspect_view_class = nodes.OrgNodeInspectView
    search_fields = ["name"]
    filterset_class = OrgNodeFilterSet
    inspect_view_fields = [
        "name",
        "kind",
        "code",
        "status",
        "established_on",
        "parent_party_org",
        "party_member_count",
        "unit_name",
        "legal_representative",
        "address",
        "postcode",
        "phone",
        "website",
        "fax",
        "email",
        "target_groups",
        "target_groups_other",
        "expected_services",
        "expected_services_other",
        "creation_actions",
        "service_experience",
    ]
    list_export = [
        "name",
        "get_kind_display",
        "code",
        "get_status_display",
        "established_on",
        "parent_party_org",
        "unit_name",
        "address",
        "phone",
        "party_member_count",
    ]
    export_headings = {
        "get_kind_display": "组织类型",
        "get_status_display": "状态",
    }
    export_filename = "组织"
    edit_handler = ObjectList(
        [
            FieldPanel("parent"),
            MultiFieldPanel(
                [
                    FieldPanel("name"),
                    FieldRowPanel([FieldPanel("kind"), FieldPanel("status")]),
                    FieldRowPanel(
                        [FieldPanel("established_on"), FieldPanel("party_member_count")]
                    ),
                    FieldPanel("parent_party_org"),
                ],
                heading="基本情况",
            ),
            MultiFieldPanel(
                [
                    FieldPanel("unit_name"),
                    FieldPanel("legal_representative"),
                    FieldRowPanel([FieldPanel("address"), FieldPanel("postcode")]),
                    FieldRowPanel([FieldPanel("phone"), FieldPanel("fax")]),
                    FieldRowPanel([FieldPanel("website"), FieldPanel("email")]),
                ],
                heading="单位简要情况",
            ),
            MultiFieldPanel(
                [
                    FieldRowPanel(
                        [FieldPanel("leader_name"), FieldPanel("leader_phone")]
                    ),
                    FieldRowPanel(
                        [FieldPanel("contact_name"), FieldPanel("contact_phone")]
                    ),
                ],
                heading="负责人和联系人",
                help_text="已登记为义工的队长、负责人和联系人以成员关系为准；这里填写尚未登记的人",
            ),
            MultiFieldPanel(
                [
                    FieldPanel("target_groups", widget=CHECKBOXES),
                    FieldPanel("target_groups_other"),
                    FieldPanel("expected_services", widget=CHECKBOXES),
                    FieldPanel("expected_services_other"),
                    FieldPanel("creation_actions", widget=CHECKBOXES),
                    FieldPanel("service_experience"),
                ],
                heading="服务意向",
            ),
        ],
        base_form_class=OrgNodeForm,
    )


class VolunteerViewSet(RegistryModelViewSet):
    model = Volunteer
    name = "registry_volunteer"
    url_prefix = "registry/volunteer"
    icon = "user"
    menu_label = "义工"
    index_view_class = volunteers.VolunteerIndexView
    object_views = {
        "reveal": volunteers.VolunteerRevealView,
        "transfer": volunteers.VolunteerTransferView,
    }
    add_view_class = volunteers.VolunteerCreateView
    edit_view_class = volunteers.VolunteerEditView
    delete_view_class = volunteers.VolunteerDeleteView
    inspect_view_class = volunteers.VolunteerInspectView
    scope_select_related = ("org_node",)
    search_fields = ["name"]
    filterset_class = VolunteerFilterSet
    # The ID number, phones, availability and service items have their own
    # sections on the page (masked for those who may not see them in full).
    inspect_view_fields = [
        "name",
        "volunteer_number",
        "status",
        "org_node",
        "gender",
        "ethnicity",
        "birth_date",
        "political_status",
        "joined_party_on",
        "full_member_on",
        "is_party_activist",
        "education",
        "major",
        "school",
        "graduated_on",
        "occupation",
        "employer",
        "job_title",
        "address",
        "postcode",
        "email",
        "qq_msn",
        "nickname",
        "long_term",
        "info_source",
        "hobbies",
        "experience",
        "motivation",
        "donate_money",
        "donate_goods",
        "applied_on",
    ]
    list_export = [
        "volunteer_number",
        "name",
        "get_gender_display",
        "get_ethnicity_display",
        "get_political_status_display",
        "birth_date",
        "id_number",
        "org_node.name",
        "employer",
        "job_title",
        "mobile",
        "phone_home",
        "phone_office",
        "joined_party_on",
        "full_member_on",
        "get_status_display",
    ]
    export_headings = {
        "get_gender_display": "性别",
        "get_ethnicity_display": "民族",
        "get_political_status_display": "政治面貌",
        "id_number": "身份证号码（脱敏）",
        "org_node.name": "所属队伍",
        "get_status_display": "状态",
    }
    export_filename = "义工"
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [
                    FieldPanel("node"),
                    FieldRowPanel(
                        [FieldPanel("membership_role"), FieldPanel("department_title")]
                    ),
                ],
                heading="所属队伍",
            ),
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("name"), FieldPanel("status")]),
                    FieldPanel("id_number"),
                    FieldRowPanel(
                        [
                            FieldPanel("gender"),
                            FieldPanel("birth_date"),
                            FieldPanel("ethnicity"),
                        ]
                    ),
                    FieldRowPanel([FieldPanel("education"), FieldPanel("major")]),
                    FieldRowPanel([FieldPanel("school"), FieldPanel("graduated_on")]),
                    FieldRowPanel([FieldPanel("occupation"), FieldPanel("employer")]),
                    FieldPanel("job_title"),
                    FieldPanel("applied_on"),
                    FieldPanel("photo"),
                ],
                heading="基本情况",
            ),
            MultiFieldPanel(
                [
                    FieldPanel("political_status"),
                    FieldRowPanel(
                        [FieldPanel("joined_party_on"), FieldPanel("full_member_on")]
                    ),
                    FieldPanel("is_party_activist"),
                ],
                heading="政治面貌",
            ),
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("address"), FieldPanel("postcode")]),
                    FieldRowPanel(
                        [
                            FieldPanel("mobile"),
                            FieldPanel("phone_home"),
                            FieldPanel("phone_office"),
                        ]
                    ),
                    FieldRowPanel(
                        [
                            FieldPanel("email"),
                            FieldPanel("qq_msn"),
                            FieldPanel("nickname"),
                        ]
                    ),
                ],
                heading="联系方式",
            ),
            MultiFieldPanel(
                [
                    FieldPanel("availability"),
                    FieldPanel("availability_note"),
                    FieldPanel("long_term"),
                    FieldPanel("service_items", widget=CHECKBOXES),
                    FieldPanel("service_items_other"),
                    FieldRowPanel(
                        [FieldPanel("donate_money"), FieldPanel("donate_goods")]
                    ),
                    FieldPanel("info_source"),
                    FieldPanel("hobbies"),
                    FieldPanel("experience"),
                    FieldPanel("motivation"),
                ],
                heading="服务意向",
            ),
        ],
        base_form_class=VolunteerForm,
    )


class MembershipViewSet(RegistryModelViewSet):
    model = Membership
    name = "registry_membership"
    url_prefix = "registry/membership"
    icon = "list-ul"
    menu_label = "成员关系"
    index_view_class = memberships.MembershipIndexView
    object_views = {"end": memberships.MembershipEndView}
    add_view_class = memberships.MembershipCreateView
    edit_view_class = memberships.MembershipEditView
    scope_select_related = ("node", "volunteer__org_node")
    search_fields = ["volunteer__name"]
    filterset_class = MembershipFilterSet
    inspect_view_fields = [
        "volunteer",
        "node",
        "kind",
        "role",
        "department_title",
        "start_date",
        "end_date",
        "end_reason",
    ]
    list_export = [
        "volunteer.volunteer_number",
        "volunteer.name",
        "node.name",
        "node.code",
        "get_kind_display",
        "get_role_display",
        "department_title",
        "start_date",
        "end_date",
        "end_reason",
    ]
    export_headings = {
        "volunteer.volunteer_number": "注册义工号",
        "volunteer.name": "姓名",
        "node.name": "组织",
        "node.code": "团体注册编号",
        "get_kind_display": "类型",
        "get_role_display": "职务",
    }
    export_filename = "成员关系"
    edit_handler = ObjectList(
        [
            FieldPanel("volunteer"),
            FieldPanel("node"),
            FieldPanel("kind"),
            FieldRowPanel([FieldPanel("role"), FieldPanel("department_title")]),
            FieldPanel("start_date"),
            FieldPanel("on"),
        ],
        base_form_class=MembershipForm,
    )

    def get_urlpatterns(self):
        # Memberships are history: they are ended (结束), never deleted here.
        return [p for p in super().get_urlpatterns() if p.name != "delete"]

    def get_common_view_kwargs(self, **kwargs):
        return {**super().get_common_view_kwargs(**kwargs), "delete_url_name": None}


class CatalogueViewSet(ModelViewSet):
    """A catalogue: federation administrators and superusers maintain it."""

    index_view_class = generic.ExportIndexView
    copy_view_enabled = False
    list_per_page = 50
    pk_path_converter = "pk"


class ServiceCategoryViewSet(CatalogueViewSet):
    model = ServiceCategory
    name = "registry_servicecategory"
    url_prefix = "registry/servicecategory"
    icon = "tasks"
    menu_label = "义工服务项目"
    list_display = ["name", "description"]
    panels = [
        FieldPanel("name"),
        FieldPanel("description"),
        InlinePanel("items", label="服务项目", heading="服务项目"),
    ]


class TargetGroupViewSet(CatalogueViewSet):
    model = TargetGroup
    name = "registry_targetgroup"
    url_prefix = "registry/targetgroup"
    icon = "user"
    menu_label = "拟服务人群"
    list_display = ["name"]
    panels = [FieldPanel("name")]


class ExpectedServiceAreaViewSet(CatalogueViewSet):
    model = ExpectedServiceArea
    name = "registry_expectedservicearea"
    url_prefix = "registry/expectedservicearea"
    icon = "list-ul"
    menu_label = "期望参与的服务项目"
    list_display = ["name"]
    panels = [FieldPanel("name")]


class CreationActionViewSet(CatalogueViewSet):
    model = CreationAction
    name = "registry_creationaction"
    url_prefix = "registry/creationaction"
    icon = "pick"
    menu_label = "五员创建行动"
    list_display = ["name", "title", "lead_unit"]
    panels = [
        FieldPanel("name"),
        FieldPanel("title"),
        FieldPanel("lead_unit"),
        FieldPanel("description"),
        InlinePanel("units", label="参与单位", heading="参与单位"),
    ]


class RegistryViewSetGroup(ViewSetGroup):
    menu_label = "义工注册管理"
    menu_icon = "group"
    menu_order = 200
    items = (
        OrgNodeViewSet,
        VolunteerViewSet,
        MembershipViewSet,
        ServiceCategoryViewSet,
        TargetGroupViewSet,
        ExpectedServiceAreaViewSet,
        CreationActionViewSet,
    )


registry_viewsets = [
    RegistryViewSetGroup(),
    org_node_chooser_viewset,
    volunteer_chooser_viewset,
]
