"""Listing filters of the registry admin; node choices come from the user's subtree."""

import django_filters
from wagtail.admin.filters import WagtailFilterSet

from . import policy
from .choices import Gender, PoliticalStatus
from .forms import NodeChoicesMixin, PlainSelect
from .models import Membership, OrgNode, Volunteer
from .pks import PKChoiceMixin


class PlainChoiceFilter(django_filters.ChoiceFilter):
    """A choice filter whose select renders without templates (see PlainSelect)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", PlainSelect)
        super().__init__(*args, **kwargs)


class NodeModelChoiceField(
    PKChoiceMixin, NodeChoicesMixin, django_filters.fields.ModelChoiceField
):
    pass


class SubtreeFilter(django_filters.ModelChoiceFilter):
    """Records of the chosen node and its whole subtree; only the user's nodes are offered.

    A foreign node id in the query string is an invalid choice: the filter is
    then ignored, and the listing stays within the user's scope anyway.
    """

    field_class = NodeModelChoiceField

    def __init__(self, *args, path_field, **kwargs):
        kwargs.setdefault(
            "queryset",
            lambda request: policy.nodes_where(request.user, "view").order_by("path"),
        )
        super().__init__(*args, **kwargs)
        self.path_field = path_field

    def filter(self, queryset, value):
        if not value:
            return queryset
        return queryset.filter(**{f"{self.path_field}__startswith": value.path})


class OrgNodeFilterSet(WagtailFilterSet):
    kind = PlainChoiceFilter(label="组织类型", choices=OrgNode.Kind.choices)
    status = PlainChoiceFilter(label="状态", choices=OrgNode.Status.choices)

    class Meta:
        model = OrgNode
        fields = []


class VolunteerFilterSet(WagtailFilterSet):
    org_node = SubtreeFilter(label="所属组织（含下级）", path_field="org_node__path")
    status = PlainChoiceFilter(label="状态", choices=Volunteer.Status.choices)
    political_status = PlainChoiceFilter(
        label="政治面貌", choices=PoliticalStatus.choices
    )
    gender = PlainChoiceFilter(label="性别", choices=Gender.choices)
    is_party_activist = django_filters.BooleanFilter(label="入党积极分子")

    class Meta:
        model = Volunteer
        fields = []


class MembershipFilterSet(WagtailFilterSet):
    node = SubtreeFilter(label="组织（含下级）", path_field="node__path")
    kind = PlainChoiceFilter(label="类型", choices=Membership.Kind.choices)
    role = PlainChoiceFilter(label="职务", choices=Membership.Role.choices)
    is_open = django_filters.BooleanFilter(
        label="仍在任", field_name="end_date", lookup_expr="isnull"
    )

    class Meta:
        model = Membership
        fields = []
