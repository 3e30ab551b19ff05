"""The org tree in the admin: browse level by level, create, edit, move, delete."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.functional import cached_property
from wagtail.admin.ui.tables import Column, TitleColumn
from wagtail.admin.widgets.button import Button

from .. import policy, selectors, services
from ..forms import MoveNodeForm
from ..pks import pk_or_404
from . import generic


class NodeCountColumn(Column):
    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["value"] = context["raw_value"]
        return context


class OrgNodeIndexView(generic.IndexView):
    """One level of the tree: the user's top nodes, or the children of ``?parent=``.

    Searching, filtering and exporting cover the user's whole subtree instead.
    """

    default_ordering = "path"
    permissions_url_name = None
    move_url_name = None
    history_url_name = None

    @cached_property
    def parent_node(self):
        pk = self.request.GET.get("parent", "")
        if not pk:
            return None
        return get_object_or_404(self.visible_queryset(), pk=pk_or_404(pk))

    def get_base_queryset(self):
        visible = self.visible_queryset()
        if self.is_export or self.is_searching or self.is_filtering:
            return visible
        if self.parent_node is not None:
            return visible.filter(
                path__startswith=self.parent_node.path,
                depth=self.parent_node.depth + 1,
            )
        return policy.top_nodes_where(self.request.user, "view")

    def get_valid_orderings(self):
        return ["path", *super().get_valid_orderings()]

    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        query = self.search_query
        return queryset.filter(name__icontains=query) | queryset.filter(
            code__iexact=query
        )

    def paginate_queryset(self, queryset, page_size):
        paginator, page, object_list, is_paginated = super().paginate_queryset(
            queryset, page_size
        )
        nodes = list(object_list)
        counts = selectors.subtree_volunteer_counts(nodes)
        for node in nodes:
            node.volunteer_count = counts[node.pk]
        page.object_list = nodes
        return paginator, page, nodes, is_paginated

    def children_url(self, node):
        return f"{reverse(self.index_url_name)}?parent={node.pk}"

    def get_add_url(self):
        if self.parent_node is None:
            return super().get_add_url()
        if self.user_may("add", self.parent_node):
            return f"{reverse(self.add_url_name)}?parent={self.parent_node.pk}"

    @cached_property
    def add_item_label(self):
        return "在此新建下级组织" if self.parent_node else "新建组织"

    def get_page_subtitle(self):
        return self.parent_node.name if self.parent_node else ""

    def get_breadcrumbs_items(self):
        items = [{"url": reverse(self.index_url_name), "label": "组织架构"}]
        if self.parent_node is not None:
            # From the user's highest visible node down to the current one.
            ancestors = self.visible_queryset().filter(
                path__in=selectors.ancestor_paths(self.parent_node.path)[:-1]
            )
            for node in ancestors.order_by("depth"):
                items.append({"url": self.children_url(node), "label": node.name})
            items.append({"url": "", "label": self.parent_node.name})
        return self.breadcrumbs_items + items

    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        node = self.parent_node
        if node is None:
            return buttons
        buttons.extend(self.node_buttons(node, include_children=False))
        return buttons

    # Buttons to a page about one node: label, URL name attribute, icon,
    # priority, and the action the user needs on the node (None: viewing it).
    NODE_PAGE_BUTTONS = [
        ("编辑", "edit_url_name", "edit", 10, "change"),
        ("详情", "inspect_url_name", "info-circle", 20, None),
        ("权限", "permissions_url_name", "key", 25, "manage_grants"),
        ("历史", "history_url_name", "history", 26, None),
        ("移动", "move_url_name", "arrow-right-full", 27, "move"),
        ("删除", "delete_url_name", "bin", 30, "delete"),
    ]

    def node_buttons(self, node, include_children=True):
        """Buttons for what the user may do with ``node``."""
        buttons = []
        if include_children and node.numchild:
            buttons.append(
                Button(
                    "下级组织",
                    url=self.children_url(node),
                    icon_name="folder-open-inverse",
                    priority=5,
                )
            )
        if self.user_may("add", node):
            buttons.append(
                Button(
                    "新建下级组织",
                    url=f"{reverse(self.add_url_name)}?parent={node.pk}",
                    icon_name="plus",
                    priority=6,
                )
            )
        for label, url_name, icon_name, priority, action in self.NODE_PAGE_BUTTONS:
            if action is None or self.user_may(action, node):
                url = reverse(getattr(self, url_name), args=(node.pk,))
                buttons.append(
                    Button(label, url=url, icon_name=icon_name, priority=priority)
                )
        return buttons

    def get_list_more_buttons(self, instance):
        return self.node_buttons(instance)

    @cached_property
    def columns(self):
        title = self._get_title_column_class(TitleColumn)(
            "name",
            label="名称",
            sort_key="name",
            get_url=lambda node: (
                self.children_url(node)
                if node.numchild
                else reverse(self.inspect_url_name, args=(node.pk,))
            ),
        )
        return [
            title,
            Column(
                "kind", label="组织类型", accessor="get_kind_display", sort_key="kind"
            ),
            Column("code", label="团体注册编号", sort_key="code"),
            Column(
                "status", label="状态", accessor="get_status_display", sort_key="status"
            ),
            NodeCountColumn("numchild", label="下级组织数"),
            NodeCountColumn("volunteer_count", label="义工人数（含下级，不含已退出）"),
        ]


class OrgNodeCreateView(generic.CreateView):
    def get_initial(self):
        initial = super().get_initial()
        parent = self.request.GET.get("parent", "")
        if parent:
            initial["parent"] = pk_or_404(parent)
        return initial

    def save_instance(self):
        node = self.form.save(commit=False)
        node = services.org_node_create(
            node=node,
            parent=self.form.cleaned_data.get("parent"),
            by_user=self.request.user,
        )
        self.form.save_m2m()
        return node

    def get_success_url(self):
        return parent_listing_url(self.index_url_name, self.object)


class OrgNodeEditView(generic.EditView):
    def save_instance(self):
        node = self.form.save(commit=False)
        node = services.org_node_update(node=node, by_user=self.request.user)
        self.form.save_m2m()
        return node

    def get_success_url(self):
        return parent_listing_url(self.index_url_name, self.object)


def parent_listing_url(index_url_name, node):
    """The tree listing that shows ``node``: its parent's children."""
    parent = node.get_parent()
    url = reverse(index_url_name)
    return f"{url}?parent={parent.pk}" if parent else url


class OrgNodeDeleteView(generic.DeleteView):
    def delete_action(self):
        services.org_node_delete(node=self.object, by_user=self.request.user)


class OrgNodeInspectView(generic.InspectView):
    template_name = "registry/orgnode/inspect.html"
    permissions_url_name = None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        node = self.object
        people = selectors.node_leaders_and_contacts([node])[node.pk]
        context["leader"] = people["leader"]
        context["contact"] = people["contact"]
        context["parent"] = node.get_parent()
        if self.user_may("manage_grants", node):
            context["permissions_url"] = reverse(
                self.permissions_url_name, args=(node.pk,)
            )
        return context


class OrgNodeMoveView(generic.ObjectFormView):
    object_action = "move"
    permission_required = "move"
    page_title = "移动组织"
    submit_button_label = "移动"
    form_class = MoveNodeForm

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "user": self.request.user,
            "node": self.object,
        }

    def perform(self, form):
        new_parent = form.cleaned_data["new_parent"]
        services.org_node_move(
            node=self.object, new_parent=new_parent, by_user=self.request.user
        )
        return f"已把“{self.object.name}”移至“{new_parent.name}”之下"
