"""附件3 online: the fields, the photo, the team choice and the submission."""

import io
from datetime import date

import pytest
from PIL import Image

from forms_pages.forms import RegistrationForm, processed_photo, registration_teams
from registry import roles
from registry.models import (
    Membership,
    OrgNode,
    RegistryLogEntry,
    ServiceItem,
    Volunteer,
)
from registry.tests.factories import granted, id_number, make_volunteer

from .conftest import jpeg, registration_data, upload

pytestmark = pytest.mark.django_db


def form_for(data, files=None, user=None):
    teams, _by_user = registration_teams(user)
    return RegistrationForm(data, files or {}, teams=teams)


def test_public_registration_creates_a_pending_volunteer_with_membership(
    client, register_page, tree
):
    items = list(ServiceItem.objects.filter(name="义诊"))
    data = registration_data(tree["A1"], service_items=[str(items[0].pk)])
    response = client.post(
        register_page.url, {**data, "photo": upload("me.jpg", jpeg(), "image/jpeg")}
    )
    volunteer = Volunteer.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{register_page.url}done/{volunteer.pk}/"
    assert volunteer.status == Volunteer.Status.PENDING
    # Derived from the ID number, not typed.
    assert volunteer.gender == "M" and volunteer.birth_date == date(1985, 3, 9)
    assert volunteer.availability == {"sat": ["am"], "holiday": ["pm"]}
    assert list(volunteer.service_items.all()) == items[:1]
    membership = volunteer.memberships.get()
    assert membership.node == tree["A1"]
    assert membership.kind == Membership.Kind.PRIMARY

    done = client.get(response["Location"]).content.decode()
    assert volunteer.volunteer_number in done
    assert "审核通过后生效" in done


def test_required_marks_and_chinese_errors_beside_each_field(
    client, register_page, tree
):
    response = client.post(register_page.url, {"name": ""})
    assert response.status_code == 200
    form = response.context["form"]
    for name in (
        "name",
        "id_number",
        "mobile",
        "ethnicity",
        "political_status",
        "employer",
        "address",
        "availability",
        "long_term",
        "node",
        "oath",
    ):
        assert name in form.errors, name
    assert form.errors["oath"] == ["请阅读义工誓词并勾选同意后再提交"]
    page = response.content.decode()
    assert 'id="field-id_number"' in page and "必需字段" in page
    assert not Volunteer.objects.exists()
    blank = client.get(register_page.url).content.decode()
    assert blank.count('class="required"') >= 12


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("id_number", "440781198503091234", "校验"),
        ("mobile", "2380013800", "应为以1开头的11位数字"),
        ("postcode", "52920", "应为6位数字"),
    ],
)
def test_field_checks(client, register_page, tree, field, value, message):
    response = client.post(
        register_page.url, registration_data(tree["A1"], **{field: value})
    )
    errors = response.context["form"].errors[field]
    assert message in " ".join(errors)
    assert not Volunteer.objects.exists()


def test_party_dates_are_checked_by_the_record(client, register_page, tree):
    response = client.post(
        register_page.url,
        registration_data(tree["A1"], political_status="13"),
    )
    assert "不应填写入党时间" in response.context["form"].errors["joined_party_on"][0]


def test_other_service_item_needs_its_text(tree, db):
    other = ServiceItem.objects.filter(name="其它").first()
    form = form_for(registration_data(tree["A1"], service_items=[str(other.pk)]))
    assert form.errors["service_items_other"] == ["勾选了“其它”，请填写具体内容"]
    form = form_for(
        registration_data(
            tree["A1"], service_items=[str(other.pk)], service_items_other="陪诊"
        )
    )
    assert form.is_valid(), form.errors


def test_team_choice_offers_open_registration_nodes_grouped_by_corps(tree, db):
    OrgNode.objects.filter(pk=tree["A2"].pk).update(status=OrgNode.Status.DISSOLVED)
    form = form_for(None)
    choices = dict(form.fields["node"].widget.choices[1:])
    assert choices["联合会 / 分会 / 总队A"] == [
        (tree["A1"].pk, "队A1"),
        (tree["A1a"].pk, "队A1 / 分队A1a"),
    ]
    assert choices["联合会"] == [(tree["S"].pk, "服务站S")]
    rendered = str(form["node"])
    assert '<optgroup label="联合会 / 分会 / 总队B">' in rendered
    assert "队A2" not in rendered and "总队A<" not in rendered
    form = form_for(registration_data(tree["A"]))
    assert "node" in form.errors


