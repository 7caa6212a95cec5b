"""Independent HTTP timing of the portal's pages at scale (a check of bench/bench_scale.py's figures).

    .venv/bin/python bench/independent/bench_scale_http.py --db benchq_100000 [--runs 15] [--warmup 3]
        [--port 8765] [--pages all|growth] [--no-cache-exhibition] [--out results_<db>.json]

It starts gunicorn (portal.wsgi, 1 sync worker, 127.0.0.1:PORT, cwd the repository) with production settings
(PORTAL_DEBUG=0, a generated 50+ char secret key and Fernet tip key, PORTAL_ALLOWED_HOSTS=127.0.0.1,
PORTAL_SSL_REDIRECT=0 / PORTAL_SECURE_COOKIES=0 / PORTAL_HSTS_SECONDS=0 for plain local HTTP, no
REDIS_URL) through the settings shim indep_settings.py (portal.settings unchanged except STATIC_ROOT =
a scratch directory (INDEP_STATIC_ROOT), filled once by `manage.py collectstatic` so the manifest storage works). Each demo
account logs in through the real login form (GET /accounts/login/ for the CSRF cookie, then POST;
django-axes sees a success). Each page: `--warmup` untimed requests, then `--runs` timed ones, each a new
TCP connection (gunicorn's sync worker closes it anyway) timed with time.perf_counter() from connect to
the last byte of the body read. Ids (search hits, last page, the deepest ranked entry, a city-tier entry
of city1) are read from the database with psycopg. The anonymous exhibition is timed twice: as served
(LocMem page cache on, so after the first request it is a cache hit) and, with --no-cache-exhibition, by
a second gunicorn whose cache is Django's DummyCache (INDEP_NO_CACHE=1), i.e. built on every request.
Results: a table on stdout and JSON in --out. Gunicorn is stopped at the end.
"""

from __future__ import annotations

import argparse
import http.client
import json
import math
import os
import re
import secrets
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote, urlencode

HERE = Path(__file__).resolve().parent
MAIN = HERE.parents[1]  # the repository
VENV = MAIN / ".venv" / "bin"
PASSWORD = re.search(r'DEMO_PASSWORD = "([^"]+)"', (MAIN / "demo" / "data.py").read_text()).group(1)
WORD = "配电箱"
PAGE_SIZE = 50


def db_ids(db: str) -> dict:
    import psycopg

    with psycopg.connect(f"postgresql://postgres@127.0.0.1:5432/{db}") as conn:
        campaign = conn.execute("SELECT id FROM campaigns_campaign WHERE is_current").fetchone()[0]
        node = dict(conn.execute(
            "SELECT u.username, r.node_id FROM accounts_role r JOIN accounts_user u ON u.id = r.user_id "
            "WHERE u.username IN ('committee','city1','county1','unit1')"))
        hits = conn.execute(
            "SELECT count(*) FROM submissions_entry WHERE campaign_id = %s "
            "AND state NOT IN ('draft','withdrawn') AND title LIKE %s", [campaign, f"%{WORD}%"]).fetchone()[0]
        deepest = conn.execute(
            "SELECT entry_id FROM scoring_rankingkey WHERE campaign_id = %s "
            "ORDER BY key_d, key_c, key_l LIMIT 1", [campaign]).fetchone()[0]
        city_entry = conn.execute(
            "SELECT id FROM submissions_entry WHERE campaign_id = %s AND selection_union_id = %s AND tier = 2 "
            "ORDER BY id LIMIT 1", [campaign, node["city1"]]).fetchone()[0]
    return {"campaign": campaign, "nodes": node, "hits": hits, "last_page": max(1, math.ceil(hits / PAGE_SIZE)),
            "deepest": deepest, "city_entry": city_entry}


