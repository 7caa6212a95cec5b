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
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE / "independent")]
from bench_scale import database_exists  # noqa: E402 - bench/ is not a package
from bench_scale_http import MAIN, Client, start_server, stop_server  # noqa: E402

PAGES = [("expert dashboard", "/experts/dashboard/"), ("expert assignments", "/experts/assignments/"),
         ("committee ranking", "/scoring/ranking/"), ("/stats/ committee", "/stats/")]
SERVERS = {"gc.freeze (portal.wsgi)": "portal.wsgi",
           "without": "django.core.wsgi:get_wsgi_application()"}


def ensure_database(db: str) -> None:
    url = f"postgres://postgres@127.0.0.1:5432/{db}"
    if database_exists(url):
        return
    base, size = url.rsplit("_", 1)
    print(f"# building {db} with bench/bench_scale.py", flush=True)
    subprocess.run([sys.executable, str(MAIN / "bench" / "bench_scale.py"), "--sizes", size, "--keep", "--build-only"],
                   cwd=MAIN, check=True, stdout=subprocess.DEVNULL, env={**os.environ, "DATABASE_URL": base})


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
    procs, clients = [], {}
    try:
        for port, (name, app) in enumerate(SERVERS.items(), start=8771):
            procs.append(start_server(args.db, port, app=app))
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
