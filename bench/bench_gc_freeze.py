"""gc.freeze() in portal/wsgi.py, measured: the same pages from two gunicorns, one with it, one without.

    .venv/bin/python bench/bench_gc_freeze.py [--db bench_scale_100000] [--runs 60]

Both servers run with production settings (bench/independent's settings shim and environment, one sync
worker each) on a database of bench/bench_scale.py (`<name>_<size>`; built first with its `--keep
--build-only` when it does not exist, ~4 minutes for 100,000 entries). One loads `portal.wsgi`
(which freezes what is loaded); the other `django.core.wsgi:get_wsgi_application()`, the same application
without the freeze. Requests alternate between the two, so the machine's noise falls on both alike.
Printed per page and server: median, 90th percentile and the slowest request (ms), and the share of
requests above 1.25 × the server's own median (the outliers a full collection causes).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "independent"))
from bench_scale_http import MAIN, VENV, Client, collect_static, server_env, stop_server

PAGES = [("expert dashboard", "/experts/dashboard/"), ("expert assignments", "/experts/assignments/"),
         ("committee ranking", "/scoring/ranking/"), ("/stats/ committee", "/stats/")]
SERVERS = {"gc.freeze (portal.wsgi)": "portal.wsgi",
           "without": "django.core.wsgi:get_wsgi_application()"}


def start(app: str, db: str, port: int) -> subprocess.Popen:
    proc = subprocess.Popen(
        [str(VENV / "gunicorn"), app, "--bind", f"127.0.0.1:{port}", "--workers", "1", "--worker-class", "sync",
         "--timeout", "120"], cwd=MAIN, env=server_env(db, False), stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    client = Client(port)
    for _ in range(300):
        try:
            client.request("GET", "/accounts/login/")
            return proc
        except OSError:
            time.sleep(0.1)
    proc.terminate()
    raise SystemExit(f"gunicorn {app} did not start")


def ensure_database(db: str) -> None:
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres") as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [db]).fetchone():
            return
    base, size = db.rsplit("_", 1)
    print(f"# building {db} with bench/bench_scale.py", flush=True)
    subprocess.run([sys.executable, str(MAIN / "bench" / "bench_scale.py"), "--sizes", size, "--keep", "--build-only"],
                   cwd=MAIN, check=True, stdout=subprocess.DEVNULL,
                   env={**os.environ, "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{base}"})


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="bench_scale_100000")
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--warmup", type=int, default=5)
    args = parser.parse_args()
    ensure_database(args.db)
    collect_static(args.db)
    procs, clients = [], {}
    try:
        for port, (name, app) in enumerate(SERVERS.items(), start=8771):
            procs.append(start(app, args.db, port))
            clients[name] = Client(port)
            clients[name].login("committee")
        print("| page | server | median | p90 | slowest | > 1.25 × median |\n|---|---|---|---|---|---|")
        for label, path in PAGES:
            times = {name: [] for name in clients}
            for i in range(args.warmup + args.runs):
                for name, client in clients.items():
                    status, _body, ms, _resp = client.request("GET", path)
                    assert status == 200, (name, path, status)
                    if i >= args.warmup:
                        times[name].append(ms)
            for name, values in times.items():
                median = statistics.median(values)
                slow = sum(1 for v in values if v > 1.25 * median)
                print(f"| {label} | {name} | {median:.0f} | {percentile(values, 0.9):.0f} | {max(values):.0f} "
                      f"| {slow}/{len(values)} |", flush=True)
    finally:
        for proc in procs:
            stop_server(proc)


if __name__ == "__main__":
    main()
