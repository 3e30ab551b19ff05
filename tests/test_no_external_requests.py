"""Nothing the site serves reaches outside it: avatars, help, robots.txt, favicon, sitemap."""

import io
import re

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client

pytestmark = pytest.mark.django_db

OFFSITE = re.compile(r"""(?:src|href|action)=["'](?:https?:)?//""")


@pytest.fixture
def seeded(db):
    call_command("load_seed_content", stdout=io.StringIO())


@pytest.fixture
def admin_client(db):
    user = get_user_model().objects.create_superuser(
        "root", email="root@example.org", password="x"
    )
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "path", ["/admin/", "/admin/account/", "/admin/users/", "/admin/help/"]
)
def test_admin_pages_link_nothing_offsite(admin_client, path):
    html = admin_client.get(path).content.decode()
    assert "gravatar" not in html
    assert "guide.wagtail.org" not in html
    assert OFFSITE.findall(html) == []


def test_help_menu_leads_to_our_chinese_guide(admin_client):
    html = admin_client.get("/admin/").content.decode()
    # The sidebar menu is drawn from JSON; its help entry is ours.
    assert '"/admin/help/"' in html
    response = admin_client.get("/admin/help/")
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    headings = [h.get_text(strip=True) for h in soup.select("main h2, main h3")]
    assert "义工注册管理（后台使用说明）" in headings
    assert any("名册" in h for h in headings)
    assert any("编辑" in h for h in headings)
    # Markdown tables become tables.
    assert soup.select("main table")


def test_help_needs_a_login():
    response = Client().get("/admin/help/")
    assert response.status_code == 302


def test_robots_txt_keeps_crawlers_out_of_the_admin_and_names_the_sitemap(seeded):
    response = Client().get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert "Disallow: /admin/" in text
    assert re.search(r"^Sitemap: http://testserver/sitemap\.xml$", text, re.M)


def test_favicon_is_served_locally_and_linked(seeded, admin_client):
    response = Client().get("/favicon.ico")
    assert response.status_code in (200, 301, 302)
    response = Client().get("/favicon.ico", follow=True)
    assert response.status_code == 200
    body = (
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    assert body[:4] == b"\x00\x00\x01\x00"  # an ICO file
    for client, path in (
        (Client(), "/"),
        (admin_client, "/admin/"),
        (Client(), "/admin/login/"),
    ):
        soup = BeautifulSoup(client.get(path).content, "html.parser")
        icons = [link["href"] for link in soup.select("link[rel~=icon]")]
        assert icons and all(href.startswith("/") for href in icons), path


def test_sitemap_lists_the_public_pages(seeded):
    response = Client().get("/sitemap.xml")
    assert response.status_code == 200
    xml = response.content.decode()
    assert "<urlset" in xml
    assert "/taizu-2012-124/" in xml
    assert xml.count("<loc>") >= 3
