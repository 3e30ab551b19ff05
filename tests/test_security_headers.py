"""Headers every response carries: the Content-Security-Policy."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded(db):
    call_command("load_seed_content", stdout=io.StringIO())


def directives(response):
    header = response.headers["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (
            part.split() for part in header.split(";") if part.strip()
        )
    }


@pytest.mark.parametrize(
    "path", ["/", "/search/?q=义工", "/no-such-page/", "/admin/login/", "/healthz"]
)
def test_every_response_carries_the_policy(seeded, path):
    response = Client().get(path)
    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'self'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["base-uri"] == ["'self'"]
    script = policy["script-src"]
    assert "'self'" in script and "'unsafe-inline'" not in script
    assert not any(
        source.startswith(("http", "*"))
        for values in policy.values()
        for source in values
    )


def test_admin_pages_carry_the_policy_with_a_nonce_for_wagtails_initialisers(seeded):
    client = Client()
    client.force_login(get_user_model().objects.create_superuser("root", password="x"))
    from website.models import NoticePage

    notice = NoticePage.objects.first()
    response = client.get(f"/admin/pages/{notice.pk}/edit/")
    script = directives(response)["script-src"]
    nonces = [source for source in script if source.startswith("'nonce-")]
    assert len(nonces) == 1
    nonce = nonces[0].removeprefix("'nonce-").removesuffix("'")
    html = response.content.decode()
    assert f'<script nonce="{nonce}">initDateChooser' in html
    assert f'<script nonce="{nonce}">new PageChooser' in html
    assert "<script>" not in html
