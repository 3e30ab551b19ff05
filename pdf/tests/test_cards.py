"""注册义工服务证 and its public verification page."""

import io
from datetime import date

import pytest
import segno
from django.core.files.base import ContentFile
from PIL import Image

from pdf import cards
from registry import invented
from registry.models import Volunteer
from registry.tests.factories import make_volunteer

from .pdfcheck import (
    assert_fonts_embedded_and_subset,
    assert_matches_golden,
    bad_warnings,
    page_texts,
    rasterise,
    reader,
)

pytestmark = pytest.mark.django_db

MM = 72 / 25.4  # points per millimetre
NUMBER = "TSV2026000001"


@pytest.fixture
def pinned(settings):
    """What the QR code carries, fixed: the host and the signing key."""
    settings.WAGTAILADMIN_BASE_URL = "https://yigong.example.org"
    settings.SECRET_KEY = "cards-test-key"
    settings.SECRET_KEY_FALLBACKS = []


@pytest.fixture
def volunteer(nodes, pinned):
    return make_volunteer(
        "张三",
        node=nodes["A1"],
        volunteer_number=NUMBER,
        status=Volunteer.Status.REGISTERED,
        gender="M",
        # Fixed, as the golden images show its last 4 digits.
        id_number=invented.id_number("440781", date(1980, 5, 17), 21),
        mobile="13800138000",
    )


# --- The card ------------------------------------------------------------------------


def test_the_card_is_an_id1_card_with_the_volunteers_data(volunteer, caplog):
    with caplog.at_level("WARNING", logger="weasyprint"):
        data = cards.render_card(volunteer)
    assert bad_warnings(caplog) == []
    pdf = reader(data)
    assert len(pdf.pages) == 2
    for page in pdf.pages:
        assert float(page.mediabox.width) == pytest.approx(85.6 * MM, abs=0.5)
        assert float(page.mediabox.height) == pytest.approx(54 * MM, abs=0.5)
    front, back = page_texts(data)
    for words in (
        "注册义工服务证",
        "张三",
        "注册义工号",
        NUMBER,
        "所属队伍",
        "队A1",
        "发证单位：台山市义务工作者联合会",
        "照片",  # the empty photo box
        "扫码验证",
    ):
        assert words in front
    # No page numbers on a card.
    assert "第1页" not in front
    assert "义工誓词" in back
    assert cards.OATH in back
    assert_fonts_embedded_and_subset(data)
    assert pdf.metadata.title == f"注册义工服务证 {NUMBER}"


def test_the_card_without_its_back_is_one_page(volunteer):
    assert len(reader(cards.render_card(volunteer, back=False)).pages) == 1


def test_the_card_is_the_same_bytes_every_time(volunteer):
    assert cards.render_card(volunteer) == cards.render_card(volunteer)


def test_the_card_shows_the_photo(volunteer, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    picture = io.BytesIO()
    Image.new("RGB", (250, 350), (40, 90, 160)).save(picture, "PNG")
    volunteer.photo.save("photo.png", ContentFile(picture.getvalue()), save=False)
    data = cards.render_card(volunteer, back=False)
    (front,) = page_texts(data)
    assert "照片" not in front
    (image,) = reader(data).pages[0].images
    assert image.image.size == (250, 350)


def test_the_qr_code_carries_the_signed_verification_url(volunteer, tmp_path):
    """No QR decoder here: read the printed modules and compare them with segno's."""
    url = cards.card_url(volunteer)
    signature = cards.card_signature(NUMBER)
    assert url == f"https://yigong.example.org/verify/card/{NUMBER}/{signature}/"
    expected = segno.make(url, error="m").matrix
    dpi = 300
    page = rasterise(cards.render_card(volunteer, back=False), tmp_path, dpi=dpi)

    def px(mm):
        return round(mm / 25.4 * dpi)

    # The QR column: right of the fields, below the red band, above its caption.
    region = page.crop((px(60), px(11), page.width, px(32.2)))
    dark = region.point(lambda v: 255 if v < 128 else 0)
    left, top, right, bottom = dark.getbbox()
    size = len(expected)
    module = (right - left) / size
    assert (bottom - top) / size == pytest.approx(module, rel=0.02)
    printed = [
        [
            region.getpixel(
                (int(left + (x + 0.5) * module), int(top + (y + 0.5) * module))
            )
            < 128
            for x in range(size)
        ]
        for y in range(size)
    ]
    assert printed == [[bool(v) for v in row] for row in expected]


def test_the_card_matches_its_golden_images(volunteer, tmp_path):
    data = cards.render_card(volunteer)
    assert_matches_golden(data, "card_front", tmp_path, page=1)
    assert_matches_golden(data, "card_back", tmp_path, page=2)


# --- The URL -------------------------------------------------------------------------


def test_the_signature_is_deterministic_and_differs_per_number(pinned):
    assert cards.card_signature(NUMBER) == cards.card_signature(NUMBER)
    assert cards.card_signature(NUMBER) != cards.card_signature("TSV2026000002")
    # Long enough that nobody guesses one: Django's HMAC-SHA256, base64.
    assert len(cards.card_signature(NUMBER)) >= 40


def test_a_bad_signature_costs_no_query(volunteer, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert cards.volunteer_for_card(NUMBER, "x" * 43) is None
        assert cards.volunteer_for_card("", "") is None
        assert cards.volunteer_for_card(NUMBER * 3, "x") is None
    with django_assert_num_queries(1):
        assert cards.volunteer_for_card(NUMBER, cards.card_signature(NUMBER)) == (
            volunteer
        )


def test_a_separator_inside_the_segments_is_refused(volunteer):
    # Signer.unsign splits at the last ":": "TSV…:x" + a valid signature of it.
    forged = cards.card_signature(f"{NUMBER}:x")
    assert cards.volunteer_for_card(NUMBER, f"x:{forged}") is None


def test_rotating_the_key_keeps_printed_cards_valid_through_fallbacks(
    volunteer, settings
):
    signature = cards.card_signature(NUMBER)
    settings.SECRET_KEY = "a-new-key"
    assert cards.volunteer_for_card(NUMBER, signature) is None
    settings.SECRET_KEY_FALLBACKS = ["cards-test-key"]
    assert cards.volunteer_for_card(NUMBER, signature) == volunteer


@pytest.mark.parametrize(
    ("name", "masked"),
    [("张三", "张*"), ("欧阳娜娜", "欧***"), (" 李四 ", "李*"), ("王", "王"), ("", "")],
)
def test_mask_name_keeps_the_first_character(name, masked):
    assert cards.mask_name(name) == masked


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (Volunteer.Status.REGISTERED, (True, "有效")),
        (Volunteer.Status.PENDING, (False, "待审核")),
        (Volunteer.Status.INCOMPLETE, (False, "待补全")),
        (Volunteer.Status.SUSPENDED, (False, "暂停")),
        (Volunteer.Status.WITHDRAWN, (False, "退出")),
    ],
)
def test_only_a_registered_volunteers_card_is_valid(status, expected):
    assert cards.card_status(Volunteer(status=status)) == expected


