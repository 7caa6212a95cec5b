"""Load test of the deadline rush (issue #8): gunicorn + a Celery worker + PostgreSQL + Redis, on loopback.

    .venv/bin/python bench/loadtest/run.py [--users 20] [--spawn-rate 2] [--duration 3m] \
        [--out docs/perf/load.md]

Not named bench_*.py on purpose: `make bench` (bench/run_all.py) runs those without services, and this
one needs PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379. What it does:

1. recreates the PostgreSQL database `loadtest` (only that one), migrates, runs `seed_demo --force` and
   `seed_demo --entries 2000 --no-photos` with PORTAL_DEBUG=1, and adds 200 worker accounts over the demo
   units (bench/loadtest/prepare.py); `--reuse-db` skips this;
2. empties Redis db 9 (only that one), collects static files into the work folder, and starts a Celery
   worker and gunicorn on 127.0.0.1:18123 with production settings (PORTAL_DEBUG=0, manifest static
   storage, a generated secret key; HTTPS redirect and secure cookies off, since there is no TLS);
3. runs locust headless (bench/loadtest/locustfile.py): workers log in, create an entry, upload 2–4
   hazard and 2 rectification photos of 1–2 MB each, submit; reviewers (city1, county1, unit1) page
   through /review/ with filters and sorting;
4. after the load stops, waits until the Celery queue is empty and every photo has its thumbnail and
   preview; samples RSS and CPU of gunicorn, the Celery worker and locust from /proc every second;
5. stops gunicorn and the worker by the PIDs it started, and writes the figures to docs/perf/load.md.

Exits 1 when any response was a 5xx (or the server dropped a connection): the failing responses and the
tracebacks from gunicorn's log are printed. Logs, CSVs and accounts stay in the work folder
(/tmp/loadtest by default); uploaded media are deleted unless --keep-media.
"""

from __future__ import annotations

import argparse
import contextlib
import csv
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import datetime
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
BIN = Path(sys.executable).parent
sys.path.insert(0, str(HERE))

HOST = "127.0.0.1"
PORT = 18123
DATABASE = "loadtest"
PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
DATABASE_URL = f"postgres://postgres@127.0.0.1:5432/{DATABASE}"
REDIS_URL = "redis://127.0.0.1:6379/9"
QUEUE = "celery"  # Celery's default queue: a Redis list of waiting messages
NOTES_MARKER = "<!-- Notes below this line are written by hand and kept when run.py rewrites the file. -->"
PAGE = os.sysconf("SC_PAGE_SIZE")
TICKS = os.sysconf("SC_CLK_TCK")


def log(message: str) -> None:
    print(f"[{datetime.now():%H:%M:%S}] {message}", flush=True)


# --- environment -----------------------------------------------------------------------------------------


