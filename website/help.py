"""帮助: the repository's Chinese guides (docs/*.md) as one admin page.

Wagtail's help menu would send editors to guide.wagtail.org (English, off-site);
``website.wagtail_hooks`` replaces its entries with this page. The guides are
plain Markdown, rendered with Python-Markdown (tables, fenced code); they are
this repository's own files, not user input.
"""

import re
from pathlib import Path

import markdown
from django.conf import settings
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

GUIDES = [
    ("editors.md", "editors"),
    ("registry.md", "registry"),
    ("roster-import.md", "roster-import"),
    ("printing.md", "printing"),
    ("forms.md", "forms"),
    ("review.md", "review"),
    ("activities.md", "activities"),
]
# Rendered links: guides link each other by file name; off-site links keep their text.
LINK = re.compile(r'<a href="([^"]*)">(.*?)</a>', re.S)
HEADING = re.compile(r"<(/?)h([1-5])([ >])")


def _link(match):
    target, label = match.groups()
    if target.endswith(".md") and "/" not in target.removeprefix("docs/"):
        return f'<a href="#{Path(target).stem}">{label}</a>'
    if target.startswith("#"):
        return match.group(0)
    return label


def markdown_to_html(text, anchor):
    """A guide as HTML under the page's own h1: headings one level down, the first
    one carrying ``anchor`` for the links between guides."""
    html = markdown.markdown(text, extensions=["tables", "fenced_code"])
    html = HEADING.sub(
        lambda m: f"<{m.group(1)}h{min(int(m.group(2)) + 1, 6)}{m.group(3)}", html
    )
    html = html.replace("<h2>", f'<h2 id="{anchor}">', 1)
    return LINK.sub(_link, html)


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
