"""Realistic upload photos for the load test: a few distinct 3000×2000, 300-dpi JPEGs of 1–2 MB.

Encoding a 6 MP JPEG costs a few hundred milliseconds of CPU, which the load generator cannot afford per
request on the same 2-core machine; so a handful of base files is drawn once into a cache directory, and
each upload gets its own EXIF block (description, DateTimeOriginal). The portal keeps APPn segments
when it cleans an original, so every upload has its own sha256 and is not flagged as a duplicate, while
the scan data the server decodes is that of a real, full-size photo.
"""

from __future__ import annotations

import io
import random
import struct
from datetime import datetime, timedelta
from pathlib import Path

SIZE = (3000, 2000)
DPI = 300
BASE_FILES = 8


def _scene(seed: int):
    from PIL import Image, ImageDraw

    rnd = random.Random(seed)
    width, height = SIZE
    channels = []
    for turn in (None, Image.Transpose.ROTATE_90, Image.Transpose.ROTATE_270):
        gradient = Image.linear_gradient("L").resize((width, width), Image.Resampling.BILINEAR)
        if turn is not None:
            gradient = gradient.transpose(turn)
        gradient = gradient.crop((0, 0, width, height))
        blobs = Image.frombytes("L", (60, 40), rnd.randbytes(2400)).resize(SIZE, Image.Resampling.BICUBIC)
        # Fine grain is what makes a phone photo 1–2 MB; without it the file is a few hundred KB and the
        # server's decode and hashing would be unrealistically cheap.
        grain = Image.frombytes("L", SIZE, rnd.randbytes(width * height))
        channels.append(Image.blend(Image.blend(gradient, blobs, 0.45), grain, rnd.uniform(0.09, 0.12)))
    image = Image.merge("RGB", channels)
    draw = ImageDraw.Draw(image)
    for _ in range(10):  # machines, cabinets, pipes
        x, y = rnd.randint(0, 2600), rnd.randint(300, 1700)
        draw.rectangle((x, y, x + rnd.randint(150, 600), y + rnd.randint(150, 500)),
                       outline=tuple(rnd.randint(0, 255) for _ in range(3)), width=rnd.randint(6, 20))
    return image, rnd.randint(86, 91)


def ensure_base_photos(folder: Path, count: int = BASE_FILES) -> list[Path]:
    """The cached base JPEGs, drawn on first use (about a second each)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for index in range(count):
        path = folder / f"base-{index:02d}.jpg"
        if not path.exists():
            image, quality = _scene(8000 + index)
            out = io.BytesIO()
            image.save(out, "JPEG", quality=quality, dpi=(DPI, DPI))
            tmp = path.with_suffix(".tmp")
            tmp.write_bytes(out.getvalue())
            tmp.replace(path)  # a concurrent reader never sees half a file
        paths.append(path)
    return paths


def _exif_segment(description: str, taken_at: datetime) -> bytes:
    from PIL import Image

    exif = Image.Exif()
    exif[0x010F] = "LoadTest"          # Make
    exif[0x0110] = "Rush 2025"         # Model
    exif[0x010E] = description         # ImageDescription: what makes the file unique
    exif.get_ifd(0x8769)[0x9003] = taken_at.strftime("%Y:%m:%d %H:%M:%S")  # DateTimeOriginal
    payload = exif.tobytes()
    return b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload


def unique_variant(base: bytes, token: str, rnd: random.Random) -> bytes:
    """`base` with an EXIF APP1 carrying `token`, inserted after the JFIF APP0 as a camera writes it."""
    taken_at = datetime.now() - timedelta(days=rnd.randint(1, 20), minutes=rnd.randint(0, 1440))
    segment = _exif_segment(f"loadtest {token}", taken_at)
    at = 2
    if base[2:4] == b"\xff\xe0":
        at = 4 + struct.unpack(">H", base[4:6])[0]
    return base[:at] + segment + base[at:]
