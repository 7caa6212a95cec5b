"""Strict validation of campaign photos (JPEG only), without ever decoding a photo at full size.

The checks run in the order of the official notice: file size, format (from the bytes), pixel cap and a
plausibility check on the header, photo dimensions, integrity (a complete decode at 1/8 scale), dpi.
Every rejection is a PhotoRejected with a Chinese, user-facing message and a short ASCII code.

The upload is never read into memory: the segment walker streams it in chunks and Pillow reads the file
object itself, so one validation costs the same few MB whether the photo is 2 MB or 20 MB.
"""

from __future__ import annotations

import contextlib
import io
import logging
import math
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, BinaryIO

from django.utils.translation import gettext as _
from PIL import Image, JpegImagePlugin

from . import jpeg_segments as js

logger = logging.getLogger(__name__)

# The smallest well-formed JPEG (a 1x1 grey pixel) is about 125 bytes; below this nothing is a photo.
MIN_FILE_BYTES = 100

# Bytes-per-pixel floor for a complete JPEG. Flat grey is the cheapest content there is: Pillow at
# quality 75 writes 0.0157 B/px for RGB (0.0118 for greyscale), 0.0059 / 0.0039 with optimize=True and
# about the same when progressive (measured with Pillow 12.3 on 3000x2000 and 6000x4000). With Huffman
# coding each 8x8 block costs at least one bit, i.e. 0.00195 B/px. 0.001 sits safely below all of that,
# while a file whose header claims far more pixels than its bytes could hold (3 KB for 50 MP is
# 0.00006 B/px) is refused before any decoding. Only arithmetic-coded flat images, which no camera
# writes, could go lower.
MIN_BYTES_PER_PIXEL = 0.001

# A progressive JPEG keeps every DCT coefficient of the whole image until its last scan, even at 1/8
# scale: about 3 bytes per pixel with 4:2:0 chroma (a 200 MP progressive file needs ~600 MB). Phones
# write baseline JPEGs; above this size a progressive file is refused with a way out, so that checking
# any upload stays under ~150 MB of memory.
MAX_PROGRESSIVE_MEGAPIXELS = 40

# Progressive files are decoded scan by scan over the whole image; thousands of tiny scans are a known
# CPU-exhaustion trick. Encoders write about 10 (libjpeg) to 20-odd (mozjpeg) scans.
MAX_SCANS = 100

# Decoders skip fill bytes and garbage between header segments, Pillow one byte at a time in Python:
# megabytes of it would stall the worker. Real files have none or a few bytes.
MAX_STRAY_BYTES = 4096

MIN_PLAUSIBLE_DPI = 1
MAX_PLAUSIBLE_DPI = 10_000
CM_PER_INCH = 2.54

_MB = 1024 * 1024
_EXIF_IFD = 0x8769
_TAG_DATETIME_ORIGINAL = 0x9003
_DPI_POLICIES = ("reject", "fix")


@dataclass(frozen=True)
class PhotoRules:
    """The numbers of the official notice; one instance per campaign."""

    min_long_side: int = 3000
    min_short_side: int = 2000
    min_dpi: int = 300
    dpi_policy: str = "reject"  # "reject" | "fix"
    max_file_bytes: int = 20 * 1024 * 1024
    max_megapixels: int = 200  # refuse above; a 200 MP phone photo (16320x12240) is accepted

    def __post_init__(self) -> None:
        if self.dpi_policy not in _DPI_POLICIES:
            raise ValueError(f"dpi_policy must be one of {_DPI_POLICIES}, not {self.dpi_policy!r}")


def photo_rules_for(campaign) -> PhotoRules:
    """The rules a campaign (portal.campaigns.models.Campaign) sets for its photos."""
    return PhotoRules(
        min_long_side=campaign.min_long_side, min_short_side=campaign.min_short_side, min_dpi=campaign.min_dpi,
        dpi_policy=campaign.dpi_policy, max_file_bytes=campaign.max_file_mb * 1024 * 1024,
        max_megapixels=campaign.max_megapixels,
    )


@dataclass(frozen=True)
class PhotoCheck:
    """What validation learned about an accepted photo."""

    width: int  # upright, i.e. after EXIF orientation
    height: int
    raw_width: int  # as stored in the frame header
    raw_height: int
    orientation: int  # EXIF orientation 1-8
    dpi: int | None  # None: not labelled (or labelled with nonsense)
    dpi_source: str | None  # "exif" | "jfif" | None
    dpi_needs_fix: bool  # policy "fix" accepted a low or missing dpi; relabel when storing
    is_mpo: bool
    is_progressive: bool
    mode: str  # Pillow mode: "RGB", "L", "CMYK"
    taken_at: datetime | None  # EXIF DateTimeOriginal, naive (EXIF has no reliable time zone)
    size: int  # bytes
    trailing_bytes: int = 0  # bytes after the first image's end marker (MPO frames, appended payloads)


