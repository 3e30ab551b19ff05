"""转到第一个错误 appears only where there is a field error to go to."""

import pytest
from playwright.sync_api import expect

from registry.demo import DEMO_PASSWORD
from tests.browser.conftest import login

pytestmark = pytest.mark.browser


def test_the_first_error_button_shows_only_beside_field_errors(
    page, live_server, demo, screenshot
):
    login(page, live_server, "demo-team", DEMO_PASSWORD)
    button = page.get_by_role("button", name="转到第一个错误")

    # A refusal lands on the dashboard with an error message and no form.
    page.goto(f"{live_server.url}/admin/registry/orgnode/new/")
    expect(page).to_have_url(f"{live_server.url}/admin/")
    expect(page.locator(".messages .error")).to_be_visible()
    expect(button).to_be_hidden()
    screenshot(page, "01-refused")

    # An empty volunteer form: the button leads to the first field error.
    page.goto(f"{live_server.url}/admin/registry/volunteer/new/")
    page.get_by_role("button", name="创建").click()
    expect(button).to_be_visible()
    screenshot(page, "02-form-errors")
    button.click()
    expect(page.locator(".error-message").first).to_be_in_viewport()
