"""附件2, 附件3 and 附件4: blank and filled, as the printing user may see them."""

import io
from datetime import date

import pytest
from PIL import Image

from pdf import documents
from registry.models import ServiceItem
from registry.tests.factories import granted, id_number, make_volunteer

from .pdfcheck import (
    assert_fonts_embedded_and_subset,
    assert_matches_golden,
    bad_warnings,
    page_texts,
    reader,
)

BLANK = {
    "form2": (documents.application_form, 2),
    "form3": (documents.registration_form, 2),
    "form4": (documents.quarterly_report, 1),
}


@pytest.mark.django_db
@pytest.mark.parametrize("kind", BLANK)
def test_blank_forms_match_their_golden_pages(kind, tmp_path, caplog):
    render, pages = BLANK[kind]
    with caplog.at_level("WARNING", logger="weasyprint"):
        data = render()
    assert bad_warnings(caplog) == []
    assert len(reader(data).pages) == pages
    assert_fonts_embedded_and_subset(data)
    for page in range(1, pages + 1):
        assert_matches_golden(data, f"{kind}-blank-{page}", tmp_path, page=page)
    assert render() == data


@pytest.mark.django_db
def test_blank_application_form_has_the_seed_wording():
    text = "".join(page_texts(documents.application_form()))
    for words in (
        "附件2",
        "台山市义工联合会成立党员义工组织申请表",
        "填表日期：",
        "团体注册编号：",
        "所属上一级党组织",
        "一级义工分会",
        "社区义工服务站",
        "组织负责人资料",
        "联系人基本资料",
        "精神病患及康复者",
        "12355热线服务",
        "（有请列出，无请填“无”）",
        "tstw2001@163.com",
        "单位意见",
        "市义工联审核意见",
        "签字：",
        "（加盖公章）",
        "年月日",
    ):
        assert words in text, words
    assert "第1页共2页" in text and "第2页共2页" in text


@pytest.mark.django_db
def test_application_form_filled_from_a_dict():
    data = documents.application_form(
        {
            "applied_on": date(2012, 12, 20),
            "registration_number": "TS-T-0042",
            "unit_name": "台山市人民医院",
            "legal_representative": "陈大文",
            "parent_party_org": "中共台山市卫生局委员会",
            "org_type": "义工服务队",
            "proposed_name": "台山市人民医院党员义工服务队",
            "registered_count": 36,
            "leader": {"name": "李明", "gender": "男", "mobile": "13800001111"},
            "contact": {"name": "黄丽", "birth_date": date(1985, 3, 2)},
            "target_groups": ["长者", "儿童"],
            "expected_services": ["医疗卫生服务"],
            "expected_services_other": "义诊进社区",
            "experience": "无",
        }
    )
    text = "".join(page_texts(data))
    for words in (
        "2012年12月20日",
        "TS-T-0042",
        "台山市人民医院党员义工服务队",
        "中共台山市卫生局委员会",
        "36人",
        "李明",
        "13800001111",
        "1985-03-02",
        "义诊进社区",
    ):
        assert words in text, words


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"unit": "x"}, "申请表没有这些栏目：unit"),
        ({"org_type": "协会"}, "申请组织类型只能是"),
        ({"target_groups": ["外星人"]}, "拟服务人群没有这些选项：外星人"),
        ({"leader": {"phone_number": "1"}}, "负责人资料没有这些栏目：phone_number"),
    ],
)
def test_application_form_refuses_fields_it_does_not_have(fields, message):
    with pytest.raises(ValueError, match=message):
        documents.application_form(fields)


@pytest.mark.django_db
def test_application_fields_for_a_node_mask_what_the_user_may_not_see(nodes):
    team = nodes["A1"]
    team.unit_name = "台山市人民医院"
    team.leader_name = "李明"
    team.leader_phone = "13800001111"
    team.save()
    make_volunteer("王五", node=team)
    viewer = granted("viewer", "viewer", nodes["A"])
    fields = documents.application_fields_for_node(team, user=viewer)
    assert fields["unit_name"] == "台山市人民医院"
    assert fields["org_type"] == "义工服务队"
    assert fields["registered_count"] == 1
    assert fields["leader"] == {"name": "李明", "mobile": "138****1111"}
    text = "".join(page_texts(documents.application_form(fields)))
    assert "138****1111" in text and "13800001111" not in text


