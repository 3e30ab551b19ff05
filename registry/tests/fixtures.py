"""Fixtures shared by the test suites of every app (registered in conftest.py)."""

import pytest

from .admin_world import build_world
from .factories import make_tree


@pytest.fixture
def nodes(db):
    """The test tree of factories.make_tree()."""
    return make_tree()


@pytest.fixture
def world(db):
    """The admin test world of admin_world.build_world()."""
    return build_world()
