from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from registry import roles, services
from registry.models import IDNumberReveal, RegistryLogEntry
from registry.privacy import (
    birth_for_user,
    mask_id_number,
    mask_phone,
    masked_id_number,
    phone_for_user,
)

from .factories import granted, id_number, make_tree, make_volunteer

pytestmark = pytest.mark.django_db


def test_reveal_returns_the_number_and_logs_who_saw_it():
    nodes = make_tree()
    number = id_number()
    volunteer = make_volunteer(node=nodes["A1"], id_number=number)
    clerk = granted("clerk", roles.INFO_MANAGER, nodes["A"])
    assert (
        services.reveal_id_number(
            volunteer=volunteer, user=clerk, reason="核对身份证", ip_address="10.0.0.8"
        )
        == number
    )
    reveal = IDNumberReveal.objects.get()
    assert (
        reveal.volunteer,
        reveal.volunteer_number,
        reveal.user,
        reveal.username,
        reveal.reason,
        reveal.ip_address,
    ) == (
        volunteer,
        volunteer.volunteer_number,
        clerk,
        "clerk",
        "核对身份证",
        "10.0.0.8",
    )
    entry = RegistryLogEntry.objects.get(action="registry.reveal_id_number")
    assert (entry.user, entry.object_id, entry.org_node_id) == (
        clerk,
        str(volunteer.pk),
        nodes["A1"].pk,
    )
    assert entry.message == "查看了完整身份证号码（原因：核对身份证）"
    assert number not in str(entry.data) and number not in entry.label


def test_reveal_is_refused_to_viewers_and_outsiders():
    nodes = make_tree()
    volunteer = make_volunteer(node=nodes["A1"], id_number=id_number())
    for user in (
        granted("viewer", roles.VIEWER, nodes["A"]),
        granted("outsider", roles.ADMIN, nodes["B"]),
    ):
        with pytest.raises(PermissionDenied, match="您没有查看完整身份证号码的权限"):
            services.reveal_id_number(volunteer=volunteer, user=user)
    assert not IDNumberReveal.objects.exists()
    assert not RegistryLogEntry.objects.filter(
        action="registry.reveal_id_number"
    ).exists()


def test_reveal_without_a_number():
    nodes = make_tree()
    volunteer = make_volunteer(node=nodes["A1"])
    admin = granted("admin", roles.ADMIN, nodes["A1"])
    with pytest.raises(ValidationError, match="尚未登记身份证号码"):
        services.reveal_id_number(volunteer=volunteer, user=admin)


def test_reveal_log_survives_deleting_the_volunteer():
    nodes = make_tree()
    volunteer = make_volunteer(node=nodes["A1"], id_number=id_number())
    admin = granted("admin", roles.ADMIN, nodes["A1"])
    services.reveal_id_number(volunteer=volunteer, user=admin)
    services.volunteer_delete(volunteer=volunteer, by_user=admin)
    reveal = IDNumberReveal.objects.get()
    assert reveal.volunteer is None and reveal.volunteer_number.startswith("TSV")


@pytest.mark.parametrize(
    "number, masked",
    [
        ("13812345678", "138****5678"),
        ("0750-5511941", "075*****1941"),
        ("5511941", "***1941"),
        ("1234", "****"),
        ("", ""),
    ],
)
def test_mask_phone(number, masked):
    assert mask_phone(number) == masked


def test_phones_are_masked_for_viewers_only():
    nodes = make_tree()
    volunteer = make_volunteer(node=nodes["A1"], mobile="13812345678")
    viewer = granted("viewer", roles.VIEWER, nodes["A1"])
    clerk = granted("clerk", roles.INFO_MANAGER, nodes["A1"])
    assert phone_for_user(viewer, volunteer, volunteer.mobile) == "138****5678"
    assert phone_for_user(clerk, volunteer, volunteer.mobile) == "13812345678"


@pytest.mark.parametrize(
    "number, masked",
    [
        ("440781198511082049", "**************2049"),
        ("44078119851108204X", "**************204X"),
        ("440781851108204", "***********8204"),  # a legacy number, never stored
        ("1234", "****"),
        ("", ""),
        (None, ""),
    ],
)
def test_an_id_number_shows_its_last_4_only(number, masked):
    assert mask_id_number(number) == masked


def test_the_volunteer_id_number_is_masked_the_same_for_everyone():
    number = id_number()
    volunteer = make_volunteer(name="张三", id_number=number)
    assert masked_id_number(volunteer) == "*" * 14 + number[-4:]
    assert masked_id_number(make_volunteer(name="李四")) == ""


def test_the_birth_date_in_full_only_for_who_may_reveal_the_number():
    nodes = make_tree()
    birth = date(1977, 6, 5)
    volunteer = make_volunteer(
        node=nodes["A1"], id_number=id_number(birth), birth_date=birth
    )
    viewer = granted("viewer", roles.VIEWER, nodes["A1"])
    clerk = granted("clerk", roles.INFO_MANAGER, nodes["A"])
    assert birth_for_user(viewer, volunteer) == "1977年6月"
    assert birth_for_user(viewer, volunteer, export=True) == "1977-06"
    assert birth_for_user(clerk, volunteer) == date(1977, 6, 5)
    assert birth_for_user(clerk, volunteer, export=True) == date(1977, 6, 5)
    assert birth_for_user(viewer, make_volunteer(name="李四")) is None
