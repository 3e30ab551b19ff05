"""The 权限 screen of a node: effective access, grant and revoke."""

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import View
from wagtail.admin import messages
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin

from .. import policy, roles, selectors, services
from ..forms import GrantForm
from ..models import OrgNodeUserObjectPermission
from ..pks import parse_pk
from . import generic


class NodePermissionsView(generic.ObjectFormView):
    """Who holds which role on the node and from where; grant a role here."""

    object_action = "manage_grants"
    permission_required = "manage_grants"
    template_name = "registry/orgnode/permissions.html"
    page_title = "权限"
    submit_button_label = "授予"
    form_class = GrantForm
    revoke_url_name = None
    permissions_url_name = None

    def get_form_kwargs(self):
        return {
            **super().get_form_kwargs(),
            "granter": self.request.user,
            "node": self.object,
        }

    def get_success_url(self):
        return reverse(self.permissions_url_name, args=(self.object.pk,))

    def perform(self, form):
        user = form.cleaned_data["username"]
        role = roles.get_role(form.cleaned_data["role"])
        changed = services.grant_role(
            granted_by=self.request.user,
            user_or_group=user,
            role=role,
            node=self.object,
        )
        if not changed:
            return f"“{user.get_username()}”在本组织已是“{role.label}”，无需更改"
        return (
            f"已授予“{user.get_username()}”在“{self.object.name}”的“{role.label}”角色"
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        node = self.object
        held = selectors.user_node_codenames(self.request.user, node)
        rows = []
        for grant in selectors.effective_grants(node):
            rows.append(
                {
                    "grant": grant,
                    "label": (
                        f"用户组：{grant.principal.name}"
                        if grant.is_group
                        else grant.principal.get_username()
                    ),
                    "role": grant.role.label if grant.role else "（不完整的权限）",
                    # Only grants made here, and not above the user's own role.
                    "can_revoke": not grant.inherited and grant.codenames <= held,
                    "anchor_url": (
                        self.get_anchor_url(grant.anchor) if grant.inherited else ""
                    ),
                }
            )
        context["rows"] = rows
        context["revoke_url"] = reverse(self.revoke_url_name, args=(node.pk,))
        context["known_usernames"] = self.known_usernames()
        context["roles"] = roles.ROLES
        return context

    def get_anchor_url(self, anchor):
        if policy.may(self.request.user, "manage_grants", anchor):
            return reverse(self.permissions_url_name, args=(anchor.pk,))
        return ""

    def known_usernames(self):
        """Suggestions: users who already hold a role somewhere in the user's subtree."""
        nodes = policy.nodes_where(self.request.user, "manage_grants")
        user_ids = OrgNodeUserObjectPermission.objects.filter(
            content_object__in=nodes.values("pk")
        ).values("user")
        User = get_user_model()
        return (
            User.objects.filter(pk__in=user_ids, is_active=True)
            .order_by(User.USERNAME_FIELD)
            .values_list(User.USERNAME_FIELD, flat=True)[:200]
        )


class NodeRevokeView(generic.ScopedObjectMixin, PermissionCheckedMixin, View):
    """POST: remove the role granted on exactly this node to one user or group."""

    model = None
    object_action = "manage_grants"
    permission_required = "manage_grants"
    http_method_names = ["post"]
    permissions_url_name = None

    def post(self, request, *args, **kwargs):
        node = self.object
        principal_id = parse_pk(request.POST.get("principal_id", ""))
        if principal_id is None:
            messages.error(request, "请指定要撤销角色的用户或用户组")
            return redirect(self.permissions_url_name, node.pk)
        if request.POST.get("principal_type") == "group":
            principal = get_object_or_404(Group, pk=principal_id)
        else:
            principal = get_object_or_404(get_user_model(), pk=principal_id)
        try:
            services.revoke_role(
                revoked_by=request.user, user_or_group=principal, node=node
            )
        except (ValidationError, PermissionDenied) as error:
            text = (
                str(error)
                if isinstance(error, PermissionDenied)
                else " ".join(error.messages)
            )
            messages.error(request, text)
        else:
            name = (
                principal.name
                if isinstance(principal, Group)
                else principal.get_username()
            )
            messages.success(request, f"已撤销“{name}”在“{node.name}”的角色")
        return redirect(self.permissions_url_name, node.pk)
