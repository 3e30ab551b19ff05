"""The Content-Security-Policy nonce where Wagtail writes inline scripts.

The policy (``CONTENT_SECURITY_POLICY`` in settings) allows scripts from this
host and inline scripts carrying the response's nonce, never 'unsafe-inline'.
Wagtail 8's admin still writes a few inline initialisers: its date and time
widgets, its inline and multiple-chooser panels (templates overridden here to
add the nonce) and its chooser widgets (``BaseChooser.render``, wrapped in
``WebsiteConfig.ready``). Widgets are rendered without the request, so the
nonce of the response being rendered is kept in a context variable.
"""

from contextvars import ContextVar

from django.utils.html import format_html

_nonce = ContextVar("csp_nonce", default=None)


class NonceMiddleware:
    """Makes ``request.csp_nonce`` reachable from widget templates (after CSPMiddleware)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _nonce.set(getattr(request, "csp_nonce", None))
        try:
            return self.get_response(request)
        finally:
            _nonce.reset(token)


def current_nonce():
    """The nonce of the response being rendered ('' outside a request).

    Reading it is what makes django-csp add it to the header.
    """
    nonce = _nonce.get()
    return str(nonce) if nonce is not None else ""


def nonce_attribute():
    nonce = current_nonce()
    return format_html(' nonce="{}"', nonce) if nonce else ""


def add_nonce_to_chooser_scripts():
    """Wagtail's choosers end with ``<script>{js}</script>``: give that script the nonce."""
    from wagtail.admin.widgets.chooser import BaseChooser

    if getattr(BaseChooser.render, "adds_csp_nonce", False):
        return
    render = BaseChooser.render

    def render_with_nonce(self, *args, **kwargs):
        html = render(self, *args, **kwargs)
        head, separator, js = html.rpartition("<script>")
        if not separator:
            return html
        return format_html("{}<script{}>{}", mark(head), nonce_attribute(), mark(js))

    render_with_nonce.adds_csp_nonce = True
    BaseChooser.render = render_with_nonce


def mark(html):
    from django.utils.safestring import mark_safe

    return mark_safe(html)  # noqa: S308 - pieces of Wagtail's own safe output
