"""Two imports at the same moment: never a duplicate volunteer, never half an import."""

import threading

import pytest
from django.db import connection

from registry.models import Volunteer
from rosters.services import import_file

from .files import person, xlsx_bytes

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def import_together(jobs):
    """Run import_file for each (node, path) in its own thread, released at once."""
    barrier = threading.Barrier(len(jobs))
    outcomes = [None] * len(jobs)

    def run(index, node, path):
        try:
            barrier.wait()
            outcomes[index] = import_file(path=path, node=node)
        except Exception as exc:  # a refused writer is an outcome here
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [
        threading.Thread(target=run, args=(index, node, path))
        for index, (node, path) in enumerate(jobs)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes


def written(outcome):
    return not isinstance(outcome, Exception) and outcome.written


@pytest.mark.parametrize("same_team", [False, True], ids=["two teams", "one team"])
def test_overlapping_imports(nodes, tmp_path, same_team):
    shared = [person(n) for n in range(1, 51)]
    first = tmp_path / "first.xlsx"
    first.write_bytes(xlsx_bytes(shared + [person(n) for n in range(101, 151)]))
    second = tmp_path / "second.xlsx"
    second.write_bytes(xlsx_bytes(shared + [person(n) for n in range(201, 251)]))
    other = nodes["A1"] if same_team else nodes["B1"]

    outcomes = import_together([(nodes["A1"], first), (other, second)])

    numbers = list(Volunteer.objects.values_list("id_number", flat=True))
    assert len(numbers) == len(set(numbers))
    # Whoever came second met the first one's people: flagged, refused or
    # (same team) found unchanged; in no case half written.
    assert sum(written(outcome) for outcome in outcomes) >= 1
    for outcome, node, own in (
        (outcomes[0], nodes["A1"], 101),
        (outcomes[1], other, 201),
    ):
        own_rows = Volunteer.objects.filter(
            org_node=node, name__in=[f"测试{n:05d}" for n in range(own, own + 50)]
        )
        assert own_rows.count() == (50 if written(outcome) else 0), outcome
    shared_rows = Volunteer.objects.filter(name__in=[row["姓名"] for row in shared])
    assert shared_rows.count() == 50
    assert shared_rows.values("org_node").distinct().count() == 1
