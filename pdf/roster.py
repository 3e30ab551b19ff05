"""The printed 党员义工名册 (the plan's sample roster) of a node, as PDF.

The same people in the same order as the xlsx export (selectors.roster_memberships),
in the plan's nine columns, A4 landscape, the header on every page, no row
split across pages, 第 N 页 共 M 页 at the foot.

Why it is laid out as it is: WeasyPrint spends about 1.5 ms on every table cell
(style, line breaking, drawing), so a 10,000-row table takes two minutes and
2 GB. Here every row is one line of text in Noto Sans Mono CJK SC, whose
characters are exactly one or two half-widths wide (unicodedata's East Asian
width): the columns are filled and centred with spaces in Python, the column
rules are one SVG tile repeated down the page, the row rules bottom borders.
One text box per row instead of nine cells makes a page some six times cheaper.
Text too wide for its column wraps onto more lines of the same row (no data is
cut off), so every row's height, and with it the whole pagination, is known
here before WeasyPrint runs: each page is its own block, the total M is known,
and a long roster is rendered in parts (part_sizes()) in parallel worker
processes, each numbering its pages from its offset with a literal 共 M 页,
and merged with pypdf.

Worker processes come from a "forkserver" (multiprocessing): a clean
interpreter that has imported only pdf.rendering, forked for each worker.
"fork" would copy the caller's database connections and threads (a
``manage.py db_worker`` or pytest-xdist worker has both) into the children;
"spawn" would need django.setup() (seconds of imports) in every child. The
children get HTML and return PDF bytes through rendering.render_html; they never
touch the database or the templates (the parent fetches and renders the HTML).
"""

import functools
import io
import math
import multiprocessing
import os
import unicodedata
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import NamedTuple

from django.template.loader import render_to_string
from django.utils import timezone
from pypdf import PdfReader, PdfWriter

from registry import privacy, selectors
from registry.models import Membership

from . import rendering

TEMPLATE = "pdf/roster.html"
STYLESHEETS = ("roster",)
TITLE_SUFFIX = "党员义工名册"

# --- Geometry (the template's CSS is built from these: roster_css()) ---------------

# Body text: 五号 (10.5 pt). One "unit" is a half-width character of Noto Sans
# Mono CJK SC (0.5 em); a Chinese character is two.
FONT_PT = 10.5
UNIT_MM = FONT_PT / 2 * 25.4 / 72
# (label, width in units): 144 units = 266.7 mm of the 267 mm between
# print.css's @page landscape margins. Each cell keeps one unit free (half on
# each side); longer text wraps within the cell.
COLUMNS = (
    ("序号", 6),
    ("姓名", 14),
    ("性别", 5),
    ("出生年月", 11),
    ("学历", 13),
    ("部门及职务", 48),
    ("入党时间", 14),
    ("电话", 19),
    ("备注", 14),
)
TABLE_UNITS = sum(width for _label, width in COLUMNS)
# Height of one text line of a row (rows of n lines are n × LINE_MM, rule included).
LINE_MM = 6.2
RULE_PT = 0.5
# A4 landscape, 210 mm less print.css's @page landscape margins (15 mm top,
# 18 mm bottom); SLACK_MM is kept free so that rounding in WeasyPrint can never
# push the last row onto a page of its own.
PAGE_MM = 210 - 15 - 18
SLACK_MM = 1.0
# Page 1 only: the title and the 录入人 / 更新日期 line above the table.
TITLE_MM = 11.0
META_MM = 7.0

# --- Parts ---------------------------------------------------------------------------

# Up to this many pages (about 1,000 rows) a roster is rendered in this
# process, in one piece: some 2 s, less than starting workers would save.
SINGLE_PART_PAGES = 40
# At most this many pages per part. Each part costs a fixed ~0.3 s and embeds
# its own subset of the font (~170 KB); each worker needs ~0.5 MB per page of
# its part on top of its ~130 MB. At 10,000 rows (371 pages, 2 workers), parts
# of at most 40 / 120 pages took 8.7 / 8.3 s and gave 2.8 / 1.8 MB, with all
# processes together at 391 / 426 MB PSS (bench/pdf_roster.py): the smaller
# parts keep the whole print within 400 MB.
PART_PAGES = 40


def part_sizes(total, workers):
    """Pages of each part of a ``total``-page roster for ``workers`` processes.

    As few parts as PART_PAGES allows, rounded up to a multiple of the
    workers so that they finish together, of nearly equal size.
    """
    if total <= SINGLE_PART_PAGES:
        return [total]
    parts = math.ceil(total / PART_PAGES)
    parts = min(total, math.ceil(parts / workers) * workers)
    size = math.ceil(total / parts)
    return [min(size, total - start) for start in range(0, total, size)]


