"""Seed content: the 2012 notice 台组〔2012〕124号 and its attachments as pages.

``parse_seed`` turns the public text in ``website/seed/`` into plain data, word
for word; ``load_seed`` builds the page tree from it. Pages are found by slug:
one that already exists is left as the editors made it, so running the loader
again changes nothing.
"""

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.db import transaction
from django.utils.html import escape
from wagtail.models import Page, Site
from wagtail.search import index

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

SEED_FILE = (
    Path(__file__).resolve().parent / "seed" / "taishan-party-volunteer-plan-2012.txt"
)

CN_NUMERALS = "一二三四五六七八九十"
DOCUMENT_NUMBER = re.compile(r"^\S+〔\d{4}〕\d+号$")
DATE = re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$")
SECTION_HEADING = re.compile(rf"^[{CN_NUMERALS}]+、\S+$")
NUMBERED_ITEM = re.compile(rf"^（[{CN_NUMERALS}]+）[^。]+。")
ACTION_HEADING = re.compile(rf"^（[{CN_NUMERALS}]+）开展“[^”]+”\S*行动。$")
PLAN_END = re.compile(r"^附件：1\.")
ATTACHMENT_ITEM = re.compile(r"^(?:附件：)?(\d+)\.(\S.*)$")
NOTE_ITEM = re.compile(r"^(?:\d+、|（\d+）)")
PARTICIPANTS_PREFIX = "参与单位："
LEAD_MARK = "（牵头单位）"
FLOW_BOXES_START = "附件：1"
FLOW_BOXES_END = "附件：2"

# The flow chart of 附件1 survives only as its text boxes, in drawing order.
# This is their reading order; a step's branches and asides become its detail.
FLOW_ORDER = [
    ("申请党组织向市义工联及上级党员义工分会提交申请", []),
    (
        "本会或属下授权党员义工分会对申请资料进行审核",
        [
            ["审核通过", "审批确认，回复申请党组织"],
            ["审核不符合申请标准", "完善后再重新申请"],
        ],
    ),
    ("审批确认，回复申请党组织", []),
    ("按标准成立义工服务队、总队、服务站", []),
    ("接受会员入会申请和管理会员", [["（参照个人会员入会指引）"]]),
    ("定期组织开展培训", []),
    ("定期开展和参与义工活动", []),
    ("活动开展情况及时上报上一级义工管理组织", []),
]

# The forms that follow the plan, by the heading each has in the seed text.
# Titles of 附件2–4 come from the notice's 附件 list; the two sheets without a
# number are named by their own headings.
ROSTER_SAMPLE = "党员义工名册（样本）"
SERVICE_ITEMS_SHEET = "义工服务项目"

HOME_SLUG = "yigong"
NOTICE_SLUG = "taizu-2012-124"
PLAN_SLUG = "implementation-plan"
FLOW_SLUG = "attachment-1-flow"
DOWNLOADS_SLUG = "downloads"
NEWS_SLUG = "news"
APPLY_SLUG = "apply"
REGISTER_SLUG = "register"

HOME_TITLE = "台山市党员义工服务网"
DOWNLOADS_TITLE = "表格下载"
NEWS_TITLE = "工作简报"
# 附件2 and 附件3 filled online; the download items of the same forms link here.
FORM_LINKS = {"form2": APPLY_SLUG, "form3": REGISTER_SLUG}
OATH_HEADING = "义工誓词"
APPLICATION_NOTES_START = "请随表附上以下资料："
APPLICATION_NOTES_END = "单位意见"
REGISTRATION_NOTES_START = "备注：1、此表由"
REGISTRATION_NOTES_END = "义工服务项目"

CONTACT = {
    "organisation": "台山市义务工作者联合会",
    "phone": "（0750）5511941",
    "address": "台山市台城中山路市府大院团市委办公室",
    "email": "tstw2001@163.com",
    "website": "http://www.tsva.org/",
    "footer_text": "本站内容依据《台山市党员义工服务活动实施方案》（台组〔2012〕124号）整理。",
}


