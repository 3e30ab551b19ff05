"""What the registry's listings, exports, choosers and reports contain, and their cost."""

import csv
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from wagtail.admin.menu import admin_menu
from wagtail.log_actions import log

from registry import roles, selectors, services
from registry.models import OrgNode, TargetGroup, Volunteer

from .admin_world import (
    PARENTS,
    VOLUNTEER_NAMES,
    VOLUNTEER_NODES,
    build_world,
    holds,
    visible_memberships,
)
from .factories import make_volunteer

pytestmark = pytest.mark.django_db

SCOPED = ["super", "federation", "corps", "team", "viewer"]
VIEW, EDIT = roles.VIEW_REGISTRY, roles.EDIT_VOLUNTEERS


def csv_rows(response):
    text = b"".join(response.streaming_content).decode("utf-8")
    return list(csv.reader(io.StringIO(text)))[1:]


def xlsx_rows(response):
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return [list(row) for row in sheet.iter_rows(min_row=2, values_only=True)]


@pytest.mark.parametrize("username", SCOPED)
def test_listings_exports_and_choosers_hold_exactly_the_subtree(client, username):
    nodes, volunteers, memberships, users = build_world()
    client.force_login(users[username])
    seen = {key for key in VOLUNTEER_NODES if holds(username, VIEW, key)}
    names = {VOLUNTEER_NAMES[key] for key in seen}

    listing = client.get(reverse("registry_volunteer:index"))
    assert {v.name for v in listing.context["object_list"]} == names
    results = client.get(reverse("registry_volunteer:index_results"))
    assert {v.name for v in results.context["object_list"]} == names
    export = client.get(reverse("registry_volunteer:index") + "?export=csv")
    assert {row[1] for row in csv_rows(export)} == names
    export = client.get(reverse("registry_volunteer:index") + "?export=xlsx")
    assert {row[1] for row in xlsx_rows(export)} == names

    export = client.get(reverse("registry_orgnode:index") + "?export=csv")
    expected_nodes = {nodes[key].code for key in PARENTS if holds(username, VIEW, key)}
    assert {row[2] for row in csv_rows(export)} == expected_nodes

    export = client.get(reverse("registry_membership:index") + "?export=csv")
    expected = {
        (memberships[key].volunteer.name, memberships[key].node.name)
        for key in visible_memberships(username, memberships)
    }
    assert {(row[1], row[2]) for row in csv_rows(export)} == expected

    if username == "viewer":
        return  # choosers are for editors; the matrix shows the refusal
    chooser = client.get(reverse("registry_orgnode_chooser:choose_results"))
    expected_nodes = {nodes[key].name for key in PARENTS if holds(username, EDIT, key)}
    assert {n.name for n in chooser.context["results"]} == expected_nodes
    chooser = client.get(reverse("registry_volunteer_chooser:choose_results"))
    expected = {VOLUNTEER_NAMES[k] for k in VOLUNTEER_NODES if holds(username, EDIT, k)}
    assert {v.name for v in chooser.context["results"]} == expected
    # Asking for a foreign record by id returns only the user's own.
    ids = "&".join(f"id={v.pk}" for v in volunteers.values())
    chosen = client.get(
        reverse("registry_volunteer_chooser:chosen_multiple") + "?" + ids
    )
    result_names = {item["title"] for item in chosen.json()["result"]}
    assert result_names == expected


@pytest.mark.parametrize(
    "username, top, children_of, children",
    [
        ("super", ["联合会"], "fed", ["分会", "服务站S"]),
        ("federation", ["联合会"], "branch", ["总队A", "总队B"]),
        ("corps", ["总队A"], "A", ["队A1", "队A2"]),
        ("team", ["队A1"], "A1", ["分队A1a"]),
        ("viewer", ["队B1"], "B1", []),
    ],
)
def test_tree_listing_starts_at_the_users_top_node(
    client, username, top, children_of, children
):
    nodes, _volunteers, _memberships, users = build_world()
    client.force_login(users[username])
    response = client.get(reverse("registry_orgnode:index"))
    assert [n.name for n in response.context["object_list"]] == top
    response = client.get(
        reverse("registry_orgnode:index") + f"?parent={nodes[children_of].pk}"
    )
    assert [n.name for n in response.context["object_list"]] == children


