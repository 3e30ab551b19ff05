"""No HTTP 500 on a bad id: in a URL, in a query string or in a POSTed form.

Every URL pattern of the registry, rosters, pdf and review namespaces (the choosers
included) that takes an id is asked for values that are not a primary key:
404. Lists of ids (the choosers' ``?id=``) that hold such a value: 400. A
filter given one ignores it; a form field given one shows an error. A pattern
missing from ID_PATTERNS or NO_ID_PATTERNS fails the test, so a new view is
checked too.
"""

import itertools
from urllib.parse import quote

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from registry import roles, selectors, services
from registry.models import Volunteer

from .admin_world import build_world
from .factories import make_user

pytestmark = pytest.mark.django_db

BAD_IDS = [
    "abc",
    "-1",
    "1.5",
    "1e3",
    " 1",
    "99999999999999999999",  # 20 digits
    "9223372036854775808",  # 2**63: one above a BigAutoField
    "%00",
    "١٢",  # Arabic-Indic digits: str.isdigit() and int() accept them
    "²",  # superscript two: isdigit() says yes, int() refuses
]
# A valid form of id that stands for the one in the URL while reversing.
MARKER = "9081726354"

CATALOGUES = (
    "registry_servicecategory",
    "registry_targetgroup",
    "registry_expectedservicearea",
    "registry_creationaction",
)
MODEL_VIEWS = ("edit", "delete", "history", "history_results", "usage")

# URL name -> HTTP method, for every pattern that takes an id in its path.
ID_PATTERNS = {
    **{
        f"{namespace}:{view}": "get"
        for namespace in (
            "registry_orgnode",
            "registry_volunteer",
            "registry_membership",
            *CATALOGUES,
        )
        for view in MODEL_VIEWS
        if not (namespace == "registry_membership" and view == "delete")
    },
    **{f"{namespace}:reorder": "post" for namespace in CATALOGUES},
    **{
        f"registry_{model}:inspect": "get"
        for model in ("orgnode", "volunteer", "membership")
    },
    "registry_orgnode:permissions": "get",
    "registry_orgnode:revoke": "post",
    "registry_orgnode:move": "get",
    "registry_volunteer:reveal": "post",
    "registry_volunteer:transfer": "get",
    "registry_membership:end": "get",
    "registry_orgnode_chooser:chosen": "get",
    "registry_volunteer_chooser:chosen": "get",
    "rosters:upload": "get",
    "rosters:export": "get",
    "rosters:import": "get",
    "rosters:confirm": "post",
    "rosters:import_status": "get",
    "rosters:abandon": "post",
    "rosters:failed_rows": "get",
    "pdf:roster": "get",
    "pdf:application": "get",
    "pdf:registration": "get",
    "pdf:card": "get",
    **{
        f"forms_pages_review:{view}": "get"
        for view in (
            "application",
            "application_file",
            "application_pdf",
            "application_approve",
            "application_reject",
            "registration",
        )
    },
    **{
        f"activities:{view}": method
        for view, method in (
            ("activity", "get"),
            ("edit", "get"),
            ("cancel", "post"),
            ("decide", "post"),
            ("signup_add", "post"),
            ("signup_checkin", "post"),
            ("signup_cancel", "post"),
            ("record_action", "post"),
            ("volunteer", "get"),
            ("certificate_issue", "post"),
            ("certificate_pdf", "get"),
            ("evidence", "get"),
            ("exemption_grant", "post"),
            ("exemption_revoke", "post"),
            ("report", "get"),
            ("report_regenerate", "post"),
            ("report_submit", "post"),
            ("report_decide", "post"),
            ("report_pdf", "get"),
            ("commitment", "get"),
        )
    },
}
# Patterns keyed by a UUID: Django's own converter answers 404 to anything else.
UUID_PATTERNS = {
    "pdf:roster_print",
    "pdf:roster_print_status",
    "pdf:roster_print_lost",
    "pdf:roster_print_download",
}
# Patterns without an id in the path (their query parameters are below).
NO_ID_PATTERNS = {
    *(
        f"{namespace}:{view}"
        for namespace in (
            "registry_orgnode",
            "registry_volunteer",
            "registry_membership",
            *CATALOGUES,
        )
        for view in ("index", "index_results", "add")
    ),
    *(
        f"registry_{model}_chooser:{view}"
        for model in ("orgnode", "volunteer")
        for view in ("choose", "choose_results", "chosen_multiple")
    ),
    "rosters:index",
    "rosters:template",
    "forms_pages_review:applications",
    "forms_pages_review:registrations",
    *(
        f"activities:{view}"
        for view in (
            "index",
            "add",
            "approvals",
            "archive",
            "archive_xlsx",
            "archive_pdf",
            "izhiyuan",
            "compliance",
            "reports",
            "report_generate",
            "commitments",
            "commitment_add",
            "dashboard",
        )
    ),
}


