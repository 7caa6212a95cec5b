"""Benchmark of the photo pipeline: validation CPU time, peak memory on 200 MP photos, derivative time.

    python bench/bench_photos.py [--runs 15] [--out docs/perf/photos.md] [--no-progressive]

Test photos are generated once into /tmp/bench_photos (reused on later runs). Memory figures come from
the peak RSS of a fresh subprocess per measurement, so one measurement's peak cannot hide another's.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import random
import resource
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import django  # noqa: E402
from django.conf import settings  # noqa: E402

if not settings.configured:  # validation messages go through gettext; no project settings needed here
    settings.configure(USE_I18N=True, LANGUAGE_CODE="zh-hans", INSTALLED_APPS=[])
    django.setup()

import PIL  # noqa: E402
from PIL import Image, JpegImagePlugin, features  # noqa: E402

from submissions.photos.derivatives import make_derivative  # noqa: E402
from submissions.photos.validation import PhotoRules, validate_photo  # noqa: E402

CACHE = Path("/tmp/bench_photos")
PHOTO_12MP = CACHE / "photo_12mp.jpg"
PHOTO_200MP = CACHE / "photo_200mp.jpg"
PHOTO_200MP_PROGRESSIVE = CACHE / "photo_200mp_progressive.jpg"
RULES = PhotoRules()


# --- test photos ----------------------------------------------------------------------------------------


def _texture(size: tuple[int, int], seed: int, grain: float) -> Image.Image:
    """Gradient + soft blobs + mid-frequency detail + fine grain per channel: compresses like a photo."""
    w, h = size
    rnd = random.Random(seed)

    def noise(scale: int, resample: Image.Resampling) -> Image.Image:
        small = (max(1, w // scale), max(1, h // scale))
        return Image.frombytes("L", small, rnd.randbytes(small[0] * small[1])).resize(size, resample)

    channels = []
    for turn in (None, Image.Transpose.ROTATE_180, Image.Transpose.FLIP_LEFT_RIGHT):
        grad = Image.linear_gradient("L")
        grad = (grad.transpose(turn) if turn else grad).resize(size, Image.Resampling.BILINEAR)
        base = Image.blend(grad, noise(64, Image.Resampling.BICUBIC), 0.5)
        base = Image.blend(base, noise(4, Image.Resampling.BILINEAR), 0.25)
        channels.append(Image.blend(base, Image.frombytes("L", size, rnd.randbytes(w * h)), grain))
    return Image.merge("RGB", channels)


def _exif() -> bytes:
    exif = Image.Exif()
    exif[0x011A] = exif[0x011B] = 300
    exif[0x0128] = 2
    exif[0x0112] = 1
    exif.get_ifd(0x8769)[0x9003] = "2024:05:01 08:30:00"
    return exif.tobytes()


def ensure_photos(progressive: bool) -> None:
    """Generate the test photos unless cached: a ~4 MB 12 MP photo and 200 MP photos under 20 MB."""
    CACHE.mkdir(exist_ok=True)
    if not PHOTO_12MP.exists():
        _texture((4000, 3000), 1, 0.10).save(PHOTO_12MP, "JPEG", quality=90, exif=_exif(), dpi=(300, 300))
    wanted = [PHOTO_200MP] + ([PHOTO_200MP_PROGRESSIVE] if progressive else [])
    if all(p.exists() for p in wanted):
        return
    # A 200 MP phone photo is soft at pixel level: texture at 1/4 size scaled up, plus a little grain.
    im = _texture((4080, 3060), 2, 0.04).resize((16320, 12240), Image.Resampling.BICUBIC)
    rnd = random.Random(3)
    grain = Image.merge(
        "RGB", [Image.frombytes("L", im.size, rnd.randbytes(im.width * im.height)) for _ in "RGB"]
    )
    im = Image.blend(im, grain, 0.02)
    del grain
    if not PHOTO_200MP.exists():
        im.save(PHOTO_200MP, "JPEG", quality=80, exif=_exif(), dpi=(300, 300))
    if progressive and not PHOTO_200MP_PROGRESSIVE.exists():
        im.save(PHOTO_200MP_PROGRESSIVE, "JPEG", quality=80, progressive=True, exif=_exif(), dpi=(300, 300))


# --- measurements ---------------------------------------------------------------------------------------


def bare_draft_decode(data: bytes) -> None:
    """The floor: Pillow decoding every scan at 1/8 scale, nothing else."""
    im = JpegImagePlugin.jpeg_factory(io.BytesIO(data))
    im.draft(im.mode, (im.width // 8, im.height // 8))
    im.load()


def cpu_ms(fn: Callable[[], object]) -> float:
    started = time.process_time()
    fn()
    return (time.process_time() - started) * 1000


def side_by_side(runs: int, **fns: Callable[[], object]) -> dict[str, float]:
    """Median CPU ms of each function, interleaved run by run so machine noise hits all alike."""
    for fn in fns.values():  # warm-up: imports, allocator, page cache
        fn()
    samples: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(runs):
        for name, fn in fns.items():
            samples[name].append(cpu_ms(fn))
    return {name: statistics.median(values) for name, values in samples.items()}


def peak_rss_kib() -> int:
    """This process's peak RSS in KiB.

    VmHWM belongs to the address space created at exec, while ru_maxrss also inherits the parent's RSS
    at fork time, which would mask everything here after the parent generated a 200 MP image.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux


