"""One permission vocabulary for every app: ``may(user, action, obj)``.

An action names what a user wants to do with a kind of record ("export" a
node's roster, "reveal_id_number" of a volunteer …). The tables below say
which right of registry.roles it needs on the record's node, and whether the
grant must sit strictly above the node (deleting or moving the node itself).
Other apps and the registry's views ask these questions and never name a
codename; the Wagtail permission policies (registry.permissions) read the
same tables, so the admin's answers and the apps' answers cannot drift apart.

A grant covers the node's whole subtree (registry.models.rights); active
superusers may do everything. ``user=None`` stands for the system itself
(management commands), as in registry.services.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied

from . import roles, selectors
from .models import Membership, OrgApplication, OrgNode, Volunteer


@dataclass(frozen=True)
class Rule:
    codename: str
    # The grant must be on an ancestor, not on the node itself.
    strict: bool = False


VIEW = Rule(roles.VIEW_REGISTRY)
EDIT = Rule(roles.EDIT_VOLUNTEERS)
DELETE = Rule(roles.DELETE_VOLUNTEERS)
REVEAL = Rule(roles.REVEAL_ID_NUMBER)
MANAGE = Rule(roles.MANAGE_NODE)
MANAGE_ABOVE = Rule(roles.MANAGE_NODE, strict=True)
GRANT = Rule(roles.MANAGE_GRANTS)

NODE_ACTIONS = {
    "view": VIEW,
    # A node's roster (名册) and listings, as xlsx/csv and PDF.
    "export": VIEW,
    # Register volunteers in the node: one by one, by roster import, by approval.
    "register_volunteers": EDIT,
    "import": EDIT,
    # Wagtail's "add" on a node: add a child under it.
    "add": MANAGE,
    "change": MANAGE,
    "delete": MANAGE_ABOVE,
    "move": MANAGE_ABOVE,
    "manage_grants": GRANT,
    # 附件1: approve or turn down applications (附件2) to set up a node under it.
    "review_applications": MANAGE,
    # Personal data of the node's members (registry.privacy decides the display).
    "reveal_id_number": REVEAL,
    "see_contact_details": EDIT,
    # Service activities: announce and run them, take attendance, record hours,
    # keep commitments, draft and submit the quarterly report (附件4).
    "run_activities": EDIT,
    # The node above's word on a node: 补录 activities, days over the hour
    # limit, the quarterly reports it files.
    "supervise": MANAGE_ABOVE,
}
VOLUNTEER_ACTIONS = {
    "view": VIEW,
    "add": EDIT,
    "change": EDIT,
    "transfer": EDIT,
    "delete": DELETE,
    "reveal_id_number": REVEAL,
    "see_contact_details": EDIT,
    # A pending registration (附件3) → 已注册: the team's 管理员.
    "approve_registration": MANAGE,
    # Exempt a party volunteer from the yearly rules for a period (illness …).
    "grant_exemption": MANAGE,
}
# An application is the business of whoever manages the node it asks to sit under.
APPLICATION_ACTIONS = {
    "view": MANAGE,
    "review": MANAGE,
}
MEMBERSHIP_ACTIONS = {
    "view": VIEW,
    "add": EDIT,
    "change": EDIT,
    "delete": DELETE,
}
ACTIONS = {
    OrgNode: NODE_ACTIONS,
    Volunteer: VOLUNTEER_ACTIONS,
    Membership: MEMBERSHIP_ACTIONS,
    OrgApplication: APPLICATION_ACTIONS,
}


def rule(model, action):
    """The Rule of ``action`` on ``model``; KeyError for an action not in the tables."""
    try:
        return ACTIONS[model][action]
    except KeyError:
        raise KeyError(f"no action {action!r} on {model.__name__}") from None


def may(user, action, obj):
    """May ``user`` do ``action`` with ``obj`` (an OrgNode, Volunteer, Membership
    or OrgApplication)?"""
    needed = rule(type(obj), action)
    if user is None:
        return True
    if isinstance(obj, OrgApplication):
        return selectors.user_has_node_perm(user, needed.codename, obj.parent)
    if isinstance(obj, OrgNode):
        return selectors.user_has_node_perm(
            user, needed.codename, obj, strict=needed.strict
        )
    if isinstance(obj, Volunteer):
        return selectors.user_has_volunteer_perm(user, needed.codename, obj)
    return selectors.user_has_membership_perm(user, needed.codename, obj)


def may_anywhere(user, action, model=OrgNode):
    """May ``user`` do ``action`` somewhere in the tree (menus, model-level checks)?"""
    return user is None or selectors.user_has_perm_anywhere(
        user, rule(model, action).codename
    )


def require(user, action, obj, message):
    """PermissionDenied(``message``) unless ``may(user, action, obj)``."""
    if not may(user, action, obj):
        raise PermissionDenied(message)


def nodes_where(user, action):
    """The OrgNodes on which ``user`` may do ``action``."""
    needed = rule(OrgNode, action)
    return selectors.nodes_for_user(user, needed.codename, strict=needed.strict)


def top_nodes_where(user, action):
    """The highest nodes on which ``user`` may do ``action`` (the roots for superusers)."""
    return selectors.top_nodes_for_user(user, rule(OrgNode, action).codename)


def volunteers_where(user, action):
    """The volunteers with whom ``user`` may do ``action`` (by their home node)."""
    return selectors.volunteers_for_user(user, rule(Volunteer, action).codename)


def applications_where(user, action):
    """The applications (附件2) with which ``user`` may do ``action``."""
    return selectors.applications_for_user(user, rule(OrgApplication, action).codename)


def memberships_where(user, action):
    """The memberships with which ``user`` may do ``action``."""
    return selectors.memberships_for_user(user, rule(Membership, action).codename)
