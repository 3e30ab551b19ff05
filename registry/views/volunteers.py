"""Volunteers in the admin: find, register, edit, transfer, reveal an ID number."""

from django.core.exceptions import ValidationError
from django.db.models.functions import Lower
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.functional import cached_property
from django.views.generic import View
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.coreutils import multigetattr

from .. import policy, privacy, selectors, services
from ..choices import AVAILABILITY_DAYS, AVAILABILITY_SLOTS, Gender, PoliticalStatus
from ..forms import TransferForm
from ..models import Volunteer
from . import generic

PHONE_FIELDS = privacy.PHONE_FIELDS
# Labels looked up once: get_FOO_display() rebuilds its choice map on every call,
# which cost a listing page of 50 rows some 35 ms.
GENDERS = dict(Gender.choices)
POLITICAL_STATUSES = dict(PoliticalStatus.choices)
STATUSES = dict(Volunteer.Status.choices)


class VolunteerIndexView(generic.IndexView):
    """Listing, search (name, pinyin, ID tail, phone, 注册义工号) and export."""

    default_ordering = "pinyin"
    table_class = generic.PlainTable
    paginator_class = generic.KeysFirstPaginator

    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        user = self.request.user
        if not selectors.is_active_superuser(user):
            # The scope once more, as a list of node ids. Next to the search's
            # text filters PostgreSQL misjudges the scope's subquery and scans
            # the whole table (100,000 volunteers, a corps of 5,000: 450 ms for
            # count and page); with the ids it starts from the nodes (80 ms).
            node_ids = policy.nodes_where(user, "view")
            queryset = queryset.filter(
                org_node_id__in=list(node_ids.values_list("pk", flat=True))
            )
        return privacy.volunteer_search(queryset, self.search_query, user=user)

    def get_paginator(self, *args, **kwargs):
        paginator = super().get_paginator(*args, **kwargs)
        paginator.count_with_keys = self.is_searching
        return paginator

    def order_queryset(self, queryset):
        ordering = self.ordering or "pinyin"
        if self.is_searching and ordering.lstrip("-") == "pinyin":
            # A search keeps a few hundred rows of a scope. PostgreSQL would
            # walk the pinyin index testing each row's text, visiting most of
            # the table before it had a page; ordering by an expression no
            # index serves makes it sort the matches instead. Same order:
            # pinyin is stored in lower case.
            key = Lower("pinyin")
            first = key.desc() if ordering.startswith("-") else key.asc()
        else:
            first = ordering
        # A unique tiebreaker keeps pages stable among people of the same name.
        return queryset.order_by(first, "pk")

    def phone(self, volunteer, field):
        return privacy.phone_for_user(
            self.request.user, volunteer, getattr(volunteer, field)
        )

    @cached_property
    def columns(self):
        return [
            generic.LinkColumn(
                "name",
                label="姓名",
                sort_key="pinyin",
                url_name=self.inspect_url_name,
            ),
            generic.PlainColumn(
                "volunteer_number", label="注册义工号", sort_key="volunteer_number"
            ),
            generic.PlainColumn(
                "gender", label="性别", accessor=lambda v: GENDERS.get(v.gender, "")
            ),
            generic.PlainColumn(
                "political_status",
                label="政治面貌",
                accessor=lambda v: POLITICAL_STATUSES.get(v.political_status, ""),
            ),
            generic.PlainColumn("org_node", label="所属队伍", accessor="org_node.name"),
            generic.PlainColumn(
                "mobile", label="手机", accessor=lambda v: self.phone(v, "mobile")
            ),
            generic.PlainColumn(
                "id_number", label="身份证号码", accessor=privacy.masked_id_number
            ),
            generic.PlainColumn(
                "status",
                label="状态",
                accessor=lambda v: STATUSES.get(v.status, v.status),
                sort_key="status",
            ),
        ]

    # Export: the same privacy as on screen, decided by registry.privacy.

    def to_row_dict(self, item):
        user = self.request.user
        return {
            field: privacy.shown_value(user, item, field)
            if field in privacy.PRIVATE_FIELDS
            else multigetattr(item, field)
            for field in self.list_export
        }


class VolunteerCreateView(generic.CreateView):
    inspect_url_name = None

    def save_instance(self):
        data = self.form.cleaned_data
        volunteer = self.form.save(commit=False)
        volunteer = services.volunteer_create(
            volunteer=volunteer,
            node=data["node"],
            by_user=self.request.user,
            role=data["membership_role"],
            department_title=data["department_title"],
        )
        self.form.save_m2m()
        return volunteer

    def get_success_url(self):
        return reverse(self.inspect_url_name, args=(self.object.pk,))