def child_memory(what: str, path: str) -> dict[str, float]:
    """Runs in a fresh process: peak RSS growth caused by one operation on one file."""
    data = Path(path).read_bytes()
    before = peak_rss_kib()
    started = time.perf_counter()
    if what == "validate":
        validate_photo(io.BytesIO(data), RULES)
    elif what == "draft":
        bare_draft_decode(data)
    elif what == "preview":
        make_derivative(data, 1600)
    else:
        raise SystemExit(f"unknown measurement {what}")
    wall = time.perf_counter() - started
    after = peak_rss_kib()
    return {
        "baseline_mib": before / 1024,
        "peak_mib": after / 1024,
        "delta_mib": (after - before) / 1024,
        "wall_s": wall,
    }


def child_preview_cpu(runs: str, path: str) -> dict[str, float]:
    """Runs in a fresh process: median CPU ms of a 1600 px preview, split into user and system time."""
    data = Path(path).read_bytes()
    make_derivative(data, 1600)
    user, system = [], []
    for _ in range(int(runs)):
        before = resource.getrusage(resource.RUSAGE_SELF)
        make_derivative(data, 1600)
        after = resource.getrusage(resource.RUSAGE_SELF)
        user.append((after.ru_utime - before.ru_utime) * 1000)
        system.append((after.ru_stime - before.ru_stime) * 1000)
    return {"user_ms": statistics.median(user), "sys_ms": statistics.median(system)}


def preview_cpu(runs: int, blocks_max: str | None) -> dict[str, float]:
    env = {k: v for k, v in os.environ.items() if k != "PILLOW_BLOCKS_MAX"}
    if blocks_max is not None:
        env["PILLOW_BLOCKS_MAX"] = blocks_max
    out = subprocess.run(
        [sys.executable, __file__, "--child", "preview-cpu", f"{runs}:{PHOTO_12MP}"],
        check=True,
        capture_output=True,
        text=True,
        env=env,
    )
    return json.loads(out.stdout)


def memory(what: str, path: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", what, str(path)], check=True, capture_output=True, text=True
    )
    return json.loads(out.stdout)


# --- report ---------------------------------------------------------------------------------------------