def url_patterns():
    """{URL name: route} of every pattern under the namespaces this module checks."""

    def walk(patterns, namespace, prefix):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(
                    pattern.url_patterns,
                    pattern.namespace or namespace,
                    prefix + str(pattern.pattern),
                )
            elif isinstance(pattern, URLPattern) and namespace:
                yield f"{namespace}:{pattern.name}", prefix + str(pattern.pattern)

    return {
        name: route
        for name, route in walk(get_resolver().url_patterns, None, "")
        if name.startswith(
            ("registry_", "rosters:", "pdf:", "forms_pages_review:", "activities:")
        )
    }


def test_every_pattern_is_listed_and_those_with_an_id_take_one():
    patterns = url_patterns()
    unlisted = set(patterns) - set(ID_PATTERNS) - NO_ID_PATTERNS - UUID_PATTERNS
    assert not unlisted, f"请把这些网址加入 ID_PATTERNS 或 NO_ID_PATTERNS：{unlisted}"
    assert set(ID_PATTERNS) | NO_ID_PATTERNS | UUID_PATTERNS == set(patterns)
    for name in UUID_PATTERNS:
        assert "<uuid:" in patterns[name], name
    for name in ID_PATTERNS:
        assert "<" in patterns[name], name
    for name in NO_ID_PATTERNS:
        assert "<" not in patterns[name], name


@pytest.fixture
def superuser_client(client):
    """A superuser: every record would be in reach, were the id one."""
    client.force_login(make_user("root", is_superuser=True, is_staff=True))
    return client


def url_with(name, value):
    # reverse() with any kwarg name the pattern uses.
    pattern = url_patterns()[name]
    kwarg, *others = [
        part.split(">", 1)[0].split(":")[-1] for part in pattern.split("<")[1:]
    ]
    # Any further part (an attachment's field name) gets a value that exists.
    url = reverse(name, kwargs={kwarg: MARKER} | dict.fromkeys(others, "roster"))
    assert url.count(MARKER) == 1
    return url.replace(MARKER, quote(value, safe="%"))


@pytest.mark.parametrize("name", sorted(ID_PATTERNS))
def test_a_bad_id_in_the_path_is_not_found(superuser_client, name):
    method = getattr(superuser_client, ID_PATTERNS[name])
    # follow: CommonMiddleware sends a path without its slash on to the one with it.
    got = {
        value: method(url_with(name, value), follow=True).status_code
        for value in BAD_IDS
    }
    assert got == dict.fromkeys(BAD_IDS, 404)


def test_a_valid_id_still_reaches_the_views(superuser_client):
    build_world()
    volunteer = Volunteer.objects.order_by("pk").first()
    for name in ("registry_volunteer:inspect", "registry_volunteer_chooser:chosen"):
        response = superuser_client.get(url_with(name, str(volunteer.pk)))
        assert response.status_code == 200, name


# --- Query parameters -------------------------------------------------------------

# (URL name, parameter, expected status): a listing filter ignores a bad
# value (200), a page about one node is not found, a list of ids is malformed.
QUERY_PARAMETERS = [
    ("registry_orgnode:index", "parent", 404),
    ("registry_orgnode:index_results", "parent", 404),
    ("registry_orgnode:add", "parent", 404),
    ("registry_volunteer:index", "org_node", 200),
    ("registry_volunteer:index_results", "org_node", 200),
    ("registry_membership:index", "node", 200),
    ("registry_membership:index_results", "node", 200),
    ("registry_orgnode_chooser:chosen_multiple", "id", 400),
    ("registry_volunteer_chooser:chosen_multiple", "id", 400),
    ("wagtailadmin_reports:site_history", "user", 200),
    ("wagtailadmin_reports:site_history", "object_type", 200),
    ("wagtailadmin_reports:site_history_results", "user", 200),
]


