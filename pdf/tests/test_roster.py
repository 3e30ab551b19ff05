"""The printed 党员义工名册: columns, masking, pages, parts, bytes, fonts, pixels."""

import importlib.util
from datetime import date

import pytest
from django.conf import settings

from pdf import roster
from registry import invented, roles, services
from registry.choices import PoliticalStatus
from registry.models import Membership
from registry.tests.factories import granted, make_volunteer

from .pdfcheck import (
    assert_fonts_embedded_and_subset,
    assert_matches_golden,
    bad_warnings,
    page_texts,
    reader,
)

pytestmark = pytest.mark.django_db

HEADER = "序号姓名性别出生年月学历部门及职务入党时间电话备注"
UPDATED = date(2008, 12, 15)
EDUCATION = ("bachelor", "college", "vocational", "senior")


def member(node, name, index, **fields):
    """A party member of ``node`` with the columns of the plan's sample filled in."""
    return make_volunteer(
        name=name,
        node=node,
        gender="M" if index % 2 else "F",
        birth_date=date(1960 + index % 30, 1 + index % 12, 1 + index % 28),
        education=EDUCATION[index % len(EDUCATION)],
        mobile=f"139{index:08d}",
        joined_party_on=date(2008, 7, 10) if index % 3 else None,
        political_status=PoliticalStatus.CPC_MEMBER,
        **fields,
    )


def appoint(volunteer, role, department_title):
    membership = Membership.objects.get(volunteer=volunteer, end_date__isnull=True)
    services.membership_change_role(
        membership=membership,
        role=role,
        by_user=None,
        department_title=department_title,
        on=membership.start_date,
    )


@pytest.fixture
def sample(nodes):
    """The plan's sample 名册 (张三 负责人, 李四 联系人, 王五) in 队A1."""
    zhang = make_volunteer(
        name="张三",
        node=nodes["A1"],
        gender="M",
        birth_date=date(1977, 6, 3),
        education="bachelor",
        mobile="13812345678",
        joined_party_on=date(2008, 7, 10),
        political_status=PoliticalStatus.CPC_MEMBER,
    )
    li = make_volunteer(
        name="李四",
        node=nodes["A1"],
        gender="F",
        birth_date=date(1984, 3, 9),
        education="college",
        mobile="13912345678",
    )
    wang = make_volunteer(
        name="王五",
        node=nodes["A1"],
        gender="M",
        birth_date=date(1988, 7, 21),
        education="vocational",
        mobile="13822331567",
    )
    appoint(zhang, Membership.Role.HEAD, "经理")
    appoint(li, Membership.Role.CONTACT, "文员")
    appoint(wang, Membership.Role.MEMBER, "办事员")
    return [zhang, li, wang]


@pytest.fixture
def sixty(nodes):
    """60 members of 队A1 (invented names, distinct): three pages."""
    names, pool = [], invented.GIVEN
    for index in range(60):
        names.append(invented.SURNAMES[index % 30] + pool[index] + pool[-1 - index])
    return [member(nodes["A1"], name, index) for index, name in enumerate(names)]


@pytest.fixture
def editor(nodes):
    return granted("editor", roles.INFO_MANAGER, nodes["A1"])


@pytest.fixture
def viewer(nodes):
    return granted("viewer", roles.VIEWER, nodes["A1"])


def render(node, user, **options):
    return roster.render_roster(
        node, user=user, entered_by="李四", updated_on=UPDATED, **options
    )


# --- The rows --------------------------------------------------------------------------


def test_rows_have_the_plans_columns_in_the_exports_formats(nodes, sample, editor):
    rows = roster.roster_rows(nodes["A1"], user=editor)
    by_name = {row.name: row for row in rows}
    assert [row.seq for row in rows] == [1, 2, 3]
    assert by_name["张三"].cells()[1:] == (
        "张三",
        "男",
        "1977-06",
        "本科",
        "经理",
        "2008.07.10",
        "13812345678",
        "负责人",
    )
    assert by_name["李四"].remark == "联系人" and by_name["李四"].joined == ""
    assert by_name["王五"].remark == ""


def test_a_viewer_sees_masked_phones_an_editor_full_ones(nodes, sample, viewer, editor):
    masked = {
        row.name: row.phone for row in roster.roster_rows(nodes["A1"], user=viewer)
    }
    full = {row.name: row.phone for row in roster.roster_rows(nodes["A1"], user=editor)}
    assert masked["张三"] == "138****5678" and full["张三"] == "13812345678"
    (text,) = page_texts(render(nodes["A1"], viewer))
    assert "138****5678" in text and "13812345678" not in text


def test_rows_cost_the_same_queries_whatever_their_number(
    nodes, sixty, editor, django_assert_max_num_queries
):
    with django_assert_max_num_queries(2):
        assert len(roster.roster_rows(nodes["A1"], user=editor)) == 60


# --- Pages -----------------------------------------------------------------------------


def test_every_page_has_the_header_its_number_and_its_rows(
    nodes, sixty, editor, caplog
):
    with caplog.at_level("WARNING", logger="weasyprint"):
        data = render(nodes["A1"], editor)
    assert bad_warnings(caplog) == []
    texts = page_texts(data)
    rows = roster.roster_rows(nodes["A1"], user=editor)
    assert len(texts) == roster.page_count(rows) == 3
    assert texts[0].startswith("队A1党员义工名册录入人：李四更新日期：2008-12-15")
    for number, text in enumerate(texts, start=1):
        assert HEADER in text
        assert text.endswith(f"第{number}页共3页")
    everything = "".join(texts)
    for row in rows:
        assert "".join(row.cells()) in everything
    # Rows are never split: each row's cells are on one page.
    assert sum("".join(row.cells()) in text for row in rows for text in texts) == 60
    pdf = reader(data)
    assert pdf.metadata.title == "队A1党员义工名册"
    assert pdf.metadata.author == "台山市义务工作者联合会"
    assert all(page.mediabox.width > page.mediabox.height for page in pdf.pages)
    assert_fonts_embedded_and_subset(data)


