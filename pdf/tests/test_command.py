"""manage.py render_pdf: every kind, from the registry or a JSON file, errors in Chinese."""

import json

import pytest
from django.core.management import CommandError, call_command

from registry.models import RegistryLogEntry
from registry.tests.admin_world import VOLUNTEER_NAMES

from .pdfcheck import page_texts

pytestmark = pytest.mark.django_db


def render(tmp_path, *args):
    output = tmp_path / "out.pdf"
    call_command("render_pdf", *args, "-o", str(output))
    return "".join(page_texts(output.read_bytes()))


@pytest.mark.parametrize(
    ("kind", "words"),
    [
        ("form2", "成立党员义工组织申请表"),
        ("form3", "义工服务项目"),
        ("form4", "季报表"),
    ],
)
def test_blank_forms(tmp_path, kind, words):
    assert words in render(tmp_path, kind, "--blank")


def test_documents_from_the_registry(tmp_path, world):
    nodes, volunteers, _memberships, users = world
    volunteer = volunteers["A1"]
    assert volunteer.name in render(
        tmp_path, "form3", "--volunteer", volunteer.volunteer_number
    )
    assert volunteer.volunteer_number in render(
        tmp_path, "card", "--volunteer", volunteer.volunteer_number
    )
    assert nodes["A1"].name in render(tmp_path, "form2", "--org", nodes["A1"].code)
    text = render(
        tmp_path,
        "roster",
        "--org",
        nodes["A"].code,
        "--with-subtree",
        "--user",
        "corps",
    )
    assert all(VOLUNTEER_NAMES[key] in text for key in ("A1", "A1a", "A2"))
    entry = RegistryLogEntry.objects.get(action="registry.bulk_export")
    assert entry.user_id == users["corps"].pk and entry.data["scope"] == "subtree"


def test_a_certificate_from_json(tmp_path, world):
    _nodes, volunteers, _memberships, _users = world
    data = tmp_path / "record.json"
    data.write_text(
        json.dumps(
            {
                "periods": [
                    {"period": "2026年第一季度", "content": "义诊", "hours": 12.5}
                ],
                "served_from": "2026-01-01",
                "served_to": "2026-03-31",
                "number": "TSZM-2026-0001",
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    volunteer = volunteers["A1"]
    text = render(
        tmp_path, "certificate", "--volunteer", volunteer.volunteer_number,
        "--data", str(data),
    )  # fmt: skip
    assert "TSZM-2026-0001" in text and "12.5" in text
    assert volunteer.id_number not in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["roster", "--blank"], "roster 没有空白版本"),
        (["roster"], "roster 需要 --org"),
        (["form2", "--org", "NOPE"], "找不到团体注册编号为“NOPE”的组织"),
        (["card", "--volunteer", "TSV0"], "找不到注册义工号为“TSV0”的义工"),
        (["form4"], "form4 需要 --data 或 --blank"),
        (["form4", "--data", "missing.json"], "找不到文件“missing.json”"),
        (["form3", "--blank", "--user", "nobody"], "找不到用户“nobody”"),
    ],
)
def test_mistakes_are_explained(tmp_path, world, args, message):
    with pytest.raises(CommandError, match=message):
        call_command("render_pdf", *args, "-o", str(tmp_path / "out.pdf"))


def test_bad_json_and_foreign_records_are_explained(tmp_path, world):
    nodes, _volunteers, _memberships, _users = world
    bad = tmp_path / "bad.json"
    bad.write_text("[1, 2]", encoding="utf-8")
    with pytest.raises(CommandError, match="应是一个 JSON 对象"):
        call_command(
            "render_pdf", "form4", "--data", str(bad), "-o", str(tmp_path / "o.pdf")
        )
    bad.write_text('{"hours": -3}', encoding="utf-8")
    with pytest.raises(CommandError, match="累计时数不能是负数"):
        call_command(
            "render_pdf", "form4", "--data", str(bad), "-o", str(tmp_path / "o.pdf")
        )
    with pytest.raises(CommandError, match="无权查看"):
        call_command(
            "render_pdf", "roster", "--org", nodes["B1"].code, "--user", "team",
            "-o", str(tmp_path / "o.pdf"),
        )  # fmt: skip
