"""名册 export: this node or its whole subtree, masked or full ID numbers with a reason."""

import io
from urllib.parse import unquote

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from openpyxl import load_workbook

from registry import roles
from registry import services as registry_services
from registry.downloads import attachment_disposition
from registry.models import RegistryLogEntry
from registry.privacy import mask_id_number
from registry.tests.factories import granted, id_number, make_volunteer

from .files import EXPORTED_HEADER

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(nodes):
    """Two people in 队A1, one in its 分队A1a, one in 队B1 (another corps)."""
    return {
        "A1-wang": make_volunteer(name="王五", node=nodes["A1"], id_number=id_number()),
        "A1-li": make_volunteer(name="李四", node=nodes["A1"], id_number=id_number()),
        "A1a-zhao": make_volunteer(
            name="赵六", node=nodes["A1a"], id_number=id_number()
        ),
        "B1-qian": make_volunteer(name="钱七", node=nodes["B1"], id_number=id_number()),
    }


def export(client, node, **data):
    return client.post(reverse("rosters:export", args=[node.pk]), data)


def sheet_rows(response):
    assert response.status_code == 200, response.status_code
    workbook = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = [[cell.value for cell in row] for row in workbook.active.iter_rows()]
    return rows[2], rows[3:]


def test_the_export_page_offers_the_scope_and_for_revealers_full_ids(
    client, nodes, info_manager, viewer
):
    url = reverse("rosters:export", args=[nodes["A1"].pk])
    client.force_login(info_manager)
    html = client.get(url).content.decode()
    for text in ("本组织", "含下级组织", "身份证号码", "脱敏", "完整", "原因"):
        assert text in html, text
    client.force_login(viewer)
    response = client.get(url)
    assert "scope" in response.context["form"].fields
    assert "id_numbers" not in response.context["form"].fields
    assert not RegistryLogEntry.objects.filter(action="registry.bulk_export").exists()


def test_this_node_only_leaves_out_sub_teams(client, nodes, people, info_manager):
    client.force_login(info_manager)
    header, rows = sheet_rows(export(client, nodes["A1"], scope="node"))
    assert "所属队伍" not in header
    assert [row[1] for row in rows] == ["李四", "王五"]


def test_with_sub_teams_groups_by_team_with_its_name(
    client, nodes, people, info_manager
):
    client.force_login(info_manager)
    response = export(client, nodes["A1"], scope="subtree")
    header, rows = sheet_rows(response)
    assert header[-1] == "所属队伍"
    assert header[:12] == EXPORTED_HEADER
    # By tree path (队A1 before its 分队A1a), then pinyin; numbered throughout.
    assert [(row[0], row[1], row[-1]) for row in rows] == [
        (1, "李四", "队A1"),
        (2, "王五", "队A1"),
        (3, "赵六", "分队A1a"),
    ]
    # Masked unless full numbers are asked for.
    assert rows[2][9] == mask_id_number(people["A1a-zhao"].id_number)
    entry = RegistryLogEntry.objects.get(action="registry.bulk_export")
    assert entry.data == {"rows": 3, "full_id_numbers": False, "scope": "subtree"}


def test_a_corps_export_covers_every_team_below_it(client, nodes, people):
    corps = granted("corps-admin", roles.ADMIN, nodes["A"])
    client.force_login(corps)
    _header, rows = sheet_rows(export(client, nodes["A"], scope="subtree"))
    assert {row[1] for row in rows} == {"李四", "王五", "赵六"}
    _header, rows = sheet_rows(export(client, nodes["A"], scope="node"))
    assert rows == []


def test_full_id_numbers_need_a_reason_that_goes_into_the_history(
    client, nodes, people, info_manager
):
    client.force_login(info_manager)
    for reason in ("", " ", "x", "长" * 201):
        response = export(
            client, nodes["A1"], scope="subtree", id_numbers="full", reason=reason
        )
        assert response.status_code == 200
        assert "reason" in response.context["form"].errors, reason
    assert not RegistryLogEntry.objects.filter(action="registry.bulk_export").exists()

    response = export(
        client, nodes["A1"], scope="subtree", id_numbers="full", reason="核对党员信息"
    )
    _header, rows = sheet_rows(response)
    assert rows[2][9] == people["A1a-zhao"].id_number
    entry = RegistryLogEntry.objects.get(action="registry.bulk_export")
    assert entry.data == {
        "rows": 3,
        "full_id_numbers": True,
        "scope": "subtree",
        "reason": "核对党员信息",
    }
    assert entry.user == info_manager
    history = client.get(reverse("registry_orgnode:history", args=[nodes["A1"].pk]))
    assert (
        "导出名册（含下级组织，3行，完整身份证号码，原因：核对党员信息）"
        in history.content.decode()
    )


def test_a_viewer_gets_masked_numbers_whatever_is_posted(client, nodes, people, viewer):
    client.force_login(viewer)
    response = export(
        client, nodes["A1"], scope="node", id_numbers="full", reason="想看完整号码"
    )
    _header, rows = sheet_rows(response)
    assert rows[0][9] == mask_id_number(people["A1-li"].id_number)
    entry = RegistryLogEntry.objects.get(action="registry.bulk_export")
    assert entry.data == {"rows": 2, "full_id_numbers": False, "scope": "node"}


def test_the_file_name_is_rfc_6266_with_an_ascii_fallback(
    client, nodes, people, info_manager
):
    client.force_login(info_manager)
    response = export(client, nodes["A1"], scope="node")
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="A1-')
    assert "=?utf-8?" not in disposition
    filename = disposition.split("filename*=UTF-8''")[1]
    assert disposition == attachment_disposition(unquote(filename))
    assert "%E5%90%8D%E5%86%8C-%E9%98%9FA1-" in filename
    response = client.get(reverse("rosters:template"))
    assert response["Content-Disposition"] == attachment_disposition(
        "党员义工名册模板.xlsx"
    )


def test_a_foreign_node_is_not_found(client, nodes, people, info_manager):
    client.force_login(info_manager)
    url = reverse("rosters:export", args=[nodes["B1"].pk])
    assert client.get(url).status_code == 404
    assert export(client, nodes["B1"], scope="subtree").status_code == 404
    assert export(client, nodes["A"], scope="subtree").status_code == 404
    assert not RegistryLogEntry.objects.filter(action="registry.bulk_export").exists()


def test_the_service_refuses_full_numbers_without_the_right(nodes, viewer):
    with pytest.raises(PermissionDenied, match="完整身份证号码的权限"):
        registry_services.record_bulk_export(
            node=nodes["A1"],
            user=viewer,
            rows=1,
            full_id_numbers=True,
            scope="node",
            reason="核对",
        )
    assert not RegistryLogEntry.objects.filter(action="registry.bulk_export").exists()
