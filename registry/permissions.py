"""Wagtail permission policies for the node-scoped registry models.

Each Wagtail action maps to one OrgNode codename through the action tables of
registry.policy, the vocabulary the apps use too. Model-level
questions ("may this user add volunteers at all?") are answered by "holds the
codename on at least one node"; instance questions and querysets by subtree
coverage from registry.selectors, so there is one implementation of the rule.
Django model permissions (e.g. registry.change_volunteer) are deliberately
ignored: a scoped role that held one would otherwise see every row.
"""

from wagtail.permission_policies.base import BasePermissionPolicy

from . import policy, roles, selectors
from .models import Membership, OrgNode, Volunteer


def _codenames_of(actions):
    return {action: rule.codename for action, rule in actions.items()}


def _strict_of(actions):
    return frozenset(action for action, rule in actions.items() if rule.strict)


class OrgScopedPermissionPolicy(BasePermissionPolicy):
    # Wagtail action -> OrgNode codename. Unknown actions are refused to everyone
    # but active superusers, who may do anything (as with Wagtail's own policies).
    action_codenames = {}
    # Actions that need a grant strictly above the instance's node.
    strict_actions = frozenset()

    def _codenames(self, actions):
        return {self.action_codenames[a] for a in actions if a in self.action_codenames}

    # Model level

    def user_has_permission(self, user, action):
        return self.user_has_any_permission(user, [action])

    def user_has_any_permission(self, user, actions):
        if selectors.is_active_superuser(user):
            return True
        return any(
            selectors.user_has_perm_anywhere(user, codename)
            for codename in self._codenames(actions)
        )

    def users_with_any_permission(self, actions):
        return selectors.users_with_node_perm(self._codenames(actions), paths=None)

    # Instance level

    def user_has_permission_for_instance(self, user, action, instance):
        if selectors.is_active_superuser(user):
            return True
        codename = self.action_codenames.get(action)
        if codename is None:
            return False
        return self.instance_check(
            user, codename, instance, strict=action in self.strict_actions
        )

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return any(
            self.user_has_permission_for_instance(user, action, instance)
            for action in actions
        )

    def instances_user_has_permission_for(self, user, action):
        return self.instances_user_has_any_permission_for(user, [action])

    def instances_user_has_any_permission_for(self, user, actions):
        if selectors.is_active_superuser(user):
            return self.model._default_manager.all()
        querysets = [
            self.scoped_queryset(
                user,
                self.action_codenames[action],
                strict=action in self.strict_actions,
            )
            for action in dict.fromkeys(actions)
            if action in self.action_codenames
        ]
        if not querysets:
            return self.model._default_manager.none()
        result = querysets[0]
        for queryset in querysets[1:]:
            result = result | queryset
        return result.distinct() if len(querysets) > 1 else result

    def users_with_any_permission_for_instance(self, actions, instance):
        # Grants on the instance's nodes or their ancestors; a strict action
        # leaves out the node itself.
        query_paths = {}
        for action in actions:
            codename = self.action_codenames.get(action)
            if codename is None:
                continue
            for path in self.instance_paths(instance):
                paths = selectors.ancestor_paths(path)
                if action in self.strict_actions:
                    paths = paths[:-1]
                query_paths.setdefault(codename, set()).update(paths)
        users = selectors.users_with_node_perm(set(), paths=[])  # superusers only
        for codename, paths in query_paths.items():
            users = users | selectors.users_with_node_perm({codename}, paths=paths)
        return users.distinct()

    # Per-model hooks

    def instance_check(self, user, codename, instance, strict):
        raise NotImplementedError

    def scoped_queryset(self, user, codename, strict):
        raise NotImplementedError

    def instance_paths(self, instance):
        """Paths of the nodes through which rights on ``instance`` are granted."""
        raise NotImplementedError


class OrgNodePermissionPolicy(OrgScopedPermissionPolicy):
    # A node's own administrators may edit it but not delete or move it away.
    action_codenames = _codenames_of(policy.NODE_ACTIONS)
    strict_actions = _strict_of(policy.NODE_ACTIONS)

    def instance_check(self, user, codename, instance, strict):
        return selectors.user_has_node_perm(user, codename, instance, strict=strict)

    def scoped_queryset(self, user, codename, strict):
        return selectors.nodes_for_user(user, codename, strict=strict)

    def instance_paths(self, instance):
        return [instance.path]


class VolunteerPermissionPolicy(OrgScopedPermissionPolicy):
    action_codenames = _codenames_of(policy.ACTIONS[Volunteer])

    def instance_check(self, user, codename, instance, strict):
        return selectors.user_has_volunteer_perm(user, codename, instance)

    def scoped_queryset(self, user, codename, strict):
        return selectors.volunteers_for_user(user, codename)

    def instance_paths(self, instance):
        return [instance.org_node.path] if instance.org_node_id else []


class MembershipPermissionPolicy(OrgScopedPermissionPolicy):
    action_codenames = _codenames_of(policy.ACTIONS[Membership])

    def instance_check(self, user, codename, instance, strict):
        return selectors.user_has_membership_perm(user, codename, instance)

    def scoped_queryset(self, user, codename, strict):
        return selectors.memberships_for_user(user, codename)

    def instance_paths(self, instance):
        paths = [instance.node.path]
        if instance.volunteer.org_node_id:
            paths.append(instance.volunteer.org_node.path)
        return paths


class CataloguePermissionPolicy(BasePermissionPolicy):
    """Catalogues serve the whole tree: federation administrators maintain them.

    That is, 管理员 on a top-level node (or a superuser), for every action.
    """

    def user_has_permission(self, user, action):
        return selectors.user_has_perm_at_root(user, roles.MANAGE_NODE)

    def user_has_any_permission(self, user, actions):
        return selectors.user_has_perm_at_root(user, roles.MANAGE_NODE)

    def users_with_any_permission(self, actions):
        roots = [node.path for node in OrgNode.get_root_nodes()]
        return selectors.users_with_node_perm({roles.MANAGE_NODE}, paths=roots)
