from pathlib import Path

import pytest

from registry import roles
from registry.services import grant_role
from registry.tests.factories import make_tree, make_user

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def nodes(db):
    return make_tree()


def user_with_role(username, role, node):
    user = make_user(username)
    grant_role(granted_by=None, user_or_group=user, role=role, node=node)
    return user


@pytest.fixture
def info_manager(nodes):
    """信息管理员 of 队A1 (and so of 分队A1a)."""
    return user_with_role("a1-info", roles.INFO_MANAGER, nodes["A1"])


@pytest.fixture
def viewer(nodes):
    """查看 on 队A1: may export, not import."""
    return user_with_role("a1-viewer", roles.VIEWER, nodes["A1"])


@pytest.fixture
def other_team_manager(nodes):
    """信息管理员 of 队B1, a team of another corps."""
    return user_with_role("b1-info", roles.INFO_MANAGER, nodes["B1"])
