"""Demo data for development: the plan's organisation with invented members.

Every person is invented: names from common characters, ID numbers with valid
GB 11643 check digits on Jiangmen-area region codes, mobiles in 13x/15x/18x.
The generator is deterministic, so loading twice finds what is already there.
"""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction

from . import invented, roles, services
from .choices import AVAILABILITY_DAYS, AVAILABILITY_SLOTS, Education, PoliticalStatus
from .models import Membership, OrgNode, ServiceItem, Volunteer

DEMO_PASSWORD = "demo12345"
FEDERATION = "台山市义务工作者联合会"
BRANCH = "机关党员义工服务分会"
STATION = "台城街道桥湖社区义工服务站"

# (corps, 牵头党组织, [(team, 单位名称, [sub-teams])]) — section 五(一)1 of the plan.
CORPS = [
    (
        "市直机关义工服务总队",
        "中共台山市直属机关工作委员会",
        [
            ("市委组织部党员义工服务队", "中共台山市委组织部", []),
            ("市委宣传部党员义工服务队", "中共台山市委宣传部", []),
            ("市财政局党员义工服务队", "台山市财政局", []),
            ("市民政局党员义工服务队", "台山市民政局", []),
            ("市司法局党员义工服务队", "台山市司法局", []),
            ("市人力资源和社会保障局党员义工服务队", "台山市人力资源和社会保障局", []),
            ("市住房和城乡建设局党员义工服务队", "台山市住房和城乡建设局", []),
            (
                "市城市管理局党员义工服务队",
                "台山市城市管理局",
                ["市容监察大队党员义工服务分队"],
            ),
            ("市环境保护局党员义工服务队", "台山市环境保护局", []),
            ("市文化广电新闻出版局党员义工服务队", "台山市文化广电新闻出版局", []),
        ],
    ),
    (
        "市公安局机关义工服务总队",
        "中共台山市公安局委员会",
        [
            ("市公安局台城派出所党员义工服务队", "台山市公安局台城派出所", []),
            (
                "市公安局交通警察大队党员义工服务队",
                "台山市公安局交通警察大队",
                ["城区中队党员义工服务分队"],
            ),
            ("市公安局治安管理大队党员义工服务队", "台山市公安局治安管理大队", []),
            ("市公安局刑事侦查大队党员义工服务队", "台山市公安局刑事侦查大队", []),
            ("市公安局出入境管理大队党员义工服务队", "台山市公安局出入境管理大队", []),
        ],
    ),
    (
        "市卫生系统义工服务总队",
        "中共台山市卫生局委员会",
        [
            (
                "台山市人民医院党员义工服务队",
                "台山市人民医院",
                ["内科党员义工服务分队", "外科党员义工服务分队"],
            ),
            ("台山市中医院党员义工服务队", "台山市中医院", []),
            ("台山市妇幼保健院党员义工服务队", "台山市妇幼保健院", []),
            ("台山市疾病预防控制中心党员义工服务队", "台山市疾病预防控制中心", []),
            ("台山市台城卫生院党员义工服务队", "台山市台城卫生院", []),
        ],
    ),
    (
        "市教育系统义工服务总队",
        "中共台山市教育局委员会",
        [
            (
                "台山市第一中学党员义工服务队",
                "台山市第一中学",
                ["高一级党员义工服务分队", "高二级党员义工服务分队"],
            ),
            ("台山市华侨中学党员义工服务队", "台山市华侨中学", []),
            ("台山市第二中学党员义工服务队", "台山市第二中学", []),
            ("台山市培英职业技术学校党员义工服务队", "台山市培英职业技术学校", []),
            ("台山市台城第一小学党员义工服务队", "台山市台城第一小学", []),
            ("市教育局机关党员义工服务队", "台山市教育局", []),
        ],
    ),
    (
        "市供销系统义工服务总队",
        "中共台山市供销合作联社委员会",
        [
            ("市供销社机关党员义工服务队", "台山市供销合作联社", []),
            ("台城供销社党员义工服务队", "台山市台城供销合作社", []),
            (
                "台山市农业生产资料有限公司党员义工服务队",
                "台山市农业生产资料有限公司",
                [],
            ),
            ("台山市日用杂品有限公司党员义工服务队", "台山市日用杂品有限公司", []),
        ],
    ),
]

# username -> (role, node name)
DEMO_USERS = {
    "demo-federation": (roles.ADMIN, FEDERATION),
    "demo-corps": (roles.ADMIN, "市教育系统义工服务总队"),
    "demo-team": (roles.INFO_MANAGER, "台山市第一中学党员义工服务队"),
    "demo-viewer": (roles.VIEWER, "台山市人民医院党员义工服务队"),
}

