from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from registry.choices import PoliticalStatus
from registry.models import (
    CreationAction,
    ExpectedServiceArea,
    Membership,
    OrgNode,
    ServiceCategory,
    ServiceItem,
    TargetGroup,
    Volunteer,
)

from .factories import id_number, make_tree, make_volunteer, violates

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def errors_of(instance):
    with pytest.raises(ValidationError) as info:
        instance.full_clean()
    return info.value.message_dict


# --- Memberships -----------------------------------------------------------------


def test_database_refuses_two_open_primary_memberships():
    nodes = make_tree()
    volunteer = make_volunteer(node=nodes["A1"])
    refused = violates(
        "registry_membership_one_open_primary", "registry_membership.volunteer_id"
    )
    with pytest.raises(IntegrityError, match=refused), transaction.atomic():
        Membership.objects.create(volunteer=volunteer, node=nodes["B1"])


def test_closed_primary_memberships_do_not_count():
    nodes = make_tree()
    volunteer = make_volunteer(node=nodes["A1"])
    Membership.objects.filter(volunteer=volunteer).update(end_date=TODAY)
    Membership.objects.create(volunteer=volunteer, node=nodes["B1"])
    assert volunteer.memberships.count() == 2


def test_database_refuses_two_open_community_memberships():
    nodes = make_tree()
    other_station = nodes["fed"].add_child(name="服务站T", kind=OrgNode.Kind.STATION)
    volunteer = make_volunteer(node=nodes["A1"])
    Membership.objects.create(volunteer=volunteer, node=nodes["S"], kind="community")
    refused = violates(
        "registry_membership_one_open_community", "registry_membership.volunteer_id"
    )
    with pytest.raises(IntegrityError, match=refused), transaction.atomic():
        Membership.objects.create(
            volunteer=volunteer, node=other_station, kind="community"
        )


def test_database_refuses_end_before_start():
    nodes = make_tree()
    volunteer = make_volunteer()
    refused = violates("registry_membership_end_after_start")
    with pytest.raises(IntegrityError, match=refused), transaction.atomic():
        Membership.objects.create(
            volunteer=volunteer,
            node=nodes["A1"],
            start_date=date(2020, 5, 1),
            end_date=date(2020, 4, 30),
        )


def test_community_membership_only_at_a_station():
    nodes = make_tree()
    volunteer = make_volunteer()
    membership = Membership(volunteer=volunteer, node=nodes["A1"], kind="community")
    assert errors_of(membership) == {
        "node": ["社区报到只能在社区义工服务站办理，“队A1”不是服务站"]
    }
    Membership(volunteer=volunteer, node=nodes["S"], kind="community").full_clean()


def test_post_needs_a_role_other_than_member():
    nodes = make_tree()
    volunteer = make_volunteer()
    refused = violates("registry_membership_post_has_role")
    with pytest.raises(IntegrityError, match=refused), transaction.atomic():
        Membership.objects.create(
            volunteer=volunteer, node=nodes["A"], kind="post", role="member"
        )
    Membership.objects.create(
        volunteer=volunteer, node=nodes["A"], kind="post", role="captain"
    )


# --- Volunteers: ID number ------------------------------------------------------------


def test_id_number_derives_birth_date_and_gender():
    number = id_number(date(1977, 6, 3), male=False)
    volunteer = Volunteer(name="李四", id_number=number.lower(), status="registered")
    volunteer.full_clean()
    assert volunteer.birth_date == date(1977, 6, 3)
    assert volunteer.gender == "F"
    assert volunteer.id_number == number


def test_fifteen_digit_number_is_upgraded():
    volunteer = Volunteer(name="王五", id_number="440781770603123")
    volunteer.full_clean()
    assert len(volunteer.id_number) == 18
    assert volunteer.id_number.startswith("44078119770603123")


def test_id_number_must_agree_with_declared_birth_month_and_gender():
    number = id_number(date(1977, 6, 3), male=True)
    volunteer = Volunteer(
        name="王五", id_number=number, birth_date=date(1978, 6, 1), gender="F"
    )
    message = errors_of(volunteer)["id_number"][0]
    assert "出生日期" in message and "性别" in message


def test_registered_volunteer_needs_an_id_number():
    volunteer = Volunteer(name="王五", status="registered")
    assert errors_of(volunteer)["id_number"] == [
        "已注册的义工必须填写身份证号码；暂缺时请将状态设为“待补全”"
    ]
    Volunteer(name="王五", status="incomplete").full_clean()


def test_duplicate_id_number_refused_but_missing_ones_coexist():
    number = id_number()
    make_volunteer(id_number=number)
    duplicate = Volunteer(name="李四", id_number=number)
    assert errors_of(duplicate) == {"__all__": ["该身份证号码已登记，请勿重复登记"]}
    refused = violates(
        "registry_volunteer_unique_id_number", "registry_volunteer.id_number"
    )
    with pytest.raises(IntegrityError, match=refused), transaction.atomic():
        duplicate.save()
    make_volunteer(name="甲")
    make_volunteer(name="乙", id_number="")
    assert Volunteer.objects.filter(id_number__isnull=True).count() == 2


