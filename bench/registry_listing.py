#!/usr/bin/env python
"""Benchmark the registry's volunteer listing in the Wagtail admin on a large tree.

    DATABASE_URL=postgres://postgres@127.0.0.1:55434/yigong \\
        .venv/bin/python bench/registry_listing.py [--nodes 2000] [--volunteers 100000]
        [--requests 50]

Creates a throwaway database (Django's test database: "test_" + the name in
DATABASE_URL), fills it with bulk_create, requests the listing through the
Django test client (the whole server side: middleware, view, templates) as a
corps leader (管理员 on a 义工服务总队) and as a team contact (信息管理员 on one
team), and prints median and p95 times and query counts next to two baselines
from the same run: the same listing for a superuser (no scoping) and a bare
ORM fetch of a page. The database is dropped afterwards. See bench/README.md.
"""

import argparse
import itertools
import os
import statistics
import sys
import time
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGE = 50  # VolunteerViewSet.list_per_page


def setup_django():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "website.settings_test")
    import django

    django.setup()


# --- Building the data ----------------------------------------------------------------


def tree_shape(total):
    """How many nodes of each kind make ``total``: federation, branches, corps, …"""
    branches = max(1, total // 500)
    corps = branches * 5
    stations = max(1, total // 25)
    rest = total - 1 - branches - corps - stations
    teams = max(corps, int(rest * 0.45))
    return branches, corps, stations, teams, rest - teams


def build(nodes=2000, volunteers=100_000, *, echo=print):
    """Fill the current database; return the users and nodes the measurements need."""
    from django.contrib.auth import get_user_model

    from registry import roles, services
    from registry.models import OrgNode

    started = time.perf_counter()
    branches, corps, stations, teams, subteams = tree_shape(nodes)
    kind = OrgNode.Kind
    counter = itertools.count(1)
    rows, children = [], {}

    def add(parent, node_kind, name):
        depth = parent.depth + 1 if parent else 1
        siblings = children.setdefault(parent.path if parent else "", 0) + 1
        children[parent.path if parent else ""] = siblings
        node = OrgNode(
            name=name,
            kind=node_kind,
            code=f"TSB{next(counter):05d}",
            status=OrgNode.Status.ESTABLISHED,
            depth=depth,
            path=OrgNode._get_path(parent.path if parent else None, depth, siblings),
            numchild=0,
        )
        if parent is not None:
            parent.numchild += 1
        rows.append(node)
        return node

    federation = add(None, kind.FEDERATION, "台山市义工联合会")
    branch_nodes = [
        add(federation, kind.BRANCH, f"分会{b + 1}") for b in range(branches)
    ]
    corps_nodes = [
        add(branch_nodes[c % branches], kind.CORPS, f"总队{c + 1}")
        for c in range(corps)
    ]
    team_nodes = [
        add(corps_nodes[t % corps], kind.TEAM, f"服务队{t + 1}") for t in range(teams)
    ]
    subteam_nodes = [
        add(team_nodes[s % teams], kind.SUBTEAM, f"分队{s + 1}")
        for s in range(subteams)
    ]
    for s in range(stations):
        add(branch_nodes[s % branches], kind.STATION, f"服务站{s + 1}")
    OrgNode.objects.bulk_create(rows, batch_size=1000)
    by_path = {n.path: n.pk for n in OrgNode.objects.only("pk", "path")}
    for node in rows:
        node.pk = node.id = by_path[node.path]
    homes = team_nodes + subteam_nodes
    echo(f"  {len(rows)} 个组织（{corps} 个总队，{teams} 个服务队，{subteams} 个分队）")

    create_volunteers(volunteers, homes)
    echo(f"  {volunteers} 名义工，{time.perf_counter() - started:.1f} 秒")

    User = get_user_model()
    corps_node, team_node = corps_nodes[0], team_nodes[0]
    users = {
        "superuser": User.objects.create_user(
            "bench-super", password="x", is_superuser=True, is_staff=True
        ),
        "corps": User.objects.create_user("bench-corps", password="x"),
        "team": User.objects.create_user("bench-team", password="x"),
    }
    services.grant_role(
        granted_by=None, user_or_group=users["corps"], role=roles.ADMIN, node=corps_node
    )
    services.grant_role(
        granted_by=None,
        user_or_group=users["team"],
        role=roles.INFO_MANAGER,
        node=team_node,
    )
    analyze()
    return {"users": users, "corps": corps_node, "team": team_node}


def create_volunteers(count, homes):
    from registry import invented
    from registry.models import Membership, Volunteer
    from registry.pinyin import name_pinyin

    given = invented.GIVEN
    names = [
        s + g1 + g2
        for s in invented.SURNAMES
        for g1 in given[:12]
        for g2 in given[12:24]
    ]
    pinyin = {name: name_pinyin(name) for name in names[: min(len(names), count)]}
    names = list(pinyin)
    numbers = Volunteer.next_volunteer_numbers(count) if count else []
    born = date(1950, 1, 1)
    batch = []
    for index in range(count):
        name = names[index % len(names)]
        # (birth date, sequence) pairs are distinct for up to 5 × 20,000 people.
        id_number = invented.id_number(
            "440781", born + timedelta(days=index % 20000), (index // 20000) * 2 + 1
        )
        full, initials = pinyin[name]
        batch.append(
            Volunteer(
                volunteer_number=numbers[index],
                status=Volunteer.Status.REGISTERED,
                org_node_id=homes[index % len(homes)].pk,
                name=name,
                pinyin=full,
                pinyin_initials=initials,
                id_number=id_number,
                id_number_tail=id_number[-4:],
                gender="M" if int(id_number[16]) % 2 else "F",
                mobile=f"138{index:08d}",
            )
        )
        if len(batch) == 5000 or index == count - 1:
            Volunteer.objects.bulk_create(batch)
            saved = Volunteer.objects.filter(
                volunteer_number__in=[v.volunteer_number for v in batch]
            ).values_list("pk", "org_node_id")
            Membership.objects.bulk_create(
                Membership(volunteer_id=pk, node_id=node_id) for pk, node_id in saved
            )
            batch = []


def analyze():
    """Statistics and visibility map as autovacuum leaves them after a big import.

    VACUUM, not only ANALYZE: the listing counts and pages from its covering
    index, which reads the table for rows the visibility map does not yet
    mark as visible to all.
    """
    from django.db import connection

    if connection.vendor == "postgresql":
        # VACUUM cannot run in a transaction (the smoke test's): ANALYZE there.
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE"
        with connection.cursor() as cursor:
            cursor.execute(command)


# --- Measuring ---------------------------------------------------------------------------


def summarise(samples):
    samples = sorted(samples)
    if len(samples) > 1:
        p95 = statistics.quantiles(samples, n=20, method="inclusive")[18]
    else:
        p95 = samples[0]
    return statistics.median(samples), p95


@contextmanager
def listing_context():
    """Collect the template contexts of the requests made inside the block.

    Django's test runner records every template render; outside it that would
    slow down exactly what is measured, so only this one request is recorded.
    """
    from django.template import Template
    from django.test.signals import template_rendered
    from django.test.utils import instrumented_test_render

    contexts = []

    def record(sender, context, **kwargs):
        contexts.append(context)

    original = Template._render
    Template._render = instrumented_test_render
    template_rendered.connect(record)
    try:
        yield contexts
    finally:
        template_rendered.disconnect(record)
        Template._render = original


def timed(action, requests):
    """Run ``action`` ``requests`` times: median and p95 wall time, median CPU time.

    CPU time is this process's (Django's side, without the database server);
    a busy machine disturbs it less than the wall clock.
    """
    wall, cpu = [], []
    for _request in range(requests):
        start, start_cpu = time.perf_counter(), time.process_time()
        action()
        wall.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
    median, p95 = summarise(wall)
    return {"median": median, "p95": p95, "cpu": statistics.median(cpu)}


def time_listing(client, url, requests):
    from django.db import connection

    def get():
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url}: HTTP {response.status_code}")

    for _warm_up in range(min(3, requests)):
        get()
    result = timed(get, requests)
    queries = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        get()
    with listing_context() as contexts:
        get()
    listing = next(c for c in contexts if "items_count" in c)
    return {
        **result,
        "queries": len(queries),
        "rows": len(listing["object_list"]),
        "total": listing["items_count"],
    }


def time_orm_page(requests):
    from registry.models import Volunteer

    def fetch():
        list(
            Volunteer.objects.select_related("org_node").order_by("pinyin", "pk")[:PAGE]
        )

    return {**timed(fetch, requests), "queries": 1, "rows": PAGE, "total": None}


def measure(world, requests=50):
    """{scenario: {median, p95, cpu, queries, rows, total}}; times in milliseconds."""
    from django.test import Client
    from django.urls import reverse

    from registry import roles, selectors

    url = reverse("registry_volunteer:index")
    team_rows = selectors.volunteers_for_user(
        world["users"]["team"], roles.VIEW_REGISTRY
    ).count()
    last_page = max(1, -(-team_rows // PAGE))
    results = {}
    scenarios = [
        ("总队管理员：义工列表", "corps", url),
        ("总队管理员：拼音搜索 zh", "corps", url + "?q=zh"),
        ("队信息管理员：义工列表", "team", url),
        ("队信息管理员：列表最后一页", "team", f"{url}?p={last_page}"),
        ("基准：系统管理员（不限范围）", "superuser", url),
        # What any admin page costs: menus, header, filters, a short table.
        (
            "基准：系统管理员看拟服务人群目录",
            "superuser",
            reverse("registry_targetgroup:index"),
        ),
    ]
    for label, username, scenario_url in scenarios:
        client = Client()
        client.force_login(world["users"][username])
        results[label] = time_listing(client, scenario_url, requests)
    results["基准：ORM 取一页（不经视图）"] = time_orm_page(requests)
    return results


def report(results, echo=print):
    baseline = results["基准：系统管理员（不限范围）"]["median"]
    echo(
        f"{'场景':<24}{'中位数ms':>10}{'p95 ms':>10}{'CPU ms':>9}{'查询数':>8}"
        f"{'本页行数':>9}{'总行数':>9}{'/基准':>8}"
    )
    for label, r in results.items():
        total = "" if r["total"] is None else r["total"]
        echo(
            f"{label:<24}{r['median']:>10.1f}{r['p95']:>10.1f}{r['cpu']:>9.1f}"
            f"{r['queries']:>8}{r['rows']:>9}{total!s:>9}{r['median'] / baseline:>8.2f}"
        )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nodes", type=int, default=2000)
    parser.add_argument("--volunteers", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()
    setup_django()

    from django.conf import settings
    from django.db import connection

    # The test client's host; not the test environment, whose recording of
    # every template render would distort the times.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    print(
        f"数据库：{connection.vendor}（{connection.settings_dict['NAME']} 的测试库），"
        f"CONN_MAX_AGE={connection.settings_dict['CONN_MAX_AGE']}"
    )
    if connection.vendor != "postgresql":
        print("注意：目标是 PostgreSQL；其他数据库上的数字仅供参考。")
    old_name = connection.creation.create_test_db(
        verbosity=0, autoclobber=True, serialize=False
    )
    try:
        print("建立数据：")
        world = build(args.nodes, args.volunteers)
        print(f"每个场景请求 {args.requests} 次：")
        results = measure(world, args.requests)
        report(results)
        worst = max(
            r["p95"] for label, r in results.items() if not label.startswith("基准")
        )
        print(f"最慢场景 p95 = {worst:.1f} ms（目标 ≤ 150 ms）")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