MEMBERS_PER_TEAM = 8
STATION_RESIDENTS = 12
COMMUNITY_REPORTERS = 15

# Dates are fixed so that the same seed gives the same people on any day.
APPLIED_ON = date(2012, 12, 20)
PROBATION_JOINED_ON = date(2025, 6, 1)
LATEST_FULL_MEMBER_JOINED_ON = date(2023, 6, 1)


@dataclass
class DemoPerson:
    name: str
    id_number: str
    political_status: str
    joined_party_on: date | None
    full_member_on: date | None
    education: str
    department: str
    title: str
    mobile: str
    availability: dict
    is_party_activist: bool
    donate_money: bool
    donate_goods: bool
    service_item_indexes: list = field(default_factory=list)


def demo_id_number(rng, birth, male):
    sequence = rng.randrange(0, 500) * 2 + (1 if male else 0)
    return invented.id_number(rng.choice(invented.REGIONS), birth, sequence)


def demo_person(rng):
    male = rng.random() < 0.55
    birth = date(1960, 1, 1) + timedelta(days=rng.randrange(0, 365 * 40))
    political = rng.choices(["01", "02", "03", "13"], weights=[70, 8, 7, 15])[0]
    joined = full = None
    if political == PoliticalStatus.CPC_MEMBER:
        joined = birth + timedelta(
            days=365 * rng.randrange(19, 30) + rng.randrange(365)
        )
        recent = LATEST_FULL_MEMBER_JOINED_ON - timedelta(days=rng.randrange(365 * 4))
        joined = min(joined, recent)  # the young ones joined in recent years
        full = joined + timedelta(days=365)
    elif political == PoliticalStatus.CPC_PROBATIONARY:
        joined = PROBATION_JOINED_ON
    slots = [slot for slot, _label in AVAILABILITY_SLOTS]
    availability = {
        day: sorted(rng.sample(slots, rng.randrange(1, 3)), key=slots.index)
        for day, _label in rng.sample(AVAILABILITY_DAYS, rng.randrange(1, 4))
    }
    return DemoPerson(
        name=invented.name(rng),
        id_number=demo_id_number(rng, birth, male),
        political_status=political,
        joined_party_on=joined,
        full_member_on=full,
        education=rng.choice(list(Education.values)[2:]),
        department=rng.choice(invented.DEPARTMENTS),
        title=rng.choice(invented.TITLES),
        mobile=invented.mobile(rng),
        availability=availability,
        is_party_activist=political in ("03", "13") and rng.random() < 0.3,
        donate_money=rng.random() < 0.5,
        donate_goods=rng.random() < 0.6,
        service_item_indexes=rng.sample(range(60), rng.randrange(1, 4)),
    )


