"""A person registering themselves on WeChat's browser (375 × 812): 附件3 online."""

import io
from datetime import date

import pytest
from django.core.management import call_command
from PIL import Image
from playwright.sync_api import expect

from registry.models import Volunteer
from registry.tests.factories import id_number, make_tree

pytestmark = pytest.mark.browser

VIEWPORT_WIDTH = 375


@pytest.fixture
def seeded(site_db):
    call_command("load_seed_content", stdout=io.StringIO())
    return make_tree()


def photo_file(tmp_path):
    path = tmp_path / "我的照片.jpg"
    Image.new("RGB", (900, 600), "steelblue").save(path, "JPEG")
    return path


def test_self_registration_on_a_phone(
    page, live_server, seeded, screenshot, tmp_path, offsite_requests
):
    number = id_number(date(1990, 2, 14), male=False)
    page.goto(live_server.url + "/")
    page.locator("main").get_by_role(
        "link", name="在线填写台山市义工注册登记表"
    ).click()
    expect(page.locator("h1")).to_have_text("台山市义工注册登记表")
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORT_WIDTH
    screenshot(page, "01-form")

    page.get_by_label("姓名").fill("林小燕")
    page.get_by_label("身份证号码").fill(number)
    # Shown as typed; the server derives them again.
    expect(page.locator("[data-derived=gender]")).to_have_text("女")
    expect(page.locator("[data-derived=birth]")).to_have_text("1990-02-14")
    page.get_by_label("民族").select_option(label="汉族")
    page.get_by_label("政治面貌").select_option(label="中共党员")
    page.get_by_label("工作单位").fill("台山市某小学")
    page.get_by_label("手机").fill("13512345678")
    page.get_by_label("联系地址").fill("台城环市路8号")
    page.get_by_label("周六上午").check()
    page.get_by_label("节假日晚上").check()
    page.locator("#field-long_term").get_by_label("是").check()
    page.get_by_label("照片").set_input_files(photo_file(tmp_path))
    expect(page.locator("[data-photo-preview]")).to_be_visible()
    page.get_by_label("申请加入的队伍").select_option(label="队A1")
    page.get_by_label("我已阅读并愿意遵守义工誓词").check()
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORT_WIDTH
    screenshot(page, "02-filled")

    page.get_by_role("button", name="提交登记").click()
    expect(page.locator("h1")).to_have_text("提交成功")
    volunteer = Volunteer.objects.get(name="林小燕")
    expect(page.locator("[data-reference]")).to_have_text(volunteer.volunteer_number)
    assert volunteer.status == Volunteer.Status.PENDING
    assert volunteer.gender == "F" and volunteer.photo.name.endswith(".jpg")
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORT_WIDTH
    screenshot(page, "03-done")
    assert offsite_requests == []


def test_application_form_fits_a_phone(page, live_server, seeded, screenshot):
    page.goto(live_server.url + "/apply/")
    expect(page.locator("h1")).to_have_text("台山市党员义工联成立义工组织申请表")
    page.get_by_label("义工服务队", exact=True).check()
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORT_WIDTH
    box = page.get_by_role("button", name="提交申请").bounding_box()
    assert box["height"] >= 44
    screenshot(page, "01-form")
