"""Permission matrix: every registry admin URL × role × own/foreign record.

Expected answers come from the oracle in admin_world, which walks the
written-out parent map of the test tree and the role definitions, not the
selectors or the permission policies under test:

- anonymous: redirected to the login page;
- a record the user may not view: 404;
- a record the user may view but not act on, or a page the user holds no
  right for: denied (Wagtail's admin redirects to the dashboard with a message);
- otherwise: the page, or for a POST, a redirect to where the action leads.

A test fails when a URL under a registry viewset namespace is not in the matrix.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from registry import roles
from registry.models import (
    CreationAction,
    ExpectedServiceArea,
    ServiceCategory,
    TargetGroup,
)

from .admin_world import (
    MEMBERSHIP_NODES,
    PARENTS,
    VOLUNTEER_NODES,
    build_world,
    holds,
    holds_anywhere,
    is_federation_admin,
)

pytestmark = pytest.mark.django_db

OK, DENIED, NOT_FOUND, LOGIN = "ok", "denied", "404", "login"
ROLE_NAMES = ["anonymous", "super", "federation", "corps", "team", "viewer", "norole"]

VIEW = roles.VIEW_REGISTRY
EDIT = roles.EDIT_VOLUNTEERS
DELETE = roles.DELETE_VOLUNTEERS
REVEAL = roles.REVEAL_ID_NUMBER
MANAGE = roles.MANAGE_NODE
GRANT = roles.MANAGE_GRANTS

# Records by model: key -> the nodes through which rights on it are granted.
NODE_RECORDS = {key: (key,) for key in ("A", "A1a", "B1")}
VOLUNTEER_RECORDS = {key: (key,) for key in ("A1a", "B1")}
# "B1@S": the B1 volunteer's 社区报到 at station S (reachable through S or B1).
MEMBERSHIP_RECORDS = {key: MEMBERSHIP_NODES[key] for key in ("A1a", "B1@S")}


def expect_object(username, record_nodes, codename, *, strict=False):
    if username == "anonymous":
        return LOGIN
    if not any(holds(username, VIEW, key) for key in record_nodes):
        return NOT_FOUND
    if not any(holds(username, codename, key, strict=strict) for key in record_nodes):
        return DENIED
    return OK


def expect_page(username, allowed):
    if username == "anonymous":
        return LOGIN
    return OK if allowed else DENIED


def expect_tree_level(username, parent_key):
    """The listing is checked first, then the parent node it is asked to open."""
    if username != "anonymous" and not holds_anywhere(username, VIEW):
        return DENIED
    return expect_object(username, (parent_key,), VIEW)


def expect_chosen(username, record_nodes):
    """Choosers offer what the user may edit."""
    if username == "anonymous":
        return LOGIN
    if not holds_anywhere(username, EDIT):
        return DENIED
    if not any(holds(username, EDIT, key) for key in record_nodes):
        return NOT_FOUND
    return OK


# --- The matrix -----------------------------------------------------------------


class Row:
    """One request: URL name, how to build it, and the expected outcome per user."""

    def __init__(
        self, url_name, expect, *, record=None, method="get", data=None, query=""
    ):
        self.url_name = url_name
        self.expect = expect  # username -> outcome
        self.record = record  # (model key, record key) or None
        self.method = method
        self.data = data or {}
        self.query = query

    def label(self):
        record = f" {self.record[0]}:{self.record[1]}" if self.record else ""
        return f"{self.method.upper()} {self.url_name}{record}{self.query}"


def object_rows(url_name, model, records, codename, *, strict=False, **kwargs):
    return [
        Row(
            url_name,
            lambda u, nodes=nodes: expect_object(u, nodes, codename, strict=strict),
            record=(model, key),
            **kwargs,
        )
        for key, nodes in records.items()
    ]


def listing_rows(namespace, *, add_codename):
    return [
        Row(f"{namespace}:index", lambda u: expect_page(u, holds_anywhere(u, VIEW))),
        Row(
            f"{namespace}:index_results",
            lambda u: expect_page(u, holds_anywhere(u, VIEW)),
        ),
        Row(
            f"{namespace}:index",
            lambda u: expect_page(u, holds_anywhere(u, VIEW)),
            query="?export=csv",
        ),
        Row(
            f"{namespace}:index",
            lambda u: expect_page(u, holds_anywhere(u, VIEW)),
            query="?export=xlsx",
        ),
        Row(
            f"{namespace}:add",
            lambda u: expect_page(u, holds_anywhere(u, add_codename)),
        ),
    ]


def read_rows(namespace, model, records):
    return [
        row
        for name in ("inspect", "history", "history_results", "usage")
        for row in object_rows(f"{namespace}:{name}", model, records, VIEW)
    ]


CATALOGUES = {
    "registry_servicecategory": ServiceCategory,
    "registry_targetgroup": TargetGroup,
    "registry_expectedservicearea": ExpectedServiceArea,
    "registry_creationaction": CreationAction,
}


def catalogue_rows():
    rows = []
    for namespace in CATALOGUES:
        for name in ("index", "index_results", "add"):
            rows.append(
                Row(
                    f"{namespace}:{name}",
                    lambda u: expect_page(u, is_federation_admin(u)),
                )
            )
        for name in ("edit", "delete", "history", "history_results", "usage"):
            rows.append(
                Row(
                    f"{namespace}:{name}",
                    lambda u: expect_page(u, is_federation_admin(u)),
                    record=(namespace, "first"),
                )
            )
        rows.append(
            Row(
                f"{namespace}:reorder",
                lambda u: expect_page(u, is_federation_admin(u)),
                record=(namespace, "first"),
                method="post",
                query="?position=0",
            )
        )
    return rows


def chooser_rows(namespace, model, records):
    allowed = lambda u: expect_page(u, holds_anywhere(u, EDIT))  # noqa: E731
    rows = [
        Row(f"{namespace}:choose", allowed),
        Row(f"{namespace}:choose_results", allowed),
        Row(f"{namespace}:chosen_multiple", allowed),
    ]
    for key, nodes in records.items():
        rows.append(
            Row(
                f"{namespace}:chosen",
                lambda u, nodes=nodes: expect_chosen(u, nodes),
                record=(model, key),
            )
        )
    return rows


def matrix():
    return [
        # 组织
        *listing_rows("registry_orgnode", add_codename=MANAGE),
        # The tree listing one level down (?parent=): the parent must be visible.
        *[
            Row(
                "registry_orgnode:index",
                lambda u, key=key: expect_tree_level(u, key),
                record=("node", key),
                query="?parent={pk}",
            )
            for key in NODE_RECORDS
        ],
        *object_rows("registry_orgnode:edit", "node", NODE_RECORDS, MANAGE),
        *object_rows(
            "registry_orgnode:delete", "node", NODE_RECORDS, MANAGE, strict=True
        ),
        *object_rows(
            "registry_orgnode:move", "node", NODE_RECORDS, MANAGE, strict=True
        ),
        *read_rows("registry_orgnode", "node", NODE_RECORDS),
        *object_rows("registry_orgnode:permissions", "node", NODE_RECORDS, GRANT),
        # 授予 (the 权限 screen's POST) and 撤销 (nobody holds a direct role to revoke
        # here, so an allowed request ends on the 权限 screen with a message).
        *object_rows(
            "registry_orgnode:permissions",
            "node",
            NODE_RECORDS,
            GRANT,
            method="post",
            data={"username": "norole", "role": roles.VIEWER.key},
        ),
        *object_rows(
            "registry_orgnode:revoke",
            "node",
            NODE_RECORDS,
            GRANT,
            method="post",
            data={"principal_type": "user", "principal_id": "{norole}"},
        ),
        # 义工
        *listing_rows("registry_volunteer", add_codename=EDIT),
        *object_rows("registry_volunteer:edit", "volunteer", VOLUNTEER_RECORDS, EDIT),
        *object_rows(
            "registry_volunteer:delete", "volunteer", VOLUNTEER_RECORDS, DELETE
        ),
        *object_rows(
            "registry_volunteer:transfer", "volunteer", VOLUNTEER_RECORDS, EDIT
        ),
        *read_rows("registry_volunteer", "volunteer", VOLUNTEER_RECORDS),
        *object_rows(
            "registry_volunteer:reveal",
            "volunteer",
            VOLUNTEER_RECORDS,
            REVEAL,
            method="post",
        ),
        # 成员关系
        *listing_rows("registry_membership", add_codename=EDIT),
        *object_rows(
            "registry_membership:edit", "membership", MEMBERSHIP_RECORDS, EDIT
        ),
        *object_rows("registry_membership:end", "membership", MEMBERSHIP_RECORDS, EDIT),
        *read_rows("registry_membership", "membership", MEMBERSHIP_RECORDS),
        # Choosers of the FK fields
        *chooser_rows("registry_orgnode_chooser", "node", NODE_RECORDS),
        *chooser_rows("registry_volunteer_chooser", "volunteer", VOLUNTEER_RECORDS),
        # Catalogues
        *catalogue_rows(),
    ]


# --- Running it ---------------------------------------------------------------------


def registry_url_names():
    """Every named URL under a registry viewset's namespace."""

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and namespace:
                yield f"{namespace}:{pattern.name}"

    return {
        name
        for name in walk(get_resolver().url_patterns, None)
        if name.startswith("registry_")
    }


