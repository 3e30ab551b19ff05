"""The listing benchmark's core on a tiny tree, so that bench/registry_listing.py cannot rot."""

import importlib.util
from pathlib import Path

import pytest

pytestmark = pytest.mark.django_db

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "registry_listing.py"


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("registry_listing_bench", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_benchmark_builds_measures_and_reports(bench):
    world = bench.build(nodes=30, volunteers=600, echo=lambda *args: None)
    results = bench.measure(world, requests=2)
    lines = []
    bench.report(results, echo=lines.append)

    corps = results["总队管理员：义工列表"]
    team = results["队信息管理员：义工列表"]
    last = results["队信息管理员：列表最后一页"]
    # Scoped: a corps sees its teams' volunteers, a team contact far fewer.
    assert corps["rows"] == bench.PAGE < corps["total"] < 600
    assert last["rows"] < bench.PAGE and team["total"] < corps["total"]
    # The query count does not depend on the rows on the page.
    assert corps["queries"] == team["queries"] == last["queries"]
    assert all(r["p95"] >= r["median"] > 0 for r in results.values())
    assert len(lines) == 1 + len(results)
