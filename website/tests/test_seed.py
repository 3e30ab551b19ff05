"""load_seed_content: the page tree it builds, word for word, and re-runs."""

import html
import io
import itertools
import re
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.utils.html import strip_tags
from wagtail.models import Page, Revision, Site

from forms_pages.models import ApplicationFormPage, RegistrationFormPage
from website.models import (
    ArticlePage,
    ContactSettings,
    DownloadItem,
    DownloadsPage,
    HomePage,
    NewsIndexPage,
    NoticeAttachment,
    NoticeIssuer,
    NoticePage,
)
from website.seed import SEED_FILE, SeedError, parse_seed, read_seed_text

NOTICE_TITLE = "关于印发《台山市党员义工服务活动实施方案》的通知"
PLAN_TITLE = "台山市党员义工服务活动实施方案"
FLOW_TITLE = "成立党员义工服务队及开展义工服务流程"
SECTIONS = [
    "一、指导思想",
    "二、具体目标",
    "三、活动原则",
    "四、活动内容",
    "五、工作措施",
    "六、实施步骤",
    "七、工作要求",
]
ACTIONS = [
    ("（一）开展“文明理念宣传员”行动。", "市委宣传部"),
    ("（二）开展“宜居环境督导员”行动。", "市城管局"),
    ("（三）开展“代表接访工作志愿服务员”系列行动。", "市委组织部"),
    ("（四）开展“未成年成长辅导员”行动。", "市关工委"),
    ("（五）开展“党内关怀的爱心传播员”行动。", "市委组织部"),
]


def seed_lines(first, stop):
    """Non-empty source lines from the line ``first`` up to one starting ``stop``."""
    lines = [line.strip() for line in SEED_FILE.read_text("utf-8").splitlines()]
    start = lines.index(first)
    end = next(i for i in range(start, len(lines)) if lines[i].startswith(stop))
    return [line for line in lines[start:end] if line]


def page_text(response):
    """The visible text of a response, tags stripped, entities decoded."""
    return html.unescape(strip_tags(response.content.decode()))


def inline_counts():
    return (
        Page.objects.count(),
        Revision.objects.count(),
        NoticeIssuer.objects.count(),
        NoticeAttachment.objects.count(),
        DownloadItem.objects.count(),
        ContactSettings.objects.count(),
    )


def test_builds_the_tree_under_the_default_site(seeded):
    site = Site.objects.get(is_default_site=True)
    home = site.root_page.specific
    assert isinstance(home, HomePage)
    assert home.title == "台山市党员义工服务网"
    assert not Page.objects.filter(title="Welcome to your new Wagtail site!").exists()

    children = {page.slug: page.specific for page in home.get_children()}
    assert set(children) == {"taizu-2012-124", "downloads", "news", "apply", "register"}
    notice = children["taizu-2012-124"]
    assert isinstance(notice, NoticePage)
    assert isinstance(children["downloads"], DownloadsPage)
    assert isinstance(children["news"], NewsIndexPage)
    assert isinstance(children["apply"], ApplicationFormPage)
    assert isinstance(children["register"], RegistrationFormPage)
    assert [page.specific.title for page in notice.get_children()] == [
        PLAN_TITLE,
        FLOW_TITLE,
    ]
    assert all(isinstance(p.specific, ArticlePage) for p in notice.get_children())
    assert [p.title for p in home.get_children().in_menu()] == ["表格下载", "工作简报"]

    for page in home.get_descendants(inclusive=True).specific():
        assert page.live and page.live_revision_id, page.title
        assert not page.has_unpublished_changes, page.title
    assert "共创建 8 个页面" in seeded
    assert "已删除 Wagtail 默认欢迎页" in seeded


def test_notice_fields_and_attachments(seeded):
    notice = NoticePage.objects.get()
    assert notice.title == NOTICE_TITLE
    assert notice.document_number == "台组〔2012〕124号"
    assert notice.date == date(2012, 12, 13)
    assert (
        notice.recipients
        == "各镇（街、场）党（工）委、团（工）委、义工服务队，市直机关工委、市直有关单位党（团）组织"
    )
    assert notice.body_note == "（此页无正文）"
    assert notice.body.startswith(
        "<p>为贯彻落实《关于印发江门市党员义工服务活动实施方案的通知》"
    )
    assert [issuer.name for issuer in notice.issuers.all()] == [
        "中共台山市委组织部",
        "共青团台山市委员会",
        "台山市义务工作者联合会",
    ]
    downloads = DownloadsPage.objects.get()
    flow = ArticlePage.objects.get(title=FLOW_TITLE)
    apply = ApplicationFormPage.objects.get()
    register = RegistrationFormPage.objects.get()
    assert [(a.title, a.linked_page_id) for a in notice.attachments.all()] == [
        (FLOW_TITLE, flow.pk),
        ("台山市党员义工联成立义工组织申请表", apply.pk),
        ("台山市义工注册登记表", register.pk),
        ("党员义工工作进展情况季报表", downloads.pk),
    ]


