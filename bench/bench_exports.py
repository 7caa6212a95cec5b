"""Benchmark of the official exports: 附件2 with 10,000 rows, and the photo archive's peak memory.

    python bench/bench_exports.py [--rows 10000] [--runs 3] [--entries 50] [--photos 8] [--out docs/perf/exports.md]

Everything happens in a throw-away SQLite database and media folder under /tmp/bench_exports (or in the
database DATABASE_URL names, which must be a scratch one: the script migrates and fills it). The photos
are realistic ~3.5 MB JPEGs (4000×3000), generated once into /tmp/bench_exports/photos and hard-linked
as the entries' originals.

This process only orchestrates and never loads Django: set-up, the timing and the archive each run in a
fresh worker process. On Linux a child's ru_maxrss starts from its parent's peak (it is carried across
fork and exec), so the archive's peak memory is only meaningful when the parent stays small; the worker
reports both ru_maxrss and VmHWM (the peak of its own address space) and its RSS before the export.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = Path("/tmp/bench_exports")
PHOTOS = WORK / "photos"
MEDIA = WORK / "media"
PHOTO_SIZE = (4000, 3000)
ENVIRONMENT = {
    "PORTAL_DEBUG": "1",
    "DATABASE_URL": f"sqlite:///{WORK / 'bench.sqlite3'}",
    "PORTAL_MEDIA_ROOT": str(MEDIA),
    "DJANGO_SETTINGS_MODULE": "portal.settings",
}


# --- worker side (Django loaded) --------------------------------------------------------------------


def _django():
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def _texture(seed: int):
    """Gradient + soft blobs + detail + fine grain per channel: compresses like a photo (~3.5 MB)."""
    from PIL import Image

    w, h = PHOTO_SIZE
    rnd = random.Random(seed)

    def channel():
        grad = Image.linear_gradient("L").resize((w, h), Image.Resampling.BILINEAR)
        if rnd.random() < 0.5:
            grad = grad.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
        blobs = Image.frombytes("L", (w // 40, h // 40), rnd.randbytes((w // 40) * (h // 40)))
        detail = Image.frombytes("L", (w // 4, h // 4), rnd.randbytes((w // 4) * (h // 4)))
        grain = Image.frombytes("L", (w, h), rnd.randbytes(w * h))
        base = Image.blend(grad, blobs.resize((w, h), Image.Resampling.BICUBIC), 0.45)
        base = Image.blend(base, detail.resize((w, h), Image.Resampling.BICUBIC), 0.25)
        return Image.blend(base, grain, 0.06)

    return Image.merge("RGB", (channel(), channel(), channel()))


def ensure_photos(count: int) -> list[Path]:
    PHOTOS.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(count):
        path = PHOTOS / f"photo_{index}.jpg"
        if not path.exists():
            _texture(index).save(path, "JPEG", quality=92, dpi=(300, 300))
        paths.append(path)
    return paths


def worker_setup(rows: int, archive_entries: int, photos_per_entry: int) -> dict:
    """A province with city 甲 (`rows` recommended entries, for 附件2) and city 乙 whose `archive_entries`
    entries have `photos_per_entry` real photos each. Reused when it already exists."""
    import hashlib

    from django.core.management import call_command
    from django.db.models import OuterRef, Subquery
    from django.utils import timezone

    from portal.accounts.enums import RoleKind
    from portal.accounts.models import Role, User
    from portal.campaigns.enums import AwardKind
    from portal.campaigns.models import AwardLevel, Campaign
    from portal.campaigns.notice import ensure_notice_campaign, open_phases
    from portal.directory.enums import NodeKind
    from portal.directory.models import OrgNode
    from review.models import TierGrade
    from scoring.formula import SCALES, hazard_score
    from scoring.models import Assessment
    from submissions.enums import EntryState, PhotoKind, Tier
    from submissions.models import Entry, Photo

    call_command("migrate", verbosity=0)
    ids_file = WORK / f"ids-{hashlib.sha256(os.environ['DATABASE_URL'].encode()).hexdigest()[:12]}.json"
    if Campaign.objects.filter(slug="bench-exports").exists() and ids_file.exists():
        return json.loads(ids_file.read_text())
    campaign = ensure_notice_campaign(slug="bench-exports", phases=open_phases(timezone.now()))
    province = OrgNode.objects.create(name="基准省总工会", kind=NodeKind.PROVINCE)
    big = OrgNode.objects.create(name="基准甲市总工会", kind=NodeKind.CITY, parent=province)
    small = OrgNode.objects.create(name="基准乙市总工会", kind=NodeKind.CITY, parent=province)
    counties = [OrgNode.objects.create(name=f"基准甲市第{i}区总工会", kind=NodeKind.COUNTY, parent=big)
                for i in range(10)]
    units = [OrgNode.objects.create(name=f"基准甲市第{i % 10}区第{i}机械制造有限责任公司", kind=NodeKind.UNIT,
                                    parent=counties[i % 10]) for i in range(200)]
    small_unit = OrgNode.objects.create(name="基准乙市公共交通有限责任公司", kind=NodeKind.UNIT, parent=small)
    worker = User.objects.create(username="bench-worker", full_name="张三")
    assessor = User.objects.create(username="bench-unit", full_name="李四")
    committee = User.objects.create(username="bench-committee", full_name="王五")
    Role.objects.create(user=committee, kind=RoleKind.COMMITTEE, node=province)
    industries = list(campaign.industries.all())
    categories = list(campaign.hazard_categories.all())
    level = AwardLevel.objects.get(campaign=campaign, kind=AwardKind.WORK, name="一等奖")
    rnd = random.Random(7)

    def entry(number: int, unit, union, county) -> Entry:
        return Entry(
            campaign=campaign, author=worker, author_name=f"职工{number}", unit=unit, first_review_union=county,
            selection_union=union, contact_address="太原市杏花岭区某某路1号", contact_phone="13900000000",
            contact_email="worker@example.com", industry=rnd.choice(industries), category=rnd.choice(categories),
            title=f"配电箱门未上锁第{number}例", description="配电箱门未上锁，存在触电风险，已加锁整改。",
            location="一号车间配电室", hazard="配电箱门未上锁", suggestion="加锁并张贴警示标识",
            rectification_note="已加锁", declaration_accepted=True, declaration_name=f"职工{number}",
            state=EntryState.PROVINCE_RECOMMENDED, tier=Tier.PROVINCE, has_rectification_photos=True,
            submitted_at=timezone.now())

    Entry.objects.bulk_create([entry(i, units[i % 200], big, counties[i % 10]) for i in range(rows)],
                              batch_size=1000)
    Entry.objects.bulk_create([entry(i, small_unit, small, None) for i in range(archive_entries)])
    assessments, grades = [], []
    for entry_id in Entry.objects.filter(campaign=campaign).values_list("pk", flat=True):
        values = [rnd.choice(scale.options).value for scale in SCALES]
        assessments.append(Assessment(entry_id=entry_id, assessor=assessor, tier=Tier.UNIT, l=values[0],
                                      e=values[1], c=values[2], x=values[3], y=values[4], d=hazard_score(*values)))
        grades.append(TierGrade(entry_id=entry_id, tier=Tier.SELECTION, award_level=level, graded_by=assessor))
    Assessment.objects.bulk_create(assessments, batch_size=1000)
    TierGrade.objects.bulk_create(grades, batch_size=1000)
    Entry.objects.filter(campaign=campaign).update(unit_score=Subquery(
        Assessment.objects.filter(entry=OuterRef("pk"), tier=Tier.UNIT).values("d")[:1]))

    sources = ensure_photos(photos_per_entry)
    folder = MEDIA / "originals" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    half = max(photos_per_entry // 2, 1)
    photos = []
    for archived in Entry.objects.filter(selection_union=small).order_by("pk"):
        for index, source in enumerate(sources):
            target = folder / f"{archived.pk}_{index}.jpg"
            if not target.exists():
                os.link(source, target)
            photos.append(Photo(
                entry=archived, kind=PhotoKind.HAZARD if index < half else PhotoKind.RECTIFIED,
                position=index % half + 1, original=str(target.relative_to(MEDIA)),
                sha256=hashlib.sha256(f"{archived.pk}-{index}".encode()).hexdigest(), size=target.stat().st_size,
                width=PHOTO_SIZE[0], height=PHOTO_SIZE[1]))
    Photo.objects.bulk_create(photos)
    ids = {"campaign": campaign.pk, "big": big.pk, "small": small.pk, "committee": committee.pk}
    ids_file.write_text(json.dumps(ids))
    return ids


def worker_summary(ids: dict, runs: int) -> dict:
    """附件2 of city 甲, as the export task writes it (same query, same exporter), `runs` times after a warm-up."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from portal.accounts.models import User
    from portal.campaigns.models import Campaign
    from portal.directory.models import OrgNode
    from review.reports.fujian2 import SummaryExporter
    from review.reports.selectors import export_entries

    campaign = Campaign.objects.get(pk=ids["campaign"])
    big = OrgNode.objects.get(pk=ids["big"])
    timings, cpu, queries, size, rows = [], [], 0, 0, 0
    for _run in range(runs + 1):
        user = User.objects.get(pk=ids["committee"])  # a fresh role cache, as in the task
        out = WORK / "summary.xlsx"
        started, started_cpu = time.perf_counter(), time.process_time()
        with CaptureQueriesContext(connection) as captured, out.open("wb") as stream:
            entries = export_entries(user, campaign, union_id=big.pk)
            SummaryExporter(entries, user=user, campaign=campaign, heading=big.name,
                            several_unions=False).write_xlsx(stream)
        timings.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
        queries, size = len(captured), out.stat().st_size
        rows = export_entries(user, campaign, union_id=big.pk).count()
    timings, cpu = timings[1:], cpu[1:]
    return {"rows": rows, "median_s": statistics.median(timings), "max_s": max(timings), "runs": runs,
            "cpu_s": statistics.median(cpu),
            "queries": queries, "bytes": size, "database": connection.vendor}


