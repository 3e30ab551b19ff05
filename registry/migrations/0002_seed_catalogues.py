"""Seed the catalogues with the wording of the 2012 plan (台组〔2012〕124号).

义工服务项目: the page after 附件3; 拟服务人群 and 期望参与的服务项目: 附件2;
五员创建行动: section 四 of the plan. Editors maintain them afterwards.
"""

from django.db import migrations

SERVICE_CATEGORIES = [
    (
        "驻会义工",
        "",
        [
            (
                "出证义工",
                "协助新进义工注册服务证的发放，要求字体工整秀丽，有书法经验者更佳",
            ),
            (
                "驻会义工",
                "主要负责义工联日常事务管理，例如义工资料整理、信息录入、日常业务联系、"
                "活动协调等，需每次服务1-2个小时或以上，每周至少一次。",
            ),
        ],
    ),
    (
        "医疗卫生服务",
        "",
        ["义诊", "医疗保健", "卫生宣传", "红丝带（防治艾滋病）", "无偿献血", "其它"],
    ),
    (
        "社区服务",
        "",
        [
            "结对帮扶",
            "维稳帮教",
            "社区助理",
            "青少年成长服务",
            "家电、水电维修",
            "义务家教",
            "美容美发",
            "文明劝导",
            "治安巡逻",
            "社会调查",
            "其它",
        ],
    ),
    (
        "爱心扶助",
        "",
        ["扶困助学", "敬老助残", "爱孤护幼", "送温暖", "上门慰问", "探访谈心", "其它"],
    ),
    (
        "环保绿化服务",
        "",
        ["植绿护绿", "保护母亲河", "环保宣传", "清洁城市", "临时性环保活动", "其它"],
    ),
    ("科技服务", "", ["农技下乡", "技能培训", "科技咨询", "科普宣传", "其它"]),
    (
        "文化艺术服务",
        "",
        ["送戏（电影）下乡", "文艺义演", "艺术讲座", "支教", "义赠书画", "其它"],
    ),
    ("政策法规宣讲", "", ["时政宣教", "党规宣教", "法制宣教", "宣讲团", "其它"]),
    ("信息化服务", "", ["建设网站", "网络维护", "短信收发", "其它"]),
    ("交通运输服务", "", ["提供驾驶服务", "提供车辆", "交通疏导", "其它"]),
    (
        "抢险救灾及突发事件应急",
        "",
        ["水灾", "震灾", "消防", "拯救", "应急分队", "其它"],
    ),
    (
        "大型活动服务",
        "如：侨乡旅游节、各类展搏会、大型赛事等",
        ["技能服务（如翻译、裁判等）", "会务协助", "维护秩序", "礼仪", "其它"],
    ),
    ("12355热线服务", "", ["心理咨询", "法律维权", "信箱服务", "其它"]),
    ("法律援助", "", ["诉讼辩护", "弱势人群法律援助", "法律公证咨询", "其它"]),
]

TARGET_GROUPS = [
    "儿童",
    "青少年",
    "成人",
    "家庭",
    "长者",
    "精神病患及康复者",
    "弱能/肢体伤残人士",
    "智障人士",
    "社区矫治人员",
    "戒毒人员",
    "市民大众",
    "其他",
]

EXPECTED_SERVICE_AREAS = [
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
    "大型活动会务服务",
    "12355热线服务",
    "法律援助",
    "爱心捐助",
    "其他",
]

