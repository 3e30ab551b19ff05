"""The roster benchmark's core on a tiny roster, so that bench/roster_import.py cannot rot."""

import importlib.util

import pytest
from django.conf import settings

from registry.models import Membership, Volunteer
from rosters.services import import_file

pytestmark = pytest.mark.django_db


def load_bench():
    path = settings.BASE_DIR / "bench" / "roster_import.py"
    spec = importlib.util.spec_from_file_location("roster_import_bench", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_raw_and_full_import_write_the_same_rows(nodes, tmp_path):
    bench = load_bench()
    rows = bench.make_rows(40, seed=7)
    assert len({row["身份证号码"] for row in rows}) == 40
    team = nodes["A1"]
    for path in bench.write_inputs(rows, tmp_path, ["csv", "xlsx"]).values():
        assert bench.raw_bulk_create(path, team) == 40
        raw = (
            Volunteer.objects.filter(org_node=team).count(),
            Membership.objects.count(),
        )
        bench.empty_team(team)
        result = import_file(path=path, node=team)
        assert result.written
        assert result.plan()["new"] == 40
        assert (
            Volunteer.objects.filter(org_node=team).count(),
            Membership.objects.count(),
        ) == raw
        bench.empty_team(team)
        assert not Volunteer.objects.exists()