def clean_environ() -> dict:
    """The caller's environment without portal settings, so nothing from a dev shell leaks in."""
    return {key: value for key, value in os.environ.items()
            if not key.startswith(("PORTAL_", "LOADTEST_")) and key not in (
                "DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "PYTHONPATH")}


def prep_env(work: Path) -> dict:
    # Seeding is development work (seed_demo refuses production without --force); no REDIS_URL, so
    # anything queued while seeding runs inline instead of waiting in the test's queue.
    return {**clean_environ(), "PORTAL_DEBUG": "1", "DATABASE_URL": DATABASE_URL,
            "PORTAL_MEDIA_ROOT": str(work / "media"), "DJANGO_SETTINGS_MODULE": "portal.settings"}


def server_env(work: Path) -> dict:
    return {
        **clean_environ(),
        "PORTAL_DEBUG": "0",
        "PORTAL_SECRET_KEY": secrets.token_urlsafe(64),
        "PORTAL_ALLOWED_HOSTS": HOST,
        # Plain HTTP on loopback: no TLS to redirect to, and Secure cookies would never be sent back.
        "PORTAL_SSL_REDIRECT": "0",
        "PORTAL_SECURE_COOKIES": "0",
        "PORTAL_HSTS_SECONDS": "0",
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": REDIS_URL,
        "PORTAL_MEDIA_ROOT": str(work / "media"),
        "DJANGO_SETTINGS_MODULE": "loadtest_settings",
        "LOADTEST_STATIC_ROOT": str(work / "static"),
        "PYTHONPATH": f"{HERE}{os.pathsep}{ROOT}",
    }


def run(cmd: list[str], env: dict, what: str) -> float:
    log(what)
    started = time.monotonic()
    result = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        sys.stdout.write(result.stdout[-3000:])
        sys.stderr.write(result.stderr[-5000:])
        raise SystemExit(f"failed: {' '.join(cmd)}")
    return time.monotonic() - started


# --- preparation -----------------------------------------------------------------------------------------


def recreate_database() -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        # FORCE: a gunicorn left over from an interrupted run may still hold connections to it.
        conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DATABASE}"')


def database_exists() -> bool:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone() is not None


def prepare(args, work: Path) -> dict:
    timings = {}
    manage = [str(BIN / "python"), "manage.py"]
    env = prep_env(work)
    log(f"recreating database {DATABASE}")
    started = time.monotonic()
    recreate_database()
    run([*manage, "migrate", "--noinput"], env, "migrate")
    run([*manage, "seed_demo", "--force"], env, "seed_demo --force")
    run([*manage, "seed_demo", "--force", "--entries", str(args.entries), "--no-photos"], env,
        f"seed_demo --entries {args.entries} --no-photos")
    run([str(BIN / "python"), str(HERE / "prepare.py"), "--workers", str(args.worker_accounts),
         "--out", str(work / "accounts.json")], env, f"{args.worker_accounts} worker accounts")
    timings["prepare_s"] = time.monotonic() - started
    return timings


def port_free(port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind((HOST, port))
        except OSError:
            return False
    return True


# --- processes -------------------------------------------------------------------------------------------


def start(cmd: list[str], env: dict, logfile: Path) -> subprocess.Popen:
    out = open(logfile, "w", encoding="utf-8")  # noqa: SIM115 - closed with the process, in stop()
    # A session of its own: Ctrl-C in this terminal reaches run.py, which then stops it by PID.
    process = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                               start_new_session=True)
    process.logfile = out
    return process


def descendants(root: int) -> list[int]:
    """`root` and every process below it, from /proc (gunicorn's workers, Celery's pool)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def stop(process: subprocess.Popen | None, name: str, grace: float = 45) -> None:
    """SIGTERM to the PID we started (gunicorn and Celery shut their children down), SIGKILL if stuck."""
    if process is None or process.poll() is not None:
        return
    family = descendants(process.pid)
    log(f"stopping {name} (pid {process.pid})")
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        log(f"{name} did not stop in {grace:.0f} s: killing pids {family}")
        for pid in family:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        process.wait(timeout=10)
    process.logfile.close()


def wait_healthy(gunicorn: subprocess.Popen, timeout: float = 90) -> None:
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if gunicorn.poll() is not None:
            raise SystemExit("gunicorn exited at start; see its log")
        try:
            with urllib.request.urlopen(f"http://{HOST}:{PORT}/health/", timeout=5) as response:
                body = json.loads(response.read())
                log(f"health: {body}")
                return
        except (urllib.error.URLError, ConnectionError, TimeoutError, json.JSONDecodeError):
            time.sleep(1)
    raise SystemExit("gunicorn (with the database, Redis and the Celery worker) not healthy in time")


# --- sampling --------------------------------------------------------------------------------------------


def read_proc(pid: int) -> tuple[int, int, str] | None:
    """RSS in bytes, CPU ticks (user + system) and the command name of `pid`."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        resident = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
    except (OSError, IndexError, ValueError):
        return None
    comm = stat[stat.index("(") + 1 : stat.rindex(")")]
    fields = stat.rsplit(")", 1)[1].split()
    return resident * PAGE, int(fields[11]) + int(fields[12]), comm


class Sampler(threading.Thread):
    """Every second: RSS and CPU of each process group, the Celery backlog and the pending photos."""

    def __init__(self, groups: dict[str, int]):
        super().__init__(daemon=True)
        self.groups = dict(groups)
        self.stopping = threading.Event()
        self.peak_rss: dict[str, dict[int, int]] = {name: {} for name in groups}
        self.peak_total: dict[str, int] = dict.fromkeys(groups, 0)
        self.cpu: dict[str, dict[int, int]] = {name: {} for name in groups}
        self.comm: dict[int, str] = {}
        self.series: list[dict] = []

    def add(self, name: str, pid: int) -> None:
        # The tables first: the thread may look the group up as soon as it is in self.groups.
        self.peak_rss[name], self.peak_total[name], self.cpu[name] = {}, 0, {}
        self.groups[name] = pid

    def run(self) -> None:
        import psycopg
        import redis

        queue = redis.Redis.from_url(REDIS_URL)
        with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
            while not self.stopping.wait(1.0):
                point = {"t": time.time(), "load1": os.getloadavg()[0]}
                for name, root in list(self.groups.items()):
                    total = 0
                    for pid in descendants(root):
                        found = read_proc(pid)
                        if found is None:
                            continue
                        rss, ticks, comm = found
                        total += rss
                        self.comm[pid] = comm
                        self.peak_rss[name][pid] = max(self.peak_rss[name].get(pid, 0), rss)
                        self.cpu[name][pid] = ticks
                    self.peak_total[name] = max(self.peak_total[name], total)
                    point[f"rss_{name}"] = total
                try:
                    point["queue"] = queue.llen(QUEUE)
                    point["pending_photos"] = pending_photos(conn)
                except Exception as exc:  # a sample lost is not worth stopping the test for
                    point["error"] = str(exc)
                self.series.append(point)

    def cpu_seconds(self, name: str) -> float:
        return sum(self.cpu[name].values()) / TICKS


def pending_photos(conn) -> int:
    return conn.execute("SELECT count(*) FROM submissions_photo WHERE thumbnail = '' OR preview = ''"
                        ).fetchone()[0]


def drain(timeout: float) -> dict:
    """From the moment the load stopped: how long until the queue is empty and every photo is done."""
    import psycopg
    import redis

    queue = redis.Redis.from_url(REDIS_URL)
    started = time.monotonic()
    with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
        at_stop = {"queue": queue.llen(QUEUE), "pending_photos": pending_photos(conn)}
        while time.monotonic() - started < timeout:
            waiting, pending = queue.llen(QUEUE), pending_photos(conn)
            if waiting == 0 and pending == 0:
                return {**at_stop, "drain_s": time.monotonic() - started, "drained": True}
            time.sleep(0.25)
        return {**at_stop, "drain_s": time.monotonic() - started, "drained": False,
                "left_queue": queue.llen(QUEUE), "left_photos": pending_photos(conn)}


# --- results ---------------------------------------------------------------------------------------------


def read_stats(prefix: Path) -> list[dict]:
    path = prefix.with_name(prefix.name + "_stats.csv")
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def read_failures(path: Path) -> list[dict]:
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def tracebacks(logfile: Path) -> list[str]:
    """Django's 'Internal Server Error' records with their tracebacks, and gunicorn's worker timeouts."""
    starts = ("Internal Server Error", "WORKER TIMEOUT", "Traceback (most recent call last)")
    # Lines that begin another record: gunicorn's own "[date] [pid] [LEVEL]" and Django's request warnings.
    other_record = re.compile(r"^(\[\d{4}-|Not Found:|Bad Request:|Forbidden|Internal Server Error)")
    found, current = [], None
    for line in logfile.read_text(encoding="utf-8", errors="replace").splitlines():
        if current is not None and (other_record.match(line) or len(current) > 120):
            found.append("\n".join(current))
            current = None
        if current is None:
            if any(marker in line for marker in starts):
                current = [line]
        else:
            current.append(line)
    if current:
        found.append("\n".join(current))
    return found


def celery_tasks(logfile: Path) -> dict:
    text = logfile.read_text(encoding="utf-8", errors="replace")
    runtimes = [float(value) for value in re.findall(r"make_photo_derivatives\[[^\]]+\] succeeded in ([0-9.]+)s",
                                                     text)]
    failed = re.findall(r"^.*(?:raised unexpected|Retry in|ERROR/).*$", text, flags=re.MULTILINE)
    result = {"succeeded": len(runtimes), "failed_lines": failed[:20], "failed": len(failed)}
    if runtimes:
        runtimes.sort()
        result.update(median_ms=statistics.median(runtimes) * 1000,
                      p95_ms=runtimes[min(len(runtimes) - 1, int(0.95 * len(runtimes)))] * 1000,
                      max_ms=runtimes[-1] * 1000, busy_s=sum(runtimes))
    return result


def database_figures() -> dict:
    import psycopg

    with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
        states = dict(conn.execute(
            "SELECT e.state, count(*) FROM submissions_entry e JOIN accounts_user u ON u.id = e.author_id "
            "WHERE u.username LIKE 'lt-w%%' GROUP BY e.state").fetchall())
        photos, size = conn.execute(
            "SELECT count(*), coalesce(sum(p.size), 0) FROM submissions_photo p "
            "JOIN submissions_entry e ON e.id = p.entry_id JOIN accounts_user u ON u.id = e.author_id "
            "WHERE u.username LIKE 'lt-w%%'").fetchone()
        flagged = conn.execute(
            "SELECT count(*) FROM submissions_entry e JOIN accounts_user u ON u.id = e.author_id "
            "WHERE u.username LIKE 'lt-w%%' AND e.has_duplicate_photo").fetchone()[0]
        entries = conn.execute("SELECT count(*) FROM submissions_entry").fetchone()[0]
        version = conn.execute("SHOW server_version").fetchone()[0]
    return {"states": states, "photos": photos, "photo_bytes": size, "duplicate_flagged": flagged,
            "entries_total": entries, "postgres": version}


def machine() -> dict:
    cpu = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    mem = next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
               if line.startswith("MemTotal"))

    def version(name: str) -> str:
        try:
            return metadata.version(name)
        except metadata.PackageNotFoundError:
            return "?"

    return {"nproc": os.cpu_count(), "cpu": cpu, "mem_gib": int(mem) / 1024 / 1024,
            "load_start": os.getloadavg(), "platform": platform.platform(),
            "python": platform.python_version(),
            "versions": {name: version(name) for name in ("Django", "gunicorn", "celery", "Pillow", "psycopg",
                                                          "redis", "locust")}}


