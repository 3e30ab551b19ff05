"""The one way the project makes a PDF: a Django template and the print stylesheet
through WeasyPrint.

Per process, one FontConfiguration and the stylesheet parsed once are reused
by every render; the URL fetcher only opens ``file:`` and ``data:`` URLs, so a
template (or a name typed into a form and printed by it) can never make the
server reach the network. Each render ends with ``gc.collect()``: WeasyPrint's
layout objects form cycles, and memory otherwise grows from render to render.
The same template and context give the same bytes (no timestamps).
"""

import functools
import gc
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher

STYLESHEETS = Path(__file__).resolve().parent / "static" / "pdf"
ALLOWED_PROTOCOLS = frozenset({"file", "data"})
DEFAULT_AUTHOR = "台山市义务工作者联合会"


class RenderError(Exception):
    """The PDF could not be made; str(exc) is a Chinese message for the user."""


@functools.cache
def font_config():
    return FontConfiguration()


@functools.cache
def url_fetcher():
    return URLFetcher(allowed_protocols=set(ALLOWED_PROTOCOLS))


@functools.cache
def stylesheet(name="print"):
    """pdf/static/pdf/NAME.css, parsed once per process."""
    return CSS(
        filename=str(STYLESHEETS / f"{name}.css"),
        font_config=font_config(),
        url_fetcher=url_fetcher(),
    )


@functools.cache
def _freeze_long_lived_objects():
    """Move what lives for the whole process out of the collector's way, once.

    The gc.collect() after each render otherwise walks all of Django and
    WeasyPrint (~0.13 s, a third of a one-page form); frozen objects are never
    scanned again, so it only walks what the render made. What is frozen stays
    (a one-time cost of whatever garbage existed at the first render).
    """
    font_config()
    stylesheet()
    gc.collect()
    gc.freeze()


def render_html(html, *, stylesheets=()):
    """PDF bytes of an HTML document (its <title> and author meta become the PDF's).

    ``stylesheets``: names of a document's own sheets, applied after print.css.
    """
    _freeze_long_lived_objects()
    try:
        document = HTML(
            string=html,
            base_url=str(settings.BASE_DIR),
            url_fetcher=url_fetcher(),
        )
        return document.write_pdf(
            stylesheets=[stylesheet(), *(stylesheet(name) for name in stylesheets)],
            font_config=font_config(),
        )
    except Exception as exc:
        raise RenderError(f"生成 PDF 文件时出错：{exc}") from exc
    finally:
        gc.collect()


def render_pdf(template_name, context, *, title, author=DEFAULT_AUTHOR, stylesheets=()):
    """PDF bytes of ``template_name`` (extending pdf/base.html) with ``context``."""
    html = render_to_string(
        template_name, {**context, "pdf_title": title, "pdf_author": author}
    )
    return render_html(html, stylesheets=stylesheets)
