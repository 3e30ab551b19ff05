"""Volunteer search: what a term matches, and only by what the user may see."""

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from registry import roles, services
from registry.models import Volunteer
from registry.privacy import volunteer_search

from .factories import id_number, make_tree, make_user, make_volunteer

pytestmark = pytest.mark.django_db


def granted(username, *grants):
    user = make_user(username, is_staff=True)
    for role, node in grants:
        services.grant_role(granted_by=None, user_or_group=user, role=role, node=node)
    return type(user).objects.get(pk=user.pk)


@pytest.fixture
def superuser():
    return make_user("root", is_superuser=True, is_staff=True)


@pytest.fixture
def people():
    return {
        "张三": make_volunteer(
            name="张三", id_number=id_number(), mobile="13812345678"
        ),
        "张三丰": make_volunteer(name="张三丰", phone_office="0750-5511941"),
        "赵四": make_volunteer(name="赵四", phone_home="5566778"),
        "曾珊": make_volunteer(name="曾珊"),
        "李四": make_volunteer(name="李四"),
    }


def found(user, query, queryset=None):
    queryset = Volunteer.objects.all() if queryset is None else queryset
    return [v.name for v in volunteer_search(queryset, query, user=user)]


# --- What a term matches (a superuser may match everything) ------------------------


def test_search_by_name_and_pinyin(people, superuser):
    def names(query):
        return found(superuser, query)

    assert names("张三") == ["张三", "张三丰"]
    assert names("zhangsan") == ["张三", "张三丰"]
    assert names("ZhangSan") == ["张三", "张三丰"]
    assert names("zs") == ["曾珊", "张三", "张三丰", "赵四"]
    assert names("zsf") == ["张三丰"]
    assert names("zengshan") == ["曾珊"]
    assert names("si") == ["李四", "赵四"]
    assert names("") == ["李四", "曾珊", "张三", "张三丰", "赵四"]


def test_search_by_id_number_tail(people, superuser):
    number = people["张三"].id_number
    assert found(superuser, number[-4:]) == ["张三"]
    assert found(superuser, number[-6:]) == ["张三"]
    assert found(superuser, number) == ["张三"]
    assert found(superuser, number[-4:].lower()) == ["张三"]
    wrong = next(
        d + number[-4:]
        for d in "0123456789"
        if d + number[-4:] not in number
        and d + number[-4:] not in people["张三"].mobile
    )
    assert found(superuser, wrong) == []


def test_search_by_phone(people, superuser):
    assert found(superuser, "5678") == ["张三"]
    assert found(superuser, "138-1234-5678") == ["张三"]
    assert found(superuser, "5511941") == ["张三丰"]
    assert found(superuser, "05511941") == []  # digits must appear as typed
    assert found(superuser, "6677") == ["赵四"]


def test_search_by_volunteer_number(people, superuser):
    number = people["李四"].volunteer_number
    assert found(superuser, number) == ["李四"]
    assert found(superuser, number.lower()) == ["李四"]
    assert found(superuser, number[-6:]) == ["李四"]


def test_terms_are_combined(people, superuser):
    assert found(superuser, "张 feng") == ["张三丰"]
    assert found(superuser, "zs 5678") == ["张三"]


def test_the_search_needs_the_user(people):
    with pytest.raises(TypeError):
        volunteer_search(Volunteer.objects.all(), "5678")


# --- Only by what the user may see --------------------------------------------------

NUMBER = id_number()
MOBILE = "13912345678"
LANDLINE = "0750-5511941"


@pytest.fixture
def teams():
    """A volunteer on team A1 and one on team B1, each with an ID, a mobile, a landline."""
    nodes = make_tree()
    other = id_number()
    return {
        "nodes": nodes,
        "B1": make_volunteer(
            name="赵六",
            node=nodes["B1"],
            id_number=NUMBER,
            mobile=MOBILE,
            phone_office=LANDLINE,
        ),
        "A1": make_volunteer(
            name="张三",
            node=nodes["A1"],
            id_number=other,
            mobile="13712345678",
            phone_home="0750-2233445",
        ),
    }


MASKED_MISSES = {
    "the ID's last 8": NUMBER[-8:],
    "the ID's last 5": NUMBER[-5:],
    "the ID's first 14": NUMBER[:14],
    "the ID's first 6": NUMBER[:6],
    "the whole ID": NUMBER,
    "the whole ID, lower case x": NUMBER.lower(),
    "a mobile's first 7": MOBILE[:7],
    "a mobile's middle 5": MOBILE[3:8],
    "a mobile's last 4": MOBILE[-4:],
    "a mobile's last 8": MOBILE[-8:],
    "a landline's middle": "5511941",
    "a landline's last 5": "11941",
}


