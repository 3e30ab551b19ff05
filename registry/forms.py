"""Admin forms of the registry.

Every choice of a node or volunteer is limited to the acting user's part of the
tree (``for_user``, which Wagtail passes to its model forms), so that a crafted
POST naming a foreign record fails validation with a message saying why. The
services check the same rights again when saving.
"""

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.forms.utils import flatatt
from django.utils import timezone
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.widgets import AdminDateInput

from . import policy, privacy, roles, selectors
from .fields import AvailabilityField
from .models import Membership, OrgNode
from .pks import PKChoiceMixin
from .views.choosers import org_node_chooser_viewset

FOREIGN_NODE = "所选组织不在您的管理范围内，请重新选择"
FOREIGN_VOLUNTEER = "所选义工不在您的管理范围内，请重新选择"


def add_service_error(form, error):
    """Put a service's ValidationError or PermissionDenied on the form."""
    if isinstance(error, PermissionDenied):
        form.add_error(None, str(error) or "您没有执行此操作的权限")
    elif hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


class PlainSelect(forms.Select):
    """A select rendered in one pass, for flat choices without option attributes.

    Django renders every option through a template: over a second for a
    federation's ~2,000 nodes, and a fifth of a listing page's time for its
    handful of filters.
    """

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, {**(attrs or {}), "name": name})
        chosen = set(self.format_value(value))
        options = "".join(
            f'<option value="{escape(option_value)}"'
            f"{' selected' if str(option_value) in chosen else ''}>"
            f"{escape(label)}</option>"
            for option_value, label in self.choices
        )
        return format_html("<select{}>{}</select>", flatatt(attrs), mark_safe(options))


class NodeChoiceIterator(forms.models.ModelChoiceIterator):
    """Choices straight from (pk, depth, name) rows, without model instances."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for pk, depth, name in self.queryset.values_list("pk", "depth", "name"):
            yield (pk, "　" * (depth - 1) + name)


class NodeChoicesMixin:
    """Nodes in the queryset's order (tree order: by path), indented by depth.

    A federation's select lists ~2,000 nodes, and every registry listing has
    one among its filters.
    """

    widget = PlainSelect
    iterator = NodeChoiceIterator


class NodeChoiceField(PKChoiceMixin, NodeChoicesMixin, forms.ModelChoiceField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("queryset", OrgNode.objects.none())
        kwargs.setdefault("error_messages", {"invalid_choice": FOREIGN_NODE})
        super().__init__(*args, **kwargs)


class ScopedChoicesMixin:
    """Forget a rejected choice, so its widget does not show the foreign record's name."""

    scoped_fields = ()

    def full_clean(self):
        super().full_clean()
        rejected = [name for name in self.scoped_fields if name in self._errors]
        if rejected and self.is_bound:
            self.data = self.data.copy()
            for name in rejected:
                self.data[name] = ""


def _date_field(label, **kwargs):
    return forms.DateField(
        label=label, widget=AdminDateInput, initial=timezone.localdate, **kwargs
    )


# --- Org nodes -------------------------------------------------------------------