def outcome(response):
    if response.status_code == 404:
        return NOT_FOUND
    if response.status_code in (200, 201):
        return OK
    if response.status_code == 302:
        location = response["Location"]
        if location.startswith(reverse("wagtailadmin_login")):
            return LOGIN
        if location == reverse("wagtailadmin_home"):
            return DENIED
        return OK
    return f"HTTP {response.status_code}"


def resolve(world, row):
    nodes, volunteers, memberships, users = world
    if row.record is None:
        return reverse(row.url_name) + row.query, row.data
    model, key = row.record
    if model in CATALOGUES:
        instance = CATALOGUES[model].objects.order_by("pk").first()
    else:
        instance = {"node": nodes, "volunteer": volunteers, "membership": memberships}[
            model
        ][key]
    if row.query.startswith("?parent="):
        url = reverse(row.url_name) + row.query.format(pk=instance.pk)
    else:
        url = reverse(row.url_name, args=[instance.pk]) + row.query
    data = {
        name: value.format(norole=users["norole"].pk)
        if isinstance(value, str)
        else value
        for name, value in row.data.items()
    }
    return url, data


def test_every_registry_admin_url_is_in_the_matrix():
    covered = {row.url_name for row in matrix()}
    missing = registry_url_names() - covered
    assert not missing, f"这些后台网址不在权限矩阵中，请补上：{sorted(missing)}"
    assert not covered - registry_url_names()


@pytest.mark.parametrize("username", ROLE_NAMES)
def test_permission_matrix(client, username):
    world = build_world()
    users = world[3]
    if username != "anonymous":
        client.force_login(users[username])
    # POSTs last, so that what they change cannot affect the GETs.
    rows = sorted(matrix(), key=lambda row: row.method == "post")
    wrong = []
    for row in rows:
        url, data = resolve(world, row)
        response = getattr(client, row.method)(url, data)
        expected, got = row.expect(username), outcome(response)
        if got != expected:
            wrong.append(f"{row.label()}: expected {expected}, got {got} ({url})")
    assert not wrong, f"{username}:\n" + "\n".join(wrong)


def test_the_matrix_has_own_and_foreign_records_for_every_role():
    """Guards the fixture: each scoped role meets records on both sides of its scope."""
    for username in ("federation", "corps", "team", "viewer"):
        outcomes = {row.expect(username) for row in matrix() if row.record is not None}
        assert OK in outcomes, username
        if username != "federation":
            assert NOT_FOUND in outcomes, username
    assert set(PARENTS) >= set(VOLUNTEER_NODES)
