"""Benchmark of near-duplicate detection: the pHash's cost in the derivatives task per 12 MP photo, and a
lookup against 400,000 stored hashes on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tus_bench python bench/bench_phash.py [--rows 400000]
        [--queries 50] [--runs 7]

The database must be a scratch one: the script creates it if missing, migrates it and replaces its
reference photos with `--rows` random hashes (ReferencePhoto: the same scan as the photos table). The
lookup is the portal's own (submissions.near_duplicates.near_hashes: one SQL statement per table with
XOR + bit_count), with the default distance 8, for random hashes (no match: the whole table is scanned).
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _ensure_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def hashing(runs: int) -> dict:
    """Median seconds of the derivatives (preview from the reduced decode, thumbnail from the preview) and
    of the pHash of the thumbnail, for a 12 MP (4000×3000) JPEG of about 4 MB."""
    from PIL import Image

    from submissions.photos import make_derivative
    from submissions.photos.similarity import phash64
    from tests.factories.photos import picture

    canvas = picture((3200, 2400)).resize((4000, 3000))
    out = io.BytesIO()
    canvas.save(out, "JPEG", quality=92)
    original = out.getvalue()
    derivatives, hashes = [], []
    for _ in range(runs):
        started = time.perf_counter()
        preview = make_derivative(io.BytesIO(original), 1600)
        thumbnail = make_derivative(io.BytesIO(preview), 400)
        derivatives.append(time.perf_counter() - started)
        started = time.perf_counter()
        phash64(io.BytesIO(thumbnail))
        hashes.append(time.perf_counter() - started)
    Image.open(io.BytesIO(original)).verify()
    return {"bytes": len(original), "derivatives": statistics.median(derivatives),
            "phash": statistics.median(hashes)}


def fill(rows: int) -> None:
    from django.db import connection

    from submissions.models import ReferencePhoto

    rnd = random.Random(19)
    table = ReferencePhoto._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {table} CASCADE")
        with cursor.copy(f"COPY {table} (year, code, phash, imported_at) FROM STDIN") as copy:
            for n in range(rows):
                copy.write_row((2024, f"bench-{n}.jpg", rnd.getrandbits(64) - (1 << 63), "2025-01-01T00:00:00Z"))
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {table}")


def lookup(queries: int) -> dict:
    from submissions.near_duplicates import near_hashes

    rnd = random.Random(7)
    timings = []
    for _ in range(queries):
        value = rnd.getrandbits(64) - (1 << 63)
        started = time.perf_counter()
        near_hashes(value, 8)
        timings.append(time.perf_counter() - started)
    return {"median": statistics.median(timings), "p95": sorted(timings)[int(0.95 * len(timings)) - 1],
            "min": min(timings)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=400_000)
    parser.add_argument("--queries", type=int, default=50)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("DATABASE_URL must name a scratch PostgreSQL database")
    _ensure_database(url)
    env = {**os.environ, "PORTAL_DEBUG": "1", "DJANGO_SETTINGS_MODULE": "portal.settings"}
    subprocess.run([sys.executable, str(ROOT / "manage.py"), "migrate", "-v0"], check=True, env=env)
    os.environ.update(env)
    import django

    django.setup()
    from django.db import connection

    hashed = hashing(args.runs)
    fill(args.rows)
    found = lookup(args.queries)
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        version = cursor.fetchone()[0]
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores (shared), "
          f"PostgreSQL {version}, Python {platform.python_version()}")
    print(f"12 MP JPEG {hashed['bytes'] / 1e6:.1f} MB: derivatives {hashed['derivatives'] * 1000:.0f} ms, "
          f"pHash of the thumbnail {hashed['phash'] * 1000:.1f} ms "
          f"(+{100 * hashed['phash'] / hashed['derivatives']:.1f} %), median of {args.runs}")
    print(f"lookup against {args.rows:,} hashes (distance ≤ 8, no match): median {found['median'] * 1000:.1f} ms, "
          f"p95 {found['p95'] * 1000:.1f} ms, min {found['min'] * 1000:.1f} ms over {args.queries} queries")


if __name__ == "__main__":
    main()