def pages(ids: dict, which: str) -> list[tuple[str, str, str | None]]:
    q = quote(WORD)
    rows = [
        ("committee ranking", "/scoring/ranking/", "committee"),
        (f"committee ranking search {WORD}", f"/scoring/ranking/?q={q}", "committee"),
        (f"committee ranking search {WORD}, last page (p{ids['last_page']})",
         f"/scoring/ranking/?q={q}&page={ids['last_page']}", "committee"),
        (f"committee ranking search by code ({ids['deepest']})", f"/scoring/ranking/?q={ids['deepest']}",
         "committee"),
        ("expert dashboard", "/experts/dashboard/", "committee"),
        ("expert assignments", "/experts/assignments/", "committee"),
        ("/stats/ committee", "/stats/", "committee"),
        ("exports page", "/exports/", "committee"),
        ("admin audit changelist", "/admin/audit/auditrecord/", "committee"),
        ("city ranking", "/scoring/ranking/", "city1"),
        ("/stats/ city", "/stats/", "city1"),
        ("queue city", "/review/", "city1"),
        (f"entry page ({ids['city_entry']})", f"/review/entries/{ids['city_entry']}/", "city1"),
        ("/stats/ county", "/stats/", "county1"),
        ("queue county", "/review/", "county1"),
        ("/stats/ unit", "/stats/", "unit1"),
        ("queue unit", "/review/", "unit1"),
        ("exhibition (anonymous, page cache on)", "/exhibition/", None),
    ]
    if which == "growth":
        rows = [r for r in rows if r[0] in ("committee ranking", "/stats/ committee")
                or (r[0].startswith(f"committee ranking search {WORD}") and "last" not in r[0])]
    return rows


