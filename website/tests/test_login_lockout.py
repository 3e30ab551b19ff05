"""Admin login throttling (django-axes) and unlocking from the Wagtail admin."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from wagtail.models import ModelLogEntry

LOCKED = "登录失败次数过多，账号已暂时锁定，请30分钟后再试或联系管理员解锁"
WRONG = "用户名或密码不正确，请重新输入（注意区分大小写）"
LIMIT = 10

pytestmark = pytest.mark.django_db


@pytest.fixture
def users(db):
    User = get_user_model()
    return {
        "alice": User.objects.create_user("alice", password="right-pass-1"),
        "bob": User.objects.create_user("bob", password="right-pass-2"),
        "root": User.objects.create_superuser("root", password="root-pass-3"),
        "editor": User.objects.create_user(
            "editor", password="editor-pass-4", is_staff=True
        ),
    }


def post_login(client, username, password, ip="10.1.2.3"):
    return client.post(
        reverse("wagtailadmin_login"),
        {"username": username, "password": password},
        REMOTE_ADDR=ip,
    )


def fail(client, username, times, ip="10.1.2.3"):
    for _ in range(times):
        response = post_login(client, username, "wrong", ip=ip)
    return response


def test_a_wrong_password_says_so_in_one_chinese_sentence(users):
    response = post_login(Client(), "alice", "wrong")
    text = response.content.decode()
    assert response.status_code == 200
    assert WRONG in text
    assert "用户 用户名 密码不匹配" not in text


def test_ten_failures_lock_the_account_even_with_the_right_password(users):
    client = Client()
    fail(client, "alice", LIMIT - 1)
    assert post_login(client, "alice", "right-pass-1").status_code == 302
    Client().post(reverse("wagtailadmin_logout"))

    client = Client()
    response = fail(client, "alice", LIMIT)
    assert LOCKED in response.content.decode()

    # A different address does not help: the account itself is locked.
    response = post_login(Client(), "alice", "right-pass-1", ip="10.9.9.9")
    assert response.status_code == 429
    text = response.content.decode()
    assert LOCKED in text
    # Wagtail's login page, not a bare English 403/429 body.
    assert "<form" in text and 'name="username"' in text
    assert "_auth_user_id" not in response.client.session


def test_ten_failures_from_one_address_lock_other_accounts_there(users):
    client = Client()
    for number in range(LIMIT):
        post_login(client, f"nobody{number}", "wrong", ip="10.7.7.7")
    response = post_login(Client(), "bob", "right-pass-2", ip="10.7.7.7")
    assert LOCKED in response.content.decode()
    # From elsewhere bob signs in.
    assert post_login(Client(), "bob", "right-pass-2", ip="10.8.8.8").status_code == 302


def test_force_login_still_works_with_axes_first(users):
    client = Client()
    client.force_login(users["alice"])
    assert client.get(reverse("wagtailadmin_home")).status_code in (200, 302)


def test_lockout_screen_is_for_superusers_only(users):
    url = reverse("login_lockouts")
    client = Client()
    client.force_login(users["editor"])
    response = client.get(url)
    assert response.status_code in (302, 403)
    assert post_login(Client(), "alice", "wrong") is not None
    response = client.post(url, {"kind": "username", "value": "alice"})
    assert response.status_code in (302, 403)


def test_superuser_lists_and_unlocks_an_account_and_it_is_logged(users):
    fail(Client(), "alice", LIMIT, ip="10.1.2.3")
    admin = Client()
    admin.force_login(users["root"])
    url = reverse("login_lockouts")

    response = admin.get(url)
    text = response.content.decode()
    assert response.status_code == 200
    assert "alice" in text and "10.1.2.3" in text
    assert "解锁" in text

    response = admin.post(url, {"kind": "username", "value": "alice"}, follow=True)
    assert response.status_code == 200
    assert "已解除" in response.content.decode()

    assert (
        post_login(Client(), "alice", "right-pass-1", ip="10.9.9.9").status_code == 302
    )

    entry = ModelLogEntry.objects.get(action="yigong.unlock_login")
    assert entry.user == users["root"]
    assert entry.object_id == str(users["alice"].pk)
    assert "alice" in entry.message
    history = admin.get(reverse("wagtailadmin_reports:site_history")).content.decode()
    assert "解除登录锁定" in history


def test_superuser_unlocks_an_address(users):
    client = Client()
    for number in range(LIMIT):
        post_login(client, f"nobody{number}", "wrong", ip="10.7.7.7")
    admin = Client()
    admin.force_login(users["root"])
    url = reverse("login_lockouts")
    assert "10.7.7.7" in admin.get(url).content.decode()
    admin.post(url, {"kind": "ip_address", "value": "10.7.7.7"})
    assert post_login(Client(), "bob", "right-pass-2", ip="10.7.7.7").status_code == 302
    entry = ModelLogEntry.objects.get(action="yigong.unlock_login")
    assert "10.7.7.7" in entry.message