def test_tree_listing_counts_and_breadcrumbs(client):
    nodes, _volunteers, _memberships, users = build_world()
    client.force_login(users["corps"])
    response = client.get(
        reverse("registry_orgnode:index") + f"?parent={nodes['A'].pk}"
    )
    rows = {
        n.name: (n.numchild, n.volunteer_count) for n in response.context["object_list"]
    }
    # 队A1 has 分队A1a below it: two volunteers in its subtree.
    assert rows == {"队A1": (1, 2), "队A2": (0, 1)}
    add_url = f"{reverse('registry_orgnode:add')}?parent={nodes['A'].pk}"
    assert add_url in response.content.decode()

    response = client.get(
        reverse("registry_orgnode:index") + f"?parent={nodes['A1a'].pk}"
    )
    labels = [item["label"] for item in response.context["breadcrumbs_items"][1:]]
    # From the user's top node down; 分会 and 联合会 are above the corps.
    assert labels == ["组织架构", "总队A", "队A1", "分队A1a"]


def test_withdrawn_volunteers_are_not_counted():
    nodes, volunteers, _memberships, _users = build_world()
    Volunteer.objects.filter(pk=volunteers["A1a"].pk).update(
        status=Volunteer.Status.WITHDRAWN
    )
    counts = selectors.subtree_volunteer_counts([nodes["A1"], nodes["A2"], nodes["B"]])
    assert counts == {nodes["A1"].pk: 1, nodes["A2"].pk: 1, nodes["B"].pk: 1}


def test_menu_shows_what_each_role_may_use(rf):
    _nodes, _volunteers, _memberships, users = build_world()
    # Viewsets add their menu items when the admin's URLs load, as on the
    # first request; a RequestFactory request loads none.
    reverse("wagtailadmin_home")

    def labels(username):
        request = rf.get("/admin/")
        request.user = users[username]
        items = admin_menu.menu_items_for_request(request)
        group = next((i for i in items if i.label == "义工注册管理"), None)
        if group is None:
            return set()
        return {item.label for item in group.menu.menu_items_for_request(request)}

    registry = {"组织架构", "义工", "成员关系"}
    catalogues = {"义工服务项目", "拟服务人群", "期望参与的服务项目", "五员创建行动"}
    assert labels("federation") == registry | catalogues
    assert labels("corps") == registry
    assert labels("team") == registry
    assert labels("viewer") == registry
    assert labels("norole") == set()


def test_site_history_shows_only_the_users_subtree(client):
    nodes, volunteers, _memberships, users = build_world()
    for key in ("A1a", "B1", "S"):
        services.volunteer_update(volunteer=volunteers[key], by_user=None)
    report = reverse("wagtailadmin_reports:site_history")

    def labels(username, export=False):
        client.force_login(users[username])
        if export:
            return {row[1] for row in csv_rows(client.get(report + "?export=csv"))}
        return {entry.label for entry in client.get(report).context["object_list"]}

    # Grants are logged on their node, volunteer edits on the volunteer's home.
    assert labels("corps") == {"总队A", "队A1", "李四"}
    assert labels("corps", export=True) == {"总队A", "队A1", "李四"}
    assert labels("team") == {"队A1", "李四"}
    assert labels("viewer") == {"队B1", "赵六"}
    assert labels("norole") == set()
    assert labels("federation") >= {"联合会", "总队A", "队B1", "李四", "赵六", "钱七"}


# --- Query counts: the same for a page of 10 rows and of 50 ---------------------


def _more_volunteers(world, count):
    nodes = world[0]
    for index in range(count):
        make_volunteer(name=f"测试{index:03d}", node=nodes["A1a"])


def _more_nodes(world, count):
    parent = OrgNode.objects.get(pk=world[0]["A"].pk)
    for index in range(count):
        parent.add_child(name=f"新队{index:03d}", kind=OrgNode.Kind.TEAM)
        parent.refresh_from_db()


def _more_log_entries(world, count):
    node = world[0]["A1"]
    for _index in range(count):
        log(node, "wagtail.edit", user=world[3]["corps"])


def _more_catalogue_rows(world, count):
    start = TargetGroup.objects.count()
    for index in range(count):
        TargetGroup.objects.create(name=f"人群{start + index}")