class RosterRow(NamedTuple):
    """One line of the 名册, as printed (phones already masked where they must be)."""

    seq: int
    name: str
    gender: str
    birth: str
    education: str
    department: str
    joined: str
    phone: str
    remark: str
    # The member's team (only with subtree; the rows come grouped by it).
    team: str = ""

    def cells(self):
        return (
            str(self.seq),
            self.name,
            self.gender,
            self.birth,
            self.education,
            self.department,
            self.joined,
            self.phone,
            self.remark,
        )


def roster_rows(node, *, user, subtree=False):
    """The node's 名册 as ``user`` may see it: a list of RosterRow, 序号 from 1.

    The columns are computed as rosters.exporting.RosterResource computes them
    (出生年月 1977-06, 入党时间 2008.07.10, 备注 the role unless a plain 队员);
    phones as registry.privacy shows them to ``user``. With ``subtree`` the
    members of every team below the node too, grouped by team in tree order,
    numbered throughout.
    """
    memberships = selectors.roster_memberships(node, subtree=subtree).select_related(
        "volunteer__org_node"
    )
    rows = []
    for seq, membership in enumerate(memberships.iterator(chunk_size=2000), start=1):
        volunteer = membership.volunteer
        birth = volunteer.birth_date
        joined = volunteer.joined_party_on
        rows.append(
            RosterRow(
                seq=seq,
                name=volunteer.name,
                gender=volunteer.get_gender_display(),
                birth=f"{birth:%Y-%m}" if birth else "",
                education=volunteer.get_education_display(),
                department=membership.department_title,
                joined=f"{joined:%Y.%m.%d}" if joined else "",
                phone=privacy.phone_for_user(user, volunteer, volunteer.mobile),
                remark=""
                if membership.role == Membership.Role.MEMBER
                else membership.get_role_display(),
                team=membership.node.name if subtree else "",
            )
        )
    return rows


# --- Text in columns -------------------------------------------------------------------


@functools.cache
def char_units(character):
    """Width of a character in Noto Sans Mono CJK SC: 2 (wide), 1 (narrow) or 0."""
    if unicodedata.combining(character) or unicodedata.category(character) in (
        "Mn",
        "Me",
        "Cf",
    ):
        return 0
    return 2 if unicodedata.east_asian_width(character) in "WFA" else 1


def text_units(text):
    if text.isascii():
        return len(text)
    return sum(map(char_units, text))