def other_load() -> str:
    """The busiest processes that are not ours, to say what else the 2 cores were doing."""
    result = subprocess.run(["ps", "-eo", "pcpu,comm", "--sort=-pcpu"], capture_output=True, text=True,
                            check=False)
    return ", ".join(" ".join(line.split()) for line in result.stdout.splitlines()[1:6])


# --- report ----------------------------------------------------------------------------------------------


def mib(value: float) -> str:
    return f"{value / 1024 / 1024:.0f}"


def ms(value) -> str:
    try:
        return f"{float(value):.0f}"
    except (TypeError, ValueError):
        return "–"


def report(ctx: dict) -> str:
    args, m, stats, sampler = ctx["args"], ctx["machine"], ctx["stats"], ctx["sampler"]
    total = next(row for row in stats if row["Name"] == "Aggregated")
    rows = [row for row in stats if row["Name"] != "Aggregated"]
    failures, db, extra, drain_result, celery = (ctx["failures"], ctx["db"], ctx["extra"], ctx["drain"],
                                                 ctx["celery"])
    five = [f for f in failures if f["status"] >= 500]
    dropped = [f for f in failures if not f["status"]]
    other = [f for f in failures if 0 < f["status"] < 500]
    load_s = ctx["load_s"]
    loads = [point["load1"] for point in sampler.series]
    queue_peak = max((point.get("queue", 0) for point in sampler.series), default=0)
    pending_peak = max((point.get("pending_photos", 0) for point in sampler.series), default=0)
    submitted = sum(count for state, count in db["states"].items() if state != "draft")
    lines = [
        "# Load test: the deadline rush",
        "",
        "Measured by `bench/loadtest/run.py` (issue #8), which writes this file. Workers create entries and",
        "upload complete photo groups while city, county and unit reviewers page through their queues, against",
        "gunicorn and a Celery worker with production settings on PostgreSQL and Redis, all on loopback on one",
        "machine together with the load generator (locust).",
        "",
        "## Reproduce",
        "",
        "```sh",
        ctx["command"],
        "```",
        "",
        "Needs PostgreSQL on 127.0.0.1:5432 (user `postgres`) and Redis on 127.0.0.1:6379. The script",
        f"recreates the database `{DATABASE}`, empties Redis db 9, uses port {PORT}, and stops what it started.",
        "",
        "## Machine",
        "",
        f"- nproc: {m['nproc']}, cpu: {m['cpu']}, memory: {m['mem_gib']:.0f} GiB",
        f"- {m['platform']}, Python {m['python']}",
        f"- PostgreSQL {db['postgres']}, Redis {ctx['redis_version']}; "
        + ", ".join(f"{name} {version}" for name, version in m["versions"].items()),
        f"- load average at start (1/5/15 min): {' / '.join(f'{v:.2f}' for v in m['load_start'])}; during the "
        f"run: mean {statistics.mean(loads) if loads else 0:.2f}, max {max(loads, default=0):.2f} (1-min)",
        f"- busiest other processes at start (ps %CPU): {ctx['other_load']}",
        "- shared machine: other jobs (test suites, CI) may run at the same time on these 2 cores, and the",
        "  load generator itself competes with the server for them; treat the latencies as an upper bound",
        "  for a dedicated server of the same size.",
        "",
        "## Set-up",
        "",
        f"- gunicorn `portal.wsgi:application --bind {HOST}:{PORT} --workers {args.gunicorn_workers} "
        f"--threads {args.threads} --timeout 120` (gthread), PORTAL_DEBUG=0, manifest static storage "
        "(whitenoise), no nginx in front",
        f"- Celery `-A portal worker --concurrency={args.celery_concurrency}` (prefork), broker and cache Redis db 9",
        f"- data: demo directory and accounts (`seed_demo`), {args.entries} demo entries without photos "
        f"(`seed_demo --entries {args.entries} --no-photos`; {db['entries_total']} entries in the database "
        f"after the run), {args.worker_accounts} extra worker accounts spread over the demo units",
        f"- load: {args.users} users ({args.reviewers} reviewers cycling over city1, county1, unit1; "
        f"{args.users - args.reviewers} workers), spawned at {args.spawn_rate}/s, for {args.duration}, "
        f"then up to {args.stop_timeout} s for users to finish the entry they are on",
        "- a worker's round: GET the entry form, fill it (1–3 s), POST it, GET the edit page, upload 2–4 hazard",
        "  photos one request each back to back (as the page script does), 2 rectification photos, submit,",
        "  open the entry and ask for its thumbnails once (as the page script does 1 s after load), open",
        "  \"my entries\"; then 2–6 s pause. Photos: 3000×2000, 300 dpi, 1.1–1.8 MB, each with its own EXIF",
        f"  block so its sha256 is unique; {extra.get('duplicate_uploads', 0)} hazard uploads deliberately reused a shared file.",
        "- a reviewer's round: the pending queue by D (1–4 pages), filters and sorting (1–3 pages), a search,",
        "  or a deep page of the whole list; thumbnails of the cards, sometimes an entry's review page;",
        "  1–3 s between pages.",
        "",
        "## Results",
        "",
        "| measurement | result |",
        "| --- | --- |",
        f"| load duration (spawn to last request) | {load_s:.0f} s |",
        f"| requests | {total['Request Count']} ({float(total['Requests/s']):.1f}/s over the run) |",
        f"| 5xx responses | **{len(five)}** (target 0) |",
        f"| dropped connections (no response) | {len(dropped)} |",
        f"| other failed requests (4xx, refused form or photo) | {len(other)} |",
        f"| entries created / submitted by the load | {extra.get('entries_created', 0)} / "
        f"{extra.get('entries_submitted', 0)} ({submitted} not draft in the database) |",
        f"| photos uploaded | {db['photos']} ({db['photo_bytes'] / 1e6:.0f} MB, "
        f"{db['photos'] / load_s:.2f}/s, {db['photo_bytes'] / 1e6 / load_s:.1f} MB/s) |",
        f"| entries flagged as sharing a photo | {db['duplicate_flagged']} |",
        f"| thumbnail ready 1 s after the entry page (author's poll) | "
        f"{extra.get('thumbnail_ready_1s_after_submit', 0)} of "
        f"{extra.get('thumbnail_ready_1s_after_submit', 0) + extra.get('thumbnail_pending_1s_after_submit', 0)} |",
        f"| Celery backlog: peak during the load (queue list / photos without derivatives) | "
        f"{queue_peak} / {pending_peak} |",
        f"| Celery backlog when the load stopped | {drain_result['queue']} queued / "
        f"{drain_result['pending_photos']} photos pending |",
        "| queue drain time after the load stopped (queue empty, every photo has thumbnail and preview) | "
        + (f"{drain_result['drain_s']:.1f} s |" if drain_result["drained"] else
           f"not drained in {drain_result['drain_s']:.0f} s ({drain_result['left_queue']} queued, "
           f"{drain_result['left_photos']} photos left) |"),
        f"| derivative task run time (median / p95 / max) | {ms(celery.get('median_ms'))} / "
        f"{ms(celery.get('p95_ms'))} / {ms(celery.get('max_ms'))} ms over {celery['succeeded']} tasks; "
        f"{celery['failed']} failure or retry lines |",
        "",
        "### Latency per request type (ms, client side: includes queueing in gunicorn)",
        "",
        "| request | count | failed | p50 | p95 | p99 | max | req/s |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in sorted(rows, key=lambda r: -int(r["Request Count"])):
        lines.append(f"| {row['Name']} | {row['Request Count']} | {row['Failure Count']} | {ms(row['50%'])} | {ms(row['95%'])} "
                     f"| {ms(row['99%'])} | {ms(row['Max Response Time'])} | {float(row['Requests/s']):.2f} |")
    lines.append(f"| **all** | {total['Request Count']} | {total['Failure Count']} | {ms(total['50%'])} | "
                 f"{ms(total['95%'])} | {ms(total['99%'])} | {ms(total['Max Response Time'])} | "
                 f"{float(total['Requests/s']):.2f} |")
    lines += [
        "",
        "Locust rounds response times above 100 ms to two significant digits in its percentiles.",
        "",
        "### Memory and CPU (sampled from /proc every second)",
        "",
        "| process | peak RSS (MiB) | CPU time (s) |",
        "| --- | ---: | ---: |",
    ]
    roles = {"gunicorn": ("master", "worker"), "celery": ("main", "pool process"),
             "locust": ("load generator", "child")}
    for name, root in sampler.groups.items():
        for pid, peak in sorted(sampler.peak_rss[name].items()):
            role = roles[name][0] if pid == root else roles[name][1]
            lines.append(f"| {name} {role} (pid {pid}) | {mib(peak)} | "
                         f"{sampler.cpu[name].get(pid, 0) / TICKS:.1f} |")
        lines.append(f"| **{name} total** (peak of the sum) | **{mib(sampler.peak_total[name])}** | "
                     f"**{sampler.cpu_seconds(name):.1f}** |")
    lines += [
        "",
        f"CPU time is per process over its life (start-up, load and drain); the run lasted {load_s:.0f} s of "
        f"load on {m['nproc']} cores. PostgreSQL's and Redis's own CPU is not in the table.",
        "",
        "### Errors",
        "",
    ]
    if five or dropped:
        lines.append("Server errors and dropped connections:")
        lines.append("")
        for failure in (five + dropped)[:20]:
            lines.append(f"- {failure['method']} {failure['name']} → {failure['status'] or 'no response'}: "
                         f"{failure['error'][:200]}")
        if ctx["tracebacks"]:
            lines += ["", "First traceback from gunicorn's log:", "", "```", ctx["tracebacks"][0][:4000], "```"]
    else:
        lines.append("No 5xx response and no dropped connection.")
    if other:
        lines += ["", "Other failed requests, by message:", ""]
        for message, count in Counter(f"{f['name']}: {f['error'][:160]}" for f in other).most_common(15):
            lines.append(f"- {count} × {message}")
    lines += ["", NOTES_MARKER, ""]
    return "\n".join(lines)


def write_report(path: Path, text: str) -> None:
    kept = ""
    if path.exists():
        old = path.read_text(encoding="utf-8")
        if NOTES_MARKER in old:
            kept = old.split(NOTES_MARKER, 1)[1].lstrip("\n")
    path.write_text(text + kept, encoding="utf-8")


# --- main ------------------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description="Load test of the deadline rush (see the module docstring).")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--spawn-rate", type=float, default=2)
    parser.add_argument("--duration", default="3m", help="locust --run-time, e.g. 3m or 90s")
    parser.add_argument("--reviewers", type=int, default=4, help="how many of the users are reviewers")
    parser.add_argument("--stop-timeout", type=int, default=90,
                        help="seconds users get to finish their current round when the time is up")
    parser.add_argument("--entries", type=int, default=2000, help="demo entries seeded (no photos)")
    parser.add_argument("--worker-accounts", type=int, default=200)
    parser.add_argument("--gunicorn-workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--celery-concurrency", type=int, default=2)
    parser.add_argument("--drain-timeout", type=float, default=900)
    parser.add_argument("--work", type=Path, default=Path("/tmp/loadtest"))
    parser.add_argument("--out", default="docs/perf/load.md", help="markdown summary; '-' for none")
    parser.add_argument("--reuse-db", action="store_true",
                        help=f"keep the existing {DATABASE} database and accounts.json (faster re-runs; "
                             "entries of earlier runs stay in the queues)")
    parser.add_argument("--keep-media", action="store_true", help="keep the uploaded photos")
    args = parser.parse_args()
    if args.reviewers >= args.users:
        parser.error("--reviewers must leave at least one worker")

    work = args.work.resolve()
    out_dir = work / f"run-{datetime.now():%Y%m%d-%H%M%S}"
    out_dir.mkdir(parents=True)
    m = machine()
    ctx = {"args": args, "machine": m, "other_load": other_load(),
           "command": " ".join(["cd", str(ROOT), "&&", ".venv/bin/python", "bench/loadtest/run.py", *sys.argv[1:]])}
    log(f"load average at start: {m['load_start']}; work folder {out_dir}")
    if not port_free(PORT):
        raise SystemExit(f"port {PORT} is in use: another load test running?")

    if args.reuse_db and database_exists() and (work / "accounts.json").exists():
        log(f"reusing database {DATABASE}")
    else:
        ctx.update(prepare(args, work))
    shutil.rmtree(work / "media", ignore_errors=True)
    (work / "media").mkdir(parents=True)
    env = server_env(work)
    run([str(BIN / "python"), "manage.py", "collectstatic", "--noinput"], env, "collectstatic")

    from photo_files import ensure_base_photos

    ensure_base_photos(work / "photos")
    import redis

    broker = redis.Redis.from_url(REDIS_URL)
    broker.flushdb()  # db 9 only: leftover messages of an interrupted run would count in the drain
    ctx["redis_version"] = broker.info("server").get("redis_version", "?")

    gunicorn = celery = sampler = None
    try:
        celery = start([str(BIN / "celery"), "-A", "portal", "worker", f"--concurrency={args.celery_concurrency}",
                        "--loglevel=INFO"], env, out_dir / "celery.log")
        gunicorn = start([str(BIN / "gunicorn"), "portal.wsgi:application", "--bind", f"{HOST}:{PORT}",
                          "--workers", str(args.gunicorn_workers), "--threads", str(args.threads),
                          "--timeout", "120"], env, out_dir / "gunicorn.log")
        log(f"gunicorn pid {gunicorn.pid}, celery pid {celery.pid}")
        wait_healthy(gunicorn)

        sampler = Sampler({"gunicorn": gunicorn.pid, "celery": celery.pid})
        sampler.start()
        prefix = out_dir / "locust"
        locust_env = {**clean_environ(), "LOADTEST_ACCOUNTS": str(work / "accounts.json"),
                      "LOADTEST_PHOTOS": str(work / "photos"), "LOADTEST_FAILURES": str(out_dir / "failures.jsonl"),
                      "LOADTEST_EXTRA": str(out_dir / "extra.json"), "LOADTEST_REVIEWERS": str(args.reviewers)}
        cmd = [str(BIN / "locust"), "-f", str(HERE / "locustfile.py"), "--headless", "-u", str(args.users),
               "-r", str(args.spawn_rate), "-t", args.duration, "--stop-timeout", str(args.stop_timeout),
               "--host", f"http://{HOST}:{PORT}", "--csv", str(prefix), "--only-summary",
               "--exit-code-on-error", "0"]
        ctx["locust_command"] = " ".join(cmd)
        log(f"locust: {args.users} users for {args.duration}")
        started = time.monotonic()
        locust = start(cmd, locust_env, out_dir / "locust.log")
        sampler.add("locust", locust.pid)
        locust.wait()
        locust.logfile.close()
        ctx["load_s"] = time.monotonic() - started
        log(f"load stopped after {ctx['load_s']:.0f} s (locust exit {locust.returncode}); draining the queue")
        ctx["drain"] = drain(args.drain_timeout)
        log(f"drain: {ctx['drain']}")
        time.sleep(1.5)  # one more sample after the drain
    finally:
        if sampler is not None:
            sampler.stopping.set()
            sampler.join(timeout=5)
        stop(gunicorn, "gunicorn")
        stop(celery, "celery worker")
        if not args.keep_media:
            shutil.rmtree(work / "media", ignore_errors=True)

    ctx.update(sampler=sampler, stats=read_stats(prefix), failures=read_failures(out_dir / "failures.jsonl"),
               db=database_figures(), celery=celery_tasks(out_dir / "celery.log"),
               tracebacks=tracebacks(out_dir / "gunicorn.log"))
    extra_path = out_dir / "extra.json"
    ctx["extra"] = json.loads(extra_path.read_text()) if extra_path.exists() else {}
    text = report(ctx)
    (out_dir / "load.md").write_text(text, encoding="utf-8")
    if args.out != "-":
        write_report(ROOT / args.out, text)
        log(f"summary written to {args.out}")
    print(text)

    bad = [f for f in ctx["failures"] if f["status"] >= 500 or not f["status"]]
    if bad:
        print(f"\nFAILED: {len(bad)} server errors or dropped connections. Responses:", file=sys.stderr)
        for failure in bad[:10]:
            print(json.dumps(failure, ensure_ascii=False, indent=1)[:3000], file=sys.stderr)
        for block in ctx["tracebacks"][:5]:
            print("\n" + block, file=sys.stderr)
        return 1
    if not ctx["drain"]["drained"]:
        print("\nFAILED: the Celery queue did not drain in time", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
