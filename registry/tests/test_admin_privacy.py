"""Privacy and audit in the registry admin: masking, the logged reveal, history."""

import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from wagtail import hooks

from registry import roles, services
from registry.models import IDNumberReveal, RegistryLogEntry

from .factories import id_number, make_user

pytestmark = pytest.mark.django_db


def page(client, world, username, url_name, *args, query=""):
    client.force_login(world[3][username])
    response = client.get(reverse(url_name, args=args) + query)
    assert response.status_code == 200
    return response.content.decode()


def export_text(client, url_name, fmt, query=""):
    response = client.get(reverse(url_name) + f"?export={fmt}{query}")
    content = b"".join(response.streaming_content)
    if fmt == "csv":
        return content.decode("utf-8")
    sheet = load_workbook(io.BytesIO(content)).active
    return "\n".join(
        ",".join("" if cell is None else str(cell) for cell in row)
        for row in sheet.iter_rows(values_only=True)
    )


@pytest.mark.parametrize(
    "username, key",
    [("super", "A1a"), ("corps", "A1a"), ("team", "A1a"), ("viewer", "B1")],
)
def test_full_id_numbers_never_appear_in_listings_pages_or_exports(
    client, world, username, key
):
    volunteer = world[1][key]
    texts = [
        page(client, world, username, "registry_volunteer:index"),
        page(client, world, username, "registry_volunteer:inspect", volunteer.pk),
        export_text(client, "registry_volunteer:index", "csv"),
        export_text(client, "registry_volunteer:index", "xlsx"),
    ]
    if username != "viewer":
        texts.append(
            page(client, world, username, "registry_volunteer:edit", volunteer.pk)
        )
    masked = "*" * 14 + volunteer.id_number[-4:]
    for text in texts:
        assert volunteer.id_number not in text
        assert volunteer.id_number[:6] not in text  # the region code
        assert volunteer.id_number[-5:] not in text
        assert masked in text


def test_phones_are_masked_for_the_viewer_only(client, world):
    mine, theirs = world[1]["B1"], world[1]["A1a"]
    for text in (
        page(client, world, "viewer", "registry_volunteer:index"),
        page(client, world, "viewer", "registry_volunteer:inspect", mine.pk),
        export_text(client, "registry_volunteer:index", "csv"),
    ):
        assert mine.mobile not in text
        assert f"{mine.mobile[:3]}****{mine.mobile[-4:]}" in text
    for text in (
        page(client, world, "team", "registry_volunteer:index"),
        page(client, world, "team", "registry_volunteer:inspect", theirs.pk),
        export_text(client, "registry_volunteer:index", "csv"),
    ):
        assert theirs.mobile in text


def test_reveal_button_only_for_roles_that_may_reveal(client, world):
    volunteer = world[1]["B1"]
    assert "显示完整号码" in page(
        client, world, "federation", "registry_volunteer:inspect", volunteer.pk
    )
    assert "显示完整号码" not in page(
        client, world, "viewer", "registry_volunteer:inspect", volunteer.pk
    )


def test_reveal_shows_the_number_once_and_logs_who_saw_it(client, world):
    volunteer, user = world[1]["A1a"], world[3]["team"]
    client.force_login(user)
    response = client.post(
        reverse("registry_volunteer:reveal", args=[volunteer.pk]),
        {"reason": "核对身份证"},
        REMOTE_ADDR="10.0.0.8",
    )
    assert response.status_code == 200
    assert volunteer.id_number in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    reveal = IDNumberReveal.objects.get()
    assert (reveal.volunteer, reveal.user, reveal.reason, reveal.ip_address) == (
        volunteer,
        user,
        "核对身份证",
        "10.0.0.8",
    )
    # Afterwards the record's page is masked again; the history tells who looked.
    assert volunteer.id_number not in page(
        client, world, "team", "registry_volunteer:inspect", volunteer.pk
    )
    history = page(client, world, "corps", "registry_volunteer:history", volunteer.pk)
    assert "查看了完整身份证号码（原因：核对身份证）" in history


def test_editors_correct_an_id_number_without_seeing_it(client, world):
    volunteer = world[1]["A1a"]
    client.force_login(world[3]["team"])
    url = reverse("registry_volunteer:edit", args=[volunteer.pk])
    form = client.get(url).context["form"]
    assert form["id_number"].value() == ""
    help_text = form.fields["id_number"].help_text
    assert "*" * 14 + volunteer.id_number[-4:] in help_text
    assert volunteer.id_number[:6] not in help_text
    data = {"name": "李四", "status": "registered", "id_number": ""}
    assert client.post(url, data).status_code == 302
    volunteer.refresh_from_db()
    assert volunteer.id_number == world[1]["A1a"].id_number  # blank keeps it
    corrected = id_number()
    assert client.post(url, {**data, "id_number": corrected}).status_code == 302
    volunteer.refresh_from_db()
    assert volunteer.id_number == corrected


