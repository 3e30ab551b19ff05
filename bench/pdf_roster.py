"""Printed 名册 benchmark: pdf.roster.render_roster against one plain WeasyPrint call.

    .venv/bin/python bench/pdf_roster.py [--rows 1000,10000] [--quick] [--part-pages 40]

Builds a throwaway SQLite database (migrated, in a temporary directory; or
DATABASE_URL, a database you can spare) with one team per size, filled with
bulk_create (invented people: registry.invented), then measures, each in a
fresh process of its own:

- ours: render_roster(team, user=None) — fetch, paginate, render (in parts on
  os.cpu_count() worker processes when longer than SINGLE_PART_PAGES), merge;
- plain: the same rows as one ordinary HTML <table> (thead repeated, rows
  unsplittable, table-layout fixed, print.css) through one
  weasyprint.HTML(...).write_pdf(): what a straightforward template would do.

Memory: a sampler thread reads /proc every 50 ms for the measured process and
all its descendants (the fork server and its workers): the largest peak RSS
(VmHWM) of any one process, and the largest sum of RSS and of PSS (shared pages
counted once) over all of them at one moment. --quick skips the plain baseline
of sizes above 2,000 rows (about 2 minutes and 2 GB at 10,000). See bench/README.md.
"""

import argparse
import io
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))


def setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "website.settings")
    os.environ.setdefault("SECRET_KEY", "pdf-roster-benchmark")
    import django

    django.setup()


# --- Memory of a process tree ------------------------------------------------------------


def _status(pid):
    try:
        text = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return {}
    values = {}
    for line in text.splitlines():
        key, _, rest = line.partition(":")
        if key in ("VmHWM", "VmRSS", "PPid"):
            values[key] = int(rest.split()[0])
    return values


