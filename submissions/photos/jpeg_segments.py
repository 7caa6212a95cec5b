"""A small JPEG marker-segment walker and lossless JPEG rewriters.

Nothing here decodes pixels: the walker splits the first image of a file into marker segments and
entropy-coded scan data, and the writers reassemble a subset of those pieces byte for byte, so the
scan data (the photo itself) is never re-encoded.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

SOI = 0xD8
EOI = 0xD9
SOS = 0xDA
DHT = 0xC4
JPG = 0xC8
DAC = 0xCC
APP0 = 0xE0
APP1 = 0xE1
APP2 = 0xE2
APP14 = 0xEE
APP15 = 0xEF
COM = 0xFE
TEM = 0x01

SOF_MARKERS = frozenset(range(0xC0, 0xD0)) - {DHT, JPG, DAC}
PROGRESSIVE_SOF_MARKERS = frozenset({0xC2, 0xC6, 0xCA, 0xCE})
RST_MARKERS = frozenset(range(0xD0, 0xD8))
# Markers without a length field.
STANDALONE_MARKERS = RST_MARKERS | {SOI, EOI, TEM}

# A hostile file made of millions of tiny segments would keep the Python loop busy for seconds; real
# photos have a few dozen (progressive ones add a DHT and an SOS per scan).
MAX_SEGMENTS = 4096

# Between header segments libjpeg skips stray bytes up to the next 0xFF + marker byte (fill 0xFF bytes are
# legal); we do the same so photos from sloppy writers still parse. The pattern has a fixed length on
# purpose: a `\xff+` version backtracks quadratically on a long run of 0xFF bytes.
_HEADER_MARKER = re.compile(rb"\xff[^\x00\xff]")
# Inside entropy-coded data 0xFF 0x00 is a stuffed data byte and RSTn markers belong to the scan.
_SCAN_END = re.compile(rb"\xff[^\x00\xff\xd0-\xd7]")

JFIF_ID = b"JFIF\x00"
EXIF_ID = b"Exif\x00\x00"
ICC_ID = b"ICC_PROFILE\x00"
MPF_ID = b"MPF\x00"
ADOBE_ID = b"Adobe"

TAG_ORIENTATION = 0x0112
TAG_X_RESOLUTION = 0x011A
TAG_Y_RESOLUTION = 0x011B
TAG_RESOLUTION_UNIT = 0x0128
_TIFF_SHORT, _TIFF_LONG, _TIFF_RATIONAL, _TIFF_SRATIONAL = 3, 4, 5, 10
_TIFF_TYPE_SIZES = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8}


class JpegStructureError(ValueError):
    """The bytes are not a well-formed JPEG marker stream."""


class JpegTruncatedError(JpegStructureError):
    """The stream ends before the end-of-image marker of the first image."""


@dataclass(frozen=True)
class Segment:
    """One piece of the stream: a marker segment, or entropy-coded scan data when ``marker`` is None.

    ``start`` is the offset of the marker's 0xFF byte (or of the first scan byte), ``end`` the offset just
    past the piece. For segments with a length field the payload is ``data[start + 4:end]``.
    """

    marker: int | None
    start: int
    end: int

    def payload(self, data: bytes) -> bytes:
        """Return the bytes after the length field (empty for standalone markers and scan data)."""
        if self.marker is None or self.marker in STANDALONE_MARKERS:
            return b""
        return data[self.start + 4 : self.end]


@dataclass(frozen=True)
class FrameHeader:
    """The start-of-frame header: what the file claims about its pixels."""

    marker: int
    precision: int
    height: int
    width: int
    component_ids: tuple[int, ...]

    @property
    def progressive(self) -> bool:
        """True for progressive frames, which libjpeg buffers as whole-image coefficients."""
        return self.marker in PROGRESSIVE_SOF_MARKERS


@dataclass(frozen=True)
class JpegLayout:
    """The pieces of the first image in a file, in file order, from SOI to EOI inclusive."""

    segments: tuple[Segment, ...]
    frame: FrameHeader | None
    eoi_end: int | None  # offset just past the first image's EOI; None when the stream is cut short
    size: int
    scan_count: int
    stray_bytes: int  # fill 0xFF bytes and garbage between header segments, which decoders skip

    @property
    def complete(self) -> bool:
        """True when the first image reaches its end-of-image marker."""
        return self.eoi_end is not None

    @property
    def trailing_bytes(self) -> int:
        """Bytes after the first image's EOI (appended payloads, or the further frames of an MPO)."""
        return 0 if self.eoi_end is None else self.size - self.eoi_end


