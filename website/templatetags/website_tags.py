from django import template
from django.conf import settings
from wagtail.models import Site

from website import blocks
from website.csp import nonce_attribute

register = template.Library()


@register.simple_tag
def heading_anchor(text, position):
    return blocks.heading_anchor(text, position)


@register.simple_tag(takes_context=True)
def site_menu(context):
    """Top-level pages shown in the menu of the current site."""
    request = context.get("request")
    site = Site.find_for_request(request) if request else None
    if site is None:
        return []
    return site.root_page.get_children().live().public().in_menu()


@register.simple_tag
def csp_nonce_attribute():
    """` nonce="…"` for an inline script, also where no request is in the context."""
    return nonce_attribute()


@register.simple_tag
def admin_site_name():
    """WAGTAIL_SITE_NAME, for the admin's titles in place of "Wagtail"."""
    return settings.WAGTAIL_SITE_NAME
