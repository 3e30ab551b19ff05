"""Chinese site search: tokens, snippets, and the /search/ view over the seed."""

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.search import index

from website.models import ArticlePage, DownloadsPage, HomePage, NoticePage
from website.search import han_bigrams, highlighted, highlighted_snippet
from website.tests.test_seed import FLOW_TITLE, PLAN_TITLE


@pytest.fixture(scope="module")
def seeded_once(django_db_setup, django_db_blocker):
    """The seed loaded once for this module, in a transaction undone at its end."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_seed_content", stdout=io.StringIO())
        yield
        transaction.set_rollback(True)
    Site.clear_site_root_paths_cache()


@pytest.fixture
def seeded(seeded_once, db):
    """The seeded site; a test's own transaction, undone after it, nests inside."""


def search(client, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    return response


def found(response):
    """Titles of the results on the page, with the snippet of each."""
    return {result["page"].title: result for result in response.context["results"]}


def test_han_bigrams():
    assert han_bigrams("义工服务") == "义工 工服 服务"
    assert han_bigrams("台组〔2012〕124号") == "台组 2012 124 号"
    assert (
        han_bigrams("电子邮箱：TSTW2001@163.com") == "电子 子邮 邮箱 tstw2001 163 com"
    )
    # Full-width digits and letters are what many Chinese input methods type.
    assert han_bigrams("２０１２年ＡＢ") == "2012 年 ab"
    assert han_bigrams("") == ""
    assert han_bigrams("，。！") == ""


def test_snippet_escapes_html_in_the_text():
    snippet = highlighted_snippet('<script>alert("x")</script>义工服务 & 更多', "义工")
    assert "<script>" not in snippet
    assert "&lt;script&gt;" in snippet
    assert "<mark>义工</mark>" in snippet
    assert "&amp; 更多" in snippet


def test_snippet_escapes_html_in_the_query():
    snippet = highlighted_snippet("义工 <b>服务</b>", "<b>服务")
    assert "<b>" not in snippet
    assert "&lt;<mark>b</mark>&gt;<mark>服务</mark>" in snippet


def test_snippet_keeps_full_width_punctuation_and_matches_full_width_digits():
    snippet = highlighted_snippet("台组〔２０１２〕124号，各镇（街、场）：", "2012")
    assert snippet == "台组〔<mark>２０１２</mark>〕124号，各镇（街、场）："


def test_snippet_is_a_window_around_the_first_match():
    text = "甲" * 300 + "宣传员" + "乙" * 300
    snippet = highlighted_snippet(text, "宣传员")
    assert snippet.startswith("…") and snippet.endswith("…")
    assert "<mark>宣传员</mark>" in snippet
    assert len(snippet) < 150
    assert highlighted_snippet("短文本", "火星") == "短文本"


def test_highlighted_marks_every_match_case_insensitively():
    assert (
        highlighted("TSVA 与 tsva", "tsva") == "<mark>TSVA</mark> 与 <mark>tsva</mark>"
    )
    assert highlighted("义工<通>", "") == "义工&lt;通&gt;"


@pytest.mark.parametrize(
    ("query", "title"),
    [
        ("宣传员", PLAN_TITLE),
        ("五员创建", PLAN_TITLE),
        ("义工服务", PLAN_TITLE),
        ("义工服务", "关于印发《台山市党员义工服务活动实施方案》的通知"),
        ("台组〔2012〕124号", "关于印发《台山市党员义工服务活动实施方案》的通知"),
        ("完善后再重新申请", FLOW_TITLE),
        ("季报表", "表格下载"),
        ("tstw2001", PLAN_TITLE),
    ],
)
def test_search_finds_the_right_page(seeded, client, query, title):
    results = found(search(client, query))
    assert title in results
    assert "<mark>" in results[title]["snippet"]


def test_search_for_something_absent_finds_nothing(seeded, client):
    response = search(client, "火星探测")
    assert response.context["results"] == []
    assert "没有找到与“火星探测”相关的内容" in response.content.decode()


def test_search_results_render_marks_and_escape_the_query(seeded, client):
    assert "<mark>宣传员</mark>" in search(client, "宣传员").content.decode()
    content = search(client, "<script>alert(1)</script>").content.decode()
    assert "<script>" not in content
    assert "“&lt;script&gt;alert(1)&lt;/script&gt;”" in content


def test_empty_and_punctuation_only_queries(seeded, client):
    assert search(client, "").context["results"] == []
    assert search(client, "，。！").context["results"] == []


def test_unpublished_page_is_neither_found_nor_served(seeded, client):
    notice = NoticePage.objects.get()
    draft = ArticlePage(
        title="尚未发布的草稿",
        slug="draft",
        live=False,
        intro="<p>秘密草稿内容</p>",
        body=[],
    )
    notice.add_child(instance=draft)
    draft.save_revision()
    index.insert_or_update_object(draft)

    assert "尚未发布的草稿" not in found(search(client, "秘密草稿"))
    assert client.get(draft.get_url()).status_code == 404


def test_draft_changes_to_a_live_page_stay_hidden(seeded, client):
    plan = ArticlePage.objects.get(title=PLAN_TITLE)
    plan.intro = "<p>火星草稿的修改</p>"
    plan.save_revision()
    index.insert_or_update_object(Page.objects.get(pk=plan.pk))

    assert found(search(client, "火星草稿")) == {}
    assert PLAN_TITLE in found(search(client, "宣传员"))
    content = client.get(plan.get_url()).content.decode()
    assert "火星草稿" not in content
    assert "五员创建行动" in content


def test_private_page_is_not_found(seeded, client):
    downloads = DownloadsPage.objects.get()
    PageViewRestriction.objects.create(
        page=downloads, restriction_type=PageViewRestriction.PASSWORD, password="x"
    )
    assert "表格下载" not in found(search(client, "季报表"))


def test_unpublished_home_page_drops_out_of_results(seeded, client):
    home = HomePage.objects.get()
    assert home.title in found(search(client, "义工服务"))
    home.unpublish()
    results = found(search(client, "义工服务"))
    assert home.title not in results
    assert PLAN_TITLE in results