def test_plan_sections_actions_and_participants(seeded):
    plan = ArticlePage.objects.get(title=PLAN_TITLE)
    headings = [
        (block.value["level"], block.value["text"])
        for block in plan.body
        if block.block_type == "heading"
    ]
    assert [text for level, text in headings if level == "h2"] == SECTIONS
    assert [text for level, text in headings if level == "h3"] == [
        action for action, _ in ACTIONS
    ]
    participants = [b.value for b in plan.body if b.block_type == "participants"]
    assert [value["lead"] for value in participants] == [lead for _, lead in ACTIONS]
    assert list(participants[0]["others"]) == [
        "市委老干局",
        "市文广新局",
        "市教育局",
        "团市委",
        "市义工联",
        "其他有关市直单位",
        "各镇（街、场）",
    ]
    # Each action's participants follow its own text, before the next heading.
    types = [block.block_type for block in plan.body]
    for position, block in enumerate(plan.body):
        if block.block_type == "heading" and block.value["level"] == "h3":
            assert types[position + 1 : position + 3] == ["paragraph", "participants"]


def test_flow_steps_in_reading_order_with_the_branch_and_note(seeded):
    flow = ArticlePage.objects.get(title=FLOW_TITLE)
    assert flow.subtitle == "附件1"
    (block,) = flow.body
    assert block.block_type == "steps"
    steps = [(step["title"], step["detail"]) for step in block.value["steps"]]
    assert [title for title, _ in steps] == [
        "申请党组织向市义工联及上级党员义工分会提交申请",
        "本会或属下授权党员义工分会对申请资料进行审核",
        "审批确认，回复申请党组织",
        "按标准成立义工服务队、总队、服务站",
        "接受会员入会申请和管理会员",
        "定期组织开展培训",
        "定期开展和参与义工活动",
        "活动开展情况及时上报上一级义工管理组织",
    ]
    assert "审核不符合申请标准 → 完善后再重新申请" in steps[1][1]
    assert steps[4][1] == "（参照个人会员入会指引）"
    note = block.value["note"].source
    for item in [
        "1、申请表可于台山义工网",
        "2、",
        "（1）党组织简介；",
        "（4）《注册义工名册》",
        "4、各级党组织",
    ]:
        assert item in note


def test_downloads_without_documents_yet(seeded):
    downloads = DownloadsPage.objects.get()
    assert [(item.category, item.title) for item in downloads.items.all()] == [
        ("成立申请", "台山市党员义工联成立义工组织申请表"),
        ("成立申请", "党员义工名册（样本）"),
        ("义工注册", "台山市义工注册登记表"),
        ("义工注册", "义工服务项目"),
        ("工作报表", "党员义工工作进展情况季报表"),
    ]
    assert not downloads.items.filter(document__isnull=False).exists()


def test_contact_settings_of_the_default_site(seeded):
    contact = ContactSettings.for_site(Site.objects.get(is_default_site=True))
    assert contact.organisation == "台山市义务工作者联合会"
    assert contact.phone == "（0750）5511941"
    assert contact.address == "台山市台城中山路市府大院团市委办公室"
    assert contact.email == "tstw2001@163.com"
    assert contact.website == "http://www.tsva.org/"
    assert contact.footer_text


def test_running_again_changes_nothing(seeded):
    before = inline_counts()
    out = io.StringIO()
    call_command("load_seed_content", stdout=out)
    assert inline_counts() == before
    assert "共创建 0 个页面，保留 8 个已有页面" in out.getvalue()
    assert "联系方式已填写完整，未修改" in out.getvalue()


def test_running_again_keeps_what_editors_changed(seeded):
    notice = NoticePage.objects.get()
    notice.title = "关于印发实施方案的通知（修订）"
    notice.save_revision().publish()
    contact = ContactSettings.for_site(Site.objects.get(is_default_site=True))
    contact.phone = "（0750）5500000"
    contact.email = ""
    contact.save()

    call_command("load_seed_content", stdout=io.StringIO())

    assert NoticePage.objects.get().title == "关于印发实施方案的通知（修订）"
    contact.refresh_from_db()
    assert contact.phone == "（0750）5500000"
    assert contact.email == "tstw2001@163.com"


def test_a_missing_page_is_rebuilt_under_the_existing_notice(seeded):
    ArticlePage.objects.get(title=FLOW_TITLE).delete()
    out = io.StringIO()
    call_command("load_seed_content", stdout=out)
    assert ArticlePage.objects.filter(title=FLOW_TITLE).count() == 1
    assert "共创建 1 个页面" in out.getvalue()


def test_a_slug_taken_by_another_page_type_is_reported(db):
    home = HomePage(title="首页", slug="yigong")
    Page.get_first_root_node().add_child(instance=home)
    home.add_child(instance=NewsIndexPage(title="下载", slug="downloads"))
    with pytest.raises(CommandError, match="已存在但类型是“工作简报栏目”"):
        call_command("load_seed_content", stdout=io.StringIO())