def _parse_frame(marker: int, payload: bytes) -> FrameHeader:
    if len(payload) < 6:
        raise JpegStructureError("short SOF segment")
    precision, height, width, count = struct.unpack(">BHHB", payload[:6])
    if count == 0 or len(payload) < 6 + 3 * count:
        raise JpegStructureError("bad component count in SOF")
    ids = tuple(payload[6 + 3 * i] for i in range(count))
    return FrameHeader(marker, precision, height, width, ids)


def walk(data: bytes) -> JpegLayout:
    """Split the first image of ``data`` into segments and scan data, up to its EOI.

    Never raises for a stream that merely stops early: the layout then has ``eoi_end=None``. Raises
    JpegStructureError for streams that are not JPEG at all or are malformed beyond what libjpeg
    tolerates (bad lengths, a second SOF, scan data before any frame header, too many segments).
    """
    size = len(data)
    if data[:2] != b"\xff\xd8":
        raise JpegStructureError("no SOI marker")
    segments = [Segment(SOI, 0, 2)]
    frame: FrameHeader | None = None
    scan_count = stray = 0
    eoi_end: int | None = None
    pos = 2
    while len(segments) < MAX_SEGMENTS:
        found = _HEADER_MARKER.search(data, pos)
        if found is None:
            break
        start = found.start()
        stray += start - pos
        marker = data[start + 1]
        if marker == EOI:
            segments.append(Segment(EOI, start, start + 2))
            eoi_end = start + 2
            break
        if marker == SOI:
            raise JpegStructureError("SOI inside an image")
        if marker in STANDALONE_MARKERS:
            segments.append(Segment(marker, start, start + 2))
            pos = start + 2
            continue
        if start + 4 > size:
            break
        length = (data[start + 2] << 8) | data[start + 3]
        if length < 2:
            raise JpegStructureError(f"segment length {length} at offset {start}")
        end = start + 2 + length
        if end > size:
            break
        segment = Segment(marker, start, end)
        segments.append(segment)
        if marker in SOF_MARKERS:
            if frame is not None:
                raise JpegStructureError("second SOF marker")
            frame = _parse_frame(marker, segment.payload(data))
        elif marker == SOS:
            if frame is None:
                raise JpegStructureError("SOS before SOF")
            scan_count += 1
            found = _SCAN_END.search(data, end)
            scan_end = size if found is None else found.start()
            segments.append(Segment(None, end, scan_end))
            if found is None:
                break
            end = scan_end
        pos = end
    else:
        raise JpegStructureError("too many segments")
    return JpegLayout(tuple(segments), frame, eoi_end, size, scan_count, stray)


def iter_header_segments(data: bytes) -> Iterator[Segment]:
    """Yield the marker segments from SOI up to and including the first SOS (the usual metadata walk)."""
    for segment in walk(data).segments:
        if segment.marker is None:
            return
        yield segment


def app_kind(segment: Segment, data: bytes) -> str | None:
    """Name the well-known APPn segments this module cares about ("jfif", "exif", "icc", "mpf", "adobe")."""
    if segment.marker is None:
        return None
    head = data[segment.start + 4 : min(segment.end, segment.start + 4 + 16)]
    if segment.marker == APP0 and head.startswith(JFIF_ID):
        return "jfif"
    if segment.marker == APP1 and head.startswith(EXIF_ID):
        return "exif"
    if segment.marker == APP2 and head.startswith(ICC_ID):
        return "icc"
    if segment.marker == APP2 and head.startswith(MPF_ID):
        return "mpf"
    if segment.marker == APP14 and head.startswith(ADOBE_ID):
        return "adobe"
    return None


# --- EXIF (TIFF) IFD0 helpers -------------------------------------------------------------------------


@dataclass(frozen=True)
class _IfdEntry:
    tag: int
    type: int
    count: int
    field_offset: int  # offset (inside the TIFF block) of the 4-byte value/offset field


def _ifd0_entries(tiff: bytes | bytearray) -> tuple[str, int, list[_IfdEntry]]:
    """Return (struct byte-order prefix, IFD0 offset, entries) of a TIFF block; raise ValueError if bad."""
    if tiff[:4] == b"II*\x00":
        bo = "<"
    elif tiff[:4] == b"MM\x00*":
        bo = ">"
    else:
        raise ValueError("not a TIFF header")
    (ifd,) = struct.unpack_from(bo + "I", tiff, 4)
    if ifd < 8 or ifd + 2 > len(tiff):
        raise ValueError("IFD0 outside the block")
    (count,) = struct.unpack_from(bo + "H", tiff, ifd)
    if ifd + 2 + 12 * count + 4 > len(tiff):
        raise ValueError("IFD0 runs past the block")
    entries = []
    for i in range(count):
        at = ifd + 2 + 12 * i
        tag, typ, n = struct.unpack_from(bo + "HHI", tiff, at)
        entries.append(_IfdEntry(tag, typ, n, at + 8))
    return bo, ifd, entries


