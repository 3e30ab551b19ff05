"""Catalogues in the admin: maintained by federation administrators and superusers only."""

import pytest
from django.urls import reverse

from registry.models import CreationAction, ServiceCategory, TargetGroup

pytestmark = pytest.mark.django_db


def test_federation_admin_adds_and_edits_catalogue_entries(client, world):
    client.force_login(world[3]["federation"])
    response = client.post(reverse("registry_targetgroup:add"), {"name": "新就业群体"})
    assert response.status_code == 302
    group = TargetGroup.objects.get(name="新就业群体")
    category = ServiceCategory.objects.order_by("pk").first()
    edit = client.get(reverse("registry_servicecategory:edit", args=[category.pk]))
    # The items of a category are edited on the category's page.
    assert edit.status_code == 200
    assert "items-TOTAL_FORMS" in edit.content.decode()
    response = client.get(
        reverse(
            "registry_creationaction:edit", args=[CreationAction.objects.first().pk]
        )
    )
    assert "units-TOTAL_FORMS" in response.content.decode()
    history = client.get(reverse("registry_targetgroup:history", args=[group.pk]))
    assert "新就业群体" in history.content.decode()


@pytest.mark.parametrize("username", ["corps", "team", "viewer", "norole"])
def test_other_roles_cannot_change_catalogues(client, world, username):
    client.force_login(world[3][username])
    response = client.post(reverse("registry_targetgroup:add"), {"name": "新就业群体"})
    assert response["Location"] == "/admin/"
    assert not TargetGroup.objects.filter(name="新就业群体").exists()


def test_a_duplicate_name_gets_a_chinese_message(client, world):
    client.force_login(world[3]["super"])
    existing = TargetGroup.objects.order_by("pk").first()
    response = client.post(reverse("registry_targetgroup:add"), {"name": existing.name})
    assert response.status_code == 200
    assert response.context["form"].errors["name"] == [
        "已有同名的拟服务人群，请换一个名称"
    ]
