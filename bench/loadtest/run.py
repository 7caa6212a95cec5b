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
   through /review/ with filters and sorting; each request on its own connection, as nginx talks to
   gunicorn (`--keep-alive` reuses connections instead, as a browser talking to gunicorn directly would);
4. after the load stops, waits until the Celery queue is empty and every photo has its thumbnail and
   preview; samples RSS and CPU of gunicorn, the Celery worker and locust from /proc every second;
5. stops gunicorn and the worker by the PIDs it started, and writes the figures to docs/perf/load.md.

Exits 1 when any response was a 5xx (or the server dropped a connection): the failing responses and the
tracebacks from gunicorn's log are printed. Logs, CSVs and accounts stay in the work folder
(/tmp/loadtest by default); uploaded media (about 1.5 GB a run) are deleted unless --keep-media, which
a later --reuse-db run needs, since its queues link the earlier photos.
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import csv
import json
import math
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
from datetime import UTC, datetime
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
        # Production settings refuse to start without a key for the tip vault (a fresh Fernet key: 32 bytes, base64).
        "PORTAL_TIP_KEYS": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
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


def stored_photos() -> int:
    import psycopg

    with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
        return conn.execute("SELECT count(*) FROM submissions_photo").fetchone()[0]


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
        # As gunicorn does: connections of a previous run in TIME_WAIT must not count as "in use".
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
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


def machine_busy_ticks() -> int:
    """CPU ticks of all cores spent on anything but idle and I/O wait, since boot (/proc/stat)."""
    values = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    return sum(values) - values[3] - values[4]


