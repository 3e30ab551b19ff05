from pathlib import Path

import pytest

from registry import roles
from registry.tests.factories import granted

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def info_manager(nodes):
    """信息管理员 of 队A1 (and so of 分队A1a)."""
    return granted("a1-info", roles.INFO_MANAGER, nodes["A1"])


@pytest.fixture
def viewer(nodes):
    """查看 on 队A1: may export, not import."""
    return granted("a1-viewer", roles.VIEWER, nodes["A1"])


@pytest.fixture
def other_team_manager(nodes):
    """信息管理员 of 队B1, a team of another corps."""
    return granted("b1-info", roles.INFO_MANAGER, nodes["B1"])