def test_str_holds_no_personal_data():
    number = id_number()
    volunteer = make_volunteer(name="张三", id_number=number, mobile="13812345678")
    assert not hasattr(volunteer, "masked_id_number")  # registry.privacy masks
    assert str(volunteer) == "张三"
    assert volunteer.id_number_tail == number[-4:]


# --- Volunteers: party attributes ----------------------------------------------------

BIRTH = date(1980, 5, 17)


@pytest.mark.parametrize(
    "fields, field, message",
    [
        (
            {"political_status": "13", "joined_party_on": date(2005, 3, 1)},
            "joined_party_on",
            "政治面貌为“群众”时不应填写入党时间",
        ),
        (
            {"political_status": "03", "full_member_on": date(2005, 3, 1)},
            "full_member_on",
            "政治面貌为“共青团员”时不应填写转正时间",
        ),
        (
            {
                "political_status": "02",
                "joined_party_on": date(2024, 3, 1),
                "full_member_on": date(2025, 3, 1),
            },
            "full_member_on",
            "中共预备党员尚未转正，不应填写转正时间",
        ),
        (
            {
                "political_status": "01",
                "joined_party_on": date(2010, 3, 1),
                "full_member_on": date(2009, 3, 1),
            },
            "full_member_on",
            "转正时间须晚于入党时间",
        ),
        (
            {"political_status": "01", "full_member_on": date(2009, 3, 1)},
            "full_member_on",
            "填写转正时间时须同时填写入党时间",
        ),
        (
            {"political_status": "01", "joined_party_on": TODAY + timedelta(days=1)},
            "joined_party_on",
            "入党时间不能晚于今天",
        ),
        (
            {"political_status": "01", "joined_party_on": date(1997, 1, 1)},
            "joined_party_on",
            "入党时间早于年满18周岁的日期，请核对入党时间或出生日期",
        ),
        (
            {"political_status": "01", "is_party_activist": True},
            "is_party_activist",
            "中共党员或中共预备党员不应再标记为入党积极分子",
        ),
    ],
)
def test_party_attributes_must_be_consistent(fields, field, message):
    volunteer = Volunteer(name="赵六", birth_date=BIRTH, **fields)
    assert errors_of(volunteer)[field] == [message]


@pytest.mark.parametrize(
    "fields",
    [
        {
            "political_status": "01",
            "joined_party_on": date(2005, 3, 1),
            "full_member_on": date(2006, 3, 1),
        },
        {"political_status": "02", "joined_party_on": TODAY - timedelta(days=100)},
        {"political_status": "01"},
        {"political_status": "13", "is_party_activist": True},
        {"political_status": "03", "is_party_activist": True},
    ],
)
def test_consistent_party_attributes_pass(fields):
    Volunteer(name="赵六", birth_date=BIRTH, **fields).full_clean()


def test_database_refuses_party_dates_for_non_members():
    volunteer = Volunteer(
        name="赵六", political_status="13", joined_party_on=date(2005, 3, 1)
    )
    refused = violates("registry_volunteer_party_dates_only_for_members")
    with pytest.raises(IntegrityError, match=refused), transaction.atomic():
        volunteer.save()


def test_political_status_codes_follow_gb_t_4762():
    assert PoliticalStatus("01").label == "中共党员"
    assert PoliticalStatus("02").label == "中共预备党员"
    assert PoliticalStatus("12").label == "无党派人士"
    assert PoliticalStatus("13").label == "群众"
    assert len(PoliticalStatus.choices) == 13


# --- Volunteers: other fields ------------------------------------------------------------


def test_availability_is_validated_and_normalised():
    volunteer = Volunteer(name="赵六", availability={"sat": ["eve", "am"], "sun": []})
    volunteer.full_clean()
    assert volunteer.availability == {"sat": ["am", "eve"]}
    bad = Volunteer(name="赵六", availability={"mon": ["night"]})
    assert errors_of(bad)["availability"] == [
        "可提供服务时间中周一的时段“night”无效，应为上午、下午或晚上"
    ]
    bad = Volunteer(name="赵六", availability={"someday": ["am"]})
    assert "不是有效的日期" in errors_of(bad)["availability"][0]


def test_mobile_is_normalised_and_checked():
    volunteer = Volunteer(name="赵六", mobile="138-1234 5678")
    volunteer.full_clean()
    assert volunteer.mobile == "13812345678"
    assert errors_of(Volunteer(name="赵六", mobile="1234"))["mobile"] == [
        "手机号码“1234”不正确：应为以1开头的11位数字"
    ]


def test_pinyin_is_maintained_on_save():
    volunteer = make_volunteer(name=" 张三 ")
    assert (volunteer.name, volunteer.pinyin, volunteer.pinyin_initials) == (
        "张三",
        "zhang san",
        "zs",
    )
    volunteer.name = "曾区"
    volunteer.save(update_fields=["name"])
    volunteer.refresh_from_db()
    assert (volunteer.pinyin, volunteer.pinyin_initials) == ("zeng qu", "zq")


