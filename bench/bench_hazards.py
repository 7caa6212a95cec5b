"""Benchmark of the hazard ledger (issue 15, item 11): a city-wide ledger grown to 1,000, 10,000 and 100,000
hazards, its list page for a unit, a county and the city (filters, search, a deep page), and the 台账 export.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_hazards python bench/bench_hazards.py \
        [--sizes 1000,10000,100000] [--runs 7] [--out docs/perf/hazards.md]

Uses PostgreSQL database `bench_hazards` by default (created when missing) and refuses a database whose name
does not contain "bench". For each size it builds its own city (基准市 <size>: 10 counties × 100 units, not the
demo's) with accounts, and fills it in bulk (bulk_create, spread evenly over the units, states, levels,
categories and a year of found dates); rows made by an earlier run are reused, and every city stays in the
table (a province-wide table of 111,000 hazards when all three sizes are there). At each size it
times GET /hazards/ through Django's test client (the whole request) — the median of `runs` requests after
3 warm-up ones, with the number of queries — and the 台账 export of the county's ledger as the export task
writes it (LedgerExport.generate), the median of 3. Targets: list ≤ 150 ms median with constant queries;
export of 10,000 rows ≤ 3 s.
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import random
import statistics
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_hazards")
os.environ.setdefault("PORTAL_DEBUG", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

LOAD_AT_START = os.getloadavg()
CITY = "基准市{size}总工会"
COUNTIES, UNITS_PER_COUNTY = 10, 100
PREFIX = "bench-hz-"
DESCRIPTIONS = ["配电箱门未上锁，线路裸露", "消防通道被货物堵塞", "叉车倒车报警器损坏", "高处作业未系安全带",
                "车间粉尘浓度超标", "安全警示标志缺失", "砂轮机防护罩缺失", "压力容器超期未检", "应急照明不亮",
                "危化品仓库通风不良"]
LOCATIONS = ["一号车间", "二号车间", "仓库", "配电室", "装卸区", "锅炉房", "办公楼", "厂区道路"]
SCENARIOS = {
    "unit": [("默认", {}), ("状态：整改中", {"state": "rectifying"}), ("只看已逾期", {"overdue": "on"}),
             ("搜索“配电箱”", {"q": "配电箱"})],
    "county": [("默认", {}), ("状态：整改中", {"state": "rectifying"}), ("只看已逾期", {"overdue": "on"}),
               ("搜索“配电箱”", {"q": "配电箱"}), ("搜索“消防”", {"q": "消防"}), ("第 20 页", {"page": "20"})],
    "city": [("默认", {}), ("级别：重大", {"level": "major"}), ("只看已逾期", {"overdue": "on"}),
             ("搜索“配电箱”", {"q": "配电箱"}), ("搜索“消防”", {"q": "消防"}), ("搜索“门”", {"q": "门"}),
             ("类别＋来源", {"category": "management", "source": "worker_report"}),
             ("第 200 页", {"page": "200"})],
}


def ensure_database(url: str) -> None:
    parsed = urlparse(url)
    name = parsed.path.lstrip("/")
    if parsed.scheme.startswith("postgres"):
        import psycopg

        admin = parsed._replace(path="/postgres").geturl()
        with psycopg.connect(admin, autocommit=True) as conn:
            if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                conn.execute(f'CREATE DATABASE "{name}"')
                print(f"created database {name}")


def directory(size: int):
    """The city of one size: counties, units and accounts (made once)."""
    from django.db import transaction

    from portal.accounts.enums import RoleKind
    from portal.accounts.models import Role, User
    from portal.directory.enums import NodeKind
    from portal.directory.models import OrgNode

    name = CITY.format(size=size)
    city = OrgNode.objects.filter(name=name, kind=NodeKind.CITY).first()
    if city is None:
        with transaction.atomic():
            province = OrgNode.objects.filter(kind=NodeKind.PROVINCE).first()
            if province is None:
                province = OrgNode(name="基准省总工会", kind=NodeKind.PROVINCE)
                province.save()
            city = OrgNode(name=name, kind=NodeKind.CITY, parent=province)
            city.save()
            for c in range(COUNTIES):
                county = OrgNode(name=f"基准市{size}{c + 1}区总工会", kind=NodeKind.COUNTY, parent=city)
                county.save()
                for u in range(UNITS_PER_COUNTY):
                    OrgNode(name=f"基准市{size}{c + 1}区第{u + 1}机械有限公司", kind=NodeKind.UNIT,
                            parent=county).save()
    counties = list(OrgNode.objects.filter(parent=city).order_by("id"))
    units = list(OrgNode.objects.filter(parent__in=counties, kind=NodeKind.UNIT).order_by("id"))

    def account(name, kind, node):
        user, _created = User.objects.get_or_create(username=f"{PREFIX}{size}-{name}", defaults={"full_name": name})
        Role.objects.get_or_create(user=user, kind=kind, node=node)
        return user

    people = {"unit": account("safety", RoleKind.SAFETY_OFFICER, units[0]),
              "county": account("county", RoleKind.COUNTY, counties[0]),
              "city": account("city", RoleKind.CITY, city)}
    workers = [account(f"worker{i}", RoleKind.WORKER, units[i]) for i in range(10)]
    return city, counties, units, people, workers


STATES = [("closed", 40), ("reviewed", 10), ("rectifying", 15), ("accepted", 10), ("registered", 10),
          ("submitted", 5), ("verified", 4), ("signed", 4), ("declined", 2)]


def grow(size: int, units, workers) -> int:
    """Add hazards until the bench city holds `size`; returns how many were added."""
    from django.db import connection, transaction
    from django.utils import timezone

    from hazards.enums import HazardCategory, HazardSource
    from hazards.models import Hazard, HazardCounter, HazardProgramme

    have = Hazard.objects.filter(unit__in=units).count()
    missing = size - have
    if missing <= 0:
        return 0
    print(f"adding {missing} hazards (to {size}) …", flush=True)
    rng = random.Random(size + have)
    programme = HazardProgramme.objects.get(is_default=True)
    states = [state for state, weight in STATES for _ in range(weight)]
    categories, sources = HazardCategory.values, HazardSource.values
    now = timezone.now()
    year = 2000  # codes of a year long past: never in the way of the counter of real reports
    batch = []
    with transaction.atomic():
        counter, _created = HazardCounter.objects.select_for_update().get_or_create(year=year)
        for index in range(have, size):
            state = rng.choice(states)
            found = now - timedelta(minutes=rng.randint(0, 365 * 24 * 60))
            graded = state not in ("registered", "declined")
            deadline = (found + timedelta(days=rng.randint(3, 60))).date() if graded else None
            counter.last += 1
            batch.append(Hazard(
                code=f"HZ-{year}-{counter.last:06d}", programme=programme, source=rng.choice(sources),
                unit=units[index % len(units)], location=rng.choice(LOCATIONS), category=rng.choice(categories),
                description=rng.choice(DESCRIPTIONS), found_at=found, finder=rng.choice(workers),
                level=("major" if rng.random() < 0.02 else "general") if graded else "",
                responsible=rng.choice(workers) if graded else None, deadline=deadline, state=state,
                cost=rng.randint(0, 5000) if state in ("closed", "reviewed", "verified", "signed") else None))
            if len(batch) == 5000:
                Hazard.objects.bulk_create(batch)
                batch = []
        Hazard.objects.bulk_create(batch)
        counter.save()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE hazards_hazard")
    return missing


def timed_get(client, url, params, runs):
    from django.db import connection, reset_queries
    from django.test.utils import CaptureQueriesContext

    for _ in range(3):
        assert client.get(url, params).status_code == 200
    reset_queries()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url, params).status_code == 200
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get(url, params)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    sql = sum(float(query["time"]) for query in queries.captured_queries) * 1000
    return statistics.median(times), max(times), len(queries.captured_queries), sql


def measure_lists(people, runs: int) -> list[dict]:
    from django.test import Client

    rows = []
    for role, scenarios in SCENARIOS.items():
        client = Client(HTTP_HOST="localhost")
        client.force_login(people[role])
        for label, params in scenarios:
            median, worst, queries, sql = timed_get(client, "/hazards/", params, runs)
            rows.append({"role": role, "scenario": label, "median": median, "max": worst, "queries": queries,
                         "sql": sql})
    return rows


def measure_export(people, county) -> dict:
    from hazards.exports.ledger import LedgerExport, ledger_queryset

    kind = LedgerExport()
    params = {"node": county.pk, "filters": {}}
    rows = ledger_queryset(people["county"], county, {}).count()
    times, cpu, size = [], [], 0
    for _ in range(3):
        out = io.BytesIO()
        started, started_cpu = time.perf_counter(), time.process_time()
        kind.generate(params, people["county"], out, lambda done, total: None)
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
        size = out.tell()
    return {"rows": rows, "median": statistics.median(times), "max": max(times), "cpu": statistics.median(cpu),
            "bytes": size}


def report(results: list[dict], runs: int) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version" if connection.vendor == "postgresql" else "SELECT sqlite_version()")
        version = cursor.fetchone()[0]
    lines = [
        "# Hazard ledger performance",
        "",
        "Measured by `python bench/bench_hazards.py` (DATABASE_URL → PostgreSQL `bench_hazards`): a city of 10",
        "counties × 100 units whose ledger grows to each size, hazards spread evenly over the units (so a unit",
        "holds size/1000 and a county size/10). List figures are the server time of GET /hazards/ through",
        f"Django's test client, the median of {runs} requests after 3 warm-up ones, and the queries of one request",
        "with their time as the client saw it (the database's share of the page; the rest is Python and waiting",
        "for a core under load);",
        "the export is LedgerExport.generate (what the export task runs) of the county's whole ledger, median of 3.",
        "",
        "## Machine",
        "",
        f"- nproc: {os.cpu_count()}, python {platform.python_version()}, {platform.platform()}",
        f"- database: {connection.vendor} {version}",
        f"- load average at the start (1/5/15 min): {' / '.join(f'{v:.2f}' for v in LOAD_AT_START)}",
        f"- load average at the end (1/5/15 min): {' / '.join(f'{v:.2f}' for v in os.getloadavg())}",
        "",
        "## List pages (ms)",
        "",
        "| hazards | role | scenario | median | max | queries | SQL of one request |",
        "| ---: | --- | --- | ---: | ---: | ---: | ---: |",
    ]
    for result in results:
        for row in result["lists"]:
            lines.append(f"| {result['size']:,} | {row['role']} | {row['scenario']} | {row['median']:.1f} | "
                         f"{row['max']:.1f} | {row['queries']} | {row['sql']:.1f} |")
    lines += ["", "## 台账 export of the county (s)", "",
              "| hazards | rows exported | median | max | CPU (median) | file |", "| ---: | ---: | ---: | ---: | ---: | ---: |"]
    for result in results:
        export = result["export"]
        lines.append(f"| {result['size']:,} | {export['rows']:,} | {export['median']:.2f} | {export['max']:.2f} | "
                     f"{export['cpu']:.2f} | {export['bytes'] / 1024:.0f} KB |")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--out", help="write the markdown report here too (e.g. docs/perf/hazards.md)")
    parser.add_argument("--force", action="store_true", help="allow a database whose name lacks 'bench'")
    args, _unknown = parser.parse_known_args()
    url = os.environ["DATABASE_URL"]
    if "bench" not in urlparse(url).path and not args.force:
        print(f"refusing to add benchmark data to {url}: use a database named *bench* or --force")
        return 1
    try:
        ensure_database(url)
    except Exception as exc:  # the machine has no PostgreSQL: say so instead of a traceback
        print(f"cannot reach or create the benchmark database ({exc}); set DATABASE_URL")
        return 1

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    results = []
    for size in sorted(int(value) for value in args.sizes.split(",")):
        _city, counties, units, people, workers = directory(size)
        grow(size, units, workers)
        results.append({"size": size, "lists": measure_lists(people, args.runs),
                        "export": measure_export(people, counties[0])})
        print(f"{size}: done", flush=True)
    text = report(results, args.runs)
    print(text)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
