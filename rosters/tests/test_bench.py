"""The roster benchmark's core on a tiny roster, so that bench/roster_import.py cannot rot."""

import importlib.util

import pytest
from django.conf import settings

from registry.models import Membership, RegistryLogEntry, Volunteer
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

    def written():
        return (
            Volunteer.objects.filter(org_node=team, import_batch__isnull=False).count(),
            Membership.objects.filter(node=team).count(),
        )

    for path in bench.write_inputs(rows, tmp_path, ["csv", "xlsx"]).values():
        assert bench.raw_bulk_create(path, team) == 40
        assert written() == (40, 40)
        bench.empty_team(team)
        assert written() == (0, 0)
        result = import_file(path=path, node=team)
        assert result.written
        assert result.plan()["new"] == 40
        assert written() == (40, 40)
        assert RegistryLogEntry.objects.filter(org_node=team).count() == 1
        bench.empty_team(team)
        assert RegistryLogEntry.objects.filter(org_node=team).count() == 0