def test_listing_order_is_pinyin():
    for name in ["赵六", "李四", "林一", "张三", "阿三"]:
        make_volunteer(name=name)
    assert list(Volunteer.objects.values_list("name", flat=True)) == [
        "阿三",
        "李四",
        "林一",
        "张三",
        "赵六",
    ]


def test_volunteer_numbers_are_sequential_and_never_reused():
    year = timezone.localdate().year
    first = make_volunteer(name="甲")
    second = make_volunteer(name="乙")
    assert first.volunteer_number.startswith(f"TSV{year}")
    assert int(second.volunteer_number[-6:]) == int(first.volunteer_number[-6:]) + 1
    second.delete()
    third = make_volunteer(name="丙")
    assert int(third.volunteer_number[-6:]) == int(first.volunteer_number[-6:]) + 2
    assert Volunteer.next_volunteer_numbers(2, year=2013) == [
        "TSV2013000001",
        "TSV2013000002",
    ]


# --- Org nodes ------------------------------------------------------------------------------


def test_codes_are_generated_per_kind_and_never_reused():
    nodes = make_tree()
    assert nodes["fed"].code == "TSL0001"
    assert nodes["A"].code == "TSZ0001" and nodes["B"].code == "TSZ0002"
    assert nodes["A1"].code == "TSD0001"
    nodes["B1"].delete()
    again = nodes["B"].add_child(name="队B2", kind=OrgNode.Kind.TEAM)
    assert again.code == "TSD0004"
    assert OrgNode.objects.values("code").distinct().count() == OrgNode.objects.count()


@pytest.mark.parametrize(
    "kind, parent_kind, message",
    [
        (
            "corps",
            "corps",
            "“义工服务总队”不能设在“义工服务总队”之下，只能设在义工联合会、义工分会之下",
        ),
        ("team", None, "“（党员）义工服务队”不能作为顶层组织：顶层只能是义工联合会"),
        (
            "station",
            "team",
            "“社区义工服务站”不能设在“（党员）义工服务队”之下，只能设在义工联合会、义工分会之下",
        ),
        (
            "subteam",
            "federation",
            "“党员义工服务分队”不能设在“义工联合会”之下，只能设在义工服务总队、（党员）义工服务队之下",
        ),
    ],
)
def test_kind_placement_rules(kind, parent_kind, message):
    with pytest.raises(ValidationError) as info:
        OrgNode.check_placement(kind, parent_kind)
    assert info.value.message_dict == {"kind": [message]}


def test_changing_kind_must_keep_children_valid():
    nodes = make_tree()
    corps = OrgNode.objects.get(pk=nodes["A"].pk)
    corps.kind = OrgNode.Kind.SUBTEAM
    assert errors_of(corps)["kind"] == [
        "“党员义工服务分队”不能设在“义工分会”之下，只能设在义工服务总队、（党员）义工服务队之下"
    ]
    team = OrgNode.objects.get(pk=nodes["A1"].pk)
    team.kind = OrgNode.Kind.STATION
    message = errors_of(team)["kind"][0]
    assert "不能设在“义工服务总队”之下" in message


def test_sibling_names_are_unique():
    nodes = make_tree()
    node = OrgNode.objects.get(pk=nodes["A2"].pk)
    node.name = "队A1"
    assert errors_of(node)["name"] == ["“总队A”下已有名为“队A1”的组织"]


# --- Catalogues -------------------------------------------------------------------------------


def test_catalogues_are_seeded_from_the_plan():
    assert list(ServiceCategory.objects.values_list("name", flat=True)) == [
        "驻会义工",
        "医疗卫生服务",
        "社区服务",
        "爱心扶助",
        "环保绿化服务",
        "科技服务",
        "文化艺术服务",
        "政策法规宣讲",
        "信息化服务",
        "交通运输服务",
        "抢险救灾及突发事件应急",
        "大型活动服务",
        "12355热线服务",
        "法律援助",
    ]
    issuer = ServiceItem.objects.get(category__name="驻会义工", name="出证义工")
    assert (
        issuer.description
        == "协助新进义工注册服务证的发放，要求字体工整秀丽，有书法经验者更佳"
    )
    for category in ServiceCategory.objects.exclude(name="驻会义工"):
        assert category.items.last().name == "其它"
    assert list(
        ServiceItem.objects.filter(category__name="医疗卫生服务").values_list(
            "name", flat=True
        )
    ) == ["义诊", "医疗保健", "卫生宣传", "红丝带（防治艾滋病）", "无偿献血", "其它"]
    assert TargetGroup.objects.count() == 12
    assert ExpectedServiceArea.objects.filter(name="大型活动会务服务").exists()
    actions = CreationAction.objects.all()
    assert [a.name for a in actions] == [
        "文明理念宣传员",
        "宜居环境督导员",
        "代表接访工作志愿服务员",
        "未成年成长辅导员",
        "党内关怀的爱心传播员",
    ]
    assert actions[0].lead_unit == "市委宣传部"
    assert list(actions[4].units.values_list("name", flat=True)) == [
        "团市委",
        "其他有关市直部门单位",
        "各镇（街、场）",
    ]