class DemoLoader:
    def __init__(self, seed=2012, stdout=None):
        self.rng = random.Random(seed)
        self.write = stdout.write if stdout else (lambda _message: None)
        self.created = {"nodes": 0, "volunteers": 0, "memberships": 0, "grants": 0}

    @transaction.atomic
    def run(self):
        teams, station = self.load_tree()
        self.load_volunteers(teams, station)
        self.load_users()
        return self.created

    # Tree

    def node(self, name, kind, parent, **fields):
        siblings = parent.get_children() if parent else OrgNode.get_root_nodes()
        existing = siblings.filter(name=name).first()
        if existing:
            return existing
        self.created["nodes"] += 1
        node = OrgNode(
            name=name,
            kind=kind,
            status=OrgNode.Status.ESTABLISHED,
            established_on=APPLIED_ON,
            **fields,
        )
        return services.org_node_create(node=node, parent=parent, by_user=None)

    def load_tree(self):
        kinds = OrgNode.Kind
        federation = self.node(
            FEDERATION,
            kinds.FEDERATION,
            None,
            unit_name="台山市义务工作者联合会",
            address="台山市台城中山路市府大院团市委办公室",
            phone="(0750)5511941",
            email="tstw2001@163.com",
            website="http://www.tsva.org/",
            parent_party_org="共青团台山市委员会",
        )
        branch = self.node(
            BRANCH,
            kinds.BRANCH,
            federation,
            parent_party_org="中共台山市委组织部",
            unit_name="中共台山市委组织部",
        )
        teams = []
        for corps_name, party_org, corps_teams in CORPS:
            corps = self.node(
                corps_name, kinds.CORPS, branch, parent_party_org=party_org
            )
            for team_name, unit, subteams in corps_teams:
                team = self.node(
                    team_name,
                    kinds.TEAM,
                    corps,
                    unit_name=unit,
                    parent_party_org=party_org,
                    party_member_count=self.rng.randrange(12, 80),
                )
                teams.append((corps, team, unit))
                for subteam_name in subteams:
                    subteam = self.node(
                        subteam_name,
                        kinds.SUBTEAM,
                        team,
                        unit_name=unit,
                        parent_party_org=f"{unit}党组织",
                    )
                    teams.append((corps, subteam, unit))
        station = self.node(
            STATION,
            kinds.STATION,
            federation,
            parent_party_org="中共台山市台城街道桥湖社区委员会",
            unit_name="台山市台城街道桥湖社区居民委员会",
        )
        return teams, station

    # Volunteers and memberships

    def load_volunteers(self, teams, station):
        items = list(ServiceItem.objects.order_by("category__sort_order", "sort_order"))
        existing = set(
            Volunteer.objects.filter(id_number__isnull=False).values_list(
                "id_number", flat=True
            )
        )
        roles_in_order = [
            Membership.Role.CAPTAIN,
            Membership.Role.CONTACT,
            Membership.Role.INFO_MANAGER,
        ]
        homes = [
            (team, unit, position)
            for _corps, team, unit in teams
            for position in range(MEMBERS_PER_TEAM)
        ]
        homes += [(station, "", position) for position in range(STATION_RESIDENTS)]
        placed = []
        for node, employer, position in homes:
            person = demo_person(self.rng)
            if position < len(roles_in_order):
                role = roles_in_order[position]
                if (
                    node.kind == OrgNode.Kind.STATION
                    and role == Membership.Role.CAPTAIN
                ):
                    role = Membership.Role.HEAD
            else:
                role = Membership.Role.MEMBER
            if person.id_number in existing:
                continue
            existing.add(person.id_number)
            volunteer = Volunteer(
                name=person.name,
                id_number=person.id_number,
                status=Volunteer.Status.REGISTERED,
                applied_on=APPLIED_ON,
                ethnicity="01",
                political_status=person.political_status,
                joined_party_on=person.joined_party_on,
                full_member_on=person.full_member_on,
                is_party_activist=person.is_party_activist,
                education=person.education,
                employer=employer,
                job_title=person.title if employer else "",
                occupation="" if employer else "退休",
                mobile=person.mobile,
                availability=person.availability,
                long_term=True,
                info_source="publicity",
                donate_money=person.donate_money,
                donate_goods=person.donate_goods,
            )
            services.volunteer_create(
                volunteer=volunteer,
                node=node,
                by_user=None,
                role=role,
                department_title=person.department + person.title if employer else "",
                start_date=APPLIED_ON,
            )
            volunteer.service_items.set(
                [items[i % len(items)] for i in person.service_item_indexes]
            )
            self.created["volunteers"] += 1
            self.created["memberships"] += 1
            placed.append(volunteer)
        self.load_side_memberships(placed, teams, station)

    def load_side_memberships(self, placed, teams, station):
        """在职党员到社区报到, and the corps captains' posts."""
        for volunteer in placed[:: max(1, len(placed) // COMMUNITY_REPORTERS)][
            :COMMUNITY_REPORTERS
        ]:
            if volunteer.org_node_id == station.pk:
                continue
            services.membership_open(
                volunteer=volunteer,
                node=station,
                kind=Membership.Kind.COMMUNITY,
                by_user=None,
                on=APPLIED_ON,
            )
            self.created["memberships"] += 1
        seen = set()
        for corps, team, _unit in teams:
            if corps.pk in seen:
                continue
            seen.add(corps.pk)
            captain = (
                Membership.objects.filter(
                    node=team, role=Membership.Role.CAPTAIN, end_date__isnull=True
                )
                .select_related("volunteer")
                .first()
            )
            if (
                captain is None
                or Membership.objects.filter(
                    node=corps, volunteer=captain.volunteer, end_date__isnull=True
                ).exists()
            ):
                continue
            services.membership_open(
                volunteer=captain.volunteer,
                node=corps,
                kind=Membership.Kind.POST,
                role=Membership.Role.CAPTAIN,
                department_title="总队队长",
                by_user=None,
                on=APPLIED_ON,
            )
            self.created["memberships"] += 1

    # Users

    def load_users(self):
        User = get_user_model()
        for username, (role, node_name) in DEMO_USERS.items():
            user, created = User.objects.get_or_create(username=username)
            if created:
                user.set_password(DEMO_PASSWORD)
                user.save()
            node = OrgNode.objects.get(name=node_name)
            if services.grant_role(
                granted_by=None, user_or_group=user, role=role, node=node
            ):
                self.created["grants"] += 1
            self.write(f"  {username} / {DEMO_PASSWORD}：{node.name} {role.label}\n")
