"""The admin screens a unit's contact person meets read in Chinese.

As demo-team (信息管理员 of one team, built by registry's load_demo) every
screen is fetched and its visible text, <title> and the title, aria-label,
placeholder and alt attributes are searched for English words.
"""

import re

import pytest
from bs4 import BeautifulSoup, Comment
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from registry import roles, selectors
from registry.demo import DemoLoader

pytestmark = pytest.mark.django_db

# Words that may stay as they are, each because Chinese users write them so
# (compared case-insensitively).
ALLOWED = {
    "msn",  # a field of the plan's 党员义工登记表 (the messenger's name)
    "e-mail",  # the plan's 党员义工登记表 labels the field "E-mail"
    "email",  # a column heading the roster import accepts, as people type it
    "csv",  # the file types the roster upload takes, by their extensions
    "xlsx",
    "excel",  # the spreadsheet program, which has no Chinese name in use
    "utf",  # "UTF-8 或 GBK 编码": the encodings a CSV roster may be in
    "gbk",
}
WORD = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")
# Data, not interface text: registration numbers (团体注册编号 TSD0001, 注册义工号
# TSV…) and user names are removed before the words are counted.
CODE = re.compile(r"\b[A-Z]{2,4}\d{2,}\b")
ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")
DROPPED = ("script", "style", "noscript", "template")


def words_in(text):
    text = CODE.sub(" ", text)
    for username in USERNAMES:
        text = text.replace(username, " ")
    return [
        word
        for word in WORD.findall(text)
        if sum(c.isalpha() for c in word) >= 3 and word.lower() not in ALLOWED
    ]


USERNAMES = []


def english_words(html):
    USERNAMES[:] = sorted(
        get_user_model().objects.values_list("username", flat=True),
        key=len,
        reverse=True,
    )
    soup = BeautifulSoup(html, "html.parser")
    found = []
    title = soup.title.get_text() if soup.title else ""
    found += [("<title>", word) for word in words_in(title)]
    for element in soup.find_all(DROPPED):
        element.decompose()
    for comment in soup.find_all(string=lambda text: isinstance(text, Comment)):
        comment.extract()
    body = soup.body or soup
    # Hidden inputs and the text inside <head> are not read by anyone.
    for element in body.find_all(["input"], type="hidden"):
        element.decompose()
    found += [("text", word) for word in words_in(body.get_text(" "))]
    for element in body.find_all(True):
        for name in ATTRIBUTES:
            value = element.get(name)
            if value:
                found += [(f"{element.name}[{name}]", w) for w in words_in(value)]
    return found


@pytest.fixture
def team_client(db):
    DemoLoader().run()
    client = Client()
    client.force_login(get_user_model().objects.get(username="demo-team"))
    return client


def team_screens():
    user = get_user_model().objects.get(username="demo-team")
    volunteer = (
        selectors.volunteers_for_user(user, roles.VIEW_REGISTRY).order_by("pk").first()
    )
    node = selectors.nodes_for_user(user, roles.VIEW_REGISTRY).order_by("path").first()
    return [
        "/admin/",
        "/admin/account/",
        "/admin/registry/orgnode/",
        f"/admin/registry/orgnode/inspect/{node.pk}/",
        "/admin/registry/volunteer/",
        f"/admin/registry/volunteer/?q={volunteer.name[:1]}",
        f"/admin/registry/volunteer/inspect/{volunteer.pk}/",
        f"/admin/registry/volunteer/edit/{volunteer.pk}/",
        f"/admin/registry/volunteer/history/{volunteer.pk}/",
        "/admin/registry/volunteer/new/",
        "/admin/registry/membership/",
        "/admin/rosters/",
        reverse("rosters:upload", args=[node.pk]),
        "/admin/reports/site-history/",
    ]


def assert_chinese(response, label):
    assert response.status_code == 200, (label, response.status_code)
    words = english_words(response.content.decode())
    assert words == [], f"{label} 有英文：{sorted(set(words))}"


def test_login_page_reads_in_chinese():
    response = Client().get("/admin/login/")
    assert_chinese(response, "/admin/login/")
    soup = BeautifulSoup(response.content, "html.parser")
    assert soup.title.get_text(strip=True) == "登录 - 义工通"
    assert "登录义工通" in soup.get_text()


def test_failed_login_reads_in_chinese(db):
    response = Client().post(
        "/admin/login/", {"username": "nobody", "password": "wrong"}
    )
    assert_chinese(response, "failed login")
    text = response.content.decode()
    assert "用户名或密码不正确" in text


def test_unit_contact_screens_read_in_chinese(team_client):
    problems = {}
    for path in team_screens():
        response = team_client.get(path)
        if response.status_code != 200:
            problems[path] = f"status {response.status_code}"
            continue
        words = english_words(response.content.decode())
        if words:
            problems[path] = sorted(set(words))
        title = BeautifulSoup(response.content, "html.parser").title.get_text()
        assert title.strip().endswith("- 义工通"), (path, title)
    assert problems == {}


def test_a_form_with_errors_reads_in_chinese(team_client):
    response = team_client.post("/admin/registry/volunteer/new/", {})
    assert response.status_code == 200
    words = english_words(response.content.decode())
    assert words == [], sorted(set(words))