class Client:
    def __init__(self, port: int):
        self.port, self.cookies = port, {}

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        hdrs = {"Host": f"127.0.0.1:{self.port}", "User-Agent": "indep-bench", "Accept-Encoding": "identity"}
        if self.cookies:
            hdrs["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        hdrs.update(headers or {})
        start = time.perf_counter()
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        conn.request(method, path, body=body, headers=hdrs)
        resp = conn.getresponse()
        data = resp.read()
        elapsed = (time.perf_counter() - start) * 1000
        conn.close()
        for name, value in resp.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key.strip()] = rest.split(";", 1)[0]
        return resp.status, data, elapsed, resp

    def login(self, username: str) -> None:
        status, body, _, _ = self.request("GET", "/accounts/login/")
        assert status == 200, ("login page", status)
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1).decode()
        form = urlencode({"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD, "next": ""})
        status, _, _, resp = self.request("POST", "/accounts/login/", form.encode(), {
            "Content-Type": "application/x-www-form-urlencoded", "Referer": f"http://127.0.0.1:{self.port}/accounts/login/",
            "Origin": f"http://127.0.0.1:{self.port}"})
        assert status == 302 and "sessionid" in self.cookies, ("login", username, status, resp.getheaders())


def server_env(db: str, no_cache: bool) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    from cryptography.fernet import Fernet

    env.update({
        "PYTHONPATH": f"{HERE}:{MAIN}", "DJANGO_SETTINGS_MODULE": "indep_settings",
        "DATABASE_URL": f"postgres://postgres@127.0.0.1:5432/{db}", "PORTAL_DEBUG": "0",
        "PORTAL_SECRET_KEY": "indep-bench-" + secrets.token_urlsafe(48),
        "PORTAL_TIP_KEYS": Fernet.generate_key().decode(), "PORTAL_ALLOWED_HOSTS": "127.0.0.1",
        "PORTAL_SSL_REDIRECT": "0", "PORTAL_SECURE_COOKIES": "0", "PORTAL_HSTS_SECONDS": "0",
        "PORTAL_LOG_LEVEL": "WARNING",
    })
    if no_cache:
        env["INDEP_NO_CACHE"] = "1"
    return env


def collect_static(db: str) -> None:
    """The manifest static storage of production settings needs the collected files (once per scratch dir)."""
    if not (Path(os.environ.get("INDEP_STATIC_ROOT", "/tmp/indep-static")) / "staticfiles.json").exists():
        subprocess.run([str(VENV / "python"), "manage.py", "collectstatic", "--noinput", "-v", "0"],
                       cwd=MAIN, env=server_env(db, False), check=True)


def start_server(db: str, port: int, no_cache: bool = False, app: str = "portal.wsgi") -> subprocess.Popen:
    """gunicorn serving `app` (bench/bench_gc_freeze.py passes the application without portal.wsgi's freeze)."""
    collect_static(db)
    log = open(HERE / f"gunicorn_{db}{'_nocache' if no_cache else ''}_{port}.log", "w")  # noqa: SIM115 - the server's, closed with it
    proc = subprocess.Popen(
        [str(VENV / "gunicorn"), app, "--bind", f"127.0.0.1:{port}", "--workers", "1",
         "--worker-class", "sync", "--timeout", "120"],
        cwd=MAIN, env=server_env(db, no_cache), stdout=log, stderr=subprocess.STDOUT)
    for _ in range(200):
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            c.request("GET", "/accounts/login/", headers={"Host": "127.0.0.1"})
            c.getresponse().read()
            return proc
        except OSError:
            time.sleep(0.1)
    proc.terminate()
    raise SystemExit("gunicorn did not start; see the gunicorn log next to this script")


def stop_server(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()


def measure(client: Client, path: str, warmup: int, runs: int) -> dict:
    statuses, times, first = [], [], None
    for _i in range(warmup):
        status, _, ms, _ = client.request("GET", path)
        statuses.append(status)
        first = ms if first is None else first
    size = 0
    for _ in range(runs):
        status, body, ms, _ = client.request("GET", path)
        statuses.append(status)
        times.append(ms)
        size = len(body)
    return {"median": statistics.median(times), "min": min(times), "max": max(times), "times": times,
            "statuses": sorted(set(statuses)), "bytes": size, "first_warmup": first}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", default="benchq_100000")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--pages", choices=("all", "growth"), default="all")
    parser.add_argument("--no-cache-exhibition", action="store_true")
    parser.add_argument("--out")
    args = parser.parse_args()

    ids = db_ids(args.db)
    print(f"# {args.db}: {json.dumps(ids, ensure_ascii=False)}", flush=True)
    results = []
    proc = start_server(args.db, args.port)
    try:
        clients: dict = {}
        for label, path, account in pages(ids, args.pages):
            if account not in clients:
                clients[account] = Client(args.port)
                if account:
                    clients[account].login(account)
            r = measure(clients[account], path, args.warmup, args.runs)
            r.update(page=label, path=path, account=account or "anonymous")
            results.append(r)
            print(f"{label:60s} {r['account']:10s} {r['median']:8.1f} ({r['min']:.1f}–{r['max']:.1f}) "
                  f"{r['statuses']} {r['bytes']}B first-warmup {r['first_warmup']:.0f}", flush=True)
    finally:
        stop_server(proc)
    if args.no_cache_exhibition and args.pages == "all":
        proc = start_server(args.db, args.port, no_cache=True)
        try:
            r = measure(Client(args.port), "/exhibition/", args.warmup, args.runs)
            r.update(page="exhibition (anonymous, cache bypassed: DummyCache)", path="/exhibition/",
                     account="anonymous")
            results.append(r)
            print(f"{r['page']:60s} anonymous  {r['median']:8.1f} ({r['min']:.1f}–{r['max']:.1f}) "
                  f"{r['statuses']} {r['bytes']}B", flush=True)
        finally:
            stop_server(proc)
    out = Path(args.out or HERE / f"results_{args.db}_{time.strftime('%H%M%S')}.json")
    out.write_text(json.dumps({"db": args.db, "ids": ids, "runs": args.runs, "warmup": args.warmup,
                               "results": results}, ensure_ascii=False, indent=1))
    print(f"# written {out}")
    bad = [r["page"] for r in results if r["statuses"] != [200]]
    if bad:
        print("# NOT 200:", bad)
        sys.exit(1)


if __name__ == "__main__":
    main()
