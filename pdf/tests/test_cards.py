"""注册义工服务证, its public verification page, and 志愿服务记录证明."""

import io
from datetime import date
from decimal import Decimal

import pytest
import segno
from django.core.files.base import ContentFile
from django.template.loader import render_to_string
from PIL import Image
from weasyprint import HTML

from pdf import cards, rendering
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
PX_MM = 25.4 / 96  # millimetres per CSS pixel
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


# --- 志愿服务记录证明 --------------------------------------------------------------------

PERIODS = [
    {
        "period": "2025年1月—3月",
        "content": "社区关爱长者探访",
        "hours": Decimal("12.5"),
    },
    {"period": "2025年4月—6月", "content": "全民健身运动会赛会服务", "hours": 20},
    {"period": "2025年7月", "content": "防溺水宣传", "hours": 3.25},
]


def certificate_arguments(**changes):
    return {
        "periods": PERIODS,
        "served_from": date(2025, 1, 1),
        "served_to": date(2025, 7, 31),
        "number": "台义证〔2026〕001号",
        "issued_on": date(2026, 12, 4),
        "person_in_charge": "李明",
        "clerk": "陈芳",
        "contact": "0750-5511941",
        **changes,
    }


def test_the_certificate_has_the_labels_the_data_and_the_total(volunteer, caplog):
    with caplog.at_level("WARNING", logger="weasyprint"):
        data = cards.render_certificate(volunteer, **certificate_arguments())
    assert bad_warnings(caplog) == []
    pdf = reader(data)
    (page,) = pdf.pages
    assert float(page.mediabox.width) == pytest.approx(210 * MM, abs=0.5)
    assert float(page.mediabox.height) == pytest.approx(297 * MM, abs=0.5)
    (text,) = page_texts(data)
    for words in (
        "志愿服务记录证明",
        "证明编号：台义证〔2026〕001号",
        "姓名张三",
        "性别男",
        "身份证号码" + "*" * 14 + volunteer.id_number[-4:],
        "注册义工号" + NUMBER,
        "服务时段",
        "服务内容",
        "服务时数",
        "2025年1月—3月社区关爱长者探访12.5",
        "2025年4月—6月全民健身运动会赛会服务20",
        "2025年7月防溺水宣传3.25",
        "合计35.75",
        "兹证明张三（注册义工号：TSV2026000001）自2025年1月1日至2025年7月31日"
        "累计参加志愿服务35.75小时",
        "特此证明。",
        "负责人：李明签字：",
        "经办人：陈芳签字：",
        "联系电话：0750-5511941",
        "（加盖公章）",
        "台山市义务工作者联合会2026年12月4日",
    ):
        assert words in text
    # The ID number masked unless the caller passes the revealed one.
    assert volunteer.id_number not in text
    assert_fonts_embedded_and_subset(data)
    assert pdf.metadata.title == "志愿服务记录证明 台义证〔2026〕001号"


def test_the_certificate_shows_a_revealed_id_number_passed_in(volunteer):
    data = cards.render_certificate(
        volunteer, **certificate_arguments(id_number_shown=volunteer.id_number)
    )
    assert volunteer.id_number in page_texts(data)[0]


def test_blank_signers_and_date_leave_room_to_write(volunteer):
    data = cards.render_certificate(
        volunteer,
        **certificate_arguments(person_in_charge="", clerk="", issued_on=None),
    )
    (text,) = page_texts(data)
    assert "负责人：签字：" in text and "经办人：签字：" in text
    assert "台山市义务工作者联合会年月日" in text


def test_the_certificate_is_the_same_bytes_every_time(volunteer):
    arguments = certificate_arguments()
    assert cards.render_certificate(volunteer, **arguments) == cards.render_certificate(
        volunteer, **arguments
    )


def test_the_certificate_matches_its_golden_image(volunteer, tmp_path):
    data = cards.render_certificate(volunteer, **certificate_arguments())
    assert_matches_golden(data, "certificate", tmp_path)


