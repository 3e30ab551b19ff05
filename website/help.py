"""帮助: the repository's Chinese guides (docs/*.md) as one admin page.

Wagtail's help menu would send editors to guide.wagtail.org (English, off-site);
``website.wagtail_hooks`` replaces its entries with this page. The guides are
plain Markdown; the few constructs they use (headings, lists, tables, code,
emphasis, links) are converted here, everything else is escaped text.
"""

import re
from pathlib import Path

from django.conf import settings
from django.utils.html import escape
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

GUIDES = [
    ("editors.md", "editors"),
    ("registry.md", "registry"),
    ("roster-import.md", "roster-import"),
]
LINK = re.compile(r"\[([^\]]+)\]\(([^)\s]+)\)")
CODE = re.compile(r"`([^`]+)`")
BOLD = re.compile(r"\*\*([^*]+)\*\*")


def inline(text):
    """Escaped text with `code`, **bold** and links; links off this site keep only their text."""
    pieces = []
    for index, part in enumerate(CODE.split(text)):
        if index % 2:
            pieces.append(f"<code>{escape(part)}</code>")
            continue
        part = BOLD.sub(r"<strong>\1</strong>", escape(part))

        def link(match):
            label, target = match.group(1), match.group(2)
            if target.endswith(".md") and "/" not in target.removeprefix("docs/"):
                return f'<a href="#{Path(target).stem}">{label}</a>'
            if target.startswith("#"):
                return f'<a href="{target}">{label}</a>'
            return label

        pieces.append(LINK.sub(link, part))
    return "".join(pieces)


def markdown_to_html(text, anchor):
    html, paragraph, items, rows = [], [], [], []
    list_tag = None
    in_code = False
    code = []

    def flush():
        nonlocal list_tag
        if paragraph:
            html.append(f"<p>{inline(' '.join(paragraph))}</p>")
            paragraph.clear()
        if items:
            html.append(
                f"<{list_tag}>"
                + "".join(f"<li>{inline(i)}</li>" for i in items)
                + f"</{list_tag}>"
            )
            items.clear()
            list_tag = None
        if rows:
            head, *body = [r for r in rows if not re.fullmatch(r"[\s|:-]+", r)]
            cells = lambda row: [c.strip() for c in row.strip().strip("|").split("|")]  # noqa: E731
            table = (
                "<table class='listing'><thead><tr>"
                + "".join(f"<th>{inline(c)}</th>" for c in cells(head))
                + "</tr></thead><tbody>"
            )
            table += "".join(
                "<tr>" + "".join(f"<td>{inline(c)}</td>" for c in cells(row)) + "</tr>"
                for row in body
            )
            html.append(table + "</tbody></table>")
            rows.clear()

    for line in text.splitlines():
        if line.startswith("```"):
            if in_code:
                html.append(f"<pre>{escape(chr(10).join(code))}</pre>")
                code.clear()
            else:
                flush()
            in_code = not in_code
            continue
        if in_code:
            code.append(line)
            continue
        stripped = line.strip()
        heading = re.match(r"(#{1,4})\s+(.*)", stripped)
        bullet = re.match(r"([-*]|\d+\.)\s+(.*)", stripped)
        if not stripped:
            flush()
        elif heading:
            flush()
            level = min(len(heading.group(1)) + 1, 5)
            ident = f' id="{anchor}"' if level == 2 else ""
            html.append(f"<h{level}{ident}>{inline(heading.group(2))}</h{level}>")
        elif stripped.startswith("|"):
            if paragraph or items:
                flush()
            rows.append(stripped)
        elif bullet and not line.startswith("    "):
            if paragraph or rows:
                flush()
            tag = "ol" if bullet.group(1)[0].isdigit() else "ul"
            if list_tag and list_tag != tag:
                flush()
            list_tag = tag
            items.append(bullet.group(2))
        elif items and line.startswith(" "):
            items[-1] += " " + stripped
        else:
            if rows:
                flush()
            paragraph.append(stripped)
    flush()
    return "\n".join(html)


def guides():
    docs = Path(settings.BASE_DIR) / "docs"
    result = []
    for name, anchor in GUIDES:
        text = (docs / name).read_text(encoding="utf-8")
        title = text.splitlines()[0].lstrip("# ").strip()
        result.append(
            {"anchor": anchor, "title": title, "html": markdown_to_html(text, anchor)}
        )
    return result


class HelpView(WagtailAdminTemplateMixin, TemplateView):
    page_title = "使用指南"
    header_icon = "help"
    template_name = "website/admin/help.html"

    def get_breadcrumbs_items(self):
        return [*self.breadcrumbs_items, {"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "guides": guides()}