class PhotoRejected(Exception):
    """A photo that breaks the rules; ``message`` is for the uploader, ``code`` for programs."""

    def __init__(self, message: str, code: str, params: dict[str, Any] | None = None):
        super().__init__(message, code, params or {})  # all of them, so Celery can pickle the error
        self.message = message
        self.code = code
        self.params = params or {}

    def __str__(self) -> str:
        return self.message


def validate_photo(fileobj: BinaryIO | bytes, rules: PhotoRules, *, size: int | None = None) -> PhotoCheck:
    """Check an uploaded photo against ``rules``; return what was found or raise PhotoRejected.

    ``fileobj`` is a binary file object (read from the start; left at the start afterwards) or bytes.
    It is read in chunks and never held whole (a stream that cannot seek is first copied to a temporary
    file), so memory does not grow with the file.
    ``size`` is the upload's size when the caller knows it, so an oversized file is refused unread.
    The format is judged from the bytes, never from a file name. Pillow never decodes at full size:
    dimensions come from the frame header and integrity is proven by a complete 1/8-scale decode.
    """
    with _upload(fileobj, rules, size) as (stream, size):
        try:
            return _validate_stream(stream, size, rules)
        except PhotoRejected:
            raise
        except Exception as exc:  # a hostile file must never surface as a server error
            logger.warning("unexpected error validating a %d-byte photo", size, exc_info=True)
            raise _rejected("corrupt") from exc


# --- messages -------------------------------------------------------------------------------------------


def _rejected(code: str, **params: Any) -> PhotoRejected:
    templates = {
        "empty": lambda: _("文件为空或不完整"),
        "too_large": lambda: _("文件大小为 %(size)s MB，超过上限 %(limit)s MB"),
        "not_jpeg": lambda: _("文件不是 JPEG 格式（检测到 %(format)s），请上传 jpg 照片"),
        "too_many_pixels": lambda: _("照片像素为 %(w)d×%(h)d（约 %(pixels)s像素），超过上限 %(cap)s像素"),
        "progressive_too_large": lambda: _(
            "照片为渐进式 JPEG，像素为 %(w)d×%(h)d（约 %(pixels)s像素），渐进式照片上限 %(cap)s像素。"
            "请上传手机或相机拍摄的原图，或用图片软件另存为标准（非渐进式）jpg"
        ),
        "inconsistent": lambda: _(
            "照片文件大小（%(size)s）与其标注的像素尺寸 %(w)d×%(h)d 不符，文件可能已损坏或被篡改，请重新上传原图"
        ),
        "too_small": lambda: _("照片尺寸为 %(w)d×%(h)d 像素，要求长边≥%(long)d、短边≥%(short)d像素"),
        "truncated": lambda: _("照片文件不完整（可能上传中断），请重新上传"),
        "corrupt": lambda: _("照片文件已损坏，无法读取，请重新上传原图"),
        "unsupported": lambda: _("照片的 JPEG 编码方式不受支持，请用图片软件另存为普通 jpg 照片后重新上传"),
        "low_dpi": lambda: _(
            "照片分辨率为 %(dpi)d dpi，要求不低于 %(min)d dpi。"
            "可用图片软件将分辨率改为 %(min)d dpi（像素不变）后重新上传"
        ),
        "missing_dpi": lambda: _(
            "照片未标注分辨率（dpi），要求不低于 %(min)d dpi。"
            "可用图片软件将分辨率改为 %(min)d dpi（像素不变）后重新上传"
        ),
    }
    template = templates[code]()
    return PhotoRejected(template % params if params else template, code, params)


def _format_mb(n: int, *, round_up: bool = False) -> str:
    # Round the measured size up so that a file just over the limit never reads as "20 MB, over 20 MB".
    value = math.ceil(n / _MB * 10) / 10 if round_up else round(n / _MB, 1)
    return f"{value:.1f}".removesuffix(".0")


def _format_bytes(n: int) -> str:
    return f"{_format_mb(n)} MB" if n >= _MB else f"{max(1, round(n / 1024))} KB"


