"""Memberships in the admin: listing, 社区报到/兼任职务, 变更职务, 结束. Never overwritten."""

from django.urls import reverse
from django.utils.functional import cached_property
from wagtail.admin.ui.menus import MenuItem
from wagtail.admin.ui.tables import Column, TitleColumn

from .. import privacy, services
from ..forms import EndMembershipForm
from ..models import Volunteer
from . import generic


class MembershipIndexView(generic.IndexView):
    default_ordering = "-start_date"
    end_url_name = None

    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        # Any volunteer with a membership here, even one whose home node the
        # user cannot view: privacy decides what each may be found by.
        matches = privacy.volunteer_search(
            Volunteer.objects.all(), self.search_query, user=self.request.user
        )
        return queryset.filter(volunteer__in=matches.values("pk"))

    def order_queryset(self, queryset):
        ordering = self.ordering or "-start_date"
        return queryset.order_by(ordering, "-pk")

    def get_edit_url(self, instance):
        # Only an open membership can have its role changed.
        if instance.end_date is None:
            return super().get_edit_url(instance)

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if instance.end_date is None and self.user_may("change", instance):
            buttons.append(
                MenuItem(
                    "结束",
                    url=reverse(self.end_url_name, args=(instance.pk,)),
                    icon_name="cross",
                    priority=25,
                )
            )
        return buttons

    @cached_property
    def columns(self):
        title = self._get_title_column_class(TitleColumn)(
            "volunteer",
            label="义工",
            accessor="volunteer.name",
            get_url=lambda m: reverse(self.inspect_url_name, args=(m.pk,)),
        )
        return [
            title,
            Column("node", label="组织", accessor="node.name"),
            Column("kind", label="类型", accessor="get_kind_display", sort_key="kind"),
            Column("role", label="职务", accessor="get_role_display", sort_key="role"),
            Column("department_title", label="部门及职务"),
            Column("start_date", label="开始日期", sort_key="start_date"),
            Column("end_date", label="结束日期", sort_key="end_date"),
        ]


class MembershipCreateView(generic.CreateView):
    def save_instance(self):
        data = self.form.cleaned_data
        return services.membership_open(
            volunteer=data["volunteer"],
            node=data["node"],
            kind=data["kind"],
            by_user=self.request.user,
            role=data["role"],
            department_title=data["department_title"],
            on=data["start_date"],
        )


class MembershipEditView(generic.EditView):
    """变更职务: the membership is closed and reopened with the new role."""

    page_title = "变更职务"
    success_message = "已变更“%(object)s”的职务"
    # Memberships are history: they end, they are not deleted.
    can_delete = False

    def save_instance(self):
        data = self.form.cleaned_data
        return services.membership_change_role(
            membership=self.object,
            role=data["role"],
            by_user=self.request.user,
            on=data["on"],
            department_title=data["department_title"],
        )


class MembershipEndView(generic.ObjectFormView):
    object_action = "change"
    permission_required = "change"
    page_title = "结束成员关系"
    submit_button_label = "结束"
    form_class = EndMembershipForm
    scope_select_related = ("node", "volunteer__org_node")

    def perform(self, form):
        data = form.cleaned_data
        services.membership_close(
            membership=self.object,
            by_user=self.request.user,
            on=data["on"],
            reason=data["reason"],
        )
        return f"已结束“{self.object}”"