def test_long_text_wraps_within_its_row(nodes, editor):
    long = "综合业务股副股长兼办公室主任及宣传联络员党支部组织委员"
    volunteer = make_volunteer(name="欧阳娜娜", node=nodes["A1"])
    appoint(volunteer, Membership.Role.CAPTAIN, long)
    (text,) = page_texts(render(nodes["A1"], editor))
    # The row holds all of it, over two lines of its cell.
    assert long[:23] in text and long[23:] in text and "队长" in text


def test_a_subtree_is_grouped_by_team_and_numbered_throughout(nodes, editor):
    member(nodes["A1"], "王五", 1)
    member(nodes["A1a"], "赵六", 2)
    member(nodes["A1"], "李四", 3)
    corps = granted("corps", roles.INFO_MANAGER, nodes["A"])
    member(nodes["A2"], "钱七", 4)
    rows = roster.roster_rows(nodes["A"], user=corps, subtree=True)
    assert [(row.seq, row.name, row.team) for row in rows] == [
        (1, "李四", "队A1"),
        (2, "王五", "队A1"),
        (3, "赵六", "分队A1a"),
        (4, "钱七", "队A2"),
    ]
    (text,) = page_texts(render(nodes["A"], corps, subtree=True))
    assert text.index("所属队伍：队A1（2人）") < text.index("1李四")
    assert text.index("2王五") < text.index("所属队伍：分队A1a（1人）")
    assert (
        text.index("3赵六") < text.index("所属队伍：队A2（1人）") < text.index("4钱七")
    )


def test_an_empty_roster_is_one_page_with_the_header(nodes, editor):
    (text,) = page_texts(render(nodes["A2"], editor))
    assert HEADER in text and text.endswith("第1页共1页")


def test_a_team_continued_on_a_new_page_says_so():
    rows = [
        roster.RosterRow(seq, f"名{seq}", "男", "", "", "", "", "", "", team="队A1")
        for seq in range(1, 41)
    ]
    first, second = roster.paginate(rows, subtree=True)
    assert first[0].text.strip() == "所属队伍：队A1（40 人）"
    assert second[0].text.strip() == "所属队伍：队A1（续）"
    assert sum(block.lines for block in first) == roster.page_capacity(first=True)


# --- Parts -----------------------------------------------------------------------------


def test_parts_give_the_same_pages_and_numbers_as_one_render(
    nodes, sixty, editor, monkeypatch
):
    single = render(nodes["A1"], editor)
    monkeypatch.setattr(roster, "SINGLE_PART_PAGES", 1)
    monkeypatch.setattr(roster, "PART_PAGES", 1)
    calls = []
    merged = render(nodes["A1"], editor, progress=lambda *done: calls.append(done))
    assert page_texts(merged) == page_texts(single)
    assert calls[0] == (0, 3) and calls[-1] == (3, 3) and len(calls) == 4
    pdf = reader(merged)
    assert pdf.metadata.title == "队A1党员义工名册"
    assert_fonts_embedded_and_subset(merged)
    # Identical input, identical bytes: one render, and parts merged.
    assert render(nodes["A1"], editor) == merged
    monkeypatch.setattr(roster, "SINGLE_PART_PAGES", 40)
    assert render(nodes["A1"], editor) == single


def test_parts_are_few_and_even(monkeypatch):
    monkeypatch.setattr(roster, "PART_PAGES", 120)
    assert roster.part_sizes(38, 2) == [38]
    assert roster.part_sizes(60, 2) == [30, 30]
    assert roster.part_sizes(371, 2) == [93, 93, 93, 92]
    assert roster.part_sizes(371, 1) == [93, 93, 93, 92]
    assert roster.part_sizes(371, 3) == [62, 62, 62, 62, 62, 61]
    assert max(roster.part_sizes(10_000, 8)) <= roster.PART_PAGES
    monkeypatch.setattr(roster, "PART_PAGES", 40)
    assert roster.part_sizes(371, 2) == [38] * 9 + [29]


def test_page_one_looks_as_it_did(nodes, sample, editor, tmp_path):
    assert_matches_golden(render(nodes["A1"], editor), "roster", tmp_path)


# --- The benchmark's core (bench/pdf_roster.py), on a tiny roster -------------------------


def load_bench():
    path = settings.BASE_DIR / "bench" / "pdf_roster.py"
    spec = importlib.util.spec_from_file_location("pdf_roster_bench", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_benchmark_fills_a_team_and_builds_its_baseline(nodes):
    bench = load_bench()
    bench.fill_team(nodes["A2"], 5, seed=7)
    rows = roster.roster_rows(nodes["A2"], user=None)
    assert [row.seq for row in rows] == [1, 2, 3, 4, 5]
    html = bench.plain_html(rows, "队A2党员义工名册")
    assert html.count("<tr>") == 6 and "<thead>" in html
    sampler = bench.TreeSampler()
    sampler.sample()
    assert sampler.report()["parent_peak_mb"] > 0
