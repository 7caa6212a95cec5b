"""Benchmark of the 作品集 (issue 20): peak memory and time of the album's PDF and Word file for 50, 100 and
200 awarded entries whose photos are realistic 12 MP JPEGs.

    python bench/bench_album.py [--sizes 50 100 200] [--photos 4] [--formats pdf docx zip] [--out FILE]

(zip: the media package — the album PDF, the winners' list, every photo at print size (3000 px) and web
size, ~0.7 s of CPU per photo: not in the defaults.)

Everything happens in a throw-away SQLite database and media folder under /tmp/bench_album (or in the
database DATABASE_URL names, which must be a scratch one: the script migrates and fills it). One campaign
per size, locked, every entry awarded and published, `--photos` photos each (half 整改前, half 整改后). The
photos are 4000×3000 JPEGs (~3.5 MB, bench_exports' photos) generated once; every entry's photos are
copies that differ in a few low-frequency quantisation values, so that no two photos of the album are the
same picture (python-docx would store identical pictures once, and the figures would not be those of real
entries). The n-th entry of every size shares its files: 200 × `--photos` files on disk (~2.8 GB).

Each album is written by a fresh worker process (this process never loads Django: on Linux a child's
ru_maxrss starts from its parent's peak), through the same function the export task calls, into a file.
The worker reports its RSS before the album, VmHWM (the peak of its own address space) and the time.
BENCH_ALBUM_ROOT=<another checkout> measures that checkout's code with the same data (e.g. the code
before this change).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(os.environ.get("BENCH_ALBUM_ROOT") or Path(__file__).resolve().parents[1])
sys.path.insert(0, str(Path(__file__).resolve().parent))
import bench_exports  # noqa: E402
from bench_exports import PHOTO_SIZE, _status_kib, ensure_photos, machine  # noqa: E402

WORK = Path("/tmp/bench_album")
PHOTOS = WORK / "photos"  # the variants; the generated photos are bench_exports' (/tmp/bench_exports/photos)
MEDIA = WORK / "media"
ENVIRONMENT = {**bench_exports.ENVIRONMENT, "DATABASE_URL": f"sqlite:///{WORK / 'bench.sqlite3'}",
               "PORTAL_MEDIA_ROOT": str(MEDIA)}


def variant(source: Path, index: int, number: int) -> Path:
    """A copy of `source` whose first quantisation table has the three lowest AC values (zig-zag 1, 2, 4:
    the ones libjpeg's 1/4-scale decode still reads) raised by 0–5 each, from `number` (216 variants): a
    valid JPEG of the same size that decodes to slightly different pixels, hence different derivatives."""
    path = PHOTOS / "variants" / f"photo_{index}_{number}.jpg"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        data = bytearray(source.read_bytes())
        table = data.index(b"\xff\xdb") + 5  # marker, length (2), precision/id (1): the 64 values follow
        for digit, zigzag in enumerate((1, 2, 4)):
            data[table + zigzag] = min(255, data[table + zigzag] + number // 6 ** digit % 6)
        path.write_bytes(data)
    return path


def worker_setup(sizes: list[int], photos_per_entry: int) -> dict:
    """One locked campaign per size with that many awarded, published entries; reused when it exists."""
    import hashlib

    from django.core.management import call_command
    from django.utils import timezone

    from portal.accounts.models import User
    from portal.campaigns.enums import AwardKind
    from portal.campaigns.models import AwardLevel, Campaign
    from portal.campaigns.notice import ensure_notice_campaign, open_phases
    from portal.directory.enums import NodeKind
    from portal.directory.models import OrgNode
    from review.exhibition.models import Publication
    from review.experts.models import FinalAward, ResultsLock
    from submissions.enums import EntryState, PhotoKind, Tier
    from submissions.models import Entry, Photo

    call_command("migrate", verbosity=0)
    sources = ensure_photos(photos_per_entry)
    folder = MEDIA / "originals" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    province = OrgNode.objects.get_or_create(name="基准省总工会", kind=NodeKind.PROVINCE)[0]
    city = OrgNode.objects.get_or_create(name="基准市总工会", kind=NodeKind.CITY, parent=province)[0]
    units = [OrgNode.objects.get_or_create(name=f"基准第{i}机械制造有限责任公司", kind=NodeKind.UNIT,
                                           parent=city)[0] for i in range(20)]
    worker = User.objects.get_or_create(username="bench-album-worker", defaults={"full_name": "张三"})[0]
    ids = {}
    for size in sizes:
        slug = f"bench-album-{size}-{photos_per_entry}"
        campaign = Campaign.objects.filter(slug=slug).first()
        if campaign is not None:
            ids[str(size)] = campaign.pk
            continue
        campaign = ensure_notice_campaign(slug=slug, phases=open_phases(timezone.now()), make_current=False)
        levels = list(AwardLevel.objects.filter(campaign=campaign, kind=AwardKind.WORK).order_by("rank"))
        industries = list(campaign.industries.all())
        categories = list(campaign.hazard_categories.all())
        entries = Entry.objects.bulk_create([Entry(
            campaign=campaign, author=worker, author_name=f"职工{n}", unit=units[n % 20], selection_union=city,
            contact_address="太原市杏花岭区某某路1号", contact_phone="13900000000",
            contact_email="worker@example.com", industry=industries[n % len(industries)],
            category=categories[n % len(categories)], title=f"配电箱门未上锁第{n}例",
            description="配电箱门未上锁，存在触电风险。" * 4, location="一号车间配电室",
            hazard="一号车间配电箱门未上锁，箱内带电部分外露，存在触电风险。" * 3, suggestion="加锁并张贴警示标识",
            rectification_note="已加锁，张贴“当心触电”警示标识，并纳入班组日常巡检。" * 3,
            declaration_accepted=True, declaration_name=f"职工{n}", state=EntryState.PROVINCE_RECOMMENDED,
            tier=Tier.PROVINCE, has_rectification_photos=True, submitted_at=timezone.now(),
        ) for n in range(size)])
        FinalAward.objects.bulk_create([FinalAward(entry=entry, level=levels[min(n * len(levels) // size,
                                                                                 len(levels) - 1)], rank=n + 1)
                                        for n, entry in enumerate(entries)])
        Publication.objects.bulk_create([Publication(entry=entry) for entry in entries])
        ResultsLock.objects.create(campaign=campaign)
        half = max(photos_per_entry // 2, 1)
        photos = []
        for number, entry in enumerate(entries):
            for index, source in enumerate(sources):
                target = folder / f"{entry.pk}_{index}.jpg"
                if not target.exists():
                    os.link(variant(source, index, number), target)
                photos.append(Photo(
                    entry=entry, kind=PhotoKind.HAZARD if index < half else PhotoKind.RECTIFIED,
                    position=index % half + 1, original=str(target.relative_to(MEDIA)),
                    sha256=hashlib.sha256(f"{entry.pk}-{index}".encode()).hexdigest(),
                    size=target.stat().st_size, width=PHOTO_SIZE[0], height=PHOTO_SIZE[1]))
        Photo.objects.bulk_create(photos)
        ids[str(size)] = campaign.pk
    return ids


def worker_album(campaign_id: int, kind: str) -> dict:
    """The album of one campaign through the export's writer, into a file, as the export task runs it."""
    from portal.campaigns.models import Campaign
    from review.exhibition.album import locked_campaign
    from review.exhibition.album_docx import write_album_docx
    from review.exhibition.album_pdf import write_album_pdf
    from review.exhibition.media_package import write_media_package

    campaign = locked_campaign(Campaign.objects.get(pk=campaign_id).pk)
    writer = {"pdf": write_album_pdf, "docx": write_album_docx,
              "zip": lambda campaign, out, names: write_media_package(campaign, out)}[kind]
    target = WORK / f"album-{campaign_id}.{kind}"
    before = _status_kib("VmRSS")
    started, started_cpu = time.perf_counter(), time.process_time()
    with target.open("wb") as out:
        writer(campaign, out, names=True)
    result = {"seconds": time.perf_counter() - started, "cpu_s": time.process_time() - started_cpu,
              "before_kib": before, "hwm_kib": _status_kib("VmHWM"), "bytes": target.stat().st_size,
              "path": str(target)}
    return result


def run_worker(*args: str) -> dict:
    return bench_exports.run_worker(*args, script=__file__, environment=ENVIRONMENT, root=ROOT)


def count_pages_and_images(path: str, kind: str) -> tuple[int, int]:
    """Pages and images of the file (after the measurement, in this process)."""
    if kind == "pdf":
        from pypdf import PdfReader

        reader = PdfReader(path)
        return len(reader.pages), sum(len(page.images) for page in reader.pages)
    import zipfile

    folder = "word/media/" if kind == "docx" else "照片-"  # the media package: print and web photos
    with zipfile.ZipFile(path) as archive:
        return 0, sum(1 for name in archive.namelist() if name.startswith(folder))


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[50, 100, 200])
    parser.add_argument("--photos", type=int, default=4)
    parser.add_argument("--formats", nargs="+", default=["pdf", "docx"])
    parser.add_argument("--out", default="")
    parser.add_argument("--worker", nargs="+")
    args = parser.parse_args()
    if args.worker:
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        mode, *rest = args.worker
        if mode == "setup":
            result = worker_setup(args.sizes, args.photos)
        else:
            result = worker_album(int(rest[0]), rest[1])
        print(json.dumps(result))
        return 0

    WORK.mkdir(parents=True, exist_ok=True)
    load = os.getloadavg()
    ids = run_worker("setup", "--sizes", *map(str, args.sizes), "--photos", str(args.photos))
    rows = []
    for kind in args.formats:
        for size in args.sizes:
            result = run_worker("album", str(ids[str(size)]), kind)
            pages, images = count_pages_and_images(result["path"], kind)
            os.remove(result["path"])
            rows.append((kind, size, result, pages, images))
            print(f"{kind} {size}: {json.dumps(result)} pages={pages} images={images}", file=sys.stderr)
    lines = [
        "| file | entries | photos drawn | pages | file size | RSS before | peak (VmHWM) | peak − before "
        "| wall | CPU |", "|---|---|---|---|---|---|---|---|---|---|"]
    for kind, size, result, pages, images in rows:
        lines.append(
            f"| {kind} | {size} | {images} | {pages or '–'} | {result['bytes'] / 1e6:.1f} MB "
            f"| {result['before_kib'] / 1024:.0f} MiB | {result['hwm_kib'] / 1024:.0f} MiB "
            f"| {(result['hwm_kib'] - result['before_kib']) / 1024:.0f} MiB | {result['seconds']:.0f} s "
            f"| {result['cpu_s']:.0f} s |")
    report = "\n".join([
        f"code: {ROOT}", *machine("sqlite"),
        f"load average at start (1/5/15 min): {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f}", "", *lines, ""])
    print(report)
    if args.out:
        Path(args.out).write_text(report, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
