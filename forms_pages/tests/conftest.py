import io
from datetime import date

import pytest
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from PIL import Image

from forms_pages.models import ApplicationFormPage, RegistrationFormPage
from registry.tests.factories import id_number, make_tree

DATA = __import__("pathlib").Path(__file__).parent / "data"


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    # Every test starts from zero: the counters live in a process-wide cache.
    caches["ratelimit"].clear()
    yield
    caches["ratelimit"].clear()


@pytest.fixture
def site(db):
    call_command("load_seed_content", stdout=io.StringIO())


@pytest.fixture
def tree(db):
    return make_tree()


@pytest.fixture
def register_page(site):
    return RegistrationFormPage.objects.get()


@pytest.fixture
def apply_page(site):
    return ApplicationFormPage.objects.get()


def jpeg(size=(600, 600), colour="red", exif=None, fmt="JPEG"):
    buffer = io.BytesIO()
    image = Image.new("RGB", size, colour)
    kwargs = {"exif": exif} if exif is not None else {}
    image.save(buffer, fmt, **kwargs)
    return buffer.getvalue()


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def registration_data(node, **overrides):
    data = {
        "name": "陈小明",
        "id_number": id_number(date(1985, 3, 9), male=True),
        "ethnicity": "01",
        "political_status": "01",
        "joined_party_on": "2010-07-01",
        "employer": "台山市某局",
        "address": "台城中山路1号",
        "mobile": "13800138000",
        "availability": ["sat:am", "holiday:pm"],
        "long_term": "True",
        "node": str(node.pk),
        "oath": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def application_data(parent, **overrides):
    data = {
        "unit_name": "台山市某局",
        "address": "台城中山路2号",
        "phone": "0750-5500000",
        "parent_party_org": "中共台山市某局党组",
        "parent": str(parent.pk),
        "org_type": "team",
        "proposed_name": "某局党员义工服务队",
        "registered_count": "30",
        "leader_name": "黄队长",
        "leader_mobile": "13900139000",
        "leader_id_number": id_number(date(1970, 1, 2)),
        "contact_name": "李联络",
        "contact_mobile": "13700137000",
        "contact_email": "lianluo@example.com",
        "contact_id_number": id_number(date(1988, 8, 8), male=False),
        "experience": "无",
        "roster": upload("名册.xlsx", (DATA / "roster-clean-30.xlsx").read_bytes()),
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}
