"""Downloads: formula-like cells neutralised, numbers and dates kept, RFC 6266 names, local times."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook
from wagtail.log_actions import log

from registry.downloads import (
    ascii_filename,
    attachment_disposition,
    safe_cell,
    safe_xlsx_cell,
)
from registry.models import OrgNode, RegistryLogEntry, Volunteer

from .admin_world import build_world
from .factories import id_number, make_user, make_volunteer

pytestmark = pytest.mark.django_db

DANGEROUS = [
    '=HYPERLINK("http://example.invalid","点我")',
    "+8613800138000",
    "-1+1",
    "@SUM(A1)",
    "\tX",
    "\rX",
]


def test_safe_cell_prefixes_formula_like_text_only():
    for text in DANGEROUS:
        assert safe_cell(text) == "'" + text
    for value in ("张三", "'=already", "1+1", "", None):
        assert safe_cell(value) == value
    today, now = datetime.date(2024, 1, 2), datetime.datetime(2024, 1, 2, 3, 4)
    for value in (-1, 0, 2.5, Decimal("-3.10"), today, now, True):
        assert safe_cell(value) is value


def test_attachment_disposition_is_rfc_6266_with_an_ascii_fallback():
    assert attachment_disposition("义工.csv") == (
        "attachment; filename=\"download.csv\"; filename*=UTF-8''%E4%B9%89%E5%B7%A5.csv"
    )
    assert attachment_disposition("名册-队A1-20260101.xlsx") == (
        "attachment; filename=\"A1-20260101.xlsx\"; filename*=UTF-8''"
        "%E5%90%8D%E5%86%8C-%E9%98%9FA1-20260101.xlsx"
    )
    assert ascii_filename('a"b\\c;d.csv') == "a-b-c-d.csv"
    assert ascii_filename("audit-log-2026-01-01.csv") == "audit-log-2026-01-01.csv"


def body(response):
    return b"".join(response.streaming_content)


def csv_table(response):
    return list(csv.reader(io.StringIO(body(response).decode("utf-8"), newline="")))


def xlsx_sheet(response):
    return load_workbook(io.BytesIO(body(response))).active


def in_xlsx(text):
    # XML reads a CR in a cell back as a line feed.
    return text.replace("\r", "\n")


@pytest.fixture
def world_with_dangerous_names():
    world = build_world()
    nodes = world[0]
    for name in DANGEROUS:
        volunteer = make_volunteer(
            name="某人",
            node=nodes["A1"],
            id_number=id_number(),
            birth_date=datetime.date(1980, 5, 17),
            status="registered",
        )
        # Stored as it stands (saving strips a leading tab), as older data may be.
        Volunteer.objects.filter(pk=volunteer.pk).update(name=name)
        volunteer.refresh_from_db()
        # Logged under the record's name: the site history's 名称 column.
        log(volunteer, "wagtail.edit")
    OrgNode.objects.filter(pk=nodes["A1"].pk).update(party_member_count=12)
    return world


EXPORTS = {
    # listing: (column of the name, its file name)
    "registry_volunteer:index": (1, "义工"),
    "registry_membership:index": (1, "成员关系"),
}


@pytest.mark.parametrize("listing", sorted(EXPORTS))
def test_listing_exports_neutralise_formulas_and_keep_dates(
    client, world_with_dangerous_names, listing
):
    client.force_login(world_with_dangerous_names[3]["super"])
    column, filename = EXPORTS[listing]
    url = reverse(listing)

    response = client.get(url + "?export=csv")
    assert response["Content-Disposition"] == attachment_disposition(f"{filename}.csv")
    assert "=?utf-8?" not in response["Content-Disposition"]
    names = {row[column] for row in csv_table(response)[1:]}
    assert {"'" + text for text in DANGEROUS} <= names
    assert not set(DANGEROUS) & names

    response = client.get(url + "?export=xlsx")
    assert response["Content-Disposition"] == attachment_disposition(f"{filename}.xlsx")
    sheet = xlsx_sheet(response)
    cells = [row[column] for row in sheet.iter_rows(min_row=2)]
    assert {in_xlsx("'" + text) for text in DANGEROUS} <= {c.value for c in cells}
    assert all(cell.data_type == "s" for cell in cells)
    assert not any(cell.data_type == "f" for row in sheet.iter_rows() for cell in row)


def test_numbers_and_dates_stay_numbers(client, world_with_dangerous_names):
    client.force_login(world_with_dangerous_names[3]["super"])
    url = reverse("registry_volunteer:index")
    sheet = xlsx_sheet(client.get(url + "?export=xlsx"))
    headings = [cell.value for cell in sheet[1]]
    birth = headings.index("出生日期")
    ours = {in_xlsx("'" + text) for text in DANGEROUS}
    births = [row[birth] for row in sheet.iter_rows(min_row=2) if row[1].value in ours]
    assert {cell.value for cell in births} == {datetime.date(1980, 5, 17)}
    assert {cell.data_type for cell in births} == {"d"}

    table = csv_table(client.get(url + "?export=csv"))
    ours = {"'" + text for text in DANGEROUS}
    assert {row[birth] for row in table[1:] if row[1] in ours} == {"1980-05-17"}

    url = reverse("registry_orgnode:index")
    lines = body(client.get(url + "?export=csv")).decode().splitlines()
    a1 = next(line for line in lines if line.startswith("队A1,"))
    assert a1.endswith(",12")
    sheet = xlsx_sheet(client.get(url + "?export=xlsx"))
    a1 = next(row for row in sheet.iter_rows(min_row=2) if row[0].value == "队A1")
    assert (a1[-1].value, a1[-1].data_type) == (12, "n")


def test_site_history_export_neutralises_labels_in_local_time(
    client, world_with_dangerous_names
):
    client.force_login(world_with_dangerous_names[3]["super"])
    report = reverse("wagtailadmin_reports:site_history")
    entry = RegistryLogEntry.objects.filter(label=DANGEROUS[0]).get()
    shown = timezone.localtime(entry.timestamp).replace(microsecond=0, tzinfo=None)
    assert timezone.localtime(entry.timestamp).utcoffset() == datetime.timedelta(
        hours=8
    )

    response = client.get(report + "?export=csv")
    disposition = response["Content-Disposition"]
    assert disposition.startswith('attachment; filename="audit-log-')
    assert "filename*=UTF-8''audit-log-" in disposition
    table = csv_table(response)
    labels = {row[1] for row in table[1:]}
    assert {"'" + text for text in DANGEROUS} <= labels
    assert not set(DANGEROUS) & labels
    row = next(row for row in table if row[1] == "'" + DANGEROUS[0])
    assert row[-1] == f"{shown:%Y-%m-%d %H:%M:%S}"

    sheet = xlsx_sheet(client.get(report + "?export=xlsx"))
    rows = list(sheet.iter_rows(min_row=2))
    assert {in_xlsx("'" + text) for text in DANGEROUS} <= {r[1].value for r in rows}
    row = next(row for row in rows if row[1].value == "'" + DANGEROUS[0])
    assert (row[-1].value, row[-1].data_type) == (shown, "d")


def test_a_control_character_in_a_name_does_not_break_the_xlsx_export(client):
    world = build_world()
    make_volunteer(name="张\x01三", node=world[0]["A1"], id_number=id_number())
    client.force_login(make_user("root", is_superuser=True, is_staff=True))
    response = client.get(reverse("registry_volunteer:index") + "?export=xlsx")
    names = {row[1].value for row in xlsx_sheet(response).iter_rows(min_row=2)}
    assert "张三" in names


@pytest.mark.parametrize(
    "url_name",
    [
        "wagtailadmin_reports:locked_pages",
        "wagtailadmin_reports:aging_pages",
        "wagtailadmin_reports:workflow",
        "wagtailadmin_reports:workflow_tasks",
        "wagtailadmin_reports:site_history",
        "wagtailredirects:index",
        "registry_servicecategory:index",
    ],
)
def test_every_listing_export_names_its_file_by_rfc_6266(client, url_name):
    client.force_login(make_user("root", is_superuser=True, is_staff=True))
    for export in ("csv", "xlsx"):
        response = client.get(f"{reverse(url_name)}?export={export}")
        assert response.status_code == 200, (url_name, export)
        disposition = response["Content-Disposition"]
        assert disposition.startswith('attachment; filename="'), disposition
        assert f".{export}\"; filename*=UTF-8''" in disposition, disposition


def test_a_control_character_cannot_hide_a_formula_in_a_workbook():
    assert safe_xlsx_cell("\x01=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert safe_xlsx_cell("张\x02三") == "张三"
    assert safe_xlsx_cell(12) == 12