@pytest.mark.django_db
def test_blank_registration_form_has_every_field_of_the_seed():
    first, items = page_texts(documents.registration_form())
    for words in (
        "附件3",
        "台山市义工注册登记表",
        "注册义工号：",
        "*身份证号码",
        "1寸红底彩照2张",
        "*政治面貌",
        "*联系电话",
        "宅：",
        "办公：",
        "手机：",
        "*QQ/MSN",
        "周一周二周三周四周五周六周日节假日",
        "上午",
        "晚上",
        "*是否愿意长期服务",
        "获知本会信息途径",
        "义工介绍",
        "我愿意成为一名光荣的义工。",
        "申请人（签名）：",
        "市义工联审核意见",
        "（加盖公章）",
        "“*”号为必填项目",
    ):
        assert words in first, words
    for words in (
        "义工服务项目",
        "红丝带（防治艾滋病）",
        "法律公证咨询",
        "▲资金",
        "▲物品",
    ):
        assert words in items, words


def _photo():
    buffer = io.BytesIO()
    Image.new("RGB", (250, 350), (200, 30, 30)).save(buffer, "JPEG")
    return buffer.getvalue()


@pytest.mark.django_db
def test_registration_form_of_a_volunteer(nodes, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    from django.core.files.base import ContentFile

    number = id_number(birth=date(1977, 6, 15))
    volunteer = make_volunteer(
        "欧阳晓明",
        node=nodes["A1"],
        id_number=number,
        birth_date=date(1977, 6, 15),
        gender="M",
        mobile="13912345678",
        availability={"mon": ["am"], "holiday": ["eve"]},
        long_term=True,
        info_source="internet",
        hobbies="书法",
        applied_on=date(2012, 12, 1),
    )
    volunteer.photo.save("photo.jpg", ContentFile(_photo()))
    volunteer.service_items.set(ServiceItem.objects.filter(name="义诊"))
    editor = granted("editor", "info_manager", nodes["A"])
    viewer = granted("viewer", "viewer", nodes["A"])

    as_viewer = "".join(page_texts(documents.registration_form(volunteer, user=viewer)))
    assert "欧阳晓明" in as_viewer and volunteer.volunteer_number in as_viewer
    assert "**************" + number[-4:] in as_viewer and number not in as_viewer
    assert "139****5678" in as_viewer and "1977-06" in as_viewer
    assert "1977-06-15" not in as_viewer
    assert "2012年12月1日" in as_viewer and "书法" in as_viewer

    data = documents.registration_form(volunteer, user=editor, id_number=number)
    as_editor = "".join(page_texts(data))
    assert number in as_editor and "13912345678" in as_editor
    assert "1977-06-15" in as_editor
    # One photo (WeasyPrint shares the page resources), at its own resolution.
    images = {image.name: image for image in reader(data).pages[0].images}
    assert [image.image.size for image in images.values()] == [(250, 350)]


@pytest.mark.django_db
def test_blank_quarterly_report_has_the_seed_wording():
    (text,) = page_texts(documents.quarterly_report())
    for words in (
        "附件4",
        "党员义工工作进展情况季报表",
        "党员义工组织名称",
        "下辖党员义工组织",
        "管辖党员总数",
        "注册党员义工总数",
        "入党积极分子注册义工",
        "负责人",
        "联系人",
        "年第季度",
        "参加人数",
        "累计时数",
        "1、2、3、",
        "（活动方案及开展情况请后附详表）",
        "填报单位（盖章）：",
        "（加盖公章）",
    ):
        assert words in text, words


@pytest.mark.django_db
def test_quarterly_report_from_figures_passed_in():
    (text,) = page_texts(
        documents.quarterly_report(
            {
                "org_name": "台山市人民医院党员义工服务队",
                "sub_org_count": 2,
                "party_member_count": 58,
                "registered_party_volunteers": 41,
                "activist_volunteers": 3,
                "leader": {"name": "李明", "phone": "13800001111"},
                "year": 2013,
                "quarter": 1,
                "participants": 35,
                "hours": 122.5,
                "projects": ["义诊进社区", "清洁城市"],
            }
        )
    )
    for words in (
        "台山市人民医院党员义工服务队",
        "2个",
        "58人",
        "41人",
        "3人",
        "李明13800001111",
        "2013年第1季度",
        "35人",
        "122.5小时",
        "1、义诊进社区",
        "2、清洁城市",
    ):
        assert words in text, words


@pytest.mark.parametrize(
    ("figures", "message"),
    [
        ({"hours": -1}, "累计时数不能是负数"),
        ({"participants": "很多"}, "参加人数应是数字"),
        ({"quarter": 5}, "季度只能是 1–4"),
        ({"projects_done": 1}, "季报表没有这些栏目"),
    ],
)
def test_quarterly_report_refuses_bad_figures(figures, message):
    with pytest.raises(ValueError, match=message):
        documents.quarterly_report(figures)
