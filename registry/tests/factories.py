"""Test helpers: valid ID numbers, volunteers and org trees."""

import itertools
import re
from datetime import date

from django.contrib.auth import get_user_model

from registry import invented, roles, services
from registry.models import Membership, OrgNode, Volunteer
from registry.selectors import user_node_codenames

_sequence = itertools.count(1)


def id_number(birth=date(1980, 5, 17), male=True, region="440781"):
    """A fresh valid 18-digit number; the sequence part varies per call."""
    serial = next(_sequence) % 500
    return invented.id_number(region, birth, serial * 2 + (1 if male else 0))


def make_volunteer(name="张三", node=None, **fields):
    volunteer = Volunteer(name=name, **fields)
    volunteer.save()
    if node is not None:
        Membership.objects.create(volunteer=volunteer, node=node)
        volunteer.org_node = node
        volunteer.save(update_fields=["org_node"])
    return volunteer


def make_user(username, **fields):
    return get_user_model().objects.create_user(
        username=username, password="x", **fields
    )


def make_tree():
    """federation > branch > corps A (teams A1 > sub A1a, A2) + corps B (team B1); station S."""
    kinds = OrgNode.Kind
    nodes = {}
    nodes["fed"] = OrgNode.add_root(name="联合会", kind=kinds.FEDERATION)
    nodes["branch"] = nodes["fed"].add_child(name="分会", kind=kinds.BRANCH)
    nodes["A"] = nodes["branch"].add_child(name="总队A", kind=kinds.CORPS)
    nodes["B"] = nodes["branch"].add_child(name="总队B", kind=kinds.CORPS)
    nodes["A1"] = nodes["A"].add_child(name="队A1", kind=kinds.TEAM)
    nodes["A2"] = nodes["A"].add_child(name="队A2", kind=kinds.TEAM)
    nodes["A1a"] = nodes["A1"].add_child(name="分队A1a", kind=kinds.SUBTEAM)
    nodes["B1"] = nodes["B"].add_child(name="队B1", kind=kinds.TEAM)
    nodes["S"] = nodes["fed"].add_child(name="服务站S", kind=kinds.STATION)
    for key in nodes:
        nodes[key].refresh_from_db()
    return nodes


def role_at(user, node):
    """The highest role the user effectively holds on ``node``, or None."""
    return roles.role_for_codenames(user_node_codenames(user, node))


def violates(constraint, *unique_columns):
    """``match=`` for ``pytest.raises(IntegrityError)``: which constraint refused.

    PostgreSQL names the constraint, and so does SQLite for a check; for a
    unique index SQLite names its columns instead ("table.column").
    """
    return "|".join(re.escape(name) for name in (constraint, *unique_columns))


def fresh(user):
    """The user as a new request would load it (grants are cached per user object)."""
    return type(user).objects.get(pk=user.pk)


def granted(username, role, node, **fields):
    """A new user holding ``role`` on ``node``, loaded afresh."""
    user = make_user(username, **fields)
    services.grant_role(granted_by=None, user_or_group=user, role=role, node=node)
    return fresh(user)