# --- The public verification page -------------------------------------------------------


def assert_private(response):
    assert "noindex" in response.headers["X-Robots-Tag"]
    assert "no-store" in response.headers["Cache-Control"]
    assert '<meta name="robots" content="noindex, nofollow">' in response.text
    assert "Content-Security-Policy" in response.headers


def test_the_verification_page_shows_the_masked_name_number_and_status(
    volunteer, client
):
    response = client.get(cards.card_path(volunteer))
    assert response.status_code == 200
    assert_private(response)
    html = response.text
    assert "张*" in html
    assert NUMBER in html
    assert "<strong>有效</strong>" in html
    assert "无效" not in html
    # Nothing else about the volunteer.
    for secret in (
        "张三",
        volunteer.id_number,
        volunteer.id_number[-6:],
        "13800138000",
        "138****8000",
        "队A1",
        "总队A",
    ):
        assert secret not in html


def test_a_suspended_volunteers_card_is_invalid(volunteer, client):
    Volunteer.objects.filter(pk=volunteer.pk).update(status=Volunteer.Status.SUSPENDED)
    response = client.get(cards.card_path(volunteer))
    assert response.status_code == 200
    assert "暂停（该证件当前无效）" in response.text
    assert "<strong>有效" not in response.text


def test_the_verification_page_needs_no_login_and_only_reads(volunteer, client):
    path = cards.card_path(volunteer)
    assert client.get(path).status_code == 200
    assert client.head(path).status_code == 200
    assert client.post(path).status_code == 405


def test_a_tampered_signature_is_a_friendly_404(volunteer, client):
    signature = cards.card_signature(NUMBER)
    tampered = ("A" if signature[0] != "A" else "B") + signature[1:]
    response = client.get(f"/verify/card/{NUMBER}/{tampered}/")
    assert response.status_code == 404
    assert_private(response)
    assert "无法查验该证件" in response.text
    assert NUMBER not in response.text


def test_another_volunteers_signature_does_not_open_this_number(volunteer, client):
    other = make_volunteer("李四", volunteer_number="TSV2026000002")
    response = client.get(
        f"/verify/card/{NUMBER}/{cards.card_signature(other.volunteer_number)}/"
    )
    assert response.status_code == 404


def test_a_validly_signed_unknown_number_is_the_same_404(pinned, client):
    number = "TSV2099999999"
    response = client.get(f"/verify/card/{number}/{cards.card_signature(number)}/")
    assert response.status_code == 404
    assert "无法查验该证件" in response.text


@pytest.mark.parametrize(
    "path",
    [
        "/verify/card/TSV2026000001/x/",
        "/verify/card/%00/%00/",
        "/verify/card/TSV2026000001/a:b/",
        "/verify/card/" + "9" * 300 + "/" + "x" * 300 + "/",
        "/verify/card/%E5%BC%A0/%FF%FE/",
        "/verify/card/..%2F/..%2F/",
    ],
)
def test_malformed_paths_are_404s_not_errors(volunteer, client, path):
    response = client.get(path)
    assert response.status_code == 404