class SeedError(Exception):
    """The seed text is not laid out as expected; the message says where."""


@dataclass
class Notice:
    document_number: str
    title: str
    recipients: str
    body: list[str]
    body_note: str
    issuers: list[str]
    date: date


@dataclass
class Attachment:
    number: int
    title: str


@dataclass
class Plan:
    title: str
    intro: list[str]
    # StreamField data of ArticlePage.body: {"type": ..., "value": ...} dicts.
    body: list[dict]


@dataclass
class Flow:
    title: str
    steps: list[dict]
    note: list[str]


@dataclass
class FormTexts:
    """What the paper 附件2 and 附件3 say around their fields."""

    oath: str
    application_notes: list[str]
    registration_notes: list[str]


@dataclass
class Seed:
    notice: Notice
    plan: Plan
    attachments: list[Attachment]
    flow: Flow
    downloads: list[dict]
    forms: FormTexts


class _Lines:
    """A cursor over the stripped lines of the seed text."""

    def __init__(self, text):
        self.lines = [line.strip() for line in text.splitlines()]
        self.position = 0

    def peek(self):
        """The next non-empty line, without consuming it ("" at the end)."""
        while self.position < len(self.lines) and not self.lines[self.position]:
            self.position += 1
        return self.lines[self.position] if self.position < len(self.lines) else ""

    def take(self, what):
        line = self.peek()
        if not line:
            raise SeedError(f"种子文本提前结束：缺少{what}。")
        self.position += 1
        return line

    def take_matching(self, pattern, what):
        line = self.take(what)
        if not pattern.match(line):
            raise SeedError(
                f"种子文本第 {self.position} 行应为{what}，实际为“{line}”。"
            )
        return line

    def take_until(self, stop, what):
        """Lines up to (not including) the first one for which ``stop`` is true."""
        taken = []
        while not stop(self.peek()):
            if not self.peek():
                raise SeedError(f"种子文本提前结束：缺少{what}。")
            taken.append(self.take(what))
        return taken


def read_seed_text(path=SEED_FILE):
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError as error:
        raise SeedError(f"找不到种子文本文件：{path}") from error
    except UnicodeDecodeError as error:
        raise SeedError(f"种子文本文件不是 UTF-8 编码：{path}") from error


def parse_seed(text):
    """The notice, the plan, the 附件 list, the flow and the forms of the seed text."""
    lines = _Lines(text)
    notice = _parse_notice(lines)
    plan = _parse_plan(lines)
    attachments = _parse_attachments(lines)
    flow = _parse_flow(lines, expected_title=attachments[0].title)
    downloads = _downloads(attachments, lines.lines)
    return Seed(notice, plan, attachments, flow, downloads, _form_texts(lines.lines))


def _parse_notice(lines):
    document_number = lines.take_matching(
        DOCUMENT_NUMBER, "文号（如 台组〔2012〕124号）"
    )
    title = lines.take_matching(re.compile(r"^关于.+的通知$"), "通知标题")
    recipients = lines.take_matching(re.compile(r"^.+：$"), "主送机关（以“：”结尾）")
    body = lines.take_until(lambda line: re.fullmatch(r"（.+）", line), "正文说明")
    if not body:
        raise SeedError("通知缺少正文。")
    body_note = lines.take("正文说明")
    issuer_lines = lines.take_until(lambda line: DATE.match(line), "成文日期")
    issuers = [name for line in issuer_lines for name in line.split()]
    if not issuers:
        raise SeedError("通知缺少发文机关。")
    year, month, day = map(int, DATE.match(lines.take("成文日期")).groups())
    return Notice(
        document_number=document_number,
        title=title,
        recipients=recipients.removesuffix("："),
        body=body,
        body_note=body_note,
        issuers=issuers,
        date=date(year, month, day),
    )