def exif_orientation(tiff: bytes) -> int:
    """Return the IFD0 Orientation (1-8) of a TIFF block, 1 when absent or unreadable."""
    try:
        bo, _, entries = _ifd0_entries(tiff)
    except (ValueError, struct.error):
        return 1
    for entry in entries:
        if entry.tag == TAG_ORIENTATION and entry.type == _TIFF_SHORT and entry.count >= 1:
            (value,) = struct.unpack_from(bo + "H", tiff, entry.field_offset)
            return value if 1 <= value <= 8 else 1
    return 1


def _patch_number(tiff: bytearray, bo: str, entry: _IfdEntry, value: int) -> bool:
    """Overwrite a numeric IFD value in place; False when the entry's type cannot hold it."""
    if entry.count < 1:
        return False
    if entry.type in (_TIFF_RATIONAL, _TIFF_SRATIONAL):
        (offset,) = struct.unpack_from(bo + "I", tiff, entry.field_offset)
        if offset + 8 > len(tiff):
            return False
        struct.pack_into(bo + "II", tiff, offset, value, 1)
        return True
    if entry.type == _TIFF_SHORT and value <= 0xFFFF:
        struct.pack_into(bo + "H", tiff, entry.field_offset, value)
        return True
    if entry.type == _TIFF_LONG:
        struct.pack_into(bo + "I", tiff, entry.field_offset, value)
        return True
    return False


def _set_exif_dpi(tiff: bytearray, dpi: int, *, add_missing: bool) -> bytearray | None:
    """Set IFD0 X/YResolution to ``dpi`` per inch.

    Existing tags are patched in place so no other byte of the block moves. Missing tags are only added
    when ``add_missing``: IFD0 is then copied, with the new entries, to the end of the block and the header
    repointed. Every value offset in TIFF is absolute, so the moved entries stay valid. Returns None when
    the block cannot be handled.
    """
    try:
        bo, ifd, entries = _ifd0_entries(tiff)
    except (ValueError, struct.error):
        return None
    wanted = {TAG_X_RESOLUTION: dpi, TAG_Y_RESOLUTION: dpi, TAG_RESOLUTION_UNIT: 2}
    patched = {e.tag for e in entries if e.tag in wanted and _patch_number(tiff, bo, e, wanted[e.tag])}
    # Readers take XResolution (YResolution only for non-square pixels) and an absent ResolutionUnit
    # means inches, so a patched XResolution is enough.
    if TAG_X_RESOLUTION in patched:
        return tiff
    if not add_missing:
        return None
    missing = {tag: value for tag, value in wanted.items() if tag not in patched}
    return _append_ifd0(tiff, bo, ifd, entries, missing)


def _append_ifd0(
    tiff: bytearray, bo: str, ifd: int, entries: list[_IfdEntry], values: dict[int, int]
) -> bytearray:
    next_ifd = tiff[ifd + 2 + 12 * len(entries) : ifd + 6 + 12 * len(entries)]
    keep = [e for e in entries if e.tag not in values]
    new_ifd = (len(tiff) + 1) & ~1  # IFDs start on a word boundary
    total = len(keep) + len(values)
    data_at = new_ifd + 2 + 12 * total + 4
    rows = [(e.tag, bytes(tiff[e.field_offset - 8 : e.field_offset + 4])) for e in keep]
    extra = bytearray()
    for tag, value in values.items():
        if tag == TAG_RESOLUTION_UNIT:
            field = struct.pack(bo + "HH", value, 0)
            rows.append((tag, struct.pack(bo + "HHI", tag, _TIFF_SHORT, 1) + field))
        else:
            field = struct.pack(bo + "I", data_at + len(extra))
            rows.append((tag, struct.pack(bo + "HHI", tag, _TIFF_RATIONAL, 1) + field))
            extra += struct.pack(bo + "II", value, 1)
    rows.sort(key=lambda row: row[0])  # TIFF readers expect ascending tags
    out = bytearray(tiff) + b"\x00" * (new_ifd - len(tiff))
    out += struct.pack(bo + "H", total) + b"".join(row for _, row in rows) + next_ifd + extra
    struct.pack_into(bo + "I", out, 4, new_ifd)
    return out