def blank(units):
    """``units`` of space: ideographic spaces (two units each) halve the glyphs to draw."""
    return "\u3000" * (units // 2) + " " * (units % 2)


def wrap(text, units):
    """``text`` cut into lines of at most ``units`` (at any character: CJK has no words)."""
    text = " ".join(text.split())
    lines, line, used = [], [], 0
    for character in text:
        width = char_units(character)
        if used + width > units and line:
            lines.append("".join(line))
            line, used = [], 0
        line.append(character)
        used += width
    if line or not lines:
        lines.append("".join(line))
    return lines


def row_lines(cells):
    """The row's text lines: every cell wrapped in its column, centred both ways."""
    wrapped = [
        wrap(text, width - 1)
        for text, (_label, width) in zip(cells, COLUMNS, strict=True)
    ]
    height = max(len(lines) for lines in wrapped)
    lines = []
    for index in range(height):
        parts = []
        for cell, (_label, width) in zip(wrapped, COLUMNS, strict=True):
            top = (height - len(cell)) // 2
            text = cell[index - top] if 0 <= index - top < len(cell) else ""
            free = width - text_units(text)
            left = free // 2
            parts.append(blank(left) + text + blank(free - left))
        lines.append("".join(parts).rstrip())
    return lines


def header_line():
    return row_lines([label for label, _width in COLUMNS])[0]


def clip(text, units):
    """``text`` cut to ``units``, with … when something had to go."""
    if text_units(text) <= units:
        return text
    kept, used = [], 0
    for character in text:
        used += char_units(character)
        if used > units - 2:
            break
        kept.append(character)
    return "".join(kept) + "…"


# --- Pages -----------------------------------------------------------------------------


class Line(NamedTuple):
    """A block of the table: a row (``kind`` "row") or a team heading ("team")."""

    kind: str
    text: str
    lines: int


def page_capacity(first):
    """Text lines of rows a page holds below the header row."""
    available = PAGE_MM - SLACK_MM - RULE_PT * 25.4 / 72
    if first:
        available -= TITLE_MM + META_MM
    return int(available // LINE_MM) - 1


def _team_heading(team, count, continued=False):
    label = f"所属队伍：{team}（{'续' if continued else f'{count} 人'}）"
    return Line("team", " " + clip(label, TABLE_UNITS - 2), 1)


def paginate(rows, *, subtree=False):
    """The table's blocks, page by page: lists of Line that fill at most a page each.

    With ``subtree`` each team starts with a heading row, repeated as (续) on a
    page that continues a team; a heading never ends a page.
    """
    counts = {}
    for row in rows:
        counts[row.team] = counts.get(row.team, 0) + 1
    pages, page, free = [], [], page_capacity(first=True)
    team = None

    def new_page():
        nonlocal page, free
        pages.append(page)
        page, free = [], page_capacity(first=False)

    for row in rows:
        lines = row_lines(row.cells())
        block = Line("row", "\n".join(lines), len(lines))
        heading = None
        if subtree and row.team != team:
            team = row.team
            heading = _team_heading(team, counts[team])
        needed = block.lines + (1 if heading else 0)
        if needed > free and page:
            new_page()
            if subtree and heading is None:
                heading = _team_heading(team, counts[team], continued=True)
        if heading:
            page.append(heading)
            free -= 1
        page.append(block)
        free -= block.lines
    pages.append(page)
    return pages


RULE_MM = RULE_PT * 25.4 / 72
TABLE_MM = TABLE_UNITS * UNIT_MM


def roster_css():
    """The geometry of the table, from the constants above."""
    return (
        f".roster{{font-size:{FONT_PT}pt;line-height:{LINE_MM}mm;"
        f"padding:{RULE_MM / 2:.4f}mm;width:{TABLE_MM:.3f}mm}}"
        f".roster-title{{height:{TITLE_MM}mm;line-height:{TITLE_MM}mm}}"
        f".roster-meta{{height:{META_MM}mm;line-height:{META_MM}mm}}"
    )


def page_rules(blocks):
    """The page's table rules as an SVG data URL: the background of its text block.

    Drawn once per page instead of a border per row (a third of the drawing
    time); column rules stop at team headings, which span the table.
    """
    lines = 1 + sum(block.lines for block in blocks)
    height = lines * LINE_MM
    half = RULE_MM / 2
    edges = [0.0]
    for _label, units in COLUMNS:
        edges.append(edges[-1] + units * UNIT_MM)
    rows, spans, y = [0.0, LINE_MM], [], LINE_MM
    open_at = 0.0
    for block in blocks:
        if block.kind == "team":
            spans.append((open_at, y))
            open_at = y + LINE_MM
        y += block.lines * LINE_MM
        rows.append(y)
    spans.append((open_at, y))
    path = [f"M0 {top:.3f}H{TABLE_MM:.3f}" for top in rows]
    for top, bottom in spans:
        if bottom > top:
            path.extend(f"M{x:.3f} {top:.3f}V{bottom:.3f}" for x in edges[1:-1])
    path.extend(f"M{x:.3f} 0V{height:.3f}" for x in (edges[0], edges[-1]))
    svg = (
        "<svg xmlns='http://www.w3.org/2000/svg' "
        f"width='{TABLE_MM + RULE_MM:.3f}mm' height='{height + RULE_MM:.3f}mm' "
        f"viewBox='{-half:.4f} {-half:.4f} {TABLE_MM + RULE_MM:.3f} "
        f"{height + RULE_MM:.3f}'><path fill='none' stroke='black' "
        f"stroke-width='{RULE_MM:.4f}' d='{''.join(path)}'/></svg>"
    )
    return "data:image/svg+xml," + svg.replace("<", "%3C").replace(">", "%3E")


def part_css(first_page, total_pages):
    """A part's own page numbers: from ``first_page``, of ``total_pages`` in all."""
    return (
        f"@page :first{{counter-reset:page {first_page}}}"
        "@page{@bottom-center{content:"
        f'"第 " counter(page) " 页 共 {total_pages} 页"}}}}'
    )


# --- The document -------------------------------------------------------------------------


def _display_name(user):
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


def _meta_line(entered_by, updated_on):
    left = f" 录入人：{entered_by}"
    right = f"更新日期：{updated_on:%Y-%m-%d} "
    gap = max(2, TABLE_UNITS - text_units(left) - text_units(right))
    return left + " " * gap + right


def _html(context, pages, first_page, total_pages):
    """The HTML of pages ``pages`` (numbered from ``first_page``)."""
    return render_to_string(
        TEMPLATE,
        {
            **context,
            "pages": [
                {
                    "number": first_page + index,
                    "rules": page_rules(blocks),
                    "text": "\n".join(block.text for block in blocks),
                }
                for index, blocks in enumerate(pages)
            ],
            # A whole document counts its own pages; a part is told them.
            "part_css": ""
            if len(pages) == total_pages
            else part_css(first_page, total_pages),
        },
    )


def _page_count(data):
    return len(PdfReader(io.BytesIO(data)).pages)


def _check_pages(data, expected):
    if _page_count(data) != expected:
        raise rendering.RenderError(
            "生成 PDF 文件时出错：名册的分页与预计不符，请联系管理员。"
        )


def _pool(workers):
    context = multiprocessing.get_context("forkserver")
    # The fork server imports only the rendering service (no Django apps, no
    # database); it takes effect when the server starts, once per process.
    context.set_forkserver_preload(["pdf.rendering"])
    return ProcessPoolExecutor(max_workers=workers, mp_context=context)


def _workers():
    """One worker per core this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not Linux
        return max(1, os.cpu_count() or 1)


# Rendered by each worker while the parent still reads the rows: starts the
# fork server and loads the fonts (about 1.5 s that would otherwise come first).
WARM_UP = (
    '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>-</title>'
    '</head><body class="landscape"><div class="roster"><div>序号</div></div>'
    "</body></html>"
)


class _Merger:
    """Appends parts in their order as they arrive; holds only those not yet appended."""

    def __init__(self, count):
        self.writer = PdfWriter()
        self.waiting = [None] * count
        self.next = 0
        self.producer = None

    def add(self, index, data):
        self.waiting[index] = data
        while self.next < len(self.waiting) and self.waiting[self.next] is not None:
            part = PdfReader(io.BytesIO(self.waiting[self.next]))
            if self.producer is None:
                self.producer = str((part.metadata or {}).get("/Producer", ""))
            self.writer.append(part, import_outline=False)
            self.waiting[self.next] = None
            self.next += 1

    def result(self, *, title, author):
        self.writer.add_metadata(
            {"/Title": title, "/Author": author, "/Producer": self.producer or ""}
        )
        output = io.BytesIO()
        self.writer.write(output)
        return output.getvalue()


def render_roster(
    node,
    *,
    user,
    subtree=False,
    entered_by="",
    updated_on=None,
    progress=None,
):
    """PDF bytes of the node's 党员义工名册 as ``user`` may see it.

    ``entered_by`` (录入人): the user's full name or username by default;
    ``updated_on`` (更新日期): a date, today (local) by default. The same
    input gives the same bytes. ``progress(done_pages, total_pages)`` is
    called as parts are finished.
    """
    pools = []
    try:
        count = selectors.roster_memberships(node, subtree=subtree).count()
        if count > SINGLE_PART_PAGES * page_capacity(first=False):
            # Surely more than one part: start the workers now.
            pools.append(_pool(_workers()))
            for _ in range(_workers()):
                pools[0].submit(rendering.render_html, WARM_UP, stylesheets=STYLESHEETS)
        return _render(
            node,
            user=user,
            subtree=subtree,
            entered_by=entered_by,
            updated_on=updated_on,
            progress=progress or (lambda done, total: None),
            pools=pools,
        )
    except rendering.RenderError:
        raise
    except Exception as exc:
        if not pools:
            raise
        # A worker died (BrokenProcessPool) or could not start.
        raise rendering.RenderError(f"生成 PDF 文件时出错：{exc}") from exc
    finally:
        for pool in pools:
            pool.shutdown(cancel_futures=True)


def _render(node, *, user, subtree, entered_by, updated_on, progress, pools):
    """render_roster's work; parts go to pools[0] (started here if need be)."""
    title = f"{node.name}{TITLE_SUFFIX}"
    pages = paginate(roster_rows(node, user=user, subtree=subtree), subtree=subtree)
    total = len(pages)
    context = {
        "title": title,
        "meta": _meta_line(
            entered_by or _display_name(user), updated_on or timezone.localdate()
        ),
        "header": header_line(),
        "roster_css": roster_css(),
        "pdf_title": title,
        "pdf_author": rendering.DEFAULT_AUTHOR,
    }
    progress(0, total)
    sizes = part_sizes(total, _workers())
    if len(sizes) == 1:
        data = rendering.render_html(
            _html(context, pages, 1, total), stylesheets=STYLESHEETS
        )
        _check_pages(data, total)
        progress(total, total)
        return data

    if not pools:
        pools.append(_pool(min(_workers(), len(sizes))))
    pool = pools[0]
    futures, start = {}, 0
    for index, size in enumerate(sizes):
        html = _html(context, pages[start : start + size], start + 1, total)
        futures[pool.submit(rendering.render_html, html, stylesheets=STYLESHEETS)] = (
            index
        )
        start += size
    del pages
    merger = _Merger(len(futures))
    done = 0
    for future in as_completed(futures):
        index = futures[future]
        data = future.result()
        expected = sizes[index]
        _check_pages(data, expected)
        merger.add(index, data)
        done += expected
        progress(done, total)
    return merger.result(title=title, author=rendering.DEFAULT_AUTHOR)


def page_count(rows, *, subtree=False):
    """How many pages the 名册 of these rows takes (M of 第 N 页 共 M 页)."""
    return len(paginate(rows, subtree=subtree))
