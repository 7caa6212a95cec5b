"""In-memory JPEG (and not-JPEG) fixtures for the photo tests, built with Pillow.

Pixels are a gradient with soft blobs and fine grain, so files have realistic sizes and every decode
step does real work. Sources are cut from one cached canvas and encodings are cached, because a
3000x2000 encode costs tens of milliseconds.
"""

from __future__ import annotations

import functools
import io
import random
import struct

from PIL import Image, TiffImagePlugin

BASE = (3000, 2000)


@functools.lru_cache(maxsize=2)
def _canvas(side: int = 3200) -> Image.Image:
    rnd = random.Random(20240501)

    def channel(turn: Image.Transpose | None) -> Image.Image:
        grad = Image.linear_gradient("L").resize((side, side), Image.Resampling.BILINEAR)
        if turn is not None:
            grad = grad.transpose(turn)
        blobs = Image.frombytes("L", (side // 50, side // 50), rnd.randbytes((side // 50) ** 2))
        grain = Image.frombytes("L", (side, side), rnd.randbytes(side * side))
        base = Image.blend(grad, blobs.resize((side, side), Image.Resampling.BICUBIC), 0.45)
        return Image.blend(base, grain, 0.10)

    return Image.merge(
        "RGB", (channel(None), channel(Image.Transpose.ROTATE_90), channel(Image.Transpose.ROTATE_270))
    )


def picture(size: tuple[int, int] = BASE, mode: str = "RGB") -> Image.Image:
    """A realistic-looking image of ``size`` (at most 3200 on a side) in ``mode``."""
    im = _canvas().crop((0, 0, *size))
    return im if mode == "RGB" else im.convert(mode)


def exif_block(
    *,
    orientation: int | None = None,
    x_resolution: float | tuple[int, int] | None = None,
    y_resolution: float | tuple[int, int] | None = None,
    resolution_unit: int | None = None,
    description: str | None = None,
    taken_at: str | None = None,
) -> Image.Exif:
    """An Image.Exif with the given IFD0 tags (and DateTimeOriginal in the Exif IFD)."""
    exif = Image.Exif()
    if orientation is not None:
        exif[0x0112] = orientation
    for tag, value in ((0x011A, x_resolution), (0x011B, y_resolution)):
        if isinstance(value, tuple):
            exif[tag] = TiffImagePlugin.IFDRational(*value)
        elif value is not None:
            exif[tag] = TiffImagePlugin.IFDRational(value)
    if resolution_unit is not None:
        exif[0x0128] = resolution_unit
    if description is not None:
        exif[0x010E] = description
    if taken_at is not None:
        exif.get_ifd(0x8769)[0x9003] = taken_at
    return exif


@functools.lru_cache(maxsize=64)
def jpeg(
    size: tuple[int, int] = BASE,
    *,
    mode: str = "RGB",
    quality: int = 75,
    dpi: int | None = 300,
    progressive: bool = False,
    comment: bytes | None = None,
    exif: tuple[tuple[str, object], ...] = (),
    keep_rgb: bool = False,
) -> bytes:
    """Encode ``picture(size, mode)`` as JPEG; ``dpi`` goes into JFIF (None: Pillow's 1:1 aspect only).

    ``exif`` holds exif_block() keyword arguments as a tuple of pairs, so calls stay cacheable.
    """
    options: dict[str, object] = {"quality": quality, "progressive": progressive}
    if dpi is not None:
        options["dpi"] = (dpi, dpi)
    if comment is not None:
        options["comment"] = comment
    if exif:
        options["exif"] = exif_block(**dict(exif)).tobytes()
    if keep_rgb:
        options["keep_rgb"] = True
    out = io.BytesIO()
    picture(size, mode).save(out, "JPEG", **options)
    return out.getvalue()


@functools.lru_cache(maxsize=4)
def mpo(size: tuple[int, int] = BASE) -> bytes:
    """A two-frame MPO (as stereo cameras and some phones write); the second frame is mirrored."""
    first = picture(size)
    second = first.transpose(Image.Transpose.FLIP_LEFT_RIGHT)
    out = io.BytesIO()
    first.save(out, "MPO", save_all=True, append_images=[second], quality=75, dpi=(300, 300))
    return out.getvalue()


def other_format(fmt: str) -> bytes:
    """A small image in another format, to be renamed .jpg by the "uploader"."""
    out = io.BytesIO()
    im = picture((64, 48))
    if fmt == "GIF":
        im = im.convert("P")
    im.save(out, fmt)
    return out.getvalue()


SVG = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<svg xmlns="http://www.w3.org/2000/svg" width="3000" height="2000">'
    b'<rect width="3000" height="2000" fill="#c00"/><script>alert(1)</script></svg>\n'
)
HTML = (
    b"<!DOCTYPE html>\n<html><head><title>photo</title></head>"
    b"<body><img src=x onerror=alert(1)><p>not a photo at all</p></body></html>\n"
)


# --- byte surgery (independent of the code under test) -------------------------------------------------


def _segments(data: bytes):
    """Yield (marker, offset) of the header segments up to SOS, for fixture surgery only."""
    pos = 2
    while pos + 4 <= len(data) and data[pos] == 0xFF:
        marker = data[pos + 1]
        yield marker, pos
        if marker == 0xDA:
            return
        pos += 2 + struct.unpack(">H", data[pos + 2 : pos + 4])[0]


def forge_dimensions(data: bytes, width: int, height: int) -> bytes:
    """Rewrite the frame header (SOF0/1/2) to claim ``width`` x ``height``."""
    for marker, pos in _segments(data):
        if marker in (0xC0, 0xC1, 0xC2):
            return data[: pos + 5] + struct.pack(">HH", height, width) + data[pos + 9 :]
    raise AssertionError("no SOF in fixture")


def set_jfif_density(data: bytes, unit: int, x: int, y: int | None = None) -> bytes:
    """Patch the JFIF APP0 written by Pillow (always right after SOI) to ``unit`` and density."""
    assert data[6:11] == b"JFIF\x00"
    y = x if y is None else y
    return data[:13] + struct.pack(">BHH", unit, x, y) + data[18:]


def without_jfif(data: bytes) -> bytes:
    """Drop the JFIF APP0 segment."""
    assert data[2:4] == b"\xff\xe0"
    length = struct.unpack(">H", data[4:6])[0]
    return data[:2] + data[4 + length :]


def insert_exif(data: bytes, exif: Image.Exif | bytes) -> bytes:
    """Insert an APP1 Exif segment after the JFIF APP0 (or after SOI when there is none)."""
    payload = exif.tobytes() if isinstance(exif, Image.Exif) else exif
    segment = b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload
    at = 2
    if data[2:4] == b"\xff\xe0":
        at = 4 + struct.unpack(">H", data[4:6])[0]
    return data[:at] + segment + data[at:]


def insert_comment(data: bytes, text: bytes) -> bytes:
    """Insert a COM segment right after SOI."""
    return data[:2] + b"\xff\xfe" + struct.pack(">H", len(text) + 2) + text + data[2:]


def decode(data: bytes, mode: str | None = None) -> Image.Image:
    """Fully decode ``data`` (frame 0) for pixel comparisons."""
    from PIL import JpegImagePlugin

    im = JpegImagePlugin.jpeg_factory(io.BytesIO(data))
    im.load()
    return im if mode is None else im.convert(mode)


def markers(data: bytes) -> list[int]:
    """Marker bytes of the header segments up to SOS."""
    return [marker for marker, _ in _segments(data)]


# --- streams ---------------------------------------------------------------------------------------------


class RecordingStream(io.RawIOBase):
    """A read-only binary file over ``data`` that records every read request.

    ``seekable=False`` makes it behave like a pipe; ``max_return`` makes reads return at most that many
    bytes (short reads, as raw streams may). ``requests`` holds the sizes asked for, ``bytes_read`` the
    total handed out; ``closed`` tells whether anyone closed it.
    """

    def __init__(self, data: bytes, *, seekable: bool = True, max_return: int | None = None):
        super().__init__()
        self._inner = io.BytesIO(data)
        self._seekable = seekable
        self._max_return = max_return
        self.requests: list[int] = []
        self.bytes_read = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return self._seekable

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        if not self._seekable:
            raise io.UnsupportedOperation("not seekable")
        return self._inner.seek(offset, whence)

    def tell(self) -> int:
        if not self._seekable:
            raise io.UnsupportedOperation("not seekable")
        return self._inner.tell()

    def read(self, n: int | None = -1) -> bytes:
        n = -1 if n is None else n
        self.requests.append(n)
        if self._max_return is not None and (n < 0 or n > self._max_return):
            n = self._max_return
        data = self._inner.read(n)
        self.bytes_read += len(data)
        return data

    def readinto(self, buffer) -> int:  # pragma: no cover - io machinery only; the code under test calls read
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def restart_jpeg(size: tuple[int, int] = (320, 240), *, progressive: bool = False) -> bytes:
    """A JPEG with a restart marker (RSTn) every 4 MCUs, so scans hold FF D0..FF D7 inside them."""
    out = io.BytesIO()
    picture(size).save(out, "JPEG", quality=75, dpi=(300, 300), restart_marker_blocks=4, progressive=progressive)
    return out.getvalue()