def _format_pixels(n: float) -> str:
    """Chinese count as phones advertise it: 5000 万, 1.08 亿."""
    if n >= 1e8:
        return f"{n / 1e8:.2f}".rstrip("0").rstrip(".") + " 亿"
    return f"{round(n / 1e4)} 万"


# --- steps ----------------------------------------------------------------------------------------------


class _Borrowed:
    """The caller's file as Pillow sees it. Pillow closes the file of an image it closes; this one it may not."""

    def __init__(self, stream: BinaryIO):
        self._stream = stream

    def read(self, n: int = -1) -> bytes:
        return self._stream.read(n)

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        return self._stream.seek(offset, whence)

    def tell(self) -> int:
        return self._stream.tell()

    def close(self) -> None:
        pass


@contextlib.contextmanager
def _upload(fileobj: BinaryIO | bytes, rules: PhotoRules, size: int | None) -> Iterator[tuple[BinaryIO, int]]:
    """Yield the upload as a seekable stream and its size, after refusing oversized and empty files.

    Nothing is read into memory. Bytes are wrapped (not copied); a seekable file is used as it is and left
    at its start afterwards; a stream that cannot seek is spooled to a temporary file (at most
    ``max_file_bytes + 1`` bytes, the part past js.SPOOL_MEMORY on disk).
    """
    limit = rules.max_file_bytes
    if size is not None and size > limit:  # refused unread
        raise _rejected("too_large", size=_format_mb(size, round_up=True), limit=_format_mb(limit))
    spooled = None
    if isinstance(fileobj, bytes | bytearray | memoryview):
        stream: BinaryIO = io.BytesIO(fileobj)
    elif js.rewind(fileobj):
        stream = fileobj
    else:
        stream = spooled = js.spool(fileobj, limit + 1)
    try:
        actual = js.stream_size(stream)
        stream.seek(0)
        if actual > limit:
            if size is None:
                size = actual
            elif stream is fileobj:
                # The caller's size was wrong: report what a bounded read of limit + 1 bytes shows, as the
                # message always has, rather than trusting either figure further.
                actual = min(actual, limit + 1)
            measured = max(size, actual)
            raise _rejected("too_large", size=_format_mb(measured, round_up=True), limit=_format_mb(limit))
        if actual < MIN_FILE_BYTES:
            raise _rejected("empty")
        yield stream, actual
    finally:
        if stream is fileobj:
            with contextlib.suppress(AttributeError, OSError, ValueError):
                fileobj.seek(0)
        if spooled is not None:
            spooled.close()


def _validate_stream(stream: BinaryIO, size: int, rules: PhotoRules) -> PhotoCheck:
    stream.seek(0)
    if stream.read(3) != b"\xff\xd8\xff":
        raise _rejected("not_jpeg", format=detect_format(stream) or _("未知格式"))
    try:
        layout = js.walk(stream)
    except js.JpegStructureError as exc:
        raise _rejected("corrupt") from exc
    frame = layout.frame
    if frame is None:
        raise _rejected("corrupt" if layout.complete else "truncated")
    if frame.width == 0 or frame.height == 0:
        raise _rejected("unsupported")  # height 0 means "defined later by DNL", which libjpeg refuses
    _check_pixels(size, layout, frame, rules)
    if frame.precision != 8 or len(frame.component_ids) not in (1, 3, 4):
        raise _rejected("unsupported")

    im = _open_headers(stream, layout)
    try:
        orientation, taken_at, exif_dpi = _read_exif(im)
        upright = (frame.height, frame.width) if orientation >= 5 else (frame.width, frame.height)
        long_side, short_side = max(upright), min(upright)
        if long_side < rules.min_long_side or short_side < rules.min_short_side:
            raise _rejected(
                "too_small", w=upright[0], h=upright[1], long=rules.min_long_side, short=rules.min_short_side
            )
        if not layout.complete:
            raise _rejected("truncated")
        mode = im.mode
        _decode_reduced(im, progressive=frame.progressive)
        is_mpo = im.format == "MPO"
        jfif_dpi = _jfif_dpi(im.info)
    finally:
        im.close()

    # EXIF wins over JFIF: phones and cameras write the EXIF resolution, while a JFIF density that
    # disagrees usually comes from a library default (e.g. 72 or 1:1) added when the file was re-saved.
    dpi, dpi_source = (exif_dpi, "exif") if exif_dpi is not None else (jfif_dpi, "jfif")
    if dpi is None:
        dpi_source = None
    dpi_low = dpi is None or dpi < rules.min_dpi
    if dpi_low and rules.dpi_policy == "reject":
        if dpi is None:
            raise _rejected("missing_dpi", min=rules.min_dpi)
        raise _rejected("low_dpi", dpi=dpi, min=rules.min_dpi)
    return PhotoCheck(
        width=upright[0],
        height=upright[1],
        raw_width=frame.width,
        raw_height=frame.height,
        orientation=orientation,
        dpi=dpi,
        dpi_source=dpi_source,
        dpi_needs_fix=dpi_low,
        is_mpo=is_mpo,
        is_progressive=frame.progressive,
        mode=mode,
        taken_at=taken_at,
        size=size,
        trailing_bytes=layout.trailing_bytes,
    )