def test_notice_page_renders(seeded, client):
    notice = NoticePage.objects.get()
    response = client.get(notice.get_url())
    assert response.status_code == 200
    text = page_text(response)
    for expected in [
        "台组〔2012〕124号",
        "中共台山市委组织部",
        "共青团台山市委员会",
        "台山市义务工作者联合会",
        "2012年12月13日",
        "（此页无正文）",
    ]:
        assert expected in text
    flow = ArticlePage.objects.get(title=FLOW_TITLE)
    assert f'href="{flow.get_url()}"' in response.content.decode()


def test_plan_page_renders_the_source_word_for_word(seeded, client):
    plan = ArticlePage.objects.get(title=PLAN_TITLE)
    response = client.get(plan.get_url())
    assert response.status_code == 200
    text = page_text(response)
    for line in seed_lines(PLAN_TITLE, "附件：1."):
        assert line in text, line
    for number, (action, lead) in enumerate(ACTIONS):
        assert action in text
        assert text.count(f"参与单位：{lead}（牵头单位）、") >= 1, number


def test_plan_page_has_a_table_of_contents(seeded, client):
    plan = ArticlePage.objects.get(title=PLAN_TITLE)
    content = client.get(plan.get_url()).content.decode()
    toc = re.search(r'<nav class="toc".*?</nav>', content, re.S).group()
    entries = re.findall(r'<a href="#([^"]+)">([^<]+)</a>', toc)
    assert [html.unescape(text) for _, text in entries] == [
        *SECTIONS[:4],
        *(action for action, _ in ACTIONS),
        *SECTIONS[4:],
    ]
    for anchor, _ in entries:
        assert f'id="{anchor}"' in content


def test_flow_and_downloads_render(seeded, client):
    flow = ArticlePage.objects.get(title=FLOW_TITLE)
    text = page_text(client.get(flow.get_url()))
    positions = [
        text.index(line)
        for line in [
            "申请党组织向",
            "审批确认，回复",
            "定期组织开展培训",
            "活动开展情况及时上报",
        ]
    ]
    assert positions == sorted(positions)
    assert "备注" in text
    downloads = client.get(DownloadsPage.objects.get().get_url())
    assert "表格文件尚未上传" not in page_text(downloads)


def test_seeded_pages_never_skip_a_heading_level(seeded, client):
    """Screen readers navigate by heading level: h1 → h2 → h3, never h1 → h3."""
    for page in Page.objects.live().specific().filter(depth__gt=1):
        content = client.get(page.get_url()).content.decode()
        main = content[content.index("<main") : content.index("</main>")]
        levels = [int(level) for level in re.findall(r"<h([1-6])[\s>]", main)]
        assert levels and levels[0] == 1, page.title
        for previous, level in itertools.pairwise(levels):
            assert level <= previous + 1, f"{page.title}: h{previous} → h{level}"


def test_home_page_lists_the_notice_and_sections(seeded, client):
    response = client.get("/")
    assert response.status_code == 200
    text = page_text(response)
    assert NOTICE_TITLE in text
    assert "台组〔2012〕124号" in text
    assert "表格下载" in text and "工作简报" in text
    assert "台山市义务工作者联合会" in text  # header and footer from ContactSettings


def test_bad_seed_file_gives_a_chinese_error(db, tmp_path):
    missing = tmp_path / "missing.txt"
    with pytest.raises(CommandError, match="找不到种子文本文件"):
        call_command("load_seed_content", file=str(missing), stdout=io.StringIO())
    broken = tmp_path / "broken.txt"
    broken.write_text("关于印发某方案的通知\n", encoding="utf-8")
    with pytest.raises(CommandError, match="应为文号"):
        call_command("load_seed_content", file=str(broken), stdout=io.StringIO())
    assert not HomePage.objects.exists()


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "市委宣传部（牵头单位）、",
            "市委宣传部、",
            "恰有一个标注“（牵头单位）”的单位",
        ),
        ("\n4.党员义工工作进展情况季报表\n", "\n", "附件列表应有 4 项"),
        (
            "定期组织开展培训\n",
            "定期组织培训\n",
            "多出 定期组织培训；缺少 定期组织开展培训",
        ),
        ("\n备注：\n", "\n", "缺少附件1的“备注：”"),
    ],
)
def test_parse_errors_name_what_to_fix(old, new, message):
    text = read_seed_text()
    assert old in text
    with pytest.raises(SeedError, match=re.escape(message)):
        parse_seed(text.replace(old, new, 1))


def test_form_pages_carry_the_paper_forms_texts_and_are_linked(seeded, client):
    register = RegistrationFormPage.objects.get()
    apply = ApplicationFormPage.objects.get()
    assert "我愿意成为一名光荣的义工" in register.oath
    assert "随表附交一寸红底彩照2张" in register.notes
    assert "法人代表、负责人、联系人个人身份证复印件各一份" in apply.notes
    assert register.deadline is None and apply.deadline is None
    links = {
        item.title: item.linked_page_id
        for item in DownloadsPage.objects.get().items.all()
    }
    assert links["台山市义工注册登记表"] == register.pk
    assert links["义工服务项目"] == register.pk
    assert links["台山市党员义工联成立义工组织申请表"] == apply.pk
    home = client.get("/").content.decode()
    assert 'href="/register/"' in home and 'href="/apply/"' in home
