"""Wagtail's generic admin views, scoped to the user's part of the org tree.

Wagtail 8 checks only model-level permission in its index, edit, delete,
inspect, history and usage views. These subclasses look every record up among
those the registered permission policy lets the user view (404 outside them),
then check the view's action on that record (PermissionDenied, which the admin
turns into a redirect to the dashboard with a message). Object views do the
lookup in ``setup()``, before the model-level check, so that the answer for a
record is the same whichever view is asked.
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page
from django.db.models import Count, QuerySet, Window
from django.forms.utils import flatatt
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.views.generic.edit import FormView
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.paginator import WagtailPaginator
from wagtail.admin.ui.tables import Column, Table
from wagtail.admin.views import generic
from wagtail.admin.views.generic import history, usage
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin

from ..downloads import SafeSpreadsheetExportMixin
from ..forms import add_service_error

# Other apps add buttons to a record's detail page through this hook.
RECORD_BUTTONS_HOOK = "register_registry_record_buttons"


class PlainColumn(Column):
    """A cell rendered without a template.

    A listing page of 50 rows renders hundreds of cells; Wagtail renders each
    through a template, which was most of the volunteer listing's time.
    """

    def render_cell_html(self, instance, parent_context):
        value = self.get_value(instance)
        return mark_safe(
            f"<td>{conditional_escape('' if value is None else value)}</td>"
        )


class LinkColumn(PlainColumn):
    """The row's title linking to the record's page (its actions are there)."""

    # Stands for the pk in a URL reversed once: reverse() for every row of a
    # page was a quarter of the table's time.
    PK_MARKER = "9081726354"

    def __init__(self, name, *, url_name, **kwargs):
        super().__init__(name, **kwargs)
        self.url_template = reverse(url_name, args=(self.PK_MARKER,))

    def render_cell_html(self, instance, parent_context):
        url = conditional_escape(
            self.url_template.replace(self.PK_MARKER, str(instance.pk))
        )
        title = conditional_escape(self.get_value(instance))
        return mark_safe(
            f'<td class="title"><div class="title-wrapper"><a href="{url}">{title}</a>'
            "</div></td>"
        )


class PlainTable(Table):
    """A table of PlainColumns, its rows built without templates (see PlainColumn)."""

    def render_html(self, parent_context=None):
        context = self.get_context_data(parent_context or {})
        columns = list(self.columns.values())
        headers = "".join(column.render_header_html(context) for column in columns)
        rows = "".join(
            f"<tr{flatatt(self.get_row_attrs(instance))}>"
            + "".join(column.render_cell_html(instance, context) for column in columns)
            + "</tr>"
            for instance in self.data
        )
        return mark_safe(
            f"<table{flatatt(self.attrs)}><thead><tr>{headers}</tr></thead>"
            f"<tbody>{rows}</tbody></table>"
        )


class KeysFirstPaginator(WagtailPaginator):
    """A page read in two steps: its keys first, then only those rows.

    Filtering, ordering and slicing pick the page's keys from an index that
    covers the columns they read (see Volunteer.Meta.indexes), without
    touching the table; only the page's rows are then read whole. Read in one
    step, a search made PostgreSQL fetch every row of the scope from the
    table to test it.

    With ``count_with_keys`` the query for the keys also counts the matches
    (COUNT(*) OVER ()), saving a second pass over them. Only for a search:
    PostgreSQL must then test and sort every match anyway, whereas for an
    ordering an index serves it would walk that index over the whole table.
    """

    count_with_keys = False

    def get_page(self, number):
        if not self.count_with_keys:
            return super().get_page(number)
        try:
            number = int(number)
        except (TypeError, ValueError):
            number = 1
        if number < 1:
            return super().get_page(number)
        bottom = (number - 1) * self.per_page
        keys = list(
            self.object_list.annotate(_total=Window(Count("pk"))).values_list(
                "pk", "_total"
            )[bottom : bottom + self.per_page + self.orphans]
        )
        if not keys and number > 1:
            # Past the last page: Django's answer (the last page) needs the count.
            return super().get_page(number)
        self.__dict__["count"] = keys[0][1] if keys else 0
        number = self.validate_number(number)
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        page_keys = [pk for pk, _total in keys[: top - bottom]]
        return Page(self.object_list.filter(pk__in=page_keys), number, self)

    def _get_page(self, object_list, number, paginator):
        if isinstance(object_list, QuerySet):
            # The same conditions and order again: cheap on a page of keys.
            object_list = self.object_list.filter(pk__in=object_list.values("pk"))
        return super()._get_page(object_list, number, paginator)


class ScopedMixin:
    """Querysets limited by the model's permission policy."""

    # select_related() paths that the policy's instance checks read, so that
    # checking rows of a listing costs no queries.
    scope_select_related = ()

    def visible_queryset(self):
        queryset = self.permission_policy.instances_user_has_permission_for(
            self.request.user, "view"
        )
        if self.scope_select_related:
            queryset = queryset.select_related(*self.scope_select_related)
        return queryset

    def user_may(self, action, instance):
        return self.user_has_permission_for_instance(action, instance)