class VolunteerEditView(generic.EditView):
    def save_instance(self):
        volunteer = self.form.save(commit=False)
        volunteer = services.volunteer_update(
            volunteer=volunteer, by_user=self.request.user
        )
        self.form.save_m2m()
        return volunteer


class VolunteerDeleteView(generic.DeleteView):
    def delete_action(self):
        services.volunteer_delete(volunteer=self.object, by_user=self.request.user)


class VolunteerInspectView(generic.InspectView):
    template_name = "registry/volunteer/inspect.html"
    reveal_url_name = None
    transfer_url_name = None
    history_url_name = None
    membership_edit_url_name = None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        volunteer = self.object
        user = self.request.user
        context["masked_id_number"] = privacy.masked_id_number(volunteer)
        context["can_reveal"] = bool(volunteer.id_number) and self.user_may(
            "reveal_id_number", volunteer
        )
        context["reveal_url"] = reverse(self.reveal_url_name, args=(volunteer.pk,))
        context["phones"] = [
            (volunteer._meta.get_field(field).verbose_name, self.phone(field))
            for field in PHONE_FIELDS
            if getattr(volunteer, field)
        ]
        context["availability"] = availability_rows(volunteer.availability)
        context["memberships"] = volunteer.memberships.select_related("node").order_by(
            "-start_date", "-pk"
        )
        context["history_url"] = reverse(self.history_url_name, args=(volunteer.pk,))
        if self.user_may("change", volunteer):
            context["transfer_url"] = reverse(
                self.transfer_url_name, args=(volunteer.pk,)
            )
        context["service_items"] = volunteer.service_items.select_related("category")
        context["can_see_contact_details"] = privacy.can_see_contact_details(
            user, volunteer
        )
        return context

    def phone(self, field):
        return privacy.phone_for_user(
            self.request.user, self.object, getattr(self.object, field)
        )

    def get_field_display_value(self, field_name, field):
        if field_name == "birth_date":
            shown = privacy.birth_for_user(self.request.user, self.object)
            if isinstance(shown, str):  # 出生年月 only
                return shown
        return super().get_field_display_value(field_name, field)


def availability_rows(grid):
    """[(周一, "上午、晚上"), ...] for the days that have any slot."""
    slot_labels = dict(AVAILABILITY_SLOTS)
    return [
        (day_label, "、".join(slot_labels[slot] for slot in grid[day]))
        for day, day_label in AVAILABILITY_DAYS
        if grid.get(day)
    ]


class VolunteerRevealView(
    generic.ScopedObjectMixin,
    PermissionCheckedMixin,
    WagtailAdminTemplateMixin,
    View,
):
    """显示完整号码: POST only; logs who saw which number, then shows it once."""

    model = None
    object_action = "reveal_id_number"
    permission_required = "reveal_id_number"
    http_method_names = ["post"]
    template_name = "registry/volunteer/reveal.html"
    page_title = "完整身份证号码"
    inspect_url_name = None
    scope_select_related = ("org_node",)

    def post(self, request, *args, **kwargs):
        inspect_url = reverse(self.inspect_url_name, args=(self.object.pk,))
        try:
            number = services.reveal_id_number(
                volunteer=self.object,
                user=request.user,
                reason=request.POST.get("reason", "").strip()[:200],
                ip_address=request.META.get("REMOTE_ADDR") or None,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(inspect_url)
        context = self.get_context_data(
            object=self.object, id_number=number, inspect_url=inspect_url
        )
        response = TemplateResponse(request, self.template_name, context)
        # Shown once: never cached, never kept in the browser's history cache.
        response["Cache-Control"] = "no-store"
        return response

    def get_page_subtitle(self):
        return self.object.name


class VolunteerTransferView(generic.ObjectFormView):
    object_action = "change"
    permission_required = "change"
    page_title = "调动"
    submit_button_label = "调动"
    form_class = TransferForm
    scope_select_related = ("org_node",)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["intro"] = (
            f"当前所属队伍：{self.object.org_node.name if self.object.org_node else '无'}。"
            "调动会结束原队伍的成员关系，并在新队伍开始新的成员关系；原记录保留。"
        )
        return context

    def perform(self, form):
        data = form.cleaned_data
        membership = services.membership_transfer(
            volunteer=self.object,
            to_node=data["to_node"],
            by_user=self.request.user,
            on=data["on"],
            role=data["role"],
            department_title=data["department_title"] or None,
        )
        return f"已把“{self.object.name}”调至“{membership.node.name}”"