def _parse_plan(lines):
    title = lines.take("实施方案标题")
    intro = lines.take_until(lambda line: SECTION_HEADING.match(line), "实施方案的章节")
    body = []
    while not PLAN_END.match(lines.peek()):
        line = lines.take("附件列表（以“附件：1.”开头）")
        if SECTION_HEADING.match(line):
            body.append(_heading(line, "h2"))
        elif ACTION_HEADING.match(line):
            body.append(_heading(line, "h3"))
        elif line.startswith(PARTICIPANTS_PREFIX):
            body.append(_participants(line))
        else:
            body.append({"type": "paragraph", "value": _paragraph_html(line)})
    _check_actions(body)
    return Plan(title=title, intro=intro, body=body)


def _heading(text, level):
    return {"type": "heading", "value": {"text": text, "level": level}}


def _paragraph_html(line):
    """A paragraph; a numbered item's first sentence (its point) in bold."""
    lead = NUMBERED_ITEM.match(line)
    if lead and lead.end() < len(line):
        return f"<p><b>{escape(lead.group())}</b>{escape(line[lead.end() :])}</p>"
    return f"<p>{escape(line)}</p>"


def _split_units(text):
    """Splits at "、" outside brackets: 各镇（街、场） is one unit."""
    units, current, depth = [], "", 0
    for char in text:
        depth += {"（": 1, "）": -1}.get(char, 0)
        if char == "、" and depth == 0:
            units.append(current)
            current = ""
        else:
            current += char
    return [*units, current]


def _participants(line):
    units = _split_units(line.removeprefix(PARTICIPANTS_PREFIX).removesuffix("。"))
    leads = [unit for unit in units if unit.endswith(LEAD_MARK)]
    if len(leads) != 1:
        raise SeedError(f"“{line[:30]}…”应恰有一个标注“{LEAD_MARK}”的单位。")
    return {
        "type": "participants",
        "value": {
            "lead": leads[0].removesuffix(LEAD_MARK),
            "others": [unit for unit in units if unit != leads[0]],
        },
    }


def _check_actions(body):
    """Every action heading (h3) is followed by its 参与单位 before the next heading."""
    current = None
    for block in [*body, _heading("", "h2")]:
        if block["type"] == "heading":
            if current is not None:
                raise SeedError(f"行动“{current}”缺少“{PARTICIPANTS_PREFIX}”一行。")
            is_action = block["value"]["level"] == "h3"
            current = block["value"]["text"] if is_action else None
        elif block["type"] == "participants":
            current = None


def _parse_attachments(lines):
    attachments = []
    while match := ATTACHMENT_ITEM.match(lines.peek()):
        lines.take("附件")
        attachments.append(Attachment(int(match.group(1)), match.group(2).strip()))
    if [attachment.number for attachment in attachments] != list(
        range(1, len(attachments) + 1)
    ):
        raise SeedError("附件列表应从 1 开始连续编号。")
    if len(attachments) < 4:
        raise SeedError(f"附件列表应有 4 项，实际只有 {len(attachments)} 项。")
    return attachments


def _parse_flow(lines, expected_title):
    title = lines.take("附件1标题")
    if title != expected_title:
        raise SeedError(f"附件1的标题应为“{expected_title}”，实际为“{title}”。")
    lines.take_until(lambda line: line == "备注：", "附件1的“备注：”")
    lines.take("备注")
    note = lines.take_until(lambda line: not NOTE_ITEM.match(line), "备注各项")
    if not note:
        raise SeedError("附件1的备注为空。")
    return Flow(title=title, steps=_flow_steps(lines.lines), note=note)


def _flow_steps(all_lines):
    """The steps of 附件1 in FLOW_ORDER, checked against the text boxes of the seed."""
    try:
        start = all_lines.index(FLOW_BOXES_START)
        end = all_lines.index(FLOW_BOXES_END, start)
    except ValueError as error:
        raise SeedError(
            f"找不到附件1流程图的文本框（“{FLOW_BOXES_START}”到“{FLOW_BOXES_END}”之间）。"
        ) from error
    boxes = {line for line in all_lines[start + 1 : end] if line}
    ordered = {title for title, _ in FLOW_ORDER} | {
        box for _, branches in FLOW_ORDER for branch in branches for box in branch
    }
    if boxes != ordered:
        unknown = "、".join(sorted(boxes - ordered)) or "无"
        missing = "、".join(sorted(ordered - boxes)) or "无"
        raise SeedError(
            f"附件1流程图的文本框与预期不符：多出 {unknown}；缺少 {missing}。"
        )
    return [
        {
            "title": title,
            "detail": "\n".join(" → ".join(branch) for branch in branches),
        }
        for title, branches in FLOW_ORDER
    ]