@pytest.mark.parametrize("what", MASKED_MISSES)
def test_a_viewer_finds_nothing_by_more_than_the_mask_shows(teams, what):
    viewer = granted("viewer", (roles.VIEWER, teams["nodes"]["B1"]))
    assert found(viewer, MASKED_MISSES[what]) == []


@pytest.mark.parametrize(
    "term",
    [NUMBER[-4:], MOBILE, "139-1234-5678", LANDLINE, "07505511941"],
)
def test_a_viewer_finds_by_the_id_tail_or_a_complete_number(teams, term):
    viewer = granted("viewer", (roles.VIEWER, teams["nodes"]["B1"]))
    assert found(viewer, term) == ["赵六"]


@pytest.mark.parametrize(
    "term", [*MASKED_MISSES.values(), NUMBER[-4:], MOBILE, LANDLINE]
)
def test_an_info_manager_finds_by_any_of_them(teams, term):
    clerk = granted("clerk", (roles.INFO_MANAGER, teams["nodes"]["B1"]))
    assert found(clerk, term) == ["赵六"]


def test_rights_are_per_node(teams):
    """信息管理员 on A1 and 查看 on B1: prefixes find A1's member, not B1's."""
    nodes, a_member, b_member = teams["nodes"], teams["A1"], teams["B1"]
    mixed = granted(
        "mixed", (roles.INFO_MANAGER, nodes["A1"]), (roles.VIEWER, nodes["B1"])
    )
    assert found(mixed, "137123") == ["张三"]
    assert found(mixed, "139123") == []
    assert found(mixed, "1234") == ["张三"]  # in both mobiles, only A1's counts
    assert found(mixed, a_member.id_number[-8:]) == ["张三"]
    assert found(mixed, b_member.id_number[-8:]) == []
    assert found(mixed, a_member.id_number) == ["张三"]
    assert found(mixed, b_member.id_number) == []
    assert found(mixed, b_member.id_number[-4:]) == ["赵六"]
    assert found(mixed, MOBILE) == ["赵六"]


def test_nothing_private_matches_a_volunteer_the_user_cannot_view(teams):
    """The membership listing searches volunteers beyond the user's scope."""
    viewer = granted("viewer", (roles.VIEWER, teams["nodes"]["A1"]))
    outsider = teams["B1"]
    for term in (outsider.id_number[-4:], MOBILE, LANDLINE):
        assert found(viewer, term) == []
    assert found(viewer, "赵六") == ["赵六"]
    assert found(viewer, outsider.volunteer_number) == ["赵六"]


def test_digit_by_digit_search_recovers_nothing(teams):
    """The attack of issue 11: grow a prefix of the mobile, or the ID's tail, one digit at a time."""
    viewer = granted("viewer", (roles.VIEWER, teams["nodes"]["B1"]))
    requests = 0
    prefix = MOBILE[:3]  # the mask shows the first 3
    while len(prefix) < len(MOBILE) - 1:
        hits = []
        for digit in "0123456789":
            requests += 1
            if found(viewer, prefix + digit):
                hits.append(digit)
        assert hits == [], f"{prefix}: {hits}"
        prefix += MOBILE[len(prefix)]  # even told the right digit, no answer shows it
    suffix = NUMBER[-4:]  # the mask shows the last 4
    while len(suffix) < 18:
        for digit in "0123456789X":
            requests += 1
            assert found(viewer, digit + suffix) == []
        suffix = NUMBER[-len(suffix) - 1 :]
    assert requests > 200


@pytest.fixture
def b1_viewer(teams):
    return granted("viewer", (roles.VIEWER, teams["nodes"]["B1"]))


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    number=st.from_regex(r"1[3-9][0-9]{9}|0[0-9]{9,11}", fullmatch=True),
    field=st.sampled_from(["mobile", "phone_home", "phone_office"]),
    data=st.data(),
)
def test_no_part_of_a_number_finds_it_for_a_viewer(
    teams, b1_viewer, number, field, data
):
    """Random numbers: no term of 5 or more of their digits, short of all, matches."""
    volunteer = teams["B1"]
    numbers = {"mobile": "", "phone_home": "", "phone_office": ""}
    Volunteer.objects.filter(pk=volunteer.pk).update(**{**numbers, field: number})
    start = data.draw(st.integers(0, len(number) - 5))
    end = data.draw(st.integers(start + 5, len(number)))
    term = number[start:end]
    assume(term not in volunteer.volunteer_number)
    expected = ["赵六"] if term == number else []
    assert found(b1_viewer, term, Volunteer.objects.filter(pk=volunteer.pk)) == expected