def _status_kib(field: str) -> int:
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def worker_archive(ids: dict) -> dict:
    """The photo archive of city 乙 through the export task's body (`run_export_job`), as a worker runs it."""
    from portal.accounts.models import User
    from portal.exports.models import ExportJob
    from portal.exports.services import run_export_job
    from review.reports import exporters  # noqa: F401 - loaded before measuring, as in a warm worker
    from submissions.models import Photo

    user = User.objects.get(pk=ids["committee"])
    photos = Photo.objects.filter(entry__selection_union_id=ids["small"])
    job = ExportJob.objects.create(kind="photos", requested_by=user, download_name="bench.zip",
                                   params={"campaign": ids["campaign"], "union": ids["small"], "entries": None})
    before = _status_kib("VmRSS")
    started = time.perf_counter()
    job = run_export_job(job.pk)
    elapsed = time.perf_counter() - started
    result = {"status": job.status, "error": job.error, "archive_bytes": job.size or 0, "seconds": elapsed,
              "before_kib": before, "maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
              "hwm_kib": _status_kib("VmHWM"), "photos": photos.count(),
              "photo_bytes": sum(photos.values_list("size", flat=True)),
              "entries": photos.values("entry").distinct().count()}
    if job.file:
        job.file.storage.delete(job.file.name)
    return result


