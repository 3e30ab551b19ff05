"""Files the 表格下载 page offers that the site makes itself: the blank forms.

The blank 附件2/附件3/附件4 come from the pdf app's templates (the same ones the
filled forms print from), the 名册 template from the roster app. Anyone may
download them without signing in; each is made once per process and state of
the catalogues its checkboxes list, so a public link cannot make the server
render a PDF per request.
"""

import hashlib
import io
from collections.abc import Callable
from dataclasses import dataclass

from django.core.cache import cache

from pdf import documents
from registry.models import ExpectedServiceArea, ServiceItem, TargetGroup
from rosters.exporting import write_template

PDF = "application/pdf"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CACHE_SECONDS = 24 * 3600


def _roster_template():
    handle = io.BytesIO()
    write_template(handle)
    return handle.getvalue()


@dataclass(frozen=True)
class GeneratedFile:
    label: str
    filename: str
    content_type: str
    make: Callable[[], bytes]

    @property
    def extension(self):
        return self.filename.rsplit(".", 1)[-1].upper()


GENERATED_FILES = {
    "form2": GeneratedFile(
        "附件2 申请表（空白）",
        "台山市义工联合会成立党员义工组织申请表.pdf",
        PDF,
        documents.application_form,
    ),
    "form3": GeneratedFile(
        "附件3 登记表及义工服务项目（空白）",
        "台山市义工注册登记表.pdf",
        PDF,
        documents.registration_form,
    ),
    "form4": GeneratedFile(
        "附件4 季报表（空白）",
        "党员义工工作进展情况季报表.pdf",
        PDF,
        documents.quarterly_report,
    ),
    "roster-template": GeneratedFile(
        "党员义工名册模板（Excel）",
        "党员义工名册模板.xlsx",
        XLSX,
        _roster_template,
    ),
}
GENERATED_CHOICES = [
    (key, generated.label) for key, generated in GENERATED_FILES.items()
]


def catalogue_fingerprint():
    """Changes whenever an editor changes a checkbox list the blank forms print."""
    digest = hashlib.sha256()
    for model, fields in (
        (TargetGroup, ("name", "sort_order")),
        (ExpectedServiceArea, ("name", "sort_order")),
        (ServiceItem, ("category__name", "category__sort_order", "name", "sort_order")),
    ):
        for row in model.objects.order_by("pk").values_list("pk", *fields):
            digest.update(repr(row).encode())
    return digest.hexdigest()[:16]


def generated_file_content(key):
    """The bytes of GENERATED_FILES[key], made at most once per catalogue state."""
    cache_key = f"website:generated:{key}:{catalogue_fingerprint()}"
    content = cache.get(cache_key)
    if content is None:
        content = GENERATED_FILES[key].make()
        cache.set(cache_key, content, CACHE_SECONDS)
    return content