def _check_pixels(size: int, layout: js.JpegLayout, frame: js.FrameHeader, rules: PhotoRules) -> None:
    """Refuse, from the header alone, images over the pixel cap or with too few bytes for their pixels."""
    w, h = frame.width, frame.height
    pixels = w * h
    if pixels > rules.max_megapixels * 1_000_000:
        raise _rejected(
            "too_many_pixels",
            w=w,
            h=h,
            pixels=_format_pixels(pixels),
            cap=_format_pixels(rules.max_megapixels * 1_000_000),
        )
    progressive_cap = MAX_PROGRESSIVE_MEGAPIXELS * 1_000_000
    if frame.progressive and pixels > progressive_cap:
        raise _rejected(
            "progressive_too_large", w=w, h=h, pixels=_format_pixels(pixels), cap=_format_pixels(progressive_cap)
        )
    # An interrupted upload is also short of bytes; it gets the "incomplete" message later instead.
    if layout.complete and size < pixels * MIN_BYTES_PER_PIXEL:
        raise _rejected("inconsistent", size=_format_bytes(size), w=w, h=h)
    if layout.scan_count > MAX_SCANS or layout.stray_bytes > MAX_STRAY_BYTES:
        raise _rejected("corrupt")


def _open_headers(stream: BinaryIO, layout: js.JpegLayout) -> JpegImagePlugin.JpegImageFile:
    """Open the upload's own file object with Pillow's JPEG plugin directly (headers only; no copy).

    Image.open would run Pillow's decompression-bomb check against the process-wide
    Image.MAX_IMAGE_PIXELS (about 179 MP before it raises), which would refuse legitimate 200 MP photos,
    and changing that global is not thread-safe. Our own cap was applied from the frame header above.
    """
    try:
        stream.seek(0)
        im = JpegImagePlugin.jpeg_factory(_Borrowed(stream))
    except Exception as exc:
        raise _rejected("corrupt" if layout.complete else "truncated") from exc
    frame = layout.frame
    if im.format not in ("JPEG", "MPO") or frame is None or im.size != (frame.width, frame.height):
        im.close()
        raise _rejected("corrupt")
    return im