def loadtest_backends() -> dict[int, int]:
    """CPU ticks of the PostgreSQL backends serving the `loadtest` database (their process title names it:
    "postgres: postgres loadtest 127.0.0.1(port) idle"); other suites' backends are not ours."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            title = Path(f"/proc/{entry}/cmdline").read_bytes()
        except OSError:
            continue
        if title.startswith(b"postgres: ") and f" {DATABASE} ".encode() in title:
            sample = read_proc(int(entry))
            if sample is not None:
                found[int(entry)] = sample[1]
    return found


class Sampler(threading.Thread):
    """Every second: RSS and CPU of each process group, the Celery backlog and the pending photos; and the
    whole machine's CPU, so the share taken by other jobs on the shared machine can be stated."""

    def __init__(self, groups: dict[str, int]):
        super().__init__(daemon=True)
        self.groups = dict(groups)
        self.stopping = threading.Event()
        self.peak_rss: dict[str, dict[int, int]] = {name: {} for name in groups}
        self.peak_total: dict[str, int] = dict.fromkeys(groups, 0)
        self.cpu: dict[str, dict[int, int]] = {name: {} for name in groups}
        self.comm: dict[int, str] = {}
        self.series: list[dict] = []
        self.first_ticks: dict[int, int] = {}  # CPU a process had already used when first sampled
        self.postgres: dict[int, int] = {}
        self.machine_ticks = (0, 0)
        self.window = (0.0, 0.0)

    def add(self, name: str, pid: int) -> None:
        # The tables first: the thread may look the group up as soon as it is in self.groups.
        self.peak_rss[name], self.peak_total[name], self.cpu[name] = {}, 0, {}
        self.groups[name] = pid

    def run(self) -> None:
        import psycopg
        import redis

        queue = redis.Redis.from_url(REDIS_URL)
        started, first_busy = time.time(), machine_busy_ticks()
        self.first_ticks.update(loadtest_backends())
        for root in self.groups.values():
            for pid in descendants(root):
                found = read_proc(pid)
                if found is not None:
                    self.first_ticks[pid] = found[1]
        with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
            while not self.stopping.wait(1.0):
                point = {"t": time.time(), "load1": os.getloadavg()[0]}
                self.machine_ticks = (first_busy, machine_busy_ticks())
                self.window = (started, point["t"])
                for pid, ticks in loadtest_backends().items():
                    self.first_ticks.setdefault(pid, ticks)
                    self.postgres[pid] = ticks
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
                        self.first_ticks.setdefault(pid, ticks)
                    self.peak_total[name] = max(self.peak_total[name], total)
                    point[f"rss_{name}"] = total
                try:
                    point["queue"] = queue.llen(QUEUE)
                    point["pending_photos"] = pending_photos(conn)
                except Exception as exc:  # a sample lost is not worth stopping the test for
                    point["error"] = str(exc)
                self.series.append(point)

    def save(self, path: Path) -> None:
        keys = sorted({key for point in self.series for key in point})
        with open(path, "w", newline="", encoding="utf-8") as out:
            writer = csv.DictWriter(out, fieldnames=keys)
            writer.writeheader()
            writer.writerows(self.series)

    def cpu_seconds(self, name: str) -> float:
        return sum(self.cpu[name].values()) / TICKS

    def window_cpu(self) -> dict[str, float]:
        """CPU seconds used during the sampled window: by each group, this test's PostgreSQL backends, the
        whole machine, and what is left for everything else (other jobs, Redis, the kernel)."""

        def used(ticks: dict[int, int]) -> float:
            return sum(value - self.first_ticks.get(pid, value) for pid, value in ticks.items()) / TICKS

        result = {name: used(self.cpu[name]) for name in self.groups}
        result["postgres"] = used(self.postgres)
        ours = sum(result.values())
        result["machine"] = (self.machine_ticks[1] - self.machine_ticks[0]) / TICKS
        result["others"] = max(0.0, result["machine"] - ours)
        result["seconds"] = self.window[1] - self.window[0]
        return result


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


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile of sorted `values`."""
    return values[min(len(values), max(1, math.ceil(share * len(values)))) - 1]


def request_stats(path: Path) -> dict:
    """Per request name and overall: count, failures, exact p50/p95/p99/max, and requests per second over
    the window from the first request's start to the last one's end."""
    with open(path, newline="", encoding="utf-8") as handle:
        records = [(float(r["start"]), r["name"], float(r["ms"]), int(r["failed"])) for r in csv.DictReader(handle)]
    if not records:
        raise SystemExit(f"no requests recorded in {path}")
    window = max(start + ms / 1000 for start, _name, ms, _failed in records) - min(r[0] for r in records)

    def summary(name: str, items: list) -> dict:
        times = sorted(ms for _start, _name, ms, _failed in items)
        return {"name": name, "count": len(items), "failed": sum(f for *_rest, f in items),
                "p50": percentile(times, 0.50), "p95": percentile(times, 0.95), "p99": percentile(times, 0.99),
                "max": times[-1], "rps": len(items) / window}

    by_name: dict[str, list] = {}
    for record in records:
        by_name.setdefault(record[1], []).append(record)
    rows = sorted((summary(name, items) for name, items in by_name.items()), key=lambda row: -row["count"])
    return {"rows": rows, "total": summary("all", records), "window_s": window}


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


def database_figures(since: datetime) -> dict:
    """What this run's load left in the database (a --reuse-db run also holds earlier runs' entries)."""
    import psycopg

    with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
        mine = ("FROM submissions_entry e JOIN accounts_user u ON u.id = e.author_id "
                "WHERE u.username LIKE 'lt-w%%' AND e.created_at >= %(since)s")
        states = dict(conn.execute(f"SELECT e.state, count(*) {mine} GROUP BY e.state", {"since": since}).fetchall())
        photos, size = conn.execute(  # `mine` is a constant; the value is a parameter
            f"SELECT count(*), coalesce(sum(p.size), 0) FROM submissions_photo p WHERE p.entry_id IN "  # noqa: S608
            f"(SELECT e.id {mine})", {"since": since}).fetchone()
        flagged = conn.execute(f"SELECT count(*) {mine} AND e.has_duplicate_photo", {"since": since}).fetchone()[0]
        entries = conn.execute("SELECT count(*) FROM submissions_entry").fetchone()[0]
        version = conn.execute("SHOW server_version").fetchone()[0]
    return {"states": states, "photos": photos, "photo_bytes": size, "duplicate_flagged": flagged,
            "entries_total": entries, "postgres": version}


def derivative_delays(media: Path, since: datetime) -> dict:
    """Seconds from each upload's commit (Photo.uploaded_at) to its display copies on disk (file mtime):
    what an author waits for the thumbnail. Read before the media folder is deleted."""
    import psycopg

    with psycopg.connect(DATABASE_URL, autocommit=True) as conn:
        rows = conn.execute("SELECT uploaded_at, thumbnail, preview FROM submissions_photo "
                            "WHERE uploaded_at >= %s AND thumbnail <> '' AND preview <> ''", [since]).fetchall()
    thumb, both = [], []
    for uploaded_at, thumbnail, preview in rows:
        try:
            thumb_at, preview_at = (media / thumbnail).stat().st_mtime, (media / preview).stat().st_mtime
        except OSError:
            continue
        thumb.append(thumb_at - uploaded_at.timestamp())
        both.append(max(thumb_at, preview_at) - uploaded_at.timestamp())
    result = {}
    for name, values in (("thumbnail", sorted(thumb)), ("both", sorted(both))):
        if values:
            result[name] = {"p50": percentile(values, 0.5), "p95": percentile(values, 0.95), "max": values[-1],
                            "count": len(values)}
    return result


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


def code_version() -> str:
    """The commit the servers run, and whether the working tree differs from it (read-only git calls;
    --no-optional-locks so that not even git's index refresh writes in a tree other people work in)."""
    def git(*args: str) -> str:
        result = subprocess.run(["git", "--no-optional-locks", *args], cwd=ROOT, capture_output=True, text=True,
                                check=False)
        return result.stdout.rstrip("\n")  # not strip(): porcelain lines start with a status column

    commit = git("rev-parse", "--short", "HEAD").strip() or "unknown"
    changed = [line[3:] for line in git("status", "--porcelain", "--untracked-files=no").splitlines()]
    outside = [path for path in changed if not path.startswith(("bench/", "docs/"))]
    if not changed:
        return f"commit {commit}, clean tree"
    return f"commit {commit} with uncommitted changes in {len(changed)} files" + (
        f" ({len(outside)} outside bench/ and docs/: {', '.join(outside[:8])})" if outside else
        " (only under bench/ and docs/)")


def other_load(seconds: float = 2.0) -> str:
    """What else was using the CPU when the test started, over a short window (ps's %CPU is a lifetime
    average, which would name this script itself)."""

    def ticks() -> dict[int, tuple[int, str]]:
        found = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit() and int(entry) != os.getpid():
                sample = read_proc(int(entry))
                if sample is not None:
                    found[int(entry)] = (sample[1], sample[2])
        return found

    before = ticks()
    time.sleep(seconds)
    after = ticks()
    busy = Counter()
    for pid, (now, comm) in after.items():
        if pid in before:
            busy[comm] += (now - before[pid][0]) / TICKS / seconds * 100
    top = [(comm, share) for comm, share in busy.most_common(5) if share >= 1]
    return ", ".join(f"{comm} {share:.0f} %" for comm, share in top) or "none above 1 % of a core"


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
    total, rows = stats["total"], stats["rows"]
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
    during = [point for point in sampler.series if point["t"] >= ctx["load_started_at"].timestamp()
              and point["t"] <= ctx["load_started_at"].timestamp() + load_s]
    backlog_trend = " / ".join(str(during[int(len(during) * q)].get("pending_photos", "?")) if during else "?"
                               for q in (0.25, 0.5, 0.75))
    delays = ctx.get("delays", {})
    cpu = sampler.window_cpu()

    def delay(name: str) -> str:
        if name not in delays:
            return "–"
        d = delays[name]
        return f"{d['p50']:.1f} / {d['p95']:.1f} / {d['max']:.1f} s"
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
        f"- {m['platform']}, Python {m['python']}; code measured: {ctx['code']}",
        f"- PostgreSQL {db['postgres']}, Redis {ctx['redis_version']}; "
        + ", ".join(f"{name} {version}" for name, version in m["versions"].items()),
        f"- load average at start (1/5/15 min): {' / '.join(f'{v:.2f}' for v in m['load_start'])}; during the "
        f"run: mean {statistics.mean(loads) if loads else 0:.2f}, max {max(loads, default=0):.2f} (1-min, this "
        "test's own processes included)",
        f"- other processes using the CPU at start (over 2 s, % of one core): {ctx['other_load']}",
        "- shared machine: other jobs (test suites, CI) may run at the same time on these 2 cores, and the",
        "  load generator itself competes with the server for them; treat the latencies as an upper bound",
        "  for a dedicated server of the same size.",
        "",
        "## Set-up",
        "",
        f"- gunicorn `portal.wsgi:application --bind {HOST}:{PORT} --workers {args.gunicorn_workers} "
        f"--threads {args.threads} --timeout 120` (gthread), PORTAL_DEBUG=0, manifest static storage "
        "(whitenoise), no nginx in front; "
        + ("locust reuses its connections (HTTP keep-alive, gunicorn's default 2 s)" if args.keep_alive else
           "every request on a new connection with `Connection: close`, as nginx talks to gunicorn by "
           "default (HTTP/1.0 upstream)"),
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
        f"| load duration (first request to last response) | {stats['window_s']:.0f} s |",
        f"| requests | {total['count']} ({total['rps']:.1f}/s) |",
        f"| 5xx responses | **{len(five)}** (target 0) |",
        f"| dropped connections (no response) | {len(dropped)} |",
        f"| other failed requests (4xx, refused form or photo) | {len(other)} |",
        f"| entries created / submitted by the load | {extra.get('entries_created', 0)} / "
        f"{extra.get('entries_submitted', 0)} ({submitted} not draft in the database) |",
        f"| photos uploaded | {db['photos']} ({db['photo_bytes'] / 1e6:.0f} MB, "
        f"{db['photos'] / stats['window_s']:.2f}/s, {db['photo_bytes'] / 1e6 / stats['window_s']:.1f} MB/s) |",
        f"| entries flagged as sharing a photo | {db['duplicate_flagged']} |",
        f"| thumbnail ready 1 s after the entry page (author's poll) | "
        f"{extra.get('thumbnail_ready_1s_after_submit', 0)} of "
        f"{extra.get('thumbnail_ready_1s_after_submit', 0) + extra.get('thumbnail_pending_1s_after_submit', 0)} |",
        f"| Celery backlog: peak during the load (queue list / photos without derivatives) | "
        f"{queue_peak} / {pending_peak} |",
        f"| photos without derivatives at 1/4, 1/2, 3/4 of the load and when it stopped | {backlog_trend} / "
        f"{drain_result['pending_photos']} |",
        f"| upload → thumbnail on disk (p50 / p95 / max) | {delay('thumbnail')} |",
        f"| upload → thumbnail and preview on disk (p50 / p95 / max) | {delay('both')} |",
        "| queue drain time after the load stopped (queue empty, every photo has thumbnail and preview) | "
        + (f"{drain_result['drain_s']:.1f} s |" if drain_result["drained"] else
           f"not drained in {drain_result['drain_s']:.0f} s ({drain_result['left_queue']} queued, "
           f"{drain_result['left_photos']} photos left) |"),
        f"| derivative task run time (median / p95 / max) | {ms(celery.get('median_ms'))} / "
        f"{ms(celery.get('p95_ms'))} / {ms(celery.get('max_ms'))} ms over {celery['succeeded']} tasks; "
        f"{celery['failed']} failure or retry lines |",
        "",
        "### Latency per request type (ms, client side: includes waiting for a free gunicorn thread)",
        "",
        "| request | count | failed | p50 | p95 | p99 | max | req/s |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for row in [*rows, total]:
        name = "**all**" if row is total else row["name"]
        lines.append(f"| {name} | {row['count']} | {row['failed']} | {ms(row['p50'])} | {ms(row['p95'])} "
                     f"| {ms(row['p99'])} | {ms(row['max'])} | {row['rps']:.2f} |")
    lines += [
        "",
        "Percentiles are exact (nearest rank) over every request, from bench/loadtest/locustfile.py's own",
        "record; a request counts as failed when it is not what a browser would get on success (a refused",
        "form or photo too, not only an HTTP error).",
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
        f"CPU time is per process over its life (start-up, load and drain); locust ran {load_s:.0f} s "
        f"on {m['nproc']} cores.",
        "",
        f"CPU while sampled (load and drain, {cpu['seconds']:.0f} s, so {cpu['seconds'] * m['nproc']:.0f} "
        f"core-seconds available): the machine was busy {cpu['machine']:.0f} core-s "
        f"({100 * cpu['machine'] / max(cpu['seconds'] * m['nproc'], 1):.0f} %): gunicorn {cpu['gunicorn']:.0f}, "
        f"Celery {cpu['celery']:.0f}, locust {cpu.get('locust', 0):.0f}, this test's PostgreSQL backends "
        f"{cpu['postgres']:.0f}, everything else (other jobs on the machine, Redis, the kernel) "
        f"{cpu['others']:.0f}.",
        "",
        "### Errors",
        "",
    ]
    if five or dropped:
        lines.append("Server errors and dropped connections:")
        lines.append("")
        for failure in (five + dropped)[:20]:
            idle = failure.get("idle_before_s")
            lines.append(f"- {failure['name']} → {failure['status'] or 'no response'}: {failure['error'][:200]}"
                         + (f" (first request after {idle:.2f} s idle)" if idle is not None else ""))
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
    parser.add_argument("--keep-media", action="store_true",
                        help="keep the uploaded photos (needed for a later --reuse-db run)")
    parser.add_argument("--keep-alive", action="store_true",
                        help="let locust reuse connections to gunicorn; by default each request closes its "
                             "connection, as nginx's requests to gunicorn do")
    args = parser.parse_args()
    if args.reviewers >= args.users:
        parser.error("--reviewers must leave at least one worker")

    work = args.work.resolve()
    out_dir = work / f"run-{datetime.now():%Y%m%d-%H%M%S}"
    out_dir.mkdir(parents=True)
    m = machine()
    ctx = {"args": args, "machine": m, "other_load": other_load(), "code": code_version(),
           "command": " ".join(["cd", str(ROOT), "&&", ".venv/bin/python", "bench/loadtest/run.py", *sys.argv[1:]])}
    log(f"load average at start: {m['load_start']}; work folder {out_dir}")
    if not port_free(PORT):
        raise SystemExit(f"port {PORT} is in use: another load test running?")

    if args.reuse_db and database_exists() and (work / "accounts.json").exists():
        if stored_photos() and not (work / "media").is_dir():
            # The pages would link photos whose files are gone: every thumbnail a 500, not a measurement.
            raise SystemExit("--reuse-db: the database holds photos of an earlier run whose media folder was "
                             "deleted; run that earlier run with --keep-media, or run without --reuse-db")
        log(f"reusing database {DATABASE} and its media folder")
    else:
        ctx.update(prepare(args, work))
        shutil.rmtree(work / "media", ignore_errors=True)
    (work / "media").mkdir(parents=True, exist_ok=True)
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
                      "LOADTEST_EXTRA": str(out_dir / "extra.json"),
                      "LOADTEST_REQUESTS": str(out_dir / "requests.csv"), "LOADTEST_REVIEWERS": str(args.reviewers),
                      "LOADTEST_WORKER_USERS": str(args.users - args.reviewers),
                      "LOADTEST_KEEP_ALIVE": "1" if args.keep_alive else "0"}
        cmd = [str(BIN / "locust"), "-f", str(HERE / "locustfile.py"), "--headless", "-u", str(args.users),
               "-r", str(args.spawn_rate), "-t", args.duration, "--stop-timeout", str(args.stop_timeout),
               "--host", f"http://{HOST}:{PORT}", "--csv", str(prefix), "--only-summary",
               "--exit-code-on-error", "0"]
        ctx["locust_command"] = " ".join(cmd)
        log(f"locust: {args.users} users for {args.duration}")
        started = time.monotonic()
        ctx["load_started_at"] = datetime.now(UTC)
        locust = start(cmd, locust_env, out_dir / "locust.log")
        sampler.add("locust", locust.pid)
        locust.wait()
        locust.logfile.close()
        ctx["load_s"] = time.monotonic() - started
        log(f"load stopped after {ctx['load_s']:.0f} s (locust exit {locust.returncode}); draining the queue")
        ctx["drain"] = drain(args.drain_timeout)
        log(f"drain: {ctx['drain']}")
        time.sleep(1.5)  # one more sample after the drain
        ctx["delays"] = derivative_delays(work / "media", ctx["load_started_at"])
    finally:
        if sampler is not None:
            sampler.stopping.set()
            sampler.join(timeout=5)
        stop(gunicorn, "gunicorn")
        stop(celery, "celery worker")
        if not args.keep_media:
            shutil.rmtree(work / "media", ignore_errors=True)

    sampler.save(out_dir / "samples.csv")
    ctx.update(sampler=sampler, stats=request_stats(out_dir / "requests.csv"), failures=read_failures(out_dir / "failures.jsonl"),
               db=database_figures(ctx["load_started_at"]), celery=celery_tasks(out_dir / "celery.log"),
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
