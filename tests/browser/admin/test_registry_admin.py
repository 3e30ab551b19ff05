"""demo-team in the registry admin: only the team's volunteers, a masked ID, a logged reveal."""

import pytest
from playwright.sync_api import expect

from registry import privacy, roles, selectors
from registry.demo import DEMO_PASSWORD
from registry.models import IDNumberReveal, Volunteer
from tests.browser.conftest import login

pytestmark = pytest.mark.browser


def test_team_contact_sees_only_the_team_and_reveals_one_id_number(
    page, live_server, demo, screenshot
):
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username="demo-team")
    team = set(
        selectors.volunteers_for_user(user, roles.VIEW_REGISTRY).values_list(
            "name", flat=True
        )
    )
    others = set(
        Volunteer.objects.exclude(name__in=team).values_list("name", flat=True)[:20]
    )
    assert team and others

    login(page, live_server, "demo-team", DEMO_PASSWORD)
    page.goto(f"{live_server.url}/admin/registry/volunteer/")
    rows = page.locator("table.listing tbody tr")
    expect(rows.first).to_be_visible()
    screenshot(page, "01-volunteers")
    shown = set(rows.locator("td.title a").all_inner_texts())
    assert shown <= team and len(shown) == min(len(team), 50)
    assert not shown & others

    name = sorted(shown)[0]
    volunteer = Volunteer.objects.get(
        name=name, pk__in=selectors.volunteers_for_user(user, roles.VIEW_REGISTRY)
    )
    rows.locator("td.title a", has_text=name).first.click()
    masked = page.locator("#masked-id-number")
    expect(masked).to_have_text(privacy.masked_id_number(volunteer))
    assert volunteer.id_number not in page.content()
    screenshot(page, "02-volunteer-masked")

    page.fill("#reveal-reason", "核对登记表")
    page.get_by_role("button", name="显示完整号码").click()
    expect(page.locator("#full-id-number")).to_have_text(volunteer.id_number)
    screenshot(page, "03-revealed")
    reveal = IDNumberReveal.objects.get(volunteer=volunteer)
    assert (reveal.user, reveal.reason) == (user, "核对登记表")

    page.get_by_role("link", name="返回").click()
    expect(page.locator("#masked-id-number")).to_have_text(
        privacy.masked_id_number(volunteer)
    )
    assert volunteer.id_number not in page.content()