# --- orchestrator (no Django) -----------------------------------------------------------------------


def run_worker(*args: str, script: str = __file__, environment: dict | None = None, root: Path = ROOT) -> dict:
    """Runs `script --worker args` in a fresh process (its own peak memory) and returns its last JSON line.

    bench_album reuses it with its own script, environment and checkout."""
    defaults = ENVIRONMENT if environment is None else environment
    env = {**os.environ, **{key: value for key, value in defaults.items() if key not in os.environ}}
    out = subprocess.run([sys.executable, script, "--worker", *args], capture_output=True, text=True, env=env,
                         check=False, cwd=root)
    if out.returncode != 0:
        sys.stderr.write(out.stderr)
        raise SystemExit(f"worker {args[0]} failed")
    return json.loads(out.stdout.strip().splitlines()[-1])


def machine(database: str) -> list[str]:
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as info:
            cpu = next(line.split(":", 1)[1].strip() for line in info if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return [f"nproc: {os.cpu_count()}", f"cpu: {cpu}", f"python: {platform.python_version()}",
            f"database: {database}", f"platform: {platform.platform()}"]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--entries", type=int, default=50)
    parser.add_argument("--photos", type=int, default=8)
    parser.add_argument("--out", default="")
    parser.add_argument("--worker", nargs="+")
    args = parser.parse_args()
    if args.worker:
        _django()
        mode, *rest = args.worker
        if mode == "setup":
            result = worker_setup(args.rows, args.entries, args.photos)
        elif mode == "summary":
            result = worker_summary(json.loads(rest[0]), args.runs)
        else:
            result = worker_archive(json.loads(rest[0]))
        print(json.dumps(result))
        return 0

    WORK.mkdir(parents=True, exist_ok=True)
    load = os.getloadavg()
    ids = run_worker("setup", "--rows", str(args.rows), "--entries", str(args.entries), "--photos", str(args.photos))
    summary = run_worker("summary", json.dumps(ids), "--runs", str(args.runs))
    archive = run_worker("archive", json.dumps(ids))
    summary_ok = summary["median_s"] <= 3.0
    archive_ok = archive["status"] == "done" and archive["maxrss_kib"] < 100 * 1024
    lines = [
        "# Export performance", "",
        "Measured by `python bench/bench_exports.py` (`review/reports`: 附件2 and the photo archive). Each "
        "measurement runs in a fresh worker process started by a parent that never loads Django.", "",
        "## Machine", "", *[f"- {line}" for line in machine(summary["database"])],
        f"- load average at start (1/5/15 min): {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f}", "",
        "## Results", "",
        "| measurement | result | target |", "| --- | --- | --- |",
        f"| 附件2, {summary['rows']:,} rows: wall time, median of {summary['runs']} runs after a warm-up "
        f"| {summary['median_s']:.2f} s (max {summary['max_s']:.2f} s) | ≤ 3 s {'✓' if summary_ok else '✗'} |",
        f"| 附件2: CPU time of the process (median; the database server's time is not in it) | "
        f"{summary['cpu_s']:.2f} s | |",
        f"| 附件2: SQL queries | {summary['queries']} | constant |",
        f"| 附件2: file size | {summary['bytes'] / 1e6:.2f} MB | |",
        f"| archive: {archive['entries']} entries × {args.photos} photos ({archive['photos']} originals, "
        f"{archive['photo_bytes'] / 1e6:,.0f} MB) | {archive['archive_bytes'] / 1e6:,.0f} MB zip in "
        f"{archive['seconds']:.1f} s | |",
        f"| archive: peak RSS of the worker, ru_maxrss | {archive['maxrss_kib'] / 1024:.1f} MB "
        f"| < 100 MB {'✓' if archive_ok else '✗'} |",
        f"| archive: peak RSS of the worker, VmHWM | {archive['hwm_kib'] / 1024:.1f} MB | |",
        f"| archive: RSS just before the export (Python, Django, openpyxl loaded) | "
        f"{archive['before_kib'] / 1024:.1f} MB | |",
        "",
    ]
    report = "\n".join(lines)
    print(report)
    if args.out:
        Path(args.out).write_text(report, encoding="utf-8")
    return 0 if summary_ok and archive_ok else 1


if __name__ == "__main__":
    sys.exit(main())