def _decode_reduced(im: JpegImagePlugin.JpegImageFile, *, progressive: bool) -> None:
    """Decode every scan at 1/8 scale: libjpeg still reads all the data, so damage shows up.

    Missing end markers were already caught by the segment walker, so this does not depend on
    ImageFile.LOAD_TRUNCATED_IMAGES, a process-wide switch that other code may have turned on.
    """
    w, h = im.size
    try:
        im.draft(im.mode, (max(1, w // 8), max(1, h // 8)))
        im.load()
    except Exception as exc:  # OSError, SyntaxError, ValueError, struct.error, MemoryError, ...
        raise _rejected("corrupt") from exc
    if not progressive and _ends_in_fill(im):
        raise _rejected("truncated")


def _ends_in_fill(im: Image.Image) -> bool:
    """True when the last row is libjpeg's stand-in for missing data.

    When scan data stops early but an end marker follows (a cut file with FF D9 re-appended, a frame
    header claiming more rows than the data holds, a photo damaged on a memory card), libjpeg only warns
    and fills every remaining block with zero coefficients: exact mid-grey (128, or 127 once Pillow
    un-inverts Adobe CMYK). At 1/8 scale a row is one block high, and a real photo's bottom block row is
    never that exact colour across the whole width. Progressive files keep their first (DC) scan in
    such cases, so this only applies to sequential ones.
    """
    extrema = im.crop((0, im.height - 1, im.width, im.height)).getextrema()
    bands = extrema if isinstance(extrema[0], tuple) else (extrema,)
    return all(low == high and low in (127, 128) for low, high in bands)


def _read_exif(im: Image.Image) -> tuple[int, datetime | None, int | None]:
    """Return (orientation, DateTimeOriginal, dpi) from EXIF; broken EXIF counts as absent."""
    try:
        exif = im.getexif()
    except Exception:
        return 1, None, None
    orientation = exif.get(0x0112)
    if not isinstance(orientation, int) or not 1 <= orientation <= 8:
        orientation = 1
    try:
        taken_at = _parse_exif_datetime(exif.get_ifd(_EXIF_IFD).get(_TAG_DATETIME_ORIGINAL))
    except Exception:
        taken_at = None
    try:
        dpi = _exif_dpi(exif)
    except Exception:
        dpi = None
    return orientation, taken_at, dpi


def _parse_exif_datetime(value: Any) -> datetime | None:
    if isinstance(value, bytes):
        value = value.decode("ascii", "replace")
    if not isinstance(value, str):
        return None
    try:
        return datetime.strptime(value.strip("\x00 ")[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None


def _number(value: Any) -> float | None:
    if isinstance(value, tuple) and len(value) == 1:
        value = value[0]
    if isinstance(value, str | bytes):  # a density written as text is not a density
        return None
    if isinstance(value, tuple) and len(value) == 2 and all(isinstance(v, int) for v in value):
        return value[0] / value[1] if value[1] else None
    try:
        return float(value)  # IFDRational (nan for a zero denominator), int, float
    except (TypeError, ValueError, ZeroDivisionError):
        return None


def _plausible_dpi(values: list[Any], per_cm: bool) -> int | None:
    """Whole dpi from density values, None when any is unusable (<= 0, not finite, < 1 or > 10000 dpi)."""
    dpis = []
    for value in values:
        number = _number(value)
        if number is None or not math.isfinite(number):
            return None
        dpi = number * CM_PER_INCH if per_cm else number
        if not MIN_PLAUSIBLE_DPI <= dpi <= MAX_PLAUSIBLE_DPI:
            return None
        dpis.append(round(dpi))
    # Non-square pixels are rare; the lower density is the one a printer would be limited by.
    return min(dpis) if dpis else None


def _exif_dpi(exif: Image.Exif) -> int | None:
    unit = exif.get(0x0128, 2)  # TIFF: an absent ResolutionUnit means inches
    if unit not in (2, 3):  # 1 = "no absolute unit"
        return None
    values = [exif[tag] for tag in (0x011A, 0x011B) if tag in exif]
    return _plausible_dpi(values, per_cm=unit == 3)


def _jfif_dpi(info: dict[str, Any]) -> int | None:
    unit, density = info.get("jfif_unit"), info.get("jfif_density")
    if unit not in (1, 2) or not isinstance(density, tuple):  # 0 = aspect ratio only
        return None
    return _plausible_dpi(list(density), per_cm=unit == 2)


# --- format sniffing ------------------------------------------------------------------------------------

_MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"BM", "BMP"),
    (b"%PDF", "PDF"),
    (b"8BPS", "PSD"),
    (b"PK\x03\x04", "ZIP"),
    (b"\x00\x00\x00\x0cjP  ", "JPEG 2000"),
    (b"\xff\x4f\xff\x51", "JPEG 2000"),
    (b"\x00\x00\x01\x00", "ICO"),
)
_HEIF_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1"}


def detect_format(src: bytes | BinaryIO) -> str | None:
    """Name the format of ``src`` (bytes or a seekable file) from magic bytes, then from Pillow's
    identification, which reads headers only; None if unknown."""
    stream = io.BytesIO(src) if isinstance(src, bytes | bytearray | memoryview) else src
    stream.seek(0)
    data = stream.read(2048)
    for magic, name in _MAGIC:
        if data.startswith(magic):
            return name
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WebP"
    if data[4:8] == b"ftyp":
        brand = data[8:12]
        if brand in (b"avif", b"avis"):
            return "AVIF"
        if brand in _HEIF_BRANDS:
            return "HEIC"
    text = data[:2048].decode("utf-8", "ignore").lstrip("\ufeff \t\r\n").lower()
    if "<svg" in text:
        return "SVG"
    if text.startswith(("<!doctype html", "<html")) or "<html" in text[:512]:
        return "HTML"
    if text.startswith("<?xml"):
        return "XML"
    try:
        # Only headers are read; a bomb error or warning-as-error just means "unknown".
        stream.seek(0)
        with Image.open(_Borrowed(stream)) as im:
            return im.format
    except Exception:
        return None