def test_a_wrong_id_number_gets_a_chinese_message(client, world):
    volunteer = world[1]["A1a"]
    client.force_login(world[3]["team"])
    body, check = volunteer.id_number[:-1], volunteer.id_number[-1]
    wrong = body + ("0" if check != "0" else "1")
    response = client.post(
        reverse("registry_volunteer:edit", args=[volunteer.pk]),
        {"name": "李四", "status": "registered", "id_number": wrong},
    )
    assert response.context["form"].errors["id_number"] == [
        f"身份证号码校验位错误：最后一位应为 {check}，请核对号码"
    ]
    volunteer.refresh_from_db()
    assert volunteer.id_number == body + check


def test_transfers_and_grants_appear_on_the_records_history(client, world):
    nodes, volunteers, users = world[0], world[1], world[3]
    client.force_login(users["corps"])
    client.post(
        reverse("registry_volunteer:transfer", args=[volunteers["A1a"].pk]),
        {
            "to_node": nodes["A2"].pk,
            "role": "member",
            "on": str(volunteers["A1a"].memberships.get().start_date),
        },
    )
    client.post(
        reverse("registry_orgnode:permissions", args=[nodes["A2"].pk]),
        {"username": "norole", "role": roles.VIEWER.key},
    )
    history = page(
        client, world, "corps", "registry_volunteer:history", volunteers["A1a"].pk
    )
    assert "从“分队A1a”调至“队A2”" in history
    history = page(client, world, "corps", "registry_orgnode:history", nodes["A2"].pk)
    assert "授予用户“norole”“查看”角色" in history
    assert RegistryLogEntry.objects.filter(
        action="registry.grant", user=users["corps"]
    ).exists()


def test_admin_edits_are_logged_with_their_node(client, world):
    volunteers, users = world[1], world[3]
    client.force_login(users["team"])
    client.post(
        reverse("registry_volunteer:edit", args=[volunteers["A1"].pk]),
        {"name": "张三丰", "status": "registered", "id_number": ""},
    )
    entry = RegistryLogEntry.objects.get(action="wagtail.edit")
    assert (entry.user, entry.org_node, entry.label) == (
        users["team"],
        world[0]["A1"],
        "张三丰",
    )
    services.volunteer_delete(volunteer=volunteers["A1"], by_user=users["corps"])
    assert RegistryLogEntry.objects.filter(action="wagtail.delete").exists()


# --- Search is no oracle: the listing, its export, the chooser, memberships ---------


def mixed_user(world):
    """信息管理员 on 队A1 (with 分队A1a under it) and 查看 on 队B1."""
    nodes = world[0]
    user = make_user("mixed", is_staff=True)
    for role, key in ((roles.INFO_MANAGER, "A1"), (roles.VIEWER, "B1")):
        services.grant_role(
            granted_by=None, user_or_group=user, role=role, node=nodes[key]
        )
    return user


def listed_names(client, url_name, query):
    response = client.get(reverse(url_name) + query)
    assert response.status_code == 200
    key = "results" if "chooser" in url_name else "object_list"
    rows = response.context[key]
    return sorted(str(row) for row in rows)


def test_the_listing_export_and_chooser_match_phones_by_the_rights_on_each_row(
    client, world
):
    volunteers = world[1]
    prefix = volunteers["B1"].mobile[:7]  # every mobile of the world starts so
    assert all(v.mobile.startswith(prefix) for v in volunteers.values())
    client.force_login(mixed_user(world))
    assert listed_names(client, "registry_volunteer:index", f"?q={prefix}") == sorted(
        ["张三", "李四"]
    )
    assert listed_names(
        client, "registry_volunteer_chooser:choose_results", f"?q={prefix}"
    ) == sorted(["张三", "李四"])
    exported = export_text(client, "registry_volunteer:index", "csv", f"&q={prefix}")
    assert "张三" in exported and "李四" in exported and "赵六" not in exported
    # The viewer's row is found only by its complete number.
    complete = volunteers["B1"].mobile
    assert listed_names(client, "registry_volunteer:index", f"?q={complete}") == [
        "赵六"
    ]
    exported = export_text(client, "registry_volunteer:index", "csv", f"&q={complete}")
    assert "赵六" in exported and "张三" not in exported


def test_a_viewer_finds_by_the_tail_and_the_complete_mobile_only(client, world):
    volunteer = world[1]["B1"]
    client.force_login(world[3]["viewer"])
    number, mobile = volunteer.id_number, volunteer.mobile
    for term in (number, number[-8:], number[:14], mobile[:7], mobile[3:8]):
        for url_name in ("registry_volunteer:index", "registry_membership:index"):
            assert listed_names(client, url_name, f"?q={term}") == [], (url_name, term)
        exported = export_text(client, "registry_volunteer:index", "csv", f"&q={term}")
        assert "赵六" not in exported
    assert listed_names(client, "registry_volunteer:index", f"?q={number[-4:]}") == [
        "赵六"
    ]
    assert listed_names(client, "registry_volunteer:index", f"?q={mobile}") == ["赵六"]
    # Its memberships: the primary one and the 社区报到 at station S.
    assert len(listed_names(client, "registry_membership:index", f"?q={mobile}")) == 2