def machine() -> dict[str, str]:
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "nproc": str(os.cpu_count()),
        "cpu": cpu,
        "python": platform.python_version(),
        "Pillow": PIL.__version__,
        "libjpeg-turbo": str(features.version("libjpeg_turbo")),
        "platform": platform.platform(),
        "load average at start (1/5/15 min)": " / ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "perf" / "photos.md")
    parser.add_argument("--no-progressive", action="store_true", help="skip the progressive 200 MP photo")
    parser.add_argument("--child", nargs=2, metavar=("WHAT", "PATH"), help=argparse.SUPPRESS)
    parser.add_argument("--generate", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate:
        ensure_photos(not args.no_progressive)
        return
    if args.child and args.child[0] == "preview-cpu":
        print(json.dumps(child_preview_cpu(*args.child[1].split(":", 1))))
        return
    if args.child:
        print(json.dumps(child_memory(*args.child)))
        return

    progressive = not args.no_progressive
    # In a child process, so the gigabytes it takes are not held by the process that measures.
    subprocess.run(
        [sys.executable, __file__, "--generate", *(["--no-progressive"] if not progressive else [])],
        check=True,
    )
    data12 = PHOTO_12MP.read_bytes()
    check = validate_photo(io.BytesIO(data12), RULES)
    cpu = side_by_side(
        args.runs,
        validate=lambda: validate_photo(io.BytesIO(data12), RULES),
        draft=lambda: bare_draft_decode(data12),
        thumb=lambda: make_derivative(data12, 400),
        preview=lambda: make_derivative(data12, 1600),
    )
    rows = [
        ("validate 12 MP (CPU ms, median)", f"{cpu['validate']:.1f}"),
        ("bare 1/8 draft decode, same file (CPU ms)", f"{cpu['draft']:.1f}"),
        ("validate / bare decode", f"{cpu['validate'] / cpu['draft']:.2f}"),
        ("thumbnail 400 px from 12 MP (CPU ms)", f"{cpu['thumb']:.1f}"),
        ("preview 1600 px from 12 MP (CPU ms)", f"{cpu['preview']:.1f}"),
    ]
    for label, blocks in (("unset", None), ("16", "16")):
        m = preview_cpu(args.runs, blocks)
        rows.append(
            (
                f"preview 1600 px, fresh process, PILLOW_BLOCKS_MAX {label} (CPU ms)",
                f"{m['user_ms'] + m['sys_ms']:.1f} (user {m['user_ms']:.1f} + system {m['sys_ms']:.1f})",
            )
        )
    files = [("200 MP baseline", PHOTO_200MP)] + (
        [("200 MP progressive", PHOTO_200MP_PROGRESSIVE)] if progressive else []
    )
    for label, path in files:
        for what in ("validate", "draft", "preview"):
            m = memory(what, path)
            rows.append(
                (
                    f"{label}: {what} peak RSS growth (MiB)",
                    f"{m['delta_mib']:.0f} (process peak {m['peak_mib']:.0f}, {m['wall_s'] * 1000:.0f} ms wall)",
                )
            )

    header = [
        f"12 MP photo: {check.raw_width}×{check.raw_height}, {len(data12) / 1e6:.2f} MB, quality 90, "
        f"{args.runs} interleaved runs per figure after one warm-up.",
    ] + [f"{label}: {path.stat().st_size / 1e6:.1f} MB, 16320×12240" for label, path in files]
    table = ["| measurement | result |", "| --- | --- |"] + [f"| {k} | {v} |" for k, v in rows]
    print("\n".join([*header, "", *table]))
    write_report(args.out, header, table)


def write_report(path: Path, header: list[str], table: list[str]) -> None:
    info = machine()
    lines = [
        "# Photo pipeline performance",
        "",
        "Measured by `python bench/bench_photos.py` (`submissions/photos`). CPU figures are",
        "`time.process_time` medians; memory figures are peak-RSS (VmHWM) growth in a fresh subprocess per row,",
        "with the photo's bytes already read (the baseline includes Python, Django, Pillow and the file).",
        "",
        "## Machine",
        "",
        *[f"- {k}: {v}" for k, v in info.items()],
        "",
        "## Inputs",
        "",
        *[f"- {line}" for line in header],
        "",
        "## Results",
        "",
        *table,
        "",
        "## Reading the figures",
        "",
        "- CPU time is less sensitive to other work on the machine than wall time, but not immune (shared",
        "  caches): on this 2-core machine repeated runs under load varied by about ±10 %.",
        "- Validation is dominated by the 1/8-scale decode that proves the file is complete; the segment walk,",
        "  EXIF parse and checks add the rest of the ratio above.",
        "- A 1/8-scale decode of a baseline JPEG needs memory for the reduced image only (about 9 MiB for",
        "  200 MP), whatever the photo's size.",
        "- A preview is a 1/2-scale decode (about 60 ms of the total), a bilinear resize and a baseline encode.",
        "  Part of its system time is page faults: Pillow frees image memory right away by default, so every",
        "  call maps and zeroes fresh pages. `PILLOW_BLOCKS_MAX=16` in the worker's environment keeps freed",
        "  blocks for reuse (see the two fresh-process rows); it is a deployment setting, not set by the code.",
        "- Progressive JPEGs are different: libjpeg keeps every DCT coefficient of the whole image until the",
        "  last scan (about 2 bytes per sample, so roughly 3 bytes per pixel with 4:2:0 chroma), even when",
        "  decoding at 1/8. The progressive rows show that cost; it is the worst case an upload can cause",
        "  within the 200 MP cap, and worth bounding with worker concurrency.",
        "",
    ]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines), encoding="utf-8")


if __name__ == "__main__":
    main()
