"""The Content-Security-Policy holds in the browser: the admin and the site work under it.

Every screen is loaded in Chromium with the policy the server sends; any
``securitypolicyviolation`` event, console error or link to another host fails.
"""

import io
from urllib.parse import urlsplit

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from wagtail.models import Page

from registry.models import Volunteer
from tests.browser.conftest import login
from website.models import NoticePage

pytestmark = pytest.mark.browser

RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__violations.push(
    `${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}:${event.lineNumber}`
  );
});
"""

# What the page loads or sends to (and, with links=true, every link too).
LINKED_URLS = """
(links) => [...document.querySelectorAll("[src], [href], [action], [srcset]")]
  .filter((element) => links || element.tagName !== "A")
  .flatMap((element) => ["src", "href", "action", "srcset"].map(
    (name) => element.getAttribute(name)
  ))
  .filter(Boolean)
"""


@pytest.fixture
def seeded(demo):
    call_command("load_seed_content", stdout=io.StringIO())
    get_user_model().objects.create_superuser("csp-admin", password="csp-pass-123")


def offsite(urls, live_server):
    local = urlsplit(live_server.url).netloc
    found = []
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme in ("mailto", "tel", "data", "blob", "javascript"):
            continue
        if parts.netloc and parts.netloc != local:
            found.append(url)
    return found


def visit_all(page, live_server, paths, links=True):
    problems = []
    page.on(
        "console",
        lambda message: (
            problems.append(f"{page.url} console: {message.text}")
            if message.type == "error"
            else None
        ),
    )
    page.on("pageerror", lambda error: problems.append(f"{page.url} error: {error}"))
    for path in paths:
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        assert "content-security-policy" in response.headers, path
        page.wait_for_load_state("networkidle")
        for violation in page.evaluate("window.__violations"):
            problems.append(f"{path} violation: {violation}")
        for url in offsite(page.evaluate(LINKED_URLS, links), live_server):
            problems.append(f"{path} links off-site: {url}")
    return problems


def test_admin_screens_work_under_the_policy(page, live_server, seeded, screenshot):
    page.context.add_init_script(RECORD_VIOLATIONS)
    notice = NoticePage.objects.first()
    volunteer = Volunteer.objects.order_by("pk").first()
    problems = visit_all(page, live_server, ["/admin/login/"])

    login(page, live_server, "csp-admin", "csp-pass-123")
    problems += visit_all(
        page,
        live_server,
        [
            "/admin/",
            f"/admin/pages/{Page.objects.get(depth=2).pk}/",
            f"/admin/pages/{notice.pk}/edit/",
            "/admin/registry/volunteer/",
            f"/admin/registry/volunteer/inspect/{volunteer.pk}/",
            f"/admin/registry/volunteer/edit/{volunteer.pk}/",
            "/admin/rosters/",
            "/admin/login-lockouts/",
            "/admin/help/",
        ],
    )
    assert problems == []
    # The page editor's inline panels and date pickers start from their scripts.
    page.goto(f"{live_server.url}/admin/pages/{notice.pk}/edit/")
    page.locator("[id$='attachments-ADD']").click()
    page.locator("input[name='date']").click()
    page.wait_for_selector(".xdsoft_datetimepicker >> visible=true")
    screenshot(page, "page-editor")
    problems += [f"editor violation: {v}" for v in page.evaluate("window.__violations")]
    assert problems == []


def test_public_pages_work_under_the_policy(page, live_server, seeded):
    page.context.add_init_script(RECORD_VIOLATIONS)
    notice = NoticePage.objects.first()
    # Links in the content (the federation's own website in the footer) may
    # leave the site; nothing the pages load may.
    problems = visit_all(
        page, live_server, ["/", notice.url, "/search/?q=义工"], links=False
    )
    assert problems == []
