"""Admin journeys: a desk-sized screen and the demo organisations and users."""

import pytest

from registry.demo import DemoLoader


@pytest.fixture
def browser_context_args():
    # The admin is used at a desk: a laptop screen rather than a phone.
    return {
        "viewport": {"width": 1280, "height": 900},
        "locale": "zh-CN",
        "timezone_id": "Asia/Shanghai",
    }


@pytest.fixture
def demo(site_db):
    DemoLoader().run()
