"""Chooser modals for the OrgNode and Volunteer fields of the registry's forms.

Wagtail's generic choosers list every row and check no permission at all. These
list what the user may pick in a form, i.e. what they may edit (录入和修改), and
refuse users who may edit nothing. Creating from the modal is left out: records
are created through their own forms and services.
"""

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import ForeignKey, Q
from django.http import HttpResponseBadRequest
from django.urls import path
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.forms.models import register_form_field_override
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import chooser
from wagtail.admin.viewsets.chooser import ChooserViewSet

from .. import policy, privacy
from ..models import OrgNode, Volunteer
from ..pks import PKModelChoiceField, pk_list

MALFORMED_IDS = "所选记录的编号无效，请关闭对话框后重新选择"


class SearchForm(BaseFilterForm):
    q = forms.CharField(
        label="搜索",
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "搜索"}),
    )

    def search(self, objects, query):
        raise NotImplementedError

    def filter(self, objects):
        objects = super().filter(objects)
        query = self.cleaned_data.get("q", "").strip()
        if query:
            self.is_searching = True
            self.search_query = query
            objects = self.search(objects, query)
        return objects


class NodeSearchForm(SearchForm):
    def search(self, objects, query):
        return objects.filter(Q(name__icontains=query) | Q(code__iexact=query))


class VolunteerSearchForm(SearchForm):
    """Finds a volunteer only by what the user may see of them (registry.privacy)."""

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def search(self, objects, query):
        return privacy.volunteer_search(objects, query, user=self.user)


class ScopedChooseMixin:
    # What the user may pick in a form: the records they may edit (录入和修改).
    scope_action = "change"

    def dispatch(self, request, *args, **kwargs):
        if not policy.may_anywhere(request.user, self.scope_action, Volunteer):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def scoped_objects(self):
        raise NotImplementedError

    def get_object_list(self):
        return self.scoped_objects()

    def get_object(self, pk):
        return self.scoped_objects().get(pk=pk)

    def get_objects(self, pks):
        return self.scoped_objects().filter(pk__in=pks)


class ChosenMultipleMixin:
    """``?id=`` lists: every id must be a primary key (400 otherwise)."""

    def get(self, request):
        pks = pk_list(request.GET.getlist("id"))
        if pks is None:
            return HttpResponseBadRequest(MALFORMED_IDS)
        return self.get_multiple_chosen_response(self.get_objects(pks))


class NodeScopeMixin(ScopedChooseMixin):
    def scoped_objects(self):
        return policy.nodes_where(self.request.user, "register_volunteers").order_by(
            "path"
        )


class VolunteerScopeMixin(ScopedChooseMixin):
    def scoped_objects(self):
        return policy.volunteers_where(
            self.request.user, self.scope_action
        ).select_related("org_node")


class NodeColumnsMixin:
    filter_form_class = NodeSearchForm

    @property
    def columns(self):
        title = self.title_column
        title.label = "名称"
        return [
            title,
            Column("kind", label="组织类型", accessor="get_kind_display"),
            Column("code", label="团体注册编号"),
        ]


class VolunteerColumnsMixin:
    filter_form_class = VolunteerSearchForm

    def get_filter_form(self):
        return self.filter_form_class(self.request.GET, user=self.request.user)

    @property
    def columns(self):
        title = self.title_column
        title.label = "姓名"
        return [
            title,
            Column("volunteer_number", label="注册义工号"),
            Column("org_node", label="所属队伍", accessor="org_node.name"),
        ]


class NodeChooseView(NodeColumnsMixin, NodeScopeMixin, chooser.ChooseView):
    pass


class NodeChooseResultsView(
    NodeColumnsMixin, NodeScopeMixin, chooser.ChooseResultsView
):
    pass


class NodeChosenView(NodeScopeMixin, chooser.ChosenView):
    pass


class NodeChosenMultipleView(
    ChosenMultipleMixin, NodeScopeMixin, chooser.ChosenMultipleView
):
    pass


class VolunteerChooseView(
    VolunteerColumnsMixin, VolunteerScopeMixin, chooser.ChooseView
):
    pass


class VolunteerChooseResultsView(
    VolunteerColumnsMixin, VolunteerScopeMixin, chooser.ChooseResultsView
):
    pass


class VolunteerChosenView(VolunteerScopeMixin, chooser.ChosenView):
    pass


class VolunteerChosenMultipleView(
    ChosenMultipleMixin, VolunteerScopeMixin, chooser.ChosenMultipleView
):
    pass


class ScopedChooserViewSet(ChooserViewSet):
    per_page = 20

    def get_urlpatterns(self):
        # No "create" tab: new records go through their own forms and services.
        # "chosen" takes a primary key, not any string (404 otherwise).
        return [
            path("chosen/<pk:pk>/", self.chosen_view, name="chosen")
            if pattern.name == "chosen"
            else pattern
            for pattern in super().get_urlpatterns()
            if pattern.name != "create"
        ]

    def on_register(self):
        super().on_register()
        # Admin model forms' fields for this model: the chooser widget, and a
        # hidden input that holds no primary key is an invalid choice.
        register_form_field_override(
            ForeignKey,
            to=self.model,
            override={"widget": self.widget_class, "form_class": PKModelChoiceField},
        )


class OrgNodeChooserViewSet(ScopedChooserViewSet):
    model = OrgNode
    icon = "group"
    choose_one_text = "选择组织"
    choose_another_text = "选择其他组织"
    choose_view_class = NodeChooseView
    choose_results_view_class = NodeChooseResultsView
    chosen_view_class = NodeChosenView
    chosen_multiple_view_class = NodeChosenMultipleView


class VolunteerChooserViewSet(ScopedChooserViewSet):
    model = Volunteer
    icon = "user"
    choose_one_text = "选择义工"
    choose_another_text = "选择其他义工"
    choose_view_class = VolunteerChooseView
    choose_results_view_class = VolunteerChooseResultsView
    chosen_view_class = VolunteerChosenView
    chosen_multiple_view_class = VolunteerChosenMultipleView


org_node_chooser_viewset = OrgNodeChooserViewSet(
    "registry_orgnode_chooser", url_prefix="registry/orgnode-chooser"
)
volunteer_chooser_viewset = VolunteerChooserViewSet(
    "registry_volunteer_chooser", url_prefix="registry/volunteer-chooser"
)
