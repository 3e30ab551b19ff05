"""Roster import benchmark: the full import against a raw bulk_create of the same rows.

    .venv/bin/python bench/roster_import.py [--rows 100000] [--formats csv,xlsx] [--repeat 1]

Rows come from bench/gen_roster.py (valid, distinct ID numbers). The database
is DATABASE_URL (PostgreSQL: an empty database you can spare), or else a new
SQLite file in a temporary directory; it is migrated first.

Each measurement runs in its own process and reports that process's peak RSS
(VmHWM; ru_maxrss would carry over the parent's peak across exec). Per format:
- raw: read the file (csv module / openpyxl read-only), build Volunteer and
  Membership objects with plain lookups and no checks, compute the derived
  search fields the model requires before bulk_create, allocate 注册义工号 and
  bulk_create them in one transaction: the rows the import writes (its one
  audit entry per import aside).
- check: the import's preview pass (every rule, every lookup, no writes).
- import: rosters.services.import_file, the CLI's path: read, check, match,
  write volunteers, memberships and the import's audit entry in one transaction.
The ratio is raw time / import time (1.0 = as fast as raw bulk_create).
"""

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
sys.path.insert(0, str(BASE_DIR / "bench"))

import gen_roster  # noqa: E402


def setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "website.settings")
    os.environ.setdefault("SECRET_KEY", "roster-import-benchmark")
    import django

    django.setup()


# --- Input files --------------------------------------------------------------------


def make_rows(count, seed):
    """gen_roster's people with distinct ID numbers and phones (it draws at random)."""
    rng = random.Random(seed)
    rows, ids, phones = [], set(), set()
    while len(rows) < count:
        for row in gen_roster.people(rng, count - len(rows)):
            if row["身份证号码"] in ids or row["电话"] in phones:
                continue
            ids.add(row["身份证号码"])
            phones.add(row["电话"])
            row["序号"] = len(rows) + 1
            rows.append(row)
    return rows


def write_inputs(rows, directory, formats):
    paths = {}
    if "csv" in formats:
        paths["csv"] = directory / "roster.csv"
        gen_roster.write_csv(paths["csv"], rows)
    if "xlsx" in formats:
        paths["xlsx"] = directory / "roster.xlsx"
        gen_roster.write_xlsx(paths["xlsx"], rows)
    return paths


# --- Child processes: one measurement each -------------------------------------------


def read_rows(path):
    if path.suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as handle:
            yield from csv.DictReader(handle)
        return
    from openpyxl import load_workbook

    workbook = load_workbook(path, read_only=True)
    rows = workbook.active.iter_rows(values_only=True)
    for values in rows:  # skip the title rows
        if values and values[0] == "序号":
            header = values
            break
    for values in rows:
        yield {
            key: "" if value is None else str(value)
            for key, value in zip(header, values, strict=False)
        }
    workbook.close()


def raw_bulk_create(path, node):
    """Write the rows without any check."""
    import uuid

    from django.db import transaction

    from registry.choices import Education, PoliticalStatus

    education = {label: value for value, label in Education.choices}
    political = {label: value for value, label in PoliticalStatus.choices}
    gender = {"男": "M", "女": "F"}

    def month(text):
        year, number = text.split("-")
        return date(int(year), int(number), 1)

    def dotted(text):
        return date(*map(int, text.split("."))) if text else None

    lookups = (education, political, gender, month, dotted)
    batch = uuid.uuid4()
    count = 0
    with transaction.atomic():
        chunk = []
        for row in read_rows(path):
            chunk.append(row)
            if len(chunk) == 1000:
                count += _raw_chunk(chunk, node, batch, lookups)
                chunk = []
        if chunk:
            count += _raw_chunk(chunk, node, batch, lookups)
    return count


def _raw_chunk(chunk, node, batch, lookups):
    from django.utils import timezone

    from registry.models import Membership, Volunteer

    education, political, gender, month, dotted = lookups

    numbers = Volunteer.next_volunteer_numbers(len(chunk))
    volunteers = []
    for row, number in zip(chunk, numbers, strict=True):
        volunteer = Volunteer(
            volunteer_number=number,
            status=Volunteer.Status.REGISTERED,
            org_node=node,
            name=row["姓名"],
            gender=gender[row["性别"]],
            birth_date=month(row["出生年月"]),
            education=education[row["学历"]],
            mobile=row["电话"],
            id_number=row["身份证号码"],
            political_status=political[row["政治面貌"]],
            joined_party_on=dotted(row["入党时间"]),
            import_batch=batch,
        )
        volunteer.refresh_derived_fields()
        volunteers.append(volunteer)
    Volunteer.objects.bulk_create(volunteers, batch_size=500)
    today = timezone.localdate()
    Membership.objects.bulk_create(
        [
            Membership(
                volunteer=volunteer,
                node=node,
                department_title=row["部门及职务"],
                start_date=today,
            )
            for volunteer, row in zip(volunteers, chunk, strict=True)
        ],
        batch_size=500,
    )
    return len(volunteers)