LISTINGS = [
    ("registry_volunteer:index", "", _more_volunteers, (10, 50)),
    ("registry_volunteer:index_results", "", _more_volunteers, (10, 50)),
    ("registry_volunteer:index", "?q=cs", _more_volunteers, (10, 50)),
    ("registry_membership:index", "", _more_volunteers, (10, 50)),
    ("registry_orgnode:index", "?parent={A}", _more_nodes, (10, 50)),
    ("registry_orgnode:index", "?q=新队", _more_nodes, (10, 50)),
    ("registry_orgnode_chooser:choose_results", "", _more_nodes, (5, 20)),
    ("registry_volunteer_chooser:choose_results", "", _more_volunteers, (5, 20)),
    ("registry_orgnode:history", "{A1}", _more_log_entries, (5, 20)),
    ("wagtailadmin_reports:site_history", "", _more_log_entries, (10, 50)),
    ("registry_targetgroup:index", "", _more_catalogue_rows, (10, 40)),
]


@pytest.mark.parametrize("url_name, suffix, add_rows, sizes", LISTINGS)
def test_listing_queries_do_not_grow_with_the_page(
    client, url_name, suffix, add_rows, sizes
):
    world = build_world()
    nodes, users = world[0], world[3]
    username = "federation" if url_name.startswith("registry_targetgroup") else "corps"
    client.force_login(users[username])
    if suffix.startswith("{"):
        url = reverse(url_name, args=[nodes[suffix.strip("{}")].pk])
    else:
        url = reverse(url_name) + suffix.format(A=nodes["A"].pk)
    counts = []
    added = 0
    for size in sizes:
        add_rows(world, size - added)
        added = size
        client.get(url)  # warm per-process caches (content types, site)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1], (
        f"{url}: {counts[0]} queries for {sizes[0]} rows, {counts[1]} for {sizes[1]}"
    )


@pytest.mark.parametrize(
    "query", ["", "q=cs", "ordering=-volunteer_number", "q=测试&ordering=-pinyin"]
)
def test_volunteer_pages_read_keys_first_hold_the_rows_of_one_step_paging(
    client, query
):
    world = build_world()
    _more_volunteers(world, 120)
    client.force_login(world[3]["corps"])
    url = reverse("registry_volunteer:index") + "?" + query
    pages = []
    for number in (1, 2, 3):
        response = client.get(f"{url}&p={number}")
        assert response.status_code == 200
        pages.append([volunteer.pk for volunteer in response.context["object_list"]])
    in_order = [v.pk for v in response.context["paginator"].object_list]
    assert len(in_order) > 100
    assert sum(pages, []) == in_order[: sum(len(page) for page in pages)]
    assert [len(page) for page in pages[:2]] == [50, 50]


@pytest.mark.parametrize("search", ["", "q=cs"])  # counted apart / with the keys
def test_volunteer_pages_count_and_fall_back_like_django_paging(client, search):
    world = build_world()
    _more_volunteers(world, 60)
    client.force_login(world[3]["corps"])
    url = reverse("registry_volunteer:index") + "?" + search

    def page(query):
        response = client.get(url + query.replace("?", "&"))
        assert response.status_code == 200
        return [v.pk for v in response.context["object_list"]], response.context

    first, context = page("")
    total = context["paginator"].object_list.count()
    assert context["items_count"] == total > 50
    last, _context = page("?p=2")
    assert len(last) == total - 50
    assert page("?p=99")[0] == last  # past the end: the last page
    assert page("?p=abc")[0] == first
    assert page("?q=zzzz")[1]["items_count"] == 0


def test_filter_selects_offer_the_subtree_indented_and_keep_the_choice(client):
    nodes, _volunteers, _memberships, users = build_world()
    client.force_login(users["corps"])
    chosen, sub = nodes["A1"], nodes["A1a"]
    url = reverse("registry_volunteer:index")
    response = client.get(f"{url}?org_node={chosen.pk}&status=registered")
    content = response.content.decode()
    indent = "　" * (chosen.depth - 1)  # one ideographic space per level
    assert (
        f'<option value="{chosen.pk}" selected>{indent}{chosen.name}</option>'
        in content
    )
    assert f'<option value="{sub.pk}">{indent}　{sub.name}</option>' in content
    assert f'<option value="{nodes["B1"].pk}"' not in content
    assert '<option value="registered" selected>' in content
    homes = {v.org_node_id for v in response.context["object_list"]}
    assert homes and homes <= {chosen.pk, sub.pk}