def _minimal_exif(dpi: int | None, orientation: int | None) -> bytes:
    """Build an APP1 Exif segment holding only resolution and/or orientation (big-endian TIFF)."""
    entries: list[tuple[int, int, bytes]] = []
    extra = b""
    count = (3 if dpi is not None else 0) + (1 if orientation is not None else 0)
    data_at = 8 + 2 + 12 * count + 4
    if orientation is not None:
        entries.append((TAG_ORIENTATION, _TIFF_SHORT, struct.pack(">HH", orientation, 0)))
    if dpi is not None:
        for tag in (TAG_X_RESOLUTION, TAG_Y_RESOLUTION):
            entries.append((tag, _TIFF_RATIONAL, struct.pack(">I", data_at + len(extra))))
            extra += struct.pack(">II", dpi, 1)
        entries.append((TAG_RESOLUTION_UNIT, _TIFF_SHORT, struct.pack(">HH", 2, 0)))
    entries.sort()
    ifd = struct.pack(">H", count) + b"".join(struct.pack(">HHI", t, y, 1) + f for t, y, f in entries)
    tiff = b"MM\x00*" + struct.pack(">I", 8) + ifd + b"\x00\x00\x00\x00" + extra
    return _segment_bytes(APP1, EXIF_ID + tiff)


def _segment_bytes(marker: int, payload: bytes) -> bytes:
    if len(payload) + 2 > 0xFFFF:
        raise JpegStructureError("segment payload too large")
    return bytes((0xFF, marker)) + struct.pack(">H", len(payload) + 2) + payload


def _jfif_segment(dpi: int) -> bytes:
    return _segment_bytes(APP0, JFIF_ID + b"\x01\x01\x01" + struct.pack(">HH", dpi, dpi) + b"\x00\x00")


def _jfif_allowed(layout: JpegLayout, data: bytes) -> bool:
    """Whether adding a JFIF APP0 keeps the colours: libjpeg reads JFIF as "this is YCbCr (or grey)".

    A 3-component file without JFIF is RGB when its Adobe APP14 says transform 0, or, with no Adobe marker,
    when its component ids are 'R', 'G', 'B'; inserting JFIF would make decoders treat RGB as YCbCr.
    """
    frame = layout.frame
    if frame is None:
        return False
    if len(frame.component_ids) == 1:
        return True
    if len(frame.component_ids) != 3:
        return False  # CMYK/YCCK: JFIF is not defined for them
    for segment in layout.segments:
        if app_kind(segment, data) == "adobe":
            payload = segment.payload(data)
            return len(payload) >= 12 and payload[11] == 1
    return frame.component_ids != (0x52, 0x47, 0x42)


# --- readers and writers ------------------------------------------------------------------------------


def _read_all(src: bytes | bytearray | memoryview | BinaryIO | str | os.PathLike) -> bytes:
    if isinstance(src, bytes | bytearray | memoryview):
        return bytes(src)
    if isinstance(src, str | os.PathLike):
        with open(src, "rb") as fh:
            return fh.read()
    with contextlib.suppress(AttributeError, OSError):  # a stream that cannot rewind is read as it is
        src.seek(0)
    return src.read()


def _complete_layout(data: bytes) -> JpegLayout:
    layout = walk(data)
    if not layout.complete:
        raise JpegTruncatedError("no end-of-image marker")
    if layout.frame is None or layout.scan_count == 0:
        raise JpegStructureError("no frame or no scan")
    return layout


def _emit(pieces: list[bytes], dst: BinaryIO | str | os.PathLike) -> str:
    digest = hashlib.sha256()
    for piece in pieces:
        digest.update(piece)
    if isinstance(dst, str | os.PathLike):
        with open(dst, "wb") as fh:
            fh.writelines(pieces)
    else:
        dst.writelines(pieces)
    return digest.hexdigest()


