import io

import pytest
from django.core.management import call_command
from wagtail.models import Site


@pytest.fixture(autouse=True)
def _forget_site_root_paths():
    """Drops Wagtail's cached site root paths after each test.

    They live in the cache, not the database, so a rolled-back test that moved
    the site root (as ``load_seed_content`` does) would leave the next test
    resolving URLs against a page that no longer exists.
    """
    yield
    Site.clear_site_root_paths_cache()


@pytest.fixture
def seeded(db):
    """The site as ``load_seed_content`` builds it; returns the command's output."""
    out = io.StringIO()
    call_command("load_seed_content", stdout=out)
    return out.getvalue()
