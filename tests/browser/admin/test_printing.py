"""A team's 信息管理员 prints the team's 名册 and a member's 登记表 from the admin."""

import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from registry.demo import DEMO_PASSWORD, DEMO_USERS
from registry.models import IDNumberReveal, OrgNode, Volunteer
from tests.browser.conftest import login

pytestmark = pytest.mark.browser

TEAM = DEMO_USERS["demo-team"][1]


def pdf_text(download):
    reader = PdfReader(io.BytesIO(open(download.path(), "rb").read()))
    return "".join(page.extract_text() for page in reader.pages).replace("\n", "")


def test_team_manager_prints_the_roster_and_a_registration_form(
    page, live_server, demo, screenshot
):
    team = OrgNode.objects.get(name=TEAM)
    volunteer = Volunteer.objects.filter(org_node=team).order_by("pinyin").first()
    login(page, live_server, "demo-team", DEMO_PASSWORD)

    page.goto(f"{live_server.url}/admin/registry/orgnode/inspect/{team.pk}/")
    page.get_by_role("link", name="打印名册").click()
    expect(page.locator("h1")).to_contain_text(TEAM)
    screenshot(page, "01-roster-choices")
    with page.expect_download() as download:
        page.get_by_role("button", name="打印名册").click()
    assert download.value.suggested_filename == f"{TEAM}党员义工名册.pdf"
    text = pdf_text(download.value)
    assert volunteer.name in text and "部门及职务" in text

    page.goto(f"{live_server.url}/admin/registry/volunteer/inspect/{volunteer.pk}/")
    page.get_by_role("link", name="打印登记表").click()
    page.get_by_label("完整（记录查看）").check()
    page.get_by_label("原因").fill("存档")
    screenshot(page, "02-registration-choices")
    with page.expect_download() as download:
        page.get_by_role("button", name="打印登记表").click()
    assert volunteer.id_number in pdf_text(download.value).replace(" ", "")
    assert IDNumberReveal.objects.filter(volunteer=volunteer, reason="存档").exists()