def write_clean_original(src, dst, *, relabel_dpi: int | None = None) -> str:
    """Copy the first JPEG image of ``src`` to ``dst`` without comments or trailing bytes.

    Drops COM segments, stray bytes between segments and everything after the first EOI (appended
    payloads, the other frames of an MPO). For an MPO the MPF index is dropped as well, since it would
    point at frames that are no longer there. All other segments and the scan data are copied unchanged.

    With ``relabel_dpi`` the density is relabelled losslessly: the JFIF APP0 density is rewritten (or a
    JFIF APP0 inserted after SOI where JFIF is legal for the colour space) and existing EXIF IFD0
    XResolution/YResolution/ResolutionUnit values are patched in place. Files where JFIF cannot be used
    (RGB or CMYK scans) get the EXIF resolution added instead.

    ``src`` is bytes, a path or a binary file (read from the start); ``dst`` a path or writable binary file.
    Returns the sha256 hex digest of the bytes written. Raises JpegStructureError (JpegTruncatedError)
    for streams that are not complete JPEGs.
    """
    if relabel_dpi is not None and not 1 <= relabel_dpi <= 0xFFFF:
        raise ValueError("relabel_dpi must fit the 16-bit JFIF density field")
    data = _read_all(src)
    layout = _complete_layout(data)
    pieces: list[bytes] = []
    jfif_done = exif_done = False
    for segment in layout.segments:
        kind = app_kind(segment, data)
        if segment.marker == COM or kind == "mpf":
            continue
        chunk = data[segment.start : segment.end]
        if relabel_dpi is not None and kind == "jfif":  # every one: Pillow reads the last
            chunk = _relabel_jfif(chunk, relabel_dpi)
            jfif_done = True
        elif relabel_dpi is not None and kind == "exif" and not exif_done:
            patched = _set_exif_dpi(bytearray(chunk[10:]), relabel_dpi, add_missing=False)
            exif_done = patched is not None
            if patched is not None:
                chunk = chunk[:10] + bytes(patched)
        pieces.append(chunk)
    if relabel_dpi is not None and not jfif_done:
        pieces = _add_density(pieces, layout, data, relabel_dpi, exif_done=exif_done)
    return _emit(pieces, dst)


def _relabel_jfif(chunk: bytes, dpi: int) -> bytes:
    if len(chunk) < 4 + 12:  # malformed JFIF too short to hold a density: replace it
        return _jfif_segment(dpi)
    out = bytearray(chunk)
    out[4 + 7] = 1  # units: dots per inch
    struct.pack_into(">HH", out, 4 + 8, dpi, dpi)
    return bytes(out)


def _add_density(
    pieces: list[bytes], layout: JpegLayout, data: bytes, dpi: int, *, exif_done: bool
) -> list[bytes]:
    if _jfif_allowed(layout, data):
        return [pieces[0], _jfif_segment(dpi), *pieces[1:]]
    if exif_done:
        return pieces
    for i, chunk in enumerate(pieces):
        if chunk[:2] == b"\xff\xe1" and chunk[4:10] == EXIF_ID:
            patched = _set_exif_dpi(bytearray(chunk[10:]), dpi, add_missing=True)
            if patched is None:
                raise JpegStructureError("EXIF block cannot carry a resolution")
            pieces[i] = _segment_bytes(APP1, EXIF_ID + bytes(patched))
            return pieces
    return [pieces[0], _minimal_exif(dpi, None), *pieces[1:]]


def write_without_metadata(src, dst, *, keep_orientation: bool = True) -> str:
    """Copy the first JPEG image of ``src`` to ``dst`` with the metadata stripped, losslessly.

    Keeps the JFIF APP0 (its thumbnail removed), ICC profile APP2 chunks and the Adobe APP14 marker (it
    tells decoders whether the scan is RGB, YCbCr, CMYK or YCCK, so dropping it would change colours).
    Drops every other APPn segment (EXIF, XMP, MPF, maker data), COM segments, stray bytes and everything
    after the first EOI. When the EXIF orientation is not 1 and ``keep_orientation`` is set, a minimal
    EXIF holding only the Orientation tag is written, so the photo still displays upright.

    Returns the sha256 hex digest of the bytes written.
    """
    data = _read_all(src)
    layout = _complete_layout(data)
    pieces: list[bytes] = []
    orientation = 1
    for segment in layout.segments:
        kind = app_kind(segment, data)
        chunk = data[segment.start : segment.end]
        if kind == "exif" and orientation == 1:
            orientation = exif_orientation(chunk[10:])
        if segment.marker == COM:
            continue
        if segment.marker is not None and APP0 <= segment.marker <= APP15:
            if kind == "jfif" and len(chunk) >= 4 + 14:
                chunk = _segment_bytes(APP0, chunk[4 : 4 + 12] + b"\x00\x00")
            elif kind not in ("icc", "adobe"):
                continue
        pieces.append(chunk)
    if keep_orientation and orientation != 1:
        # After SOI, and after the JFIF APP0 when there is one (JFIF wants to come first).
        index = 2 if pieces[1][:2] == b"\xff\xe0" else 1
        pieces.insert(index, _minimal_exif(None, orientation))
    return _emit(pieces, dst)


def clean_bytes(data: bytes, **kwargs) -> bytes:
    """Return what write_clean_original would write, as bytes (convenience for callers and tests)."""
    out = io.BytesIO()
    write_clean_original(data, out, **kwargs)
    return out.getvalue()