class OrgNodeForm(ScopedChoicesMixin, WagtailAdminModelForm):
    parent = NodeChoiceField(
        label="上级组织",
        required=False,
        error_messages={"invalid_choice": "所选上级组织不在您的管理范围内，请重新选择"},
    )
    scoped_fields = ("parent",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # Moving is its own action (移动), with its own rights and log entry.
            self.fields.pop("parent", None)
        elif "parent" in self.fields:
            field = self.fields["parent"]
            field.queryset = policy.nodes_where(self.for_user, "add").order_by("path")
            if selectors.is_active_superuser(self.for_user):
                field.help_text = "留空则新建顶层组织（义工联合会）"
            else:
                field.required = True


class MoveNodeForm(ScopedChoicesMixin, forms.Form):
    new_parent = NodeChoiceField(
        label="新的上级组织",
        error_messages={
            "invalid_choice": "所选组织不在您的管理范围内，或是本组织自身及其下级，请重新选择"
        },
    )
    scoped_fields = ("new_parent",)

    def __init__(self, *args, user, node, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_parent"].queryset = (
            policy.nodes_where(user, "add")
            .exclude(path__startswith=node.path)
            .order_by("path")
        )


# --- Volunteers -------------------------------------------------------------------


class VolunteerForm(ScopedChoicesMixin, WagtailAdminModelForm):
    availability = AvailabilityField(label="可提供服务时间", required=False)
    # Only when registering: the team the volunteer joins (a primary membership).
    node = NodeChoiceField(label="所属队伍")
    membership_role = forms.ChoiceField(
        label="在队职务",
        choices=Membership.Role.choices,
        initial=Membership.Role.MEMBER,
    )
    department_title = forms.CharField(
        label="部门及职务", max_length=100, required=False
    )
    scoped_fields = ("node",)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            for name in ("node", "membership_role", "department_title"):
                self.fields.pop(name, None)
            self._make_id_number_write_only()
        elif "node" in self.fields:
            self.fields["node"].queryset = policy.nodes_where(
                self.for_user, "register_volunteers"
            )
            self.fields["node"].widget = org_node_chooser_viewset.widget_class()

    def _make_id_number_write_only(self):
        # Editors correct a number without seeing it: showing the full number is
        # a reveal, which is logged (显示完整号码 on the record's page).
        field = self.fields.get("id_number")
        if field is None:
            return
        self.initial["id_number"] = ""
        if self.instance.id_number:
            field.help_text = (
                f"当前号码：{privacy.masked_id_number(self.instance)}。"
                "需要更正时请输入完整的新号码；留空则保持不变"
            )

    def clean_id_number(self):
        value = self.cleaned_data.get("id_number")
        if self.instance.pk and not (value or "").strip():
            return self.instance.id_number
        return value


# --- Memberships ------------------------------------------------------------------


class MembershipForm(ScopedChoicesMixin, WagtailAdminModelForm):
    """Adding a 社区报到 or 兼任职务 membership; editing changes the role (变更职务)."""

    on = _date_field("变更日期", help_text="原职务在这一天结束，新职务从这一天开始")
    scoped_fields = ("volunteer", "node")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = self.for_user
        if self.instance.pk:
            for name in ("volunteer", "node", "kind", "start_date"):
                self.fields.pop(name, None)
            return
        self.fields.pop("on", None)
        if "volunteer" in self.fields:
            field = self.fields["volunteer"]
            field.queryset = policy.volunteers_where(user, "change")
            field.error_messages["invalid_choice"] = FOREIGN_VOLUNTEER
        if "node" in self.fields:
            field = self.fields["node"]
            field.queryset = policy.nodes_where(user, "register_volunteers")
            field.error_messages["invalid_choice"] = FOREIGN_NODE
        if "kind" in self.fields:
            # The primary membership changes only by registering or transferring.
            self.fields["kind"].choices = [
                (value, label)
                for value, label in Membership.Kind.choices
                if value != Membership.Kind.PRIMARY
            ]


class TransferForm(ScopedChoicesMixin, forms.Form):
    to_node = NodeChoiceField(label="调入组织")
    on = _date_field("调动日期")
    role = forms.ChoiceField(
        label="在新队伍的职务",
        choices=Membership.Role.choices,
        initial=Membership.Role.MEMBER,
    )
    department_title = forms.CharField(
        label="部门及职务",
        max_length=100,
        required=False,
        help_text="留空则沿用原部门及职务",
    )
    scoped_fields = ("to_node",)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_node"].queryset = policy.nodes_where(
            user, "register_volunteers"
        )
        self.fields["to_node"].widget = org_node_chooser_viewset.widget_class()


class EndMembershipForm(forms.Form):
    on = _date_field("结束日期")
    reason = forms.CharField(label="结束原因", max_length=100, required=False)


# --- Grants (权限) -------------------------------------------------------------------


class GrantForm(forms.Form):
    """Give a user a role on one node; only roles the granter holds there."""

    username = forms.CharField(
        label="用户名",
        max_length=150,
        help_text="请输入要授权的后台用户的用户名（须完全一致）",
    )
    role = forms.ChoiceField(label="角色")

    def __init__(self, *args, granter, node, **kwargs):
        super().__init__(*args, **kwargs)
        self.granter = granter
        self.fields["username"].widget.attrs["list"] = "known-usernames"
        held = selectors.user_node_codenames(granter, node)
        self.fields["role"].choices = [
            (role.key, f"{role.label}（{role.description}）")
            for role in roles.ROLES
            if role.codenames <= held
        ]

    def clean_username(self):
        username = self.cleaned_data["username"].strip()
        User = get_user_model()
        try:
            user = User.objects.get(**{User.USERNAME_FIELD: username}, is_active=True)
        except User.DoesNotExist:
            raise forms.ValidationError(
                f"找不到用户名为“{username}”的有效用户，请核对后重新输入"
            ) from None
        if user.pk == self.granter.pk:
            raise forms.ValidationError("不能给自己授予角色")
        if user.is_superuser:
            raise forms.ValidationError(f"“{username}”是系统管理员，已拥有全部权限")
        return user
