"""A small registry with one user per role, shared by the admin tests.

Tree (from factories.make_tree): 联合会 fed > 分会 branch > 总队A (队A1 > 分队A1a,
队A2) and 总队B (队B1); 服务站S under fed. One volunteer lives in each of
A1, A1a, A2, B1 and S; the B1 volunteer also reports to station S (社区报到).
"""

from django.contrib.auth.models import Group, Permission

from registry import roles, services
from registry.models import Membership

from .factories import id_number, make_tree, make_user, make_volunteer

# Parent of each node, written out so that expectations do not rely on paths.
PARENTS = {
    "fed": None,
    "branch": "fed",
    "A": "branch",
    "B": "branch",
    "A1": "A",
    "A2": "A",
    "A1a": "A1",
    "B1": "B",
    "S": "fed",
}
VOLUNTEER_NODES = ("A1", "A1a", "A2", "B1", "S")
VOLUNTEER_NAMES = {
    "A1": "张三",
    "A1a": "李四",
    "A2": "王五",
    "B1": "赵六",
    "S": "钱七",
}

# Membership key -> the nodes through which it is reached (its node, the home).
MEMBERSHIP_NODES = {
    **{key: (key,) for key in VOLUNTEER_NODES},
    "B1@S": ("S", "B1"),
}

# username -> (role, node key) of its one grant; None: no registry role.
GRANTS = {
    "federation": (roles.ADMIN, "fed"),
    "corps": (roles.ADMIN, "A"),
    "team": (roles.INFO_MANAGER, "A1"),
    "viewer": (roles.VIEWER, "B1"),
    "norole": None,
}


def ancestors(key, *, inclusive=True):
    """Node keys from ``key`` up to the root, by walking PARENTS."""
    chain = [key] if inclusive else []
    parent = PARENTS[key]
    while parent is not None:
        chain.append(parent)
        parent = PARENTS[parent]
    return chain


# --- The oracle: what each test user may do, from GRANTS and PARENTS only ----------


def holds(username, codename, node_key, *, strict=False):
    """Does the user's grant reach ``node_key`` (strictly above it, if ``strict``)?"""
    if username == "super":
        return True
    grant = GRANTS.get(username)
    if grant is None:
        return False
    role, anchor = grant
    return codename in role.codenames and anchor in ancestors(
        node_key, inclusive=not strict
    )


def holds_anywhere(username, codename):
    if username == "super":
        return True
    grant = GRANTS.get(username)
    return grant is not None and codename in grant[0].codenames


def is_federation_admin(username):
    if username == "super":
        return True
    grant = GRANTS.get(username)
    return (
        grant is not None
        and grant[1] == "fed"
        and roles.MANAGE_NODE in grant[0].codenames
    )


def visible_memberships(username, memberships):
    """Keys of ``memberships`` reachable through their node or the volunteer's home."""
    return {
        key
        for key in memberships
        if any(
            holds(username, roles.VIEW_REGISTRY, node) for node in MEMBERSHIP_NODES[key]
        )
    }


def build_world():
    nodes = make_tree()
    volunteers = {}
    for index, key in enumerate(VOLUNTEER_NODES):
        volunteers[key] = make_volunteer(
            name=VOLUNTEER_NAMES[key],
            node=nodes[key],
            id_number=id_number(),
            mobile=f"1380013{index:04d}",
            status="registered",
        )
    community = Membership.objects.create(
        volunteer=volunteers["B1"], node=nodes["S"], kind=Membership.Kind.COMMUNITY
    )
    memberships = {
        key: volunteers[key].memberships.get(kind=Membership.Kind.PRIMARY)
        for key in VOLUNTEER_NODES
    }
    memberships["B1@S"] = community
    users = {"super": make_user("super", is_superuser=True, is_staff=True)}
    for username, grant in GRANTS.items():
        users[username] = make_user(username)
        if grant is not None:
            role, node_key = grant
            services.grant_role(
                granted_by=None,
                user_or_group=users[username],
                role=role,
                node=nodes[node_key],
            )
    # A website editor: may use the admin, holds no registry role.
    editors = Group.objects.create(name="网站编辑")
    editors.permissions.add(
        Permission.objects.get(
            content_type__app_label="wagtailadmin", codename="access_admin"
        )
    )
    users["norole"].groups.add(editors)
    return nodes, volunteers, memberships, users