def _downloads(attachments, all_lines):
    """The download items: 附件2–4 and the sheets that go with them."""
    for heading in (ROSTER_SAMPLE, SERVICE_ITEMS_SHEET):
        if heading not in all_lines:
            raise SeedError(f"种子文本中找不到表格“{heading}”。")
    titles = {attachment.number: attachment.title for attachment in attachments}
    return [
        {
            "category": "成立申请",
            "title": titles[2],
            "generated": "form2",
            "description": "附件2。申请成立（党员）义工服务队时填写，报市义工联及上级党组织。",
        },
        {
            "category": "成立申请",
            "title": ROSTER_SAMPLE,
            "generated": "roster-template",
            "description": "随申请表附上的《注册义工名册》样本，内容包括姓名、性别、出生年月、学历、政治面貌、手机号码等。",
        },
        {
            "category": "义工注册",
            "title": titles[3],
            "generated": "form3",
            "description": "附件3。由各级党员义工服务组织联系人统一收集资料填写，由本人签名；随表附交一寸红底彩照2张及个人身份证复印件一份。",
        },
        {
            "category": "义工注册",
            "title": SERVICE_ITEMS_SHEET,
            "generated": "form3",
            "description": "附件3附表。根据个人的兴趣、爱好及所拥有的资源选择义工服务项目。",
        },
        {
            "category": "工作报表",
            "title": titles[4],
            "generated": "form4",
            "description": "附件4。由各党员服务队填写，每季度报上级党员义工服务总队及市义工联。",
        },
    ]


def _between(all_lines, start, stop, what):
    """Non-empty lines from the one starting ``start`` up to one starting ``stop``."""
    lines = [line for line in all_lines if line]
    try:
        first = next(i for i, line in enumerate(lines) if line.startswith(start))
        end = next(i for i in range(first + 1, len(lines)) if lines[i].startswith(stop))
    except StopIteration:
        raise SeedError(
            f"种子文本中找不到{what}（“{start}”到“{stop}”之间）。"
        ) from None
    return lines[first:end]


def _form_texts(all_lines):
    oath = _between(all_lines, OATH_HEADING, "申请人", "附件3的义工誓词")[1:]
    if len(oath) != 1:
        raise SeedError("附件3的义工誓词应为一段文字。")
    registration_notes = _between(
        all_lines, REGISTRATION_NOTES_START, REGISTRATION_NOTES_END, "附件3的备注"
    )
    return FormTexts(
        oath=oath[0],
        application_notes=_between(
            all_lines, APPLICATION_NOTES_START, APPLICATION_NOTES_END, "附件2的备注"
        ),
        registration_notes=[
            registration_notes[0].removeprefix("备注："),
            *registration_notes[1:],
        ],
    )


def _paragraphs(lines):
    return "".join(f"<p>{escape(line)}</p>" for line in lines)


def _page_link(page, text):
    return f'<a linktype="page" id="{page.pk}">{escape(text)}</a>'


@dataclass
class LoadReport:
    created: list[Page] = field(default_factory=list)
    kept: list[Page] = field(default_factory=list)
    removed_welcome_page: bool = False
    contact_fields_filled: list[str] = field(default_factory=list)
    indexed: int = 0

    def lines(self):
        """The report in Chinese, one line each."""
        lines = [
            f"已创建页面：{page.title}（{page.get_url()}）" for page in self.created
        ]
        lines += [f"页面已存在，未修改：{page.title}" for page in self.kept]
        if self.removed_welcome_page:
            lines.append("已删除 Wagtail 默认欢迎页，首页已设为站点根页面。")
        if self.contact_fields_filled:
            labels = "、".join(
                str(ContactSettings._meta.get_field(name).verbose_name)
                for name in self.contact_fields_filled
            )
            lines.append(f"联系方式已填写：{labels}")
        else:
            lines.append("联系方式已填写完整，未修改。")
        lines.append(f"搜索索引已更新：{self.indexed} 个页面。")
        lines.append(
            f"共创建 {len(self.created)} 个页面，保留 {len(self.kept)} 个已有页面。"
        )
        return lines