class ScopedObjectMixin(ScopedMixin):
    """``self.object`` from the scope: 404 if invisible, denied if the action is not allowed."""

    object_action = "view"
    pk_url_kwarg = "pk"

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.object = self.get_object()

    def get_object(self, queryset=None):
        if getattr(self, "object", None) is None:
            instance = get_object_or_404(
                self.visible_queryset(), pk=self.kwargs[self.pk_url_kwarg]
            )
            if self.object_action != "view" and not self.user_may(
                self.object_action, instance
            ):
                raise PermissionDenied
            self.object = instance
        return self.object


class ServiceFormMixin:
    """A service's ValidationError or PermissionDenied becomes an error on the form."""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except (ValidationError, PermissionDenied) as error:
            add_service_error(form, error)
            return self.form_invalid(form)


class ExportIndexView(SafeSpreadsheetExportMixin, generic.IndexView):
    """Wagtail's listing with the site's download rules (registry.downloads)."""


class IndexView(ScopedMixin, ExportIndexView):
    def get_base_queryset(self):
        return self.visible_queryset()

    # Row links follow the user's rights on each row, not on the model.

    def get_edit_url(self, instance):
        if self.edit_url_name and self.user_may("change", instance):
            return reverse(self.edit_url_name, args=(instance.pk,))

    def get_delete_url(self, instance):
        if self.delete_url_name and self.user_may("delete", instance):
            return reverse(self.delete_url_name, args=(instance.pk,))

    def get_inspect_url(self, instance):
        if self.inspect_url_name:
            return reverse(self.inspect_url_name, args=(instance.pk,))


class CreateView(ServiceFormMixin, generic.CreateView):
    pass


class EditView(ServiceFormMixin, ScopedObjectMixin, generic.EditView):
    object_action = "change"


class DeleteView(ScopedObjectMixin, generic.DeleteView):
    object_action = "delete"
    template_name = "registry/confirm_delete.html"
    delete_error = ""

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ValidationError as error:
            # e.g. the node still has members: say why on the confirmation page.
            self.delete_error = " ".join(error.messages)
            return self.render_to_response(self.get_context_data())


class InspectView(ScopedObjectMixin, generic.InspectView):
    page_title = "详情"

    def get_field_display_value(self, field_name, field):
        value = super().get_field_display_value(field_name, field)
        if value is None or value == "":
            return "—"
        if isinstance(value, bool):
            return "是" if value else "否"
        return value

    def get_edit_url(self):
        if self.edit_url_name and self.user_may("change", self.object):
            return reverse(self.edit_url_name, args=(self.object.pk,))

    def get_delete_url(self):
        if self.delete_url_name and self.user_may("delete", self.object):
            return reverse(self.delete_url_name, args=(self.object.pk,))

    @cached_property
    def header_buttons(self):
        """Wagtail's buttons, then those other apps add for this record.

        A hook ``register_registry_record_buttons`` takes (record, user) and
        returns HeaderButtons the user may follow: the registry knows nothing of
        the apps behind them (the pdf app's 打印 buttons, for one).
        """
        buttons = list(super().header_buttons)
        for hook in hooks.get_hooks(RECORD_BUTTONS_HOOK):
            buttons.extend(hook(self.object, self.request.user))
        return buttons


class ObjectListingMixin(ScopedMixin):
    """History and usage: the object comes from the scope (404 outside it)."""

    def get_base_object_queryset(self):
        return self.visible_queryset()

    def get_edit_url(self, instance):
        if self.edit_url_name and self.user_may("change", instance):
            return reverse(self.edit_url_name, args=(instance.pk,))


class HistoryView(ObjectListingMixin, history.HistoryView):
    # Reading a record's audit trail is part of reading the record (查看 too).
    any_permission_required = ["add", "change", "delete", "view"]

    @cached_property
    def header_buttons(self):
        return [button for button in super().header_buttons if button.url]


class UsageView(ObjectListingMixin, usage.UsageView):
    permission_required = None
    any_permission_required = ["add", "change", "delete", "view"]


class ObjectFormView(
    ScopedObjectMixin, PermissionCheckedMixin, WagtailAdminTemplateMixin, FormView
):
    """A form about one record (move, transfer, end …) carried out by a service."""

    model = None
    template_name = "registry/object_form.html"
    page_title = ""
    submit_button_label = "保存"
    index_url_name = None
    inspect_url_name = None
    edit_url_name = None

    def perform(self, form):
        """Carry out the change through a service; return the success message."""
        raise NotImplementedError

    def get_success_url(self):
        return reverse(
            self.inspect_url_name or self.edit_url_name, args=(self.object.pk,)
        )

    def form_valid(self, form):
        try:
            message = self.perform(form)
        except (ValidationError, PermissionDenied) as error:
            add_service_error(form, error)
            return self.form_invalid(form)
        messages.success(self.request, message)
        return redirect(self.get_success_url())

    def get_page_subtitle(self):
        return str(self.object)

    def get_breadcrumbs_items(self):
        items = []
        if self.index_url_name:
            items.append(
                {
                    "url": reverse(self.index_url_name),
                    "label": self.model._meta.verbose_name_plural,
                }
            )
        if self.inspect_url_name:
            items.append(
                {
                    "url": reverse(self.inspect_url_name, args=(self.object.pk,)),
                    "label": str(self.object),
                }
            )
        items.append({"url": "", "label": self.get_page_title()})
        return self.breadcrumbs_items + items

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["object"] = self.object
        context["action_url"] = self.request.path
        context["submit_button_label"] = self.submit_button_label
        context["cancel_url"] = self.get_success_url()
        return context