def test_unit_user_is_limited_to_their_teams_and_submits_as_themselves(
    client, register_page, tree
):
    user = granted("a1", roles.INFO_MANAGER, tree["A1"])
    client.force_login(user)
    page = client.get(register_page.url).content.decode()
    assert "队A1" in page and "队B1" not in page
    response = client.post(register_page.url, registration_data(tree["B1"]))
    assert "node" in response.context["form"].errors
    response = client.post(register_page.url, registration_data(tree["A1a"]))
    assert response.status_code == 302
    volunteer = Volunteer.objects.get()
    assert volunteer.org_node == tree["A1a"]
    entry = volunteer_log(volunteer)
    assert entry.user_id == user.pk and entry.data["public"] is False


def volunteer_log(volunteer):
    return RegistryLogEntry.objects.for_instance(volunteer).get(
        action="registry.registration_submit"
    )


def test_duplicate_id_names_the_holding_team_and_saves_nothing(
    client, register_page, tree
):
    number = id_number(date(1980, 1, 1))
    make_volunteer("王五", node=tree["B1"], id_number=number)
    response = client.post(
        register_page.url, registration_data(tree["A1"], id_number=number)
    )
    assert response.status_code == 200
    message = response.context["form"].errors["id_number"][0]
    assert "“队B1”" in message and "不能重复登记" in message
    assert Volunteer.objects.count() == 1
    assert message in response.content.decode()


def exif_with_orientation_and_gps():
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90° CW to display
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {2: (22.0, 15.0, 0.0)}  # GPSInfo
    return exif


def test_photo_is_turned_upright_cropped_to_25_35_and_stripped():
    # Stored 800×400 with "rotate" orientation: upright it is 400 wide, 800 high.
    raw = jpeg((800, 400), exif=exif_with_orientation_and_gps())
    result = processed_photo(upload("p.jpg", raw, "image/jpeg"))
    image = Image.open(io.BytesIO(result.read()))
    assert image.format == "JPEG"
    assert abs(image.width / image.height - 25 / 35) < 0.01
    assert image.width == 400
    assert not image.getexif()
    assert "exif" not in image.info and "icc_profile" not in image.info


def test_large_photos_are_scaled_down():
    result = processed_photo(upload("p.png", jpeg((1000, 2000), fmt="PNG")))
    assert Image.open(io.BytesIO(result.read())).size == (500, 700)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (jpeg(fmt="GIF"), "只接受 JPEG、PNG"),
        (b"%PDF-1.4 not a photo", "只接受 JPEG、PNG"),
        (b"\xff\xd8\xff" + b"0" * 100, "照片无法打开"),
        (b"\xff\xd8\xff" + b"0" * (2 * 1024 * 1024), "文件过大"),
    ],
)
def test_photo_type_and_size(tree, content, message):
    form = form_for(
        registration_data(tree["A1"]), {"photo": upload("p.jpg", content, "image/jpeg")}
    )
    assert message in " ".join(form.errors["photo"])


def test_a_bad_photo_saves_nothing(client, register_page, tree):
    response = client.post(
        register_page.url,
        {**registration_data(tree["A1"]), "photo": upload("p.jpg", b"GIF89a...")},
    )
    assert "photo" in response.context["form"].errors
    assert not Volunteer.objects.exists()


def test_saved_photo_is_the_processed_jpeg(client, register_page, tree):
    raw = jpeg((700, 700), exif=exif_with_orientation_and_gps())
    client.post(
        register_page.url,
        {**registration_data(tree["A1"]), "photo": upload("我.jpg", raw, "image/jpeg")},
    )
    volunteer = Volunteer.objects.get()
    with volunteer.photo.open("rb") as handle:
        image = Image.open(handle)
        image.load()
    assert volunteer.photo.name.endswith(".jpg")
    assert image.size == (500, 700) and not image.getexif()