def load_seed(seed):
    """Builds whatever part of the seed tree is missing; returns a LoadReport."""
    report = LoadReport()
    with transaction.atomic():
        site = _default_site()
        home = _home_page(site, report)
        titles = {
            attachment.number: attachment.title for attachment in seed.attachments
        }
        apply = _child(
            home,
            APPLY_SLUG,
            ApplicationFormPage,
            report,
            lambda: _application_page(titles[2], seed.forms),
        )
        register = _child(
            home,
            REGISTER_SLUG,
            RegistrationFormPage,
            report,
            lambda: _registration_page(titles[3], seed.forms),
        )
        form_pages = {APPLY_SLUG: apply, REGISTER_SLUG: register}
        downloads = _child(
            home,
            DOWNLOADS_SLUG,
            DownloadsPage,
            report,
            lambda: DownloadsPage(
                title=DOWNLOADS_TITLE,
                intro=_paragraphs([f"《{seed.plan.title}》附件2至附件4及有关表格。"]),
                show_in_menus=True,
                items=[
                    DownloadItem(
                        **item,
                        linked_page=form_pages.get(FORM_LINKS.get(item["generated"])),
                    )
                    for item in seed.downloads
                ],
            ),
        )
        news = _child(
            home,
            NEWS_SLUG,
            NewsIndexPage,
            report,
            lambda: NewsIndexPage(
                title=NEWS_TITLE,
                # The plan's own words on what the briefings are for.
                intro=_paragraphs(
                    ["市义工联将定期对各单位的活动开展情况通过简报等形式进行通报。"]
                ),
                show_in_menus=True,
            ),
        )
        notice = _child(
            home, NOTICE_SLUG, NoticePage, report, lambda: _notice_page(seed.notice)
        )
        plan = _child(
            notice, PLAN_SLUG, ArticlePage, report, lambda: _plan_page(seed.plan)
        )
        flow = _child(
            notice, FLOW_SLUG, ArticlePage, report, lambda: _flow_page(seed.flow)
        )
        if notice in report.created:
            links = {1: flow, 2: apply, 3: register}
            notice.attachments = [
                # The list is rendered numbered, so the title goes without "1.".
                NoticeAttachment(
                    title=attachment.title,
                    linked_page=links.get(attachment.number, downloads),
                )
                for attachment in seed.attachments
            ]
        if home in report.created:
            home.intro = _paragraphs(
                [
                    "市委组织部、团市委、市义工联决定在全市各级党组织中广泛开展党员义工服务活动。"
                ]
            ) + (
                f"<ul><li>{_page_link(plan, '《' + seed.plan.title + '》')}</li>"
                f"<li>{_page_link(flow, seed.flow.title)}</li>"
                f"<li>{_page_link(register, '在线填写' + register.title)}</li>"
                f"<li>{_page_link(apply, '在线填写' + apply.title)}</li>"
                f"<li>{_page_link(downloads, DOWNLOADS_TITLE)}</li></ul>"
            )
        # Published once every link is in place, so each new page gets one revision.
        for page in report.created:
            page.save_revision().publish()
        report.contact_fields_filled = _fill_contact_settings(site)
        pages = [home, notice, plan, flow, downloads, news, apply, register]
    # Indexed explicitly once everything is saved: the post_save handlers run
    # before a page's inline rows are written, and with a queued task backend
    # only when a worker gets to them.
    for page in pages:
        index.insert_or_update_object(page)
    report.indexed = len(pages)
    return report