def seal_boxes(volunteer, **changes):
    """(page number, width mm, height mm, text) of every .seal-space box, laid out."""
    context = cards.certificate_context(volunteer, **certificate_arguments(**changes))
    html = render_to_string(
        "pdf/certificate.html", {**context, "pdf_title": "t", "pdf_author": "a"}
    )
    document = HTML(string=html, url_fetcher=rendering.url_fetcher()).render(
        stylesheets=[rendering.stylesheet(), rendering.stylesheet("certificate")],
        font_config=rendering.font_config(),
    )
    found = []
    for number, page in enumerate(document.pages, start=1):
        for box in page._page_box.descendants():
            element = getattr(box, "element", None)
            classes = (
                (element.get("class") or "").split() if element is not None else []
            )
            if "seal-space" in classes and box.element_tag == "div":
                text = "".join(
                    child.text
                    for child in box.descendants()
                    if hasattr(child, "text") and isinstance(child.text, str)
                )
                found.append(
                    (
                        number,
                        box.border_width() * PX_MM,
                        box.border_height() * PX_MM,
                        text,
                    )
                )
    return found, len(document.pages)


def test_the_seal_space_is_at_least_45_mm_square_and_holds_only_the_seal_text(
    volunteer,
):
    (seal,), pages = seal_boxes(volunteer)
    page, width, height, text = seal
    assert width >= 45 and height >= 45
    assert "".join(text.split()) == "（加盖公章）台山市义务工作者联合会2026年12月4日"


def test_a_long_record_keeps_the_signatures_with_the_seal_on_the_last_page(
    volunteer,
):
    periods = [
        {"period": f"2025年第{week}周", "content": "社区服务", "hours": 2}
        for week in range(1, 41)
    ]
    data = cards.render_certificate(volunteer, **certificate_arguments(periods=periods))
    texts = page_texts(data)
    assert len(texts) == 3
    for text in texts:
        assert "服务时段服务内容" in text  # the table's header on every page
        assert "证明编号：台义证〔2026〕001号" in text  # and the number
    last = texts[-1]
    # Not the seal alone: the last records and the total come along.
    for words in (
        "2025年第39周社区服务2",
        "2025年第40周社区服务2合计80特此证明。",
        "负责人：",
        "签字：",
        "（加盖公章）",
        "2026年12月4日",
    ):
        assert words in last
    assert "（加盖公章）" not in "".join(texts[:-1])


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"periods": []}, "没有服务记录"),
        ({"periods": [{**PERIODS[0], "hours": -1}]}, "第1行的服务时数不能为负数"),
        (
            {"periods": [PERIODS[0], {**PERIODS[1], "hours": "两小时"}]},
            "第2行的服务时数必须是数字",
        ),
        ({"periods": [{**PERIODS[0], "hours": float("nan")}]}, "必须是数字"),
        ({"periods": [{**PERIODS[0], "hours": None}]}, "必须是数字"),
        ({"periods": [{**PERIODS[0], "hours": True}]}, "必须是数字"),
        ({"periods": [{**PERIODS[0], "hours": "1e40"}]}, "第1行的服务时数过大"),
        ({"periods": [{**PERIODS[0], "content": " "}]}, "第1行缺少服务内容"),
        ({"periods": [{**PERIODS[0], "period": ""}]}, "第1行缺少服务时段"),
        ({"periods": ["12小时"]}, "格式不正确"),
        ({"served_from": date(2025, 8, 1)}, "起始日期不能晚于结束日期"),
        ({"served_to": None}, "请填写服务起止日期"),
        ({"number": " "}, "请填写证明编号"),
        ({"issuer": ""}, "请填写出具证明的单位"),
    ],
)
def test_bad_certificate_input_is_a_chinese_error(volunteer, changes, message):
    with pytest.raises(ValueError, match=message):
        cards.render_certificate(volunteer, **certificate_arguments(**changes))


@pytest.mark.parametrize(
    ("hours", "text"),
    [(Decimal("12.50"), "12.5"), (Decimal("10"), "10"), (Decimal("0.125"), "0.13")],
)
def test_hours_are_written_without_trailing_zeros(hours, text):
    assert cards.format_hours(hours) == text