VARIANTS = ("raw", "check", "import")


def peak_rss_mb():
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status (Linux only)")


def child(variant, path, node_id):
    setup_django()
    from registry.models import OrgNode
    from rosters.services import import_file

    node = OrgNode.objects.get(pk=node_id)
    baseline_mb = peak_rss_mb()
    started = time.perf_counter()
    if variant == "raw":
        rows = raw_bulk_create(path, node)
        written, plan = True, None
    else:
        result = import_file(path=path, node=node, dry_run=variant == "check")
        rows, written, plan = result.total, result.written, result.plan()
    seconds = time.perf_counter() - started
    print(
        json.dumps(
            {
                "variant": variant,
                "rows": rows,
                "seconds": seconds,
                "written": written,
                "plan": plan,
                "baseline_mb": baseline_mb,
                "peak_mb": peak_rss_mb(),
            }
        )
    )


def measure(variant, path, node_id):
    output = subprocess.run(
        [sys.executable, __file__, "--child", variant, str(path), str(node_id)],
        check=True,
        capture_output=True,
        text=True,
        env=os.environ,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


# --- The parent: database, files, runs, report ---------------------------------------------


def prepare_database():
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    from registry.models import OrgNode

    root = OrgNode.get_root_nodes().filter(
        name="压测联合会"
    ).first() or OrgNode.add_root(name="压测联合会", kind=OrgNode.Kind.FEDERATION)
    team = root.add_child(name=f"压测队{time.time_ns()}", kind=OrgNode.Kind.TEAM)
    return team


def empty_team(node):
    from django.db import transaction

    from registry.models import Membership, RegistryLogEntry, Volunteer

    with transaction.atomic():
        RegistryLogEntry.objects.filter(org_node=node).delete()
        Membership.objects.filter(node=node).delete()
        Volunteer.objects.filter(org_node=node).delete()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--formats", default="csv,xlsx")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--seed", type=int, default=2012)
    parser.add_argument("--child", nargs=3, metavar=("VARIANT", "FILE", "NODE"))
    args = parser.parse_args()
    if args.child:
        variant, path, node_id = args.child
        return child(variant, Path(path), int(node_id))

    workdir = Path(tempfile.mkdtemp(prefix="roster-bench-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    setup_django()
    from django.conf import settings
    from django.db import connection

    print(f"数据库：{connection.vendor} {settings.DATABASES['default']['NAME']}")
    started = time.perf_counter()
    node = prepare_database()
    print(f"迁移与建队：{time.perf_counter() - started:.1f} 秒")
    formats = args.formats.split(",")
    paths = write_inputs(make_rows(args.rows, args.seed), workdir, formats)
    for path in paths.values():
        print(
            f"输入：{path.name} {path.stat().st_size / 1024 / 1024:.1f} MB，{args.rows} 行"
        )
    connection.close()

    report = []
    for kind, path in paths.items():
        best = {}
        for _ in range(args.repeat):
            for variant in VARIANTS:
                result = measure(variant, path, node.pk)
                if variant != "check":
                    empty_team(node)
                    connection.close()
                if variant == "import":
                    assert result["written"], result
                if variant not in best or result["seconds"] < best[variant]["seconds"]:
                    best[variant] = result
        report.append((kind, best))

    print()
    print(
        f"{'格式':<6}{'步骤':<8}{'行/秒':>10}{'秒':>9}{'峰值RSS(MB)':>14}{'起始RSS(MB)':>14}"
    )
    for kind, best in report:
        for variant in VARIANTS:
            result = best[variant]
            print(
                f"{kind:<6}{variant:<8}{result['rows'] / result['seconds']:>10,.0f}"
                f"{result['seconds']:>9.1f}{result['peak_mb']:>14.0f}{result['baseline_mb']:>14.0f}"
            )
        ratio = best["raw"]["seconds"] / best["import"]["seconds"]
        print(f"{kind:<6}导入速度 / raw bulk_create = {ratio:.0%}（目标 ≥ 70%）")
        peak = max(result["peak_mb"] for result in best.values())
        print(f"{kind:<6}峰值内存 {peak:.0f} MB（目标 ≤ 300 MB）")


if __name__ == "__main__":
    main()
