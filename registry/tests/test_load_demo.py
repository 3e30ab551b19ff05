import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command

from registry import roles
from registry.demo import CORPS, DEMO_PASSWORD
from registry.models import Membership, OrgNode, Volunteer
from registry.selectors import nodes_for_user, volunteers_for_user

from .factories import role_at

pytestmark = pytest.mark.django_db


def counts():
    return (
        OrgNode.objects.count(),
        Volunteer.objects.count(),
        Membership.objects.count(),
        get_user_model().objects.count(),
    )


def test_load_demo_refuses_without_debug(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="只能在开发环境运行"):
        call_command("load_demo")
    assert counts() == (0, 0, 0, 0)


def test_load_demo_builds_the_plan_and_is_idempotent(settings, capsys):
    settings.DEBUG = True
    call_command("load_demo")
    first = counts()
    call_command("load_demo")
    assert counts() == first
    assert (
        "新建组织 0 个、义工 0 名、成员关系 0 条、授权 0 项" in capsys.readouterr().out
    )

    kinds = dict(OrgNode.objects.values_list("name", "kind"))
    assert kinds["台山市义务工作者联合会"] == OrgNode.Kind.FEDERATION
    assert kinds["机关党员义工服务分会"] == OrgNode.Kind.BRANCH
    for corps, _party_org, _teams in CORPS:
        assert kinds[corps] == OrgNode.Kind.CORPS
    teams = sum(1 for kind in kinds.values() if kind in ("team", "subteam"))
    assert teams >= 30
    assert list(kinds.values()).count(OrgNode.Kind.STATION) == 1
    assert 280 <= Volunteer.objects.count() <= 320
    for volunteer in Volunteer.objects.all():
        volunteer.full_clean()  # valid IDs, consistent party attributes
    assert Volunteer.objects.filter(org_node__isnull=True).count() == 0
    assert Membership.objects.filter(kind="community").exists()
    assert Membership.objects.filter(kind="post", role="captain").count() == 5

    User = get_user_model()
    expected = {
        "demo-federation": (roles.ADMIN, "台山市义务工作者联合会"),
        "demo-corps": (roles.ADMIN, "市教育系统义工服务总队"),
        "demo-team": (roles.INFO_MANAGER, "台山市第一中学党员义工服务队"),
        "demo-viewer": (roles.VIEWER, "台山市人民医院党员义工服务队"),
    }
    for username, (role, node_name) in expected.items():
        user = User.objects.get(username=username)
        assert user.check_password(DEMO_PASSWORD)
        node = OrgNode.objects.get(name=node_name)
        assert role_at(user, node) is role
        top = nodes_for_user(user, roles.VIEW_REGISTRY).order_by("depth").first()
        assert top == node
        assert volunteers_for_user(user, roles.VIEW_REGISTRY).exists()
    corps_nodes = nodes_for_user(
        User.objects.get(username="demo-corps"), roles.VIEW_REGISTRY
    )
    assert corps_nodes.filter(name="台山市第一中学党员义工服务队").exists()
    assert not corps_nodes.filter(name="台山市人民医院党员义工服务队").exists()
