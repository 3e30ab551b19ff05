"""Journeys through the public site as a reader on WeChat's browser (375 × 812)."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from playwright.sync_api import expect
from wagtail.models import Page

from tests.browser.conftest import login

pytestmark = pytest.mark.browser

NOTICE_TITLE = "关于印发《台山市党员义工服务活动实施方案》的通知"
PLAN_TITLE = "台山市党员义工服务活动实施方案"
VIEWPORT_WIDTH = 375


@pytest.fixture
def seeded(site_db):
    call_command("load_seed_content", stdout=io.StringIO())


def assert_readable_on_phone(page):
    """Checks every public page must pass: language, one h1, no sideways scroll."""
    assert page.get_attribute("html", "lang") == "zh-CN"
    assert page.locator("h1").count() == 1, f"{page.url} 应当恰有一个 h1"
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= VIEWPORT_WIDTH, f"{page.url} 横向溢出：{scroll_width}px"


def main_link(page, name):
    return page.locator("main").get_by_role("link", name=name, exact=True).first


def test_home_to_notice_to_plan_and_its_table_of_contents(
    page, live_server, seeded, screenshot, offsite_requests
):
    page.goto(live_server.url + "/")
    assert_readable_on_phone(page)
    screenshot(page, "01-home")

    main_link(page, NOTICE_TITLE).click()
    expect(page.locator("h1")).to_have_text(NOTICE_TITLE)
    expect(page.locator(".document-number")).to_have_text("台组〔2012〕124号")
    assert_readable_on_phone(page)
    screenshot(page, "02-notice")

    main_link(page, PLAN_TITLE).click()
    expect(page.locator("h1")).to_have_text(PLAN_TITLE)
    assert_readable_on_phone(page)
    breadcrumbs = page.get_by_role("navigation", name="当前位置")
    expect(breadcrumbs.get_by_role("link", name="首页")).to_be_visible()
    expect(breadcrumbs.get_by_role("link", name=NOTICE_TITLE)).to_be_visible()
    expect(breadcrumbs.locator("[aria-current=page]")).to_have_text(PLAN_TITLE)
    screenshot(page, "03-plan")

    toc_links = page.locator(".toc a")
    assert toc_links.count() >= 4
    # A heading far down the page, so following the link has to scroll.
    entry = toc_links.nth(toc_links.count() - 1)
    anchor = entry.get_attribute("href")
    target = page.locator(f"[id='{anchor.removeprefix('#')}']")
    expect(target).not_to_be_in_viewport()
    entry.click()
    page.wait_for_function("a => decodeURIComponent(location.hash) === a", arg=anchor)
    expect(target).to_be_in_viewport()
    expect(target).to_have_text(entry.inner_text())
    screenshot(page, "04-toc-target", full_page=False)

    assert offsite_requests == []


def test_header_search_finds_the_plan_with_the_term_highlighted(
    page, live_server, seeded, screenshot
):
    page.goto(live_server.url + "/")
    page.get_by_role("search").get_by_role("searchbox").fill("宣传员")
    page.get_by_role("search").get_by_role("button", name="搜索").click()
    page.wait_for_url("**/search/?q=*")
    assert_readable_on_phone(page)
    screenshot(page, "search-results")

    result = page.locator(".search-results > li").filter(
        has=page.get_by_role("link", name=PLAN_TITLE, exact=True)
    )
    expect(result).to_have_count(1)
    expect(result.locator(".snippet mark").first).to_have_text("宣传员")


def test_main_menu_leads_to_the_downloads_and_marks_it_current(
    page, live_server, seeded
):
    page.goto(live_server.url + "/")
    menu = page.get_by_role("navigation", name="主导航")
    menu.get_by_role("link", name="表格下载").click()
    expect(page.locator("h1")).to_have_text("表格下载")
    expect(menu.get_by_role("link", name="表格下载")).to_have_attribute(
        "aria-current", "page"
    )
    expect(menu.locator("[aria-current]")).to_have_count(1)


def test_skip_link_is_the_first_stop_and_moves_focus_to_main(page, live_server, seeded):
    page.goto(live_server.url + "/")
    page.keyboard.press("Tab")
    focused = page.evaluate_handle("document.activeElement")
    assert focused.evaluate("el => el.classList.contains('skip-link')")
    expect(page.locator(".skip-link")).to_be_in_viewport()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_every_page_reads_well_on_a_phone(page, live_server, seeded, screenshot):
    pages = Page.objects.live().public().filter(depth__gt=1).order_by("path")
    urls = [p.get_url() for p in pages]
    assert len(urls) >= 5
    urls += ["/search/?q=义工", "/search/", "/no-such-page/"]
    for number, url in enumerate(urls, start=1):
        response = page.goto(live_server.url + url)
        assert response.status == (404 if url == "/no-such-page/" else 200), url
        assert_readable_on_phone(page)
        screenshot(page, f"{number:02d}")


def test_printing_a_notice_leaves_only_the_document(page, live_server, seeded):
    notice = Page.objects.get(title=NOTICE_TITLE)
    page.goto(live_server.url + notice.get_url())
    expect(page.locator(".site-header")).to_be_visible()
    page.emulate_media(media="print")
    for chrome in [".site-header", ".site-footer", ".breadcrumbs", ".skip-link"]:
        expect(page.locator(chrome)).to_be_hidden()
    expect(page.locator("h1")).to_have_text(NOTICE_TITLE)
    expect(page.locator(".signature")).to_be_visible()


def test_admin_login_is_in_chinese(page, live_server, site_db, screenshot):
    page.goto(live_server.url + "/admin/login/")
    expect(page.get_by_role("button", name="登录")).to_be_visible()
    screenshot(page, "admin-login")
    get_user_model().objects.create_superuser(
        "editor", "editor@example.com", "密码-Secret-1"
    )
    login(page, live_server, "editor", "密码-Secret-1")
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    screenshot(page, "admin-dashboard")


def test_offsite_requests_are_blocked_and_recorded(page, offsite_requests):
    page.set_content('<img src="https://cdn.example.com/logo.png" alt="">')
    assert offsite_requests == ["https://cdn.example.com/logo.png"]
    # Seen and asserted here; the fixture's own check must not fail the test.
    offsite_requests.clear()
