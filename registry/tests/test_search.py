import pytest

from registry.models import Volunteer
from registry.selectors import volunteer_search

from .factories import id_number, make_volunteer

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return {
        "张三": make_volunteer(
            name="张三", id_number=id_number(), mobile="13812345678"
        ),
        "张三丰": make_volunteer(name="张三丰", phone_office="0750-5511941"),
        "赵四": make_volunteer(name="赵四", phone_home="5566778"),
        "曾珊": make_volunteer(name="曾珊"),
        "李四": make_volunteer(name="李四"),
    }


def names(query):
    return [v.name for v in volunteer_search(Volunteer.objects.all(), query)]


def test_search_by_name_and_pinyin(people):
    assert names("张三") == ["张三", "张三丰"]
    assert names("zhangsan") == ["张三", "张三丰"]
    assert names("ZhangSan") == ["张三", "张三丰"]
    assert names("zs") == ["曾珊", "张三", "张三丰", "赵四"]
    assert names("zsf") == ["张三丰"]
    assert names("zengshan") == ["曾珊"]
    assert names("si") == ["李四", "赵四"]
    assert names("") == ["李四", "曾珊", "张三", "张三丰", "赵四"]


def test_search_by_id_number_tail(people):
    number = people["张三"].id_number
    assert names(number[-4:]) == ["张三"]
    assert names(number[-6:]) == ["张三"]
    assert names(number) == ["张三"]
    assert names(number[-4:].lower()) == ["张三"]
    wrong = next(
        d + number[-4:]
        for d in "0123456789"
        if d != number[-5] and d + number[-4:] not in people["张三"].mobile
    )
    assert names(wrong) == []


def test_search_by_phone(people):
    assert names("5678") == ["张三"]
    assert names("138-1234-5678") == ["张三"]
    assert names("5511941") == ["张三丰"]
    assert names("05511941") == []  # digits must appear as typed in the number
    assert names("6677") == ["赵四"]


def test_search_by_volunteer_number(people):
    number = people["李四"].volunteer_number
    assert names(number) == ["李四"]
    assert names(number.lower()) == ["李四"]
    assert names(number[-6:]) == ["李四"]


def test_terms_are_combined(people):
    assert names("张 feng") == ["张三丰"]
    assert names("zs 5678") == ["张三"]
