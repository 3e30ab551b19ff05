"""A team's 信息管理员 imports a small roster: upload, preview, confirm, result."""

import pytest
from playwright.sync_api import expect

from registry.demo import DEMO_PASSWORD, DEMO_USERS
from registry.models import OrgNode, Volunteer
from rosters.tests.files import person, xlsx_bytes
from tests.browser.conftest import login

pytestmark = pytest.mark.browser

TEAM = DEMO_USERS["demo-team"][1]


def test_team_manager_imports_a_small_roster(
    page, live_server, demo, tmp_path, screenshot
):
    team = OrgNode.objects.get(name=TEAM)
    before = Volunteer.objects.filter(org_node=team).count()
    roster = tmp_path / "第一中学党员义工名册.xlsx"
    roster.write_bytes(
        xlsx_bytes(
            [
                person(n, 姓名=name)
                for n, name in enumerate(["甄一", "甄二", "甄三"], 9001)
            ]
        )
    )

    login(page, live_server, "demo-team", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/admin/rosters/")
    row = page.locator("tr", has_text=TEAM)
    screenshot(page, "01-rosters")
    row.get_by_role("link", name="导入名册").click()
    expect(page.locator("h1")).to_contain_text(TEAM)

    page.set_input_files("input[type=file]", str(roster))
    page.get_by_role("button", name="上传并检查").click()
    expect(page.get_by_text("全部 3 行都通过了检查")).to_be_visible()
    preview = page.locator("[data-roster-rows] tbody tr")
    expect(preview).to_have_count(3)
    expect(preview.first).to_contain_text("甄一")
    expect(preview.first).to_contain_text("新增")
    expect(page.locator("[data-roster-counts] [data-kind=new]")).to_have_text("3")
    screenshot(page, "02-preview")
    assert Volunteer.objects.filter(org_node=team).count() == before

    page.get_by_role("button", name="确认导入").click()
    expect(
        page.get_by_text(f"已导入到“{TEAM}”：新增3人，更新0人，无变化0人")
    ).to_be_visible()
    expect(page.locator("[data-roster-status]")).to_contain_text("已导入")
    screenshot(page, "03-imported")
    assert Volunteer.objects.filter(org_node=team).count() == before + 3
    assert set(
        Volunteer.objects.filter(name__startswith="甄").values_list("name", "org_node")
    ) == {(name, team.pk) for name in ("甄一", "甄二", "甄三")}
