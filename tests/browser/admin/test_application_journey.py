"""附件1 end to end: a unit applies online with its roster, the corps' 管理员 approves."""

import io
from datetime import date

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from registry.demo import DEMO_PASSWORD, DEMO_USERS
from registry.models import Membership, OrgApplication, OrgNode, Volunteer
from registry.tests.factories import id_number
from rosters.tests.files import person, xlsx_bytes
from tests.browser.conftest import login

pytestmark = pytest.mark.browser

CORPS = DEMO_USERS["demo-corps"][1]
TEAM_NAME = "台山市教育局机关党员义工服务队"


@pytest.fixture
def seeded(demo):
    call_command("load_seed_content", stdout=io.StringIO())


def roster_file(tmp_path, count=4):
    # Men born in 1961: nobody of the demo data has these numbers.
    rows = [
        person(n, 身份证号码=id_number(date(1961, 3, n)), 出生年月="1961-3")
        for n in range(1, count + 1)
    ]
    path = tmp_path / "注册义工名册.xlsx"
    path.write_bytes(xlsx_bytes(rows))
    return path, [row["姓名"] for row in rows]


def fill_person(page, prefix, name, mobile, number, email=""):
    page.locator(f"#id_{prefix}_name").fill(name)
    page.locator(f"#id_{prefix}_mobile").fill(mobile)
    page.locator(f"#id_{prefix}_id_number").fill(number)
    if email:
        page.locator(f"#id_{prefix}_email").fill(email)


def test_a_unit_applies_with_its_roster_and_the_corps_approves(
    page, live_server, seeded, screenshot, tmp_path
):
    roster, names = roster_file(tmp_path)
    id_copy = tmp_path / "身份证复印件.pdf"
    id_copy.write_bytes(b"%PDF-1.4\n%scan\n")

    # The unit's contact fills 附件2 on the site, without signing in.
    page.goto(live_server.url + "/apply/")
    page.get_by_label("单位名称").fill("台山市教育局")
    page.locator("#id_address").fill("台山市台城环北大道1号")
    page.locator("#id_phone").fill("0750-5500000")
    page.get_by_label("所属上一级党组织").fill("市教育局党委")
    page.get_by_label("拟所属上级组织").select_option(label=f"　　{CORPS}")
    page.get_by_label("义工服务队", exact=True).check()
    page.get_by_label("拟用名称").fill(TEAM_NAME)
    page.get_by_label("注册人数").fill(str(len(names)))
    fill_person(page, "leader", "黄书记", "13711112222", id_number(date(1970, 6, 1)))
    fill_person(
        page,
        "contact",
        "邓干事",
        "13733334444",
        id_number(date(1985, 9, 9), male=False),
        email="deng@example.com",
    )
    page.get_by_label("开展义工服务的经验").fill("无")
    page.get_by_label("负责人与联系人身份证复印件").set_input_files(id_copy)
    page.get_by_label("注册义工名册").set_input_files(roster)
    screenshot(page, "01-application")
    page.get_by_role("button", name="提交申请").click()
    expect(page.locator("h1")).to_have_text("提交成功")
    application = OrgApplication.objects.get(proposed_name=TEAM_NAME)
    expect(page.locator("[data-reference]")).to_have_text(application.reference)
    assert application.roster_rows == len(names)
    screenshot(page, "02-submitted")

    # The corps' 管理员 reviews it in the admin.
    login(page, live_server, "demo-corps", DEMO_PASSWORD)
    page.goto(live_server.url + "/admin/review/applications/")
    page.get_by_role("link", name=application.reference).click()
    expect(page.locator("h1")).to_contain_text(application.reference)
    screenshot(page, "03-review")
    page.get_by_role("link", name="审核通过").click()
    page.get_by_role("button", name="确认审核通过").click()
    expect(page.locator(".messages")).to_contain_text(f"已成立“{TEAM_NAME}”")
    screenshot(page, "04-approved")

    node = OrgNode.objects.get(name=TEAM_NAME)
    assert node.get_parent().name == CORPS
    members = set(
        Volunteer.objects.filter(org_node=node).values_list("name", flat=True)
    )
    assert members == {*names, "黄书记", "邓干事"}
    assert Membership.objects.get(node=node, volunteer__name="黄书记").role == "head"
    application.refresh_from_db()
    assert application.status == OrgApplication.Status.APPROVED

    page.get_by_role("link", name="查看组织").click()
    expect(page.locator("h1")).to_contain_text(TEAM_NAME)