def test_an_info_manager_finds_their_members_by_any_part(client, world):
    volunteer = world[1]["A1"]
    client.force_login(world[3]["team"])
    number, mobile = volunteer.id_number, volunteer.mobile
    for term in (number, number[-8:], number[:14], mobile[3:8] + mobile[8:]):
        names = listed_names(client, "registry_volunteer:index", f"?q={term}")
        assert "张三" in names, term


def with_birth_date(volunteer):
    """Birth date and gender as the ID number holds them (factories.id_number's defaults)."""
    volunteer.birth_date, volunteer.gender = date(1980, 5, 17), "M"
    assert volunteer.id_number[6:14] == "19800517"
    volunteer.save(update_fields=["birth_date", "gender"])
    return volunteer.birth_date


def birth_strings(birth):
    return [
        birth.isoformat(),
        f"{birth:%Y%m%d}",
        f"{birth.year}年{birth.month}月{birth.day}日",
        f"{birth:%Y/%m/%d}",
    ]


def test_a_viewer_sees_the_year_and_month_of_birth_only(client, world):
    volunteer = world[1]["B1"]
    birth = with_birth_date(volunteer)
    inspect = page(client, world, "viewer", "registry_volunteer:inspect", volunteer.pk)
    assert f"{birth.year}年{birth.month}月" in inspect
    exports = [
        export_text(client, "registry_volunteer:index", fmt) for fmt in ("csv", "xlsx")
    ]
    for text in exports:
        assert f"{birth:%Y-%m}" in text
    for text in (inspect, *exports):
        for full in birth_strings(birth):
            assert full not in text
        assert "性别" in text and "男" in text  # gender stays


def test_who_may_reveal_the_number_sees_the_full_birth_date(client, world):
    volunteer = world[1]["A1"]
    birth = with_birth_date(volunteer)
    inspect = page(client, world, "team", "registry_volunteer:inspect", volunteer.pk)
    assert f"{birth.year}年{birth.month}月{birth.day}日" in inspect
    assert birth.isoformat() in export_text(client, "registry_volunteer:index", "csv")


# --- Ordering, filters and the admin's global search ------------------------------


def listed_pks(client, url_name, query=""):
    response = client.get(reverse(url_name) + query)
    assert response.status_code == 200
    return [row.pk for row in response.context["object_list"]], response.context


@pytest.mark.parametrize(
    "ordering",
    [
        "id_number",
        "-id_number",
        "mobile",
        "-id_number_tail",
        "birth_date",
        "phone_home",
        "org_node__id",
    ],
)
def test_no_ordering_by_a_private_value(client, world, ordering):
    client.force_login(world[3]["corps"])
    default, _context = listed_pks(client, "registry_volunteer:index")
    by_creation = [world[1][key].pk for key in ("A1", "A1a", "A2")]
    assert default != by_creation  # ordering by the number would give this
    rows, context = listed_pks(
        client, "registry_volunteer:index", f"?ordering={ordering}"
    )
    assert (rows, context["ordering"]) == (default, "pinyin")
    rows, _context = listed_pks(
        client, "registry_volunteer:index", f"?q=1380013&ordering={ordering}"
    )
    assert rows == default
    exported = export_text(
        client, "registry_volunteer:index", "csv", f"&ordering={ordering}"
    )
    assert [line.split(",")[1] for line in exported.splitlines()[1:]] == [
        "李四",
        "王五",
        "张三",
    ]
    memberships, context = listed_pks(
        client, "registry_membership:index", f"?ordering=volunteer__{ordering}"
    )
    assert context["ordering"] == "-start_date"


@pytest.mark.parametrize(
    "field", ["mobile", "id_number", "id_number_tail", "birth_date", "phone_office"]
)
def test_no_filter_on_a_private_value(client, world, field):
    volunteer = world[1]["A1"]
    value = {
        "id_number_tail": volunteer.id_number[-4:],
        "birth_date": "1980-05-17",
        "phone_office": "1",
    }.get(field) or getattr(volunteer, field)
    client.force_login(world[3]["corps"])
    everyone, _context = listed_pks(client, "registry_volunteer:index")
    assert len(everyone) == 3
    for lookup in ("", "__startswith", "__contains"):
        rows, _context = listed_pks(
            client, "registry_volunteer:index", f"?{field}{lookup}={value}"
        )
        assert rows == everyone, lookup
        rows, _context = listed_pks(
            client, "registry_membership:index", f"?volunteer__{field}{lookup}={value}"
        )
        assert len(rows) == 3


def test_the_admin_search_does_not_reach_the_registry(client, world):
    """The header's search and its areas (pages, images …) never list volunteers."""
    areas = [hook() for hook in hooks.get_hooks("register_admin_search_area")]
    assert areas and not any("registry" in area.url for area in areas)
    volunteer = world[1]["B1"]
    for username in ("super", "viewer"):
        client.force_login(world[3][username])
        for term in (volunteer.mobile, volunteer.id_number[-8:]):
            response = client.get(reverse("wagtailadmin_pages:search") + f"?q={term}")
            # The viewer may not search pages at all: back to the dashboard.
            assert response.status_code == (200 if username == "super" else 302)
            assert volunteer.name not in response.content.decode()