def _default_site():
    site = Site.objects.filter(is_default_site=True).first()
    if site is None:
        site = Site(hostname="localhost", port=80, is_default_site=True)
    return site


def _home_page(site, report):
    """The HomePage as the default site's root, replacing Wagtail's welcome page."""
    home = HomePage.objects.first()
    if home is None:
        home = HomePage(title=HOME_TITLE, slug=HOME_SLUG)
        Page.get_first_root_node().add_child(instance=home)
        report.created.append(home)
    else:
        report.kept.append(home)
    previous_root = site.root_page if site.root_page_id else None
    if previous_root is None or previous_root.pk != home.pk:
        site.root_page = home
        site.site_name = site.site_name or HOME_TITLE
        site.save()
        if _is_welcome_page(previous_root):
            previous_root.delete()
            report.removed_welcome_page = True
    return home


def _is_welcome_page(page):
    """Wagtail's placeholder root: a plain Page of the base type with nothing under it."""
    return (
        page is not None
        and page.specific_class is Page
        and page.depth == 2
        and page.is_leaf()
    )


def _child(parent, slug, page_class, report, build):
    """The child of ``parent`` with ``slug``; built by ``build()`` if missing."""
    existing = parent.get_children().filter(slug=slug).first()
    if existing is not None:
        page = existing.specific
        if not isinstance(page, page_class):
            raise SeedError(
                f"页面 {page.url_path} 已存在但类型是“{page.specific_class._meta.verbose_name}”，"
                f"不是“{page_class._meta.verbose_name}”；请在后台改名或删除后重试。"
            )
        report.kept.append(page)
        return page
    page = build()
    page.slug = slug
    parent.add_child(instance=page)
    report.created.append(page)
    return page


def _notice_page(notice):
    return NoticePage(
        title=notice.title,
        document_number=notice.document_number,
        date=notice.date,
        recipients=notice.recipients,
        body=_paragraphs(notice.body),
        body_note=notice.body_note,
        issuers=[NoticeIssuer(name=name) for name in notice.issuers],
    )


def _plan_page(plan):
    return ArticlePage(title=plan.title, intro=_paragraphs(plan.intro), body=plan.body)


def _flow_page(flow):
    return ArticlePage(
        title=flow.title,
        subtitle="附件1",
        body=[
            {
                "type": "steps",
                "value": {
                    "title": "",
                    "steps": flow.steps,
                    "note": _paragraphs(flow.note),
                },
            }
        ],
    )


def _application_page(title, forms):
    return ApplicationFormPage(
        title=title,
        intro=_paragraphs(
            [
                "全市各单位根据《台山市成立党员义工服务队及开展义工服务流程》（附件1），"
                "填写本表向市义工联及上级党组织申请成立（党员）义工服务队。",
                "在线提交后将获得申请编号；审核结果以电子邮件通知联系人，"
                "也可凭申请编号和联系人手机号码查询审核进度。",
            ]
        ),
        notes=_paragraphs(forms.application_notes),
        thank_you=_paragraphs(
            [
                "申请已提交，上级组织审核后将以电子邮件通知联系人。审核通过后即成立组织，名册中的义工一并登记。"
            ]
        ),
    )


def _registration_page(title, forms):
    return RegistrationFormPage(
        title=title,
        intro=_paragraphs(
            [
                "身体条件允许的党员（含预备党员）都要申请注册成为义工。"
                "本人可在此在线填写登记表，也可由单位负责具体工作的同志统一填写。"
            ]
        ),
        notes=_paragraphs(forms.registration_notes),
        oath=_paragraphs([forms.oath]),
        thank_you=_paragraphs(
            ["登记已提交，所选队伍的管理员审核通过后，注册义工号即生效。"]
        ),
    )


def _fill_contact_settings(site):
    """Fills the blank contact fields of ``site``; returns the names filled."""
    settings = ContactSettings.for_site(site)
    filled = [name for name, value in CONTACT.items() if not getattr(settings, name)]
    for name in filled:
        setattr(settings, name, CONTACT[name])
    if filled:
        settings.save()
    return filled
