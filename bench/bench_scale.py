"""Every page a user opens during a campaign at 1,000, 10,000 and 100,000 entries, next to its bare SQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_scale python bench/bench_scale.py \
        [--sizes 1000,10000,100000] [--runs 7] [--reuse] [--keep] [--out docs/perf/scale.md]

For each size it (re)creates its own PostgreSQL database (`<name>_<size>`, e.g. bench_scale_100000; the
name must contain "bench"), runs the migrations and `seed_demo`, and adds the entries in bulk with the
demo generator (demo.entries.add_demo_entries, no photos: states, tiers, transitions, unit assessments,
grades), raising the campaign's recommendation cap so that about 5 % reach the province. Then, in bulk:
the experts' assignments of those entries (3 each, a few conflicts), their province-tier scores (~85 %),
final awards for the top tenth, their publication on the exhibition, and two audit records per entry.

Each page is requested with Django's test client as the demo account of the right role after 3 warm-up
requests; the figure is the median of `--runs` requests (the whole request: middleware, session, queries,
template) with the number of queries. Next to it, the "floor": the median time of bare SQL fetching the
rows the page shows (written by hand below, run through the same connection). `--reuse` keeps an existing
database of that size (to measure again after a code change); `--keep` leaves the databases in place.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import random
import statistics
import sys
import time
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_scale")
os.environ.setdefault("PORTAL_DEBUG", "1")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

BASE_URL = os.environ["DATABASE_URL"]
PROVINCE_SHARE = 0.05
AWARDED_SHARE = 0.10  # of the provincial entries


def _db_url(size: int) -> str:
    parsed = urlparse(BASE_URL)
    return parsed._replace(path=f"{parsed.path}_{size}").geturl()


def _admin(url: str) -> tuple[str, str]:
    parsed = urlparse(url)
    return parsed._replace(path="/postgres").geturl(), parsed.path.lstrip("/")


def database_exists(url: str) -> bool:
    import psycopg

    admin, name = _admin(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def recreate_database(url: str) -> None:
    import psycopg

    admin, name = _admin(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def drop_database(url: str) -> None:
    import psycopg

    admin, name = _admin(url)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- building ---------------------------------------------------------------------------------------------


def build(size: int) -> dict:
    from django.core.management import call_command
    from django.db import connection, transaction
    from django.utils import timezone

    from demo.entries import add_demo_entries
    from portal.accounts.enums import RoleKind
    from portal.accounts.models import Role, User
    from portal.audit.models import AuditRecord
    from portal.campaigns.enums import AwardKind
    from portal.campaigns.models import AwardLevel, Campaign
    from portal.directory.enums import NodeKind
    from portal.directory.models import OrgNode
    from review.exhibition.models import Publication
    from review.experts.enums import AwardSource
    from review.experts.models import FinalAward
    from scoring.formula import hazard_score
    from scoring.keys import rebuild_ranking_keys
    from scoring.models import Assessment
    from submissions.enums import EntryState, Tier
    from submissions.models import Entry, ExpertAssignment

    started = time.perf_counter()
    devnull = open(os.devnull, "w")  # noqa: SIM115 - for the whole build
    call_command("migrate", verbosity=0)
    call_command("seed_demo", "--force", verbosity=0, stdout=devnull)
    campaign = Campaign.objects.current()
    unions = OrgNode.objects.filter(kind__in=[NodeKind.CITY, NodeKind.INDUSTRY]).count()
    # The demo sends ~17 % of its entries towards the province; the cap per union keeps ~5 % there.
    campaign.recommend_cap = max(1, math.ceil(PROVINCE_SHARE * size / unions))
    campaign.save(update_fields=["recommend_cap"])
    add_demo_entries(size, photos=False, stdout=None)
    generated = time.perf_counter()

    rng = random.Random(size)
    now = timezone.now()
    experts = list(User.objects.filter(roles__kind=RoleKind.EXPERT).distinct().order_by("pk"))
    ties: dict[int, set[int]] = {}
    for user_id, node_id in Role.objects.filter(kind=RoleKind.EXPERT).values_list("user_id", "node_id"):
        ties.setdefault(user_id, set()).add(node_id)
    options = {"l": ["2", "1.5", "1"], "e": ["2", "1.8", "1.6", "1.4"], "c": ["25", "22", "20", "18", "15"],
               "x": ["1", "0.99", "0.98"], "y": ["1", "0.99", "0.98"]}
    provincial = list(Entry.objects.filter(campaign=campaign, state=EntryState.PROVINCE_RECOMMENDED,
                                           tier=Tier.PROVINCE).values_list("pk", "selection_union_id"))
    ExpertAssignment.objects.filter(entry__campaign=campaign).delete()  # seed_demo's: made again in bulk
    Assessment.objects.filter(entry__campaign=campaign, tier=Tier.PROVINCE).delete()
    assignments, scores, by_entry = [], [], {}
    for entry_id, union_id in provincial:
        panel = [expert for expert in experts if union_id not in ties.get(expert.pk, set())]
        rng.shuffle(panel)
        for expert in panel[:campaign.experts_per_entry]:
            assigned = now - timedelta(days=rng.randint(3, 10))
            conflict = rng.random() < 0.02
            scored = not conflict and rng.random() < 0.85
            assignments.append(ExpertAssignment(
                entry_id=entry_id, expert=expert, assigned_at=assigned,
                conflict_declared_at=assigned + timedelta(days=1) if conflict else None,
                conflict_reason="与作者同单位" if conflict else "",
                submitted_at=assigned + timedelta(days=2) if scored else None))
            if scored:
                values = {key: Decimal(rng.choice(choices)) for key, choices in options.items()}
                d = hazard_score(values["l"], values["e"], values["c"], values["x"], values["y"])
                scores.append(Assessment(entry_id=entry_id, assessor=expert, tier=Tier.PROVINCE, d=d, **values))
                by_entry.setdefault(entry_id, []).append(d)
    levels = list(AwardLevel.objects.filter(campaign=campaign, kind=AwardKind.WORK).order_by("rank"))
    means = sorted(((sum(ds) / len(ds), entry_id) for entry_id, ds in by_entry.items()), reverse=True)
    awarded = [entry_id for _mean, entry_id in means[:max(1, round(AWARDED_SHARE * len(provincial)))]]
    committee = User.objects.get(username="committee")
    with transaction.atomic():
        ExpertAssignment.objects.bulk_create(assignments, batch_size=2000)
        Assessment.objects.bulk_create(scores, batch_size=2000)
        FinalAward.objects.filter(entry__campaign=campaign).delete()
        FinalAward.objects.bulk_create([
            FinalAward(entry_id=entry_id, level=levels[min(position * len(levels) // len(awarded), len(levels) - 1)],
                       source=AwardSource.RANK, rank=position + 1, decided_by=committee)
            for position, entry_id in enumerate(awarded)], batch_size=2000)
        # Published as publish_results would (which needs the lock; the bench keeps the review open so
        # that the committee's dashboard shows its pre-lock checklist, its heaviest state).
        Publication.objects.bulk_create([Publication(entry_id=entry_id, published_by=committee)
                                         for entry_id in awarded], batch_size=2000)
        actions = ["review.forward", "review.recommend", "scoring.assess", "submissions.submit", "review.grade"]
        entry_ids = list(Entry.objects.filter(campaign=campaign).values_list("pk", flat=True))
        records = [AuditRecord(actor=committee, actor_name="省组委会办公室", action=rng.choice(actions),
                               target_id=str(entry_id), target_repr=f"作品 {entry_id}", summary="bench")
                   for entry_id in entry_ids for _ in range(2)]
        AuditRecord.objects.bulk_create(records, batch_size=5000)
        # auto_now_add set "now" on every record: spread them over the campaign, as real ones are.
        with connection.cursor() as cursor:
            cursor.execute("UPDATE audit_auditrecord SET created_at = now() - (id % 40000) * interval '1 minute'"
                           if connection.vendor == "postgresql" else "SELECT 1")
    bulk_done = time.perf_counter()
    # The bulk inserts above bypass the services that keep the ranking keys: rebuild them, as an import would.
    rebuild_ranking_keys(campaign_id=campaign.pk)
    keys_done = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return {"generate entries (s)": round(generated - started, 1),
            "assignments, scores, awards, audit (s)": round(bulk_done - generated, 1),
            "rebuild_ranking_keys (s)": round(keys_done - bulk_done, 1)}


# --- measuring --------------------------------------------------------------------------------------------


def _floors(ids: dict) -> dict[str, tuple[str, list]]:
    """Bare SQL for each page: the rows it shows (and the counts it prints), nothing else."""
    c, city, county, unit = ids["campaign"], ids["city"], ids["county"], ids["unit"]
    review = f"e.campaign_id = {c} AND e.state = 'province_recommended' AND e.tier = 3"
    expert_means = ("SELECT a.entry_id, avg(a.d) d, avg(a.c) c, avg(a.l) l, count(*) n, min(a.d) lo, max(a.d) hi "
                    "FROM scoring_assessment a JOIN experts_expertassignment x ON x.entry_id = a.entry_id "
                    "AND x.expert_id = a.assessor_id AND x.conflict_declared_at IS NULL AND x.removed_at IS NULL "
                    "WHERE a.tier = 3 GROUP BY a.entry_id")
    unit_latest = ("SELECT DISTINCT ON (u.entry_id) u.entry_id, u.d, u.c, u.l FROM scoring_assessment u "
                   "WHERE u.tier = 0 ORDER BY u.entry_id, u.updated_at DESC, u.id DESC")
    ranking = (f"SELECT e.id, e.title, coalesce(x.d, u.d) d FROM submissions_entry e "  # noqa: S608
               f"LEFT JOIN ({expert_means}) x ON x.entry_id = e.id LEFT JOIN ({unit_latest}) u ON u.entry_id = e.id "
               f"WHERE e.campaign_id = {c} AND e.state NOT IN ('draft', 'withdrawn') "
               "ORDER BY coalesce(x.d, u.d) DESC NULLS LAST, coalesce(x.c, u.c) DESC, coalesce(x.l, u.l) DESC, "
               "e.submitted_at, e.id LIMIT 50")
    city_ranking = (f"SELECT e.id, e.title, e.unit_score FROM submissions_entry e WHERE e.campaign_id = {c} "  # noqa: S608
                    f"AND e.selection_union_id = {city} AND e.state NOT IN ('draft', 'withdrawn') "
                    "ORDER BY e.unit_score DESC NULLS LAST, e.submitted_at, e.id LIMIT 50")
    dashboard = (f"SELECT e.id, e.title, x.n, x.d, x.lo, x.hi FROM submissions_entry e LEFT JOIN ({expert_means}) x "  # noqa: S608
                 f"ON x.entry_id = e.id WHERE {review} ORDER BY x.d DESC NULLS LAST, x.c DESC, x.l DESC, e.id LIMIT 50")
    assignments = (f"SELECT e.id, e.title, count(x.id) FILTER (WHERE x.conflict_declared_at IS NULL "  # noqa: S608
                   "AND x.removed_at IS NULL) n FROM submissions_entry e LEFT JOIN experts_expertassignment x "
                   f"ON x.entry_id = e.id WHERE {review} GROUP BY e.id ORDER BY n, e.id LIMIT 50")

    def stats(where: str) -> str:
        return (f"SELECT count(*), count(DISTINCT unit_id), count(DISTINCT author_id) FROM submissions_entry e "  # noqa: S608
                f"WHERE e.campaign_id = {c} AND e.state <> 'draft' AND e.state <> 'withdrawn' {where}")

    def queue(where: str) -> str:
        return (f"SELECT e.id FROM submissions_entry e WHERE e.campaign_id = {c} {where} "  # noqa: S608
                "ORDER BY e.unit_score DESC NULLS LAST, e.id LIMIT 25")

    # A search shows its hits with their rank in the whole ranking: the straightforward SQL numbers the
    # committee's whole ranking (as above, from the scores) and keeps the hits of the page.
    def search(where: str, offset: int) -> str:
        numbered = ranking.replace("SELECT e.id, e.title, coalesce(x.d, u.d) d FROM",
                                   "SELECT e.id, e.title, coalesce(x.d, u.d) d, ROW_NUMBER() OVER (ORDER BY "
                                   "coalesce(x.d, u.d) DESC NULLS LAST, coalesce(x.c, u.c) DESC, coalesce(x.l, u.l) "
                                   "DESC, e.submitted_at, e.id) AS rank FROM").replace(" LIMIT 50", "")
        return f"SELECT r.id, r.title, r.d, r.rank FROM ({numbered}) r WHERE {where} ORDER BY r.rank LIMIT 50 OFFSET {offset}"  # noqa: S608

    word, last_offset = ids["word"], ids["word_last_offset"]
    return {
        "committee ranking": (ranking, []),
        f"committee ranking search “{word}”": (search("r.title LIKE %s", 0), [f"%{word}%"]),
        f"committee ranking search “{word}”, last page": (search("r.title LIKE %s", last_offset), [f"%{word}%"]),
        "committee ranking search by code": (search(f"r.id = {ids['deep_entry']}", 0), []),
        "city ranking": (city_ranking, []),
        "expert dashboard": (dashboard, []),
        "expert assignments": (assignments, []),
        "/stats/ committee": (stats(""), []),
        "/stats/ city": (stats(f"AND e.selection_union_id = {city}"), []),
        "/stats/ county": (stats(f"AND e.first_review_union_id = {county}"), []),
        "/stats/ unit": (stats(f"AND e.unit_id = {unit}"), []),
        "queue unit": (queue(f"AND e.unit_id = {unit} AND e.tier = 0 AND e.state = 'submitted'"), []),
        "queue county": (queue(f"AND e.first_review_union_id = {county} AND e.tier = 1"), []),
        "queue city": (queue(f"AND e.selection_union_id = {city} AND e.tier = 2"), []),
        "entry page": (f"SELECT e.*, (SELECT count(*) FROM submissions_photo p WHERE p.entry_id = e.id), "  # noqa: S608
                       "(SELECT count(*) FROM review_transition t WHERE t.entry_id = e.id) FROM submissions_entry e "
                       f"WHERE e.id = {ids['entry']}", []),
        "exports page": ("SELECT id FROM directory_orgnode WHERE kind IN ('city', 'industry') ORDER BY path", []),
        "exhibition": (f"SELECT e.id, e.title FROM submissions_entry e JOIN exhibition_publication p "  # noqa: S608
                       f"ON p.entry_id = e.id WHERE e.campaign_id = {c} ORDER BY e.id LIMIT 12", []),
        "admin audit changelist": ("SELECT * FROM audit_auditrecord ORDER BY created_at DESC, id DESC LIMIT 100", []),
    }


def measure(runs: int) -> tuple[list[dict], dict]:
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from portal.accounts.models import Role, User
    from portal.campaigns.models import Campaign
    from review.exhibition import cache as exhibition_cache
    from scoring.models import RankingKey
    from scoring.views import RANKING_PAGE_SIZE
    from submissions.enums import NOT_TAKING_PART, EntryState, Tier
    from submissions.models import Entry

    campaign = Campaign.objects.current()
    city1, county1, unit1 = (Role.objects.filter(user__username=name).first() for name in ("city1", "county1", "unit1"))
    entry = Entry.objects.filter(campaign=campaign, selection_union_id=city1.node_id, tier=Tier.SELECTION).first()
    # The ranking's search: the commonest title word of the bench's vocabulary (~5 % of the entries), on its
    # first and its last page (past the ranked hits), and an entry's code near the bottom of the ranking.
    word = "配电箱"
    hits = Entry.objects.filter(campaign=campaign, title__contains=word).exclude(state__in=NOT_TAKING_PART)
    last_page = max(1, math.ceil(hits.count() / RANKING_PAGE_SIZE))
    deep_entry = RankingKey.objects.filter(campaign=campaign).order_by("key_d", "key_c", "key_l").first().entry_id
    ids = {"campaign": campaign.pk, "city": city1.node_id, "county": county1.node_id, "unit": unit1.node_id,
           "entry": entry.pk, "word": word, "word_last_offset": (last_page - 1) * RANKING_PAGE_SIZE,
           "deep_entry": deep_entry}
    pages = [
        ("committee ranking", "committee", "/scoring/ranking/"),
        (f"committee ranking search “{word}”", "committee", f"/scoring/ranking/?q={word}"),
        (f"committee ranking search “{word}”, last page", "committee", f"/scoring/ranking/?q={word}&page={last_page}"),
        ("committee ranking search by code", "committee", f"/scoring/ranking/?q={deep_entry}"),
        ("city ranking", "city1", "/scoring/ranking/"),
        ("expert dashboard", "committee", "/experts/dashboard/"),
        ("expert assignments", "committee", "/experts/assignments/"),
        ("/stats/ committee", "committee", "/stats/"),
        ("/stats/ city", "city1", "/stats/"),
        ("/stats/ county", "county1", "/stats/"),
        ("/stats/ unit", "unit1", "/stats/"),
        ("queue unit", "unit1", "/review/"),
        ("queue county", "county1", "/review/"),
        ("queue city", "city1", "/review/"),
        ("entry page", "city1", f"/review/entries/{entry.pk}/"),
        ("exports page", "committee", "/exports/"),
        ("exhibition", None, "/exhibition/"),
        ("admin audit changelist", "committee", "/admin/audit/auditrecord/"),
    ]
    floors = _floors(ids)
    clients = {}
    results = []
    for label, username, url in pages:
        if username not in clients:
            client = Client(HTTP_HOST="localhost")
            if username:
                client.force_login(User.objects.get(username=username))
            clients[username] = client
        client = clients[username]
        for _ in range(3):
            response = client.get(url)
            assert response.status_code == 200, (label, response.status_code)
        if url == "/exhibition/":
            exhibition_cache.bump_version()  # the page itself, not its cached copy
        reset_queries()
        with CaptureQueriesContext(connection) as queries:
            client.get(url)
        times = []
        for _ in range(runs):
            if url == "/exhibition/":
                exhibition_cache.bump_version()  # the page itself, not its cached copy
            started = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - started) * 1000)
        sql, params = floors[label]
        floor_times = []
        with connection.cursor() as cursor:
            for _ in range(runs + 2):
                started = time.perf_counter()
                cursor.execute(sql, params)
                cursor.fetchall()
                floor_times.append((time.perf_counter() - started) * 1000)
        median, floor = statistics.median(times), statistics.median(floor_times[2:])
        results.append({"page": label, "median": median, "queries": len(queries.captured_queries), "floor": floor})
        print(f"  {label}: {median:.1f} ms, {len(queries.captured_queries)} queries, floor {floor:.1f} ms",
              flush=True)
    facts = {
        "entries": Entry.objects.filter(campaign=campaign).count(),
        "provincial entries": Entry.objects.filter(campaign=campaign, state=EntryState.PROVINCE_RECOMMENDED).count(),
    }
    return results, facts


def _ratio(row: dict) -> str:
    return f"{row['median'] / row['floor']:.1f}" if row["floor"] > 0 else "—"


def report(by_size: dict[int, tuple[list[dict], dict, dict]], runs: int, server: str) -> str:
    sizes = sorted(by_size)
    pages = [row["page"] for row in by_size[sizes[0]][0]]
    lines = [
        "# Every page at 1k, 10k and 100k entries",
        "",
        "Measured by `python bench/bench_scale.py` on PostgreSQL (one database per size, built in bulk: see the",
        f"script's docstring). Each figure is the median of {runs} requests through Django's test client as the",
        "demo account of the page's role, after 3 warm-up requests (middleware, session, every query, the",
        "template; no network). *floor*: median time of bare SQL fetching the rows the page shows;",
        "*ratio*: page / floor (the target is ≤ 3 where the floor is above ~20 ms, and ≤ 300 ms everywhere).",
        "",
        "## Machine and data",
        "",
        f"- nproc: {os.cpu_count()}, python {platform.python_version()}, {platform.platform()}",
        f"- database: {server}",
        f"- load average at the end (1/5/15 min): {' / '.join(f'{v:.2f}' for v in os.getloadavg())}",
    ]
    for size in sizes:
        _results, facts, built = by_size[size]
        lines.append(f"- {size:,} entries: " + ", ".join(f"{k} {v}" for k, v in {**facts, **built}.items()))
    lines += ["", "## Results (ms)", "",
              "| page | " + " | ".join(f"{size:,}: median · queries · floor · ratio" for size in sizes) + " |",
              "| --- | " + " | ".join("---" for _ in sizes) + " |"]
    for index, page in enumerate(pages):
        cells = []
        for size in sizes:
            row = by_size[size][0][index]
            flag = " ⚠" if row["median"] > 300 else ""
            cells.append(f"{row['median']:.0f}{flag} · {row['queries']} · {row['floor']:.1f} · {_ratio(row)}")
        lines.append(f"| {page} | " + " | ".join(cells) + " |")
    if len(sizes) > 1:
        lines += ["", f"## Growth {sizes[0]:,} → {sizes[-1]:,}", "", "| page | growth of the median | queries |",
                  "| --- | ---: | --- |"]
        for index, page in enumerate(pages):
            first, last = by_size[sizes[0]][0][index], by_size[sizes[-1]][0][index]
            lines.append(f"| {page} | {last['median'] / first['median']:.2f}× | {first['queries']} → {last['queries']} |")
    lines += ["", "⚠: above the 300 ms target.", "", *NOTES]
    return "\n".join(lines) + "\n"


NOTES = [
    "## How the pages stay flat",
    "",
    "- Rankings (scoring.selectors.Ranking) read summary rows, one per ranked entry (scoring.RankingKey:",
    "  campaign, submission time, the latest unit assessment's integer keys, the number of counting experts",
    "  and the integer sums of their D (×10^5), C and L (×10^2), and the final keys: the experts' means as",
    "  floor(sum × 720720 / n), else the unit's, so the order is exact on PostgreSQL and SQLite alike). An",
    "  index (campaign, keys desc, submitted_at, id) holds the ranking's order (a partial one the experts-only",
    "  order, another the unit tiers'), so a page is the next 50 index entries whose entry is in the page's",
    "  scope (filters and union scopes are a semi-join on the entry's primary key), with no aggregation and",
    "  no sort; unranked entries follow, read only when a page reaches them. The rows are written only by",
    "  the services that change what they sum (scoring.services.assess_entry, review.experts.services:",
    "  assign_expert, auto_assign_experts, remove_assignment, declare_conflict and its replacement; a new",
    "  submission time through submissions' entry_submitted signal), inside their transaction, by the same",
    "  function (scoring.keys.refresh_ranking_keys) as `manage.py rebuild_ranking_keys` and the backfill",
    "  migration; a randomized test (tests/scoring/test_keys.py) compares them with a rebuild. The state",
    "  and tier are not stored: the scope decides who is listed. The exact Decimal means shown are still",
    "  computed from the scores of the page's 50 entries; the committee sees where the work awards' quotas end.",
    "- The ranking's search keeps each hit's rank in the whole ranking without numbering it: the hits are found",
    "  through a trigram index on the title (submissions 0006, portal.text_search), ordered by their keys and",
    "  cut to the page; then one pass over the scope with its key rows puts each row in the stretch of the",
    "  first page hit it comes at or before (a CASE over the page's hits, JIT off for it), and a hit's rank is",
    "  the sum of the stretches down to it; the same pass gives the whole ranking's counts",
    "  (scoring.selectors.Ranking._positions_within). Its floor is the straightforward SQL: the whole ranking",
    "  numbered from the scores, then filtered to the hits.",
    "- Expert dashboard and assignments (review.experts.selectors.dashboard_overview): the counters, filters",
    "  and the pre-lock checklist read the ranking's positions (the partial index of the ranking keys) and",
    "  one query joining the scope's entries to their ranking keys (count, integer sum, lowest and highest D",
    "  of the counting experts) and to their assignments, grouped for the scope only; the page's rows only",
    "  are loaded with experts, scores and awards (dashboard_page). The means are the same Decimals as",
    "  scoring.aggregation's (sum / n at 28 digits). The scope (entries in the provincial review, ~5 % of",
    "  the campaign) is read from a partial covering index (experts 0004) and the experts' sums from a",
    "  covering partial index of the ranking keys (scoring 0005): index-only scans and probes.",
    "- /stats/ on PostgreSQL: the totals and every grouped count in one pass (GROUPING SETS, hashed in",
    "  memory; the distinct units and authors as their own sets, no COUNT(DISTINCT) sort) over the covering",
    "  index of the campaign's entries (submissions 0003_perf; random_page_cost 1.1 for that query).",
    "- Admin audit changelist: the actions come from the index (a loose index scan), the date hierarchy's",
    "  DISTINCT over every record is replaced by the built-in periods, one COUNT per page.",
]


def upsert_performance_row(by_size: dict, path: Path) -> None:
    """Put (or replace) this bench's summary row in docs/PERFORMANCE.md's table."""
    sizes = sorted(by_size)
    first, last = by_size[sizes[0]][0], by_size[sizes[-1]][0]
    worst = max(last, key=lambda row: row["median"])
    over = [row["page"] for row in last if row["median"] > 300]
    growth = max(b["median"] / a["median"] for a, b in zip(first, last, strict=True))
    row = (f"| every campaign page at {sizes[-1]:,} entries ≤ 300 ms median, flat from {sizes[0]:,}, queries "
           f"independent of the data (#14) | slowest {worst['page']} {worst['median']:.0f} ms; "
           f"{len(last) - len(over)}/{len(last)} pages ≤ 300 ms"
           + (f" (over: {', '.join(over)})" if over else "")
           + f"; largest growth {sizes[0]:,}→{sizes[-1]:,} {growth:.1f}×; query counts "
           + ("equal at every size" if all(a["queries"] == b["queries"] for a, b in zip(first, last, strict=True))
              else "differ between sizes")
           + " | `bench/bench_scale.py` | [perf/scale.md](perf/scale.md) |")
    lines = path.read_text(encoding="utf-8").splitlines()
    lines = [line for line in lines if "`bench/bench_scale.py`" not in line]
    table_end = max(index for index, line in enumerate(lines) if line.startswith("|"))
    lines.insert(table_end + 1, row)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _server_version(connection) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version" if connection.vendor == "postgresql" else "SELECT sqlite_version()")
        return cursor.fetchone()[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--reuse", action="store_true", help="keep an existing database of a size instead of rebuilding")
    parser.add_argument("--keep", action="store_true", help="do not drop the databases at the end")
    parser.add_argument("--build-only", action="store_true")
    parser.add_argument("--out", help="write the markdown report here too (e.g. docs/perf/scale.md) and the summary "
                                      "row into docs/PERFORMANCE.md")
    args = parser.parse_args()
    if "bench" not in urlparse(BASE_URL).path:
        print(f"refusing to use {BASE_URL}: the database name must contain 'bench'")
        return 1

    import django
    from django.conf import settings
    from django.db import connections

    sizes = [int(size) for size in args.sizes.split(",")]
    by_size = {}
    django.setup()
    for size in sizes:
        url = _db_url(size)
        connections.close_all()
        settings.DATABASES["default"]["NAME"] = urlparse(url).path.lstrip("/")
        built = {}
        if not (args.reuse and database_exists(url)):
            print(f"building {size:,} entries in {url} …", flush=True)
            recreate_database(url)
            built = build(size)
            print(f"  built: {built}", flush=True)
        if args.build_only:
            continue
        print(f"measuring {size:,} …", flush=True)
        results, facts = measure(args.runs)
        by_size[size] = (results, facts, built)
        # Read now: without --keep the database is dropped before the report is written.
        server = f"{connections['default'].vendor} {_server_version(connections['default'])}"
        connections.close_all()
        if not args.keep:
            drop_database(url)
    if by_size:
        text = report(by_size, args.runs, server)
        print(text)
        if args.out:
            Path(args.out).write_text(text, encoding="utf-8")
            if len(by_size) > 1:
                upsert_performance_row(by_size, ROOT / "docs" / "PERFORMANCE.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