def _pss_kb(pid):
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _cpu_seconds(pid):
    """User + system CPU of a process so far (/proc/PID/stat, in clock ticks)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _descendants(root):
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            parents[int(entry.name)] = _status(entry.name).get("PPid")
    found, frontier = set(), {root}
    while frontier:
        frontier = {pid for pid, ppid in parents.items() if ppid in frontier} - found
        found |= frontier
    return found


class TreeSampler(threading.Thread):
    """Peak memory of this process and its descendants, sampled every 50 ms."""

    def __init__(self):
        super().__init__(daemon=True)
        self.stop = threading.Event()
        self.hwm = {}  # pid -> VmHWM kB (last seen)
        self.cpu = {}  # descendant pid -> CPU seconds (last seen)
        self.max_rss_sum = self.max_pss_sum = 0

    def sample(self):
        me = os.getpid()
        rss_sum = pss_sum = 0
        for pid in {me, *_descendants(me)}:
            status = _status(pid)
            if not status:
                continue
            self.hwm[pid] = max(self.hwm.get(pid, 0), status.get("VmHWM", 0))
            if pid != me:
                self.cpu[pid] = max(self.cpu.get(pid, 0), _cpu_seconds(pid))
            rss_sum += status.get("VmRSS", 0)
            pss_sum += _pss_kb(pid)
        self.max_rss_sum = max(self.max_rss_sum, rss_sum)
        self.max_pss_sum = max(self.max_pss_sum, pss_sum)

    def run(self):
        while not self.stop.is_set():
            self.sample()
            self.stop.wait(0.05)

    def report(self):
        self.stop.set()
        if self.ident is not None:
            self.join()
        me = os.getpid()
        others = [kb for pid, kb in self.hwm.items() if pid != me]
        return {
            "parent_peak_mb": self.hwm.get(me, 0) / 1024,
            "child_peak_mb": max(others, default=0) / 1024,
            "processes": len(self.hwm),
            "sum_rss_mb": self.max_rss_sum / 1024,
            "sum_pss_mb": self.max_pss_sum / 1024,
            "children_cpu": sum(self.cpu.values()),
        }


# --- The data -------------------------------------------------------------------------------


def fill_team(node, rows, seed):
    """``rows`` party members of ``node`` (bulk_create: a benchmark, not an app)."""
    from django.utils import timezone

    from registry import invented
    from registry.choices import Education, PoliticalStatus
    from registry.models import Membership, Volunteer

    rng = random.Random(seed)
    educations = [value for value, _label in Education.choices]
    roles = [Membership.Role.MEMBER] * 12 + [
        Membership.Role.HEAD,
        Membership.Role.CONTACT,
        Membership.Role.CAPTAIN,
    ]
    today = timezone.localdate()
    for start in range(0, rows, 1000):
        count = min(1000, rows - start)
        numbers = Volunteer.next_volunteer_numbers(count)
        volunteers = []
        for number in numbers:
            born = date(1955, 1, 1) + timedelta(days=rng.randrange(365 * 45))
            volunteer = Volunteer(
                volunteer_number=number,
                status=Volunteer.Status.REGISTERED,
                org_node=node,
                name=invented.name(rng),
                gender=rng.choice("MF"),
                birth_date=born,
                education=rng.choice(educations),
                mobile=invented.mobile(rng),
                political_status=PoliticalStatus.CPC_MEMBER,
                joined_party_on=born + timedelta(days=365 * rng.randrange(20, 30)),
            )
            volunteer.refresh_derived_fields()
            volunteers.append(volunteer)
        Volunteer.objects.bulk_create(volunteers, batch_size=500)
        Membership.objects.bulk_create(
            [
                Membership(
                    volunteer=volunteer,
                    node=node,
                    role=rng.choice(roles),
                    department_title=rng.choice(invented.DEPARTMENTS)
                    + rng.choice(invented.TITLES),
                    start_date=today,
                )
                for volunteer in volunteers
            ],
            batch_size=500,
        )


def prepare(sizes, seed):
    from django.core.management import call_command

    from registry.models import OrgNode

    call_command("migrate", verbosity=0, interactive=False)
    root = OrgNode.add_root(
        name=f"压测联合会{time.time_ns()}", kind=OrgNode.Kind.FEDERATION
    )
    teams = {}
    for rows in sizes:
        team = root.add_child(name=f"压测{rows}人队", kind=OrgNode.Kind.TEAM)
        fill_team(team, rows, seed + rows)
        teams[rows] = team.pk
    return teams


# --- The measured variants (each in a fresh process) ------------------------------------------------


def plain_html(rows, title):
    """The same rows as one ordinary table: what a straightforward template prints."""
    from django.utils.html import escape

    from pdf import roster

    head = "".join(f"<th>{label}</th>" for label, _units in roster.COLUMNS)
    widths = "".join(
        f'<col style="width:{units * roster.UNIT_MM:.2f}mm">'
        for _label, units in roster.COLUMNS
    )
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row.cells()) + "</tr>"
        for row in rows
    )
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        f"<title>{escape(title)}</title></head><body class=landscape>"
        f"<h1>{escape(title)}</h1><table><colgroup>{widths}</colgroup>"
        f"<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></body></html>"
    )


def child(variant, node_id, part_pages):
    setup_django()
    from pypdf import PdfReader

    from pdf import rendering, roster
    from registry.models import OrgNode

    node = OrgNode.objects.get(pk=node_id)
    if part_pages:
        roster.PART_PAGES = part_pages
    sampler = TreeSampler()
    sampler.start()
    started, cpu = time.perf_counter(), time.process_time()
    if variant == "ours":
        data = roster.render_roster(node, user=None, updated_on=date(2026, 12, 4))
    elif variant == "plain":
        from weasyprint import CSS, HTML

        rows = roster.roster_rows(node, user=None)
        html = plain_html(rows, f"{node.name}党员义工名册")
        data = HTML(string=html, base_url=str(BASE_DIR)).write_pdf(
            stylesheets=[CSS(filename=str(rendering.STYLESHEETS / "print.css"))]
        )
    elif variant == "warm":
        # A one-page 名册, rendered again in a process that has rendered before.
        roster.render_roster(node, user=None, updated_on=date(2026, 12, 4))
        times = []
        for _ in range(5):
            one = time.perf_counter()
            data = roster.render_roster(node, user=None, updated_on=date(2026, 12, 4))
            times.append(time.perf_counter() - one)
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu
    memory = sampler.report()
    result = {
        "variant": variant,
        "seconds": seconds,
        "cpu": cpu,
        "pages": len(PdfReader(io.BytesIO(data)).pages),
        "bytes": len(data),
        **memory,
    }
    if variant == "warm":
        result["median"] = sorted(times)[len(times) // 2]
    print(json.dumps(result))


def measure(variant, node_id, part_pages=0):
    output = subprocess.run(
        [
            sys.executable,
            __file__,
            "--child",
            variant,
            str(node_id),
            str(part_pages),
        ],
        check=True,
        capture_output=True,
        text=True,
        env=os.environ,
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", default="1000,10000")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--part-pages", default="", help="e.g. 20,40,80")
    parser.add_argument("--seed", type=int, default=2012)
    parser.add_argument("--child", nargs=3, metavar=("VARIANT", "NODE", "PARTPAGES"))
    args = parser.parse_args()
    if args.child:
        variant, node_id, part_pages = args.child
        return child(variant, int(node_id), int(part_pages))

    workdir = Path(tempfile.mkdtemp(prefix="pdf-roster-bench-"))
    os.environ.setdefault("DATABASE_URL", f"sqlite:///{workdir / 'bench.sqlite3'}")
    setup_django()
    from django.db import connection

    sizes = [int(size) for size in args.rows.split(",")]
    started = time.perf_counter()
    teams = prepare([3, *sizes], args.seed)
    connection.close()
    print(
        f"数据库：{connection.vendor}；建队与填充 {time.perf_counter() - started:.1f} 秒"
    )
    print(f"CPU：{os.cpu_count()} 核；负载 {os.getloadavg()[0]:.2f}")

    warm = measure("warm", teams[3])
    print(f"一页名册（3 行）热渲染中位数：{warm['median'] * 1000:.0f} ms")

    header = (
        f"{'行数':>7} {'方式':<10}{'页':>5}{'秒':>8}{'CPU秒':>8}{'KB':>8}"
        f"{'父MB':>7}{'子MB':>7}{'ΣRSS':>7}{'ΣPSS':>7}"
    )
    print(header)
    part_sizes = [int(size) for size in args.part_pages.split(",") if size]
    for rows in sizes:
        results = []
        for part_pages in part_sizes or [0]:
            label = f"ours/{part_pages}" if part_pages else "ours"
            results.append((label, measure("ours", teams[rows], part_pages)))
        if not (args.quick and rows > 2000):
            results.append(("plain", measure("plain", teams[rows])))
        for label, result in results:
            print(
                f"{rows:>7} {label:<10}{result['pages']:>5}{result['seconds']:>8.1f}"
                f"{result['cpu'] + result['children_cpu']:>8.1f}"
                f"{result['bytes'] / 1024:>8.0f}{result['parent_peak_mb']:>7.0f}"
                f"{result['child_peak_mb']:>7.0f}{result['sum_rss_mb']:>7.0f}"
                f"{result['sum_pss_mb']:>7.0f}"
            )
        plain = dict(results).get("plain")
        if plain:
            ours = results[0][1]
            print(
                f"{rows:>7} plain / ours: {plain['seconds'] / ours['seconds']:.1f}× "
                f"faster, peak {plain['parent_peak_mb']:.0f} → "
                f"{max(ours['parent_peak_mb'], ours['child_peak_mb']):.0f} MB"
            )


if __name__ == "__main__":
    main()
