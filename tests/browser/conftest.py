"""Browser test harness: Debian's Chromium driven by Playwright's sync API.

Fixtures for journeys through the public site and the Wagtail admin:

- ``browser`` (session): one Chromium per test process (per xdist worker).
- ``page``: a fresh context per test, a WeChat-sized viewport by default
  (override ``browser_context_args`` in a module to change it), every request
  that is not for the live server aborted and recorded in ``offsite_requests``;
  the test errors at teardown if any was attempted, and a screenshot of a
  failed test is saved.
- ``site_db``: the database as migrations left it (Wagtail's root page and
  default site), restored before each test; ``page`` requests it.
- ``screenshot``: ``screenshot(page, "01-home")`` saves a PNG under
  ``test-results/screenshots/<test name>/``.
- ``login(page, live_server, username, password)``: signs in to the admin.
"""

import os
import re
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import pytest

# Every URL the browser may load is on loopback; "localhost" could resolve to ::1.
os.environ.setdefault("DJANGO_LIVE_TEST_SERVER_ADDRESS", "127.0.0.1")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
WECHAT_VIEWPORT = {"width": 375, "height": 812}
SCREENSHOT_ROOT = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"


def running_in_ci():
    return os.environ.get("CI", "").strip().lower() not in {"", "0", "false", "no"}


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    # Keep each phase's report on the item so ``page`` can tell a failed test.
    report = yield
    setattr(item, f"report_{report.when}", report)
    return report


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        message = f"浏览器测试需要 {CHROMIUM}（Debian 的 chromium 软件包），请运行 bash scripts/install-system-deps.sh --tests 安装（make test 会自动安装）。"
        if running_in_ci():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    from django.db import connections
    from playwright.sync_api import sync_playwright

    # Django keeps connections in an asgiref Local that switches to separate,
    # per-context storage once an event loop runs in the thread, as Playwright's
    # loop does from here on. Carry the thread's connection objects over, or the
    # tests would get fresh ones that lack the test database's state (the data
    # serialized for rollback, the shared in-memory SQLite connection).
    wrappers = {alias: connections[alias] for alias in connections}
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        # For the same reason Django's async-unsafe guard would refuse the ORM
        # calls the tests make between browser steps.
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        for alias, wrapper in wrappers.items():
            connections[alias] = wrapper
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def browser_context_args():
    """Options of each test's browser context; override to change the device."""
    return {
        "viewport": WECHAT_VIEWPORT,
        "is_mobile": True,
        "has_touch": True,
        "locale": "zh-CN",
        "timezone_id": "Asia/Shanghai",
    }


@pytest.fixture
def offsite_requests():
    """URLs the page tried to load from anywhere but the live server."""
    return []


@pytest.fixture
def site_db(transactional_db, django_db_serialized_rollback):
    """The live server's database as migrations left it, for every test.

    A transactional test ends by emptying every table, which would also remove
    the root page and default site that Wagtail's migrations create; serialized
    rollback puts them back before the next test.
    """


@pytest.fixture
def page(
    browser, browser_context_args, live_server, site_db, offsite_requests, request
):
    allowed = urlsplit(live_server.url).netloc
    context = browser.new_context(**browser_context_args)
    context.set_default_timeout(15_000)

    def guard(route):
        url = route.request.url
        if urlsplit(url).netloc == allowed:
            route.continue_()
        else:
            offsite_requests.append(url)
            route.abort()

    context.route("**/*", guard)
    browser_page = context.new_page()
    yield browser_page
    call_report = getattr(request.node, "report_call", None)
    if call_report is not None and call_report.failed:
        save_screenshot(browser_page, request.node.name, "failure")
    context.close()
    assert not offsite_requests, f"页面试图访问本机以外的地址：{offsite_requests}"


def screenshot_dir_name(node_name):
    return re.sub(r"[^\w.-]+", "_", node_name).strip("_")


def save_screenshot(browser_page, node_name, step, full_page=True):
    path = SCREENSHOT_ROOT / screenshot_dir_name(node_name) / f"{step}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    browser_page.screenshot(path=path, full_page=full_page)
    return path


@pytest.fixture
def screenshot(request):
    """``screenshot(page, step)`` → the saved PNG's path; a test's old shots go.

    Whole page by default; ``full_page=False`` keeps just what is on screen.
    """
    shutil.rmtree(
        SCREENSHOT_ROOT / screenshot_dir_name(request.node.name), ignore_errors=True
    )

    def take(browser_page, step, full_page=True):
        return save_screenshot(browser_page, request.node.name, step, full_page)

    return take


def login(browser_page, live_server, username, password):
    """Sign in through the Wagtail admin's login form; ends on the dashboard."""
    browser_page.goto(f"{live_server.url}/admin/login/")
    browser_page.fill("#id_username", username)
    browser_page.fill("#id_password", password)
    with browser_page.expect_navigation():
        browser_page.locator("form button[type=submit]").click()
    if urlsplit(browser_page.url).path != "/admin/":
        raise AssertionError(f"登录失败，停留在 {browser_page.url}")