@pytest.mark.parametrize(("name", "parameter", "status"), QUERY_PARAMETERS)
def test_a_bad_id_in_the_query_string(superuser_client, name, parameter, status):
    exports = ("", "&export=csv", "&export=xlsx") if name.endswith(":index") else ("",)
    got, expected = {}, {}
    for value in BAD_IDS:
        for export in exports:
            url = f"{reverse(name)}?{parameter}={quote(value, safe='%')}{export}"
            got[value, export] = superuser_client.get(url).status_code
            expected[value, export] = status
    assert got == expected


def test_a_bad_id_in_a_record_history_filter(superuser_client):
    build_world()
    volunteer = Volunteer.objects.order_by("pk").first()
    url = reverse("registry_volunteer:history", args=[volunteer.pk])
    got = {
        value: superuser_client.get(f"{url}?user={quote(value, safe='%')}").status_code
        for value in BAD_IDS
    }
    assert got == dict.fromkeys(BAD_IDS, 200)


def test_chosen_multiple_takes_a_list_of_valid_ids(superuser_client):
    build_world()
    first, second = Volunteer.objects.order_by("pk")[:2]
    url = reverse("registry_volunteer_chooser:chosen_multiple")
    response = superuser_client.get(f"{url}?id={first.pk}&id={second.pk}&id=0")
    assert response.status_code == 200
    assert {item["id"] for item in response.json()["result"]} == {
        str(first.pk),
        str(second.pk),
    }
    response = superuser_client.get(f"{url}?id={first.pk}&id=abc")
    assert response.status_code == 400
    assert "编号" in response.content.decode()


# --- Forms --------------------------------------------------------------------------


def form_posts(world):
    nodes, volunteers, memberships, _users = world
    a1, volunteer = nodes["A1"], volunteers["A1"]
    return [
        # (URL, POST data, the field that takes the bad id)
        (reverse("registry_orgnode:add"), {"name": "新队", "kind": "team"}, "parent"),
        (
            reverse("registry_orgnode:move", args=[nodes["A1a"].pk]),
            {},
            "new_parent",
        ),
        (
            reverse("registry_volunteer:add"),
            {"name": "新义工", "status": "registered", "membership_role": "member"},
            "node",
        ),
        (
            reverse("registry_volunteer:transfer", args=[volunteer.pk]),
            {"on": "2024-01-02", "role": "member"},
            "to_node",
        ),
        (
            reverse("registry_membership:add"),
            {"node": a1.pk, "kind": "community", "role": "member"},
            "volunteer",
        ),
        (
            reverse("registry_membership:add"),
            {"volunteer": volunteer.pk, "kind": "community", "role": "member"},
            "node",
        ),
    ]


def test_a_bad_id_in_a_form_is_a_form_error(superuser_client):
    world = build_world()
    wrong = []
    for url, data, field in form_posts(world):
        for value in BAD_IDS:
            response = superuser_client.post(url, {**data, field: value})
            if response.status_code != 200:
                wrong.append((url, field, value, response.status_code))
            elif field not in response.context["form"].errors:
                wrong.append((url, field, value, "no error"))
    assert not wrong


def test_a_bad_id_to_revoke_is_refused_with_a_message(superuser_client):
    client = superuser_client
    nodes, _volunteers, _memberships, users = build_world()
    services.grant_role(
        granted_by=None,
        user_or_group=users["norole"],
        role=roles.VIEWER,
        node=nodes["A1"],
    )
    url = reverse("registry_orgnode:revoke", args=[nodes["A1"].pk])
    for principal_type, value in itertools.product(("user", "group"), BAD_IDS):
        response = client.post(
            url, {"principal_type": principal_type, "principal_id": value}
        )
        assert response.status_code == 302, (principal_type, value)
        assert response.url == reverse(
            "registry_orgnode:permissions", args=[nodes["A1"].pk]
        )
        shown = [str(m).strip() for m in client.get(response.url).context["messages"]]
        assert shown == ["请指定要撤销角色的用户或用户组"]
    assert selectors.user_has_node_perm(
        users["norole"], roles.VIEW_REGISTRY, nodes["A1"]
    )
