"""表格下载: the blank forms and the 名册 template, generated, for anyone."""

import io
import re

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from registry.models import TargetGroup
from website import generated
from website.models import DownloadItem, DownloadsPage

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def test_the_downloads_page_offers_every_seeded_form_without_login(client, seeded):
    page = DownloadsPage.objects.get()
    content = client.get(page.get_url()).content.decode()
    links = re.findall(r'href="(/forms/[^"]+)"', content)
    assert sorted(set(links)) == sorted(
        reverse("generated_file", args=(key,)) for key in generated.GENERATED_FILES
    )
    assert "表格文件尚未上传" not in content
    for link in set(links):
        response = client.get(link)
        assert response.status_code == 200, link
        assert response["Cache-Control"] == "public, max-age=3600"
        assert "filename*=UTF-8''" in response["Content-Disposition"]


def test_blank_forms_are_the_pdf_apps_templates(client):
    response = client.get(reverse("generated_file", args=("form3",)))
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    assert reader.metadata.title == "台山市义工注册登记表"
    assert "义工服务项目" in reader.pages[1].extract_text()


def test_the_roster_template_is_the_importers_template(client):
    response = client.get(reverse("generated_file", args=("roster-template",)))
    sheet = load_workbook(io.BytesIO(response.content)).active
    header = [cell.value for cell in next(sheet.iter_rows(min_row=3, max_row=3))]
    assert header[:9] == [
        "序号", "姓名", "性别", "出生年月", "学历", "部门及职务", "入党时间", "电话", "备注",
    ]  # fmt: skip


def test_an_unknown_file_is_a_404(client):
    assert client.get("/forms/form9").status_code == 404
    assert client.get("/forms/..%2Fsettings").status_code == 404


def test_a_form_is_made_once_until_a_catalogue_changes(client, monkeypatch):
    made = []
    original = generated.GENERATED_FILES["form2"]
    monkeypatch.setitem(
        generated.GENERATED_FILES,
        "form2",
        generated.GeneratedFile(
            original.label,
            original.filename,
            original.content_type,
            lambda: made.append(1) or original.make(),
        ),
    )
    url = reverse("generated_file", args=("form2",))
    first = client.get(url).content
    assert client.get(url).content == first and len(made) == 1
    TargetGroup.objects.filter(name="长者").update(name="老年人")
    changed = client.get(url).content
    assert len(made) == 2 and changed != first
    assert "老年人" in "".join(
        page.extract_text() for page in PdfReader(io.BytesIO(changed)).pages
    )


def test_an_item_offers_a_generated_file_or_a_document_not_both(seeded):
    item = DownloadItem.objects.filter(generated="form2").first()
    item.document_id = 1
    with pytest.raises(ValidationError, match="二选一"):
        item.clean()