TOWNS = "各镇（街、场）"
CREATION_ACTIONS = [
    (
        "文明理念宣传员",
        "开展“文明理念宣传员”行动",
        "以社会主义核心价值体建设为根本，深入开展“爱国、守法、明礼、诚信”公民思想道德教育"
        "和社会主义荣辱观教育，大力开展弘扬“雷锋精神”和“台山人精神”教育活动，积极推进文化"
        "关爱进基层志愿服务活动，加快建设城市“十分钟文化圈”和农村“十里文化圈”，组织党员义工"
        "广泛参与“欢乐广场”、送电影下乡、送戏下乡、全民阅读、“我们的节日”、“爱国歌曲大家唱”、"
        "“文化科技卫生三下乡”等群众喜闻乐见的文化活动。",
        "市委宣传部",
        ["市委老干局", "市文广新局", "市教育局", "团市委", "市义工联", "其他有关市直单位", TOWNS],
    ),
    (
        "宜居环境督导员",
        "开展“宜居环境督导员”行动",
        "大力开展普及生态文明理念志愿服务、普及环保知识，组织义工积极参与保护生态环境、植树护林、"
        "清理城市垃圾、维护交通秩序等义工服务活动，共同建设宜居环境，提升市民爱绿护绿、美化家园的"
        "意识。",
        "市城管局",
        [
            "市国土局",
            "市环保局",
            "市住建局",
            "市交通局",
            "市规划局",
            "市水务局",
            "市卫生局",
            "市林业局",
            "市海洋与渔业局",
            "市旅游局",
            "团市委",
            "市义工联",
            "其他有关市直单位",
            TOWNS,
        ],
    ),
    (
        "代表接访工作志愿服务员",
        "开展“代表接访工作志愿服务员”系列行动",
        "充分发挥党员在治安维护、帮教调解等社会管理方面优势，定期组织党员义工到市综合党代表工作室"
        "协助开展法制宣传、综治维稳、和谐创建等义工服务，主动帮助困难群众解决生产生活中的困难和问题，"
        "化解矛盾纠纷，密切党群关系，维护社会和谐稳定。",
        "市委组织部",
        ["团市委", "市义工联", "其他有关市直单位", TOWNS],
    ),
    (
        "未成年成长辅导员",
        "开展“未成年成长辅导员”行动",
        "以“大手牵小手、爱心助成长”为主题，广泛动员党员义工，以城市单亲家庭未成年人、农村留守儿童、"
        "边缘青少年为重点，提供扶困助学、心理咨询、保健知识、权益维护、安全自护、家庭教育、社会实践等"
        "义工服务活动。",
        "市关工委",
        [
            "市总工会",
            "市妇联",
            "市工商联",
            "市教育局",
            "市民政局",
            "市司法局",
            "团市委",
            "其他市直有关单位",
            TOWNS,
        ],
    ),
    (
        "党内关怀的爱心传播员",
        "开展“党内关怀的爱心传播员”行动",
        "以在全社会树立“好人有好报”为价值导向，以台山市党内关爱会为平台，通过组织党员义工开展上门"
        "慰问、家政服务、生活救助、健康保健等服务，帮助生活困难的“道德模范、优秀党员、身边好人”解决"
        "实际困难，努力在全社会形成“党员面前无困难、苦难面前找党员”的良好氛围。积极组织“道德模范”、"
        "“优秀党员”、“身边好人”参与义工服务活动，发挥道德模范和身边好人的榜样示范作用，不断增强人民"
        "群众的道德意识。",
        "市委组织部",
        ["团市委", "其他有关市直部门单位", TOWNS],
    ),
]


def seed(apps, schema_editor):
    ServiceCategory = apps.get_model("registry", "ServiceCategory")
    ServiceItem = apps.get_model("registry", "ServiceItem")
    TargetGroup = apps.get_model("registry", "TargetGroup")
    ExpectedServiceArea = apps.get_model("registry", "ExpectedServiceArea")
    CreationAction = apps.get_model("registry", "CreationAction")
    CreationActionUnit = apps.get_model("registry", "CreationActionUnit")

    for order, (name, description, items) in enumerate(SERVICE_CATEGORIES, start=1):
        category, _ = ServiceCategory.objects.get_or_create(
            name=name, defaults={"description": description, "sort_order": order}
        )
        for item_order, item in enumerate(items, start=1):
            item_name, item_description = item if isinstance(item, tuple) else (item, "")
            ServiceItem.objects.get_or_create(
                category=category,
                name=item_name,
                defaults={"description": item_description, "sort_order": item_order},
            )
    for order, name in enumerate(TARGET_GROUPS, start=1):
        TargetGroup.objects.get_or_create(name=name, defaults={"sort_order": order})
    for order, name in enumerate(EXPECTED_SERVICE_AREAS, start=1):
        ExpectedServiceArea.objects.get_or_create(name=name, defaults={"sort_order": order})
    for order, (name, title, description, lead, units) in enumerate(
        CREATION_ACTIONS, start=1
    ):
        action, created = CreationAction.objects.get_or_create(
            name=name,
            defaults={
                "title": title,
                "description": description,
                "lead_unit": lead,
                "sort_order": order,
            },
        )
        if created:
            CreationActionUnit.objects.bulk_create(
                CreationActionUnit(action=action, name=unit, sort_order=unit_order)
                for unit_order, unit in enumerate(units, start=1)
            )


def unseed(apps, schema_editor):
    for model in ("ServiceCategory", "TargetGroup", "ExpectedServiceArea", "CreationAction"):
        apps.get_model("registry", model).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("registry", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
