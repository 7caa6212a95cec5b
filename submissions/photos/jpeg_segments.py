"""A small JPEG marker-segment walker and lossless JPEG rewriters, both streaming.

Nothing here decodes pixels: the walker splits the first image of a file into marker segments and
entropy-coded scan data, and the writers reassemble a subset of those pieces byte for byte, so the
scan data (the photo itself) is never re-encoded.

Nothing here holds a whole file either. The walker reads the stream forward in chunks of CHUNK_SIZE and
keeps at most one chunk plus one marker segment (at most 64 KiB) in memory; the writers copy the scan
data in chunks of the same size and read header segments one at a time. Memory per call is therefore
bounded by about CHUNK_SIZE + 64 KiB + a few small segments, whatever the size of the file.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import re
import struct
import tempfile
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

# How much of a stream is read (and held) at a time. Large enough that the per-chunk Python overhead is
# noise next to the regex scan (16 chunks for a 4 MB photo), small next to Django's upload buffers.
CHUNK_SIZE = 256 * 1024

# A stream that cannot seek (a pipe, a socket wrapper) is first copied to a temporary file; up to this
# many bytes stay in memory, the rest goes to disk.
SPOOL_MEMORY = 1024 * 1024

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

Source = bytes | bytearray | memoryview | BinaryIO | str | os.PathLike


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


# --- streams --------------------------------------------------------------------------------------------


def rewind(stream: BinaryIO) -> bool:
    """Seek ``stream`` to its start; False when it cannot seek (it is then read from where it stands)."""
    try:
        stream.seek(0)
    except (AttributeError, OSError, ValueError):  # io.UnsupportedOperation is an OSError and a ValueError
        return False
    return True


def stream_size(stream: BinaryIO) -> int:
    """The length of a seekable stream, found by seeking to its end (the position is left there)."""
    end = stream.seek(0, os.SEEK_END)
    return stream.tell() if end is None else end


def _read_chunk(stream: BinaryIO, n: int) -> bytes:
    data = stream.read(n)
    return b"" if data is None else bytes(data) if not isinstance(data, bytes) else data


def spool(stream: BinaryIO, limit: int | None = None) -> tempfile.SpooledTemporaryFile:
    """Copy a stream that cannot seek into a seekable temporary file, in chunks, at most ``limit`` bytes.

    The copy keeps SPOOL_MEMORY bytes in memory and spills the rest to disk. It is left at its start.
    """
    copy = tempfile.SpooledTemporaryFile(max_size=SPOOL_MEMORY)  # noqa: SIM115 - the caller closes it
    copied = 0
    while limit is None or copied < limit:
        chunk = _read_chunk(stream, CHUNK_SIZE if limit is None else min(CHUNK_SIZE, limit - copied))
        if not chunk:
            break
        copy.write(chunk)
        copied += len(chunk)
    copy.seek(0)
    return copy


@contextlib.contextmanager
def open_source(src: Source) -> Iterator[BinaryIO]:
    """Yield ``src`` as a seekable binary stream positioned at its start, without reading it into memory.

    Bytes are wrapped in BytesIO (no copy), a path is opened, a seekable file is rewound and used as it is,
    and a stream that cannot seek is spooled to a temporary file first.
    """
    if isinstance(src, bytes | bytearray | memoryview):
        yield io.BytesIO(src)
    elif isinstance(src, str | os.PathLike):
        with open(src, "rb") as fh:
            yield fh
    elif rewind(src):
        yield src
    else:
        with spool(src) as copy:
            yield copy


class _Reader:
    """Forward reader over a stream holding one window of it: ``buf`` is the stream from offset ``base``.

    The window grows by a chunk at a time and drops what lies before the caller's position, so it stays
    under CHUNK_SIZE plus the longest piece the caller asked to see at once (a marker segment).
    """

    def __init__(self, stream: BinaryIO, chunk_size: int):
        self._stream = stream
        self._chunk_size = chunk_size
        self.buf = b""
        self.base = 0
        self.eof = False

    @property
    def end(self) -> int:
        return self.base + len(self.buf)

    def _more(self, keep: int) -> bool:
        """Drop the window before offset ``keep`` and append one chunk; False at the end of the stream."""
        if self.eof:
            return False
        chunk = _read_chunk(self._stream, self._chunk_size)
        if not chunk:
            self.eof = True
            return False
        self.buf = self.buf[keep - self.base :] + chunk  # b"" + chunk is chunk itself: no copy
        self.base = keep
        return True

    def ensure(self, pos: int, n: int) -> bool:
        """Make bytes [pos, pos + n) available in the window; False when the stream ends first."""
        while self.end < pos + n:
            if not self._more(pos):
                return False
        return True

    def get(self, pos: int, n: int) -> bytes:
        return self.buf[pos - self.base : pos - self.base + n]

    def byte(self, pos: int) -> int:
        return self.buf[pos - self.base]

    def search(self, pattern: re.Pattern[bytes], pos: int) -> int | None:
        """Offset of the first two-byte ``pattern`` match at or after ``pos``; None when the stream ends.

        A 0xFF at the very end of the window is kept for the next round: its marker byte may be the first
        byte of the next chunk.
        """
        while True:
            found = pattern.search(self.buf, pos - self.base)
            if found is not None:
                return self.base + found.start()
            end = self.end
            keep = end - 1 if end - 1 >= pos and self.buf.endswith(b"\xff") else end
            if not self._more(keep):
                return None
            pos = keep

    def size(self, seekable: bool) -> int:
        """The stream's total length: by seeking when possible, else by reading (and dropping) the rest."""
        if seekable and not self.eof:
            with contextlib.suppress(AttributeError, OSError, ValueError):
                return stream_size(self._stream)
        while self._more(self.end):
            pass
        return self.end


# One loop over the markers, as the JPEG grammar reads: split into helpers it would hide the order of the
# checks, which is the parser's contract.
def walk(src: Source, *, chunk_size: int = CHUNK_SIZE) -> JpegLayout:  # noqa: C901 - a parser best read as one loop
    """Split the first image of ``src`` into segments and scan data, up to its EOI.

    ``src`` is bytes, a path or a binary stream (read from its start when it can seek, else from where it
    stands). The stream is read forward in chunks of ``chunk_size`` bytes and never held whole; a seekable
    stream is left at an unspecified position.

    Never raises for a stream that merely stops early: the layout then has ``eoi_end=None``. Raises
    JpegStructureError for streams that are not JPEG at all or are malformed beyond what libjpeg
    tolerates (bad lengths, a second SOF, scan data before any frame header, too many segments).
    """
    if chunk_size < 1:
        raise ValueError("chunk_size must be positive")
    if isinstance(src, str | os.PathLike):
        with open(src, "rb") as fh:
            return walk(fh, chunk_size=chunk_size)
    stream = io.BytesIO(src) if isinstance(src, bytes | bytearray | memoryview) else src
    seekable = rewind(stream)
    reader = _Reader(stream, chunk_size)
    if not reader.ensure(0, 2) or reader.get(0, 2) != b"\xff\xd8":
        raise JpegStructureError("no SOI marker")
    segments = [Segment(SOI, 0, 2)]
    frame: FrameHeader | None = None
    scan_count = stray = 0
    eoi_end: int | None = None
    pos = 2
    while len(segments) < MAX_SEGMENTS:
        start = reader.search(_HEADER_MARKER, pos)
        if start is None:
            break
        stray += start - pos
        marker = reader.byte(start + 1)
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
        if not reader.ensure(start, 4):
            break
        length = int.from_bytes(reader.get(start + 2, 2), "big")
        if length < 2:
            raise JpegStructureError(f"segment length {length} at offset {start}")
        end = start + 2 + length
        if not reader.ensure(start, end - start):  # at most 64 KiB: the length field has 16 bits
            break
        segments.append(Segment(marker, start, end))
        if marker in SOF_MARKERS:
            if frame is not None:
                raise JpegStructureError("second SOF marker")
            frame = _parse_frame(marker, reader.get(start + 4, length - 2))
        elif marker == SOS:
            if frame is None:
                raise JpegStructureError("SOS before SOF")
            scan_count += 1
            scan_end = reader.search(_SCAN_END, end)
            segments.append(Segment(None, end, reader.end if scan_end is None else scan_end))
            if scan_end is None:
                break
            end = scan_end
        pos = end
    else:
        raise JpegStructureError("too many segments")
    return JpegLayout(tuple(segments), frame, eoi_end, reader.size(seekable), scan_count, stray)


def iter_header_segments(data: Source) -> Iterator[Segment]:
    """Yield the marker segments from SOI up to and including the first SOS (the usual metadata walk)."""
    for segment in walk(data).segments:
        if segment.marker is None:
            return
        yield segment


def _kind(marker: int | None, head: bytes) -> str | None:
    """Name a well-known APPn segment from its first bytes (marker, length and up to 16 payload bytes)."""
    head = head[4:20]
    if marker == APP0 and head.startswith(JFIF_ID):
        return "jfif"
    if marker == APP1 and head.startswith(EXIF_ID):
        return "exif"
    if marker == APP2 and head.startswith(ICC_ID):
        return "icc"
    if marker == APP2 and head.startswith(MPF_ID):
        return "mpf"
    if marker == APP14 and head.startswith(ADOBE_ID):
        return "adobe"
    return None


def app_kind(segment: Segment, data: bytes) -> str | None:
    """Name the well-known APPn segments this module cares about ("jfif", "exif", "icc", "mpf", "adobe")."""
    if segment.marker is None:
        return None
    return _kind(segment.marker, data[segment.start : min(segment.end, segment.start + 20)])


def read_segment(stream: BinaryIO, segment: Segment, limit: int | None = None) -> bytes:
    """Read a piece of a seekable stream by its offsets (its first ``limit`` bytes when given)."""
    n = segment.end - segment.start if limit is None else min(limit, segment.end - segment.start)
    stream.seek(segment.start)
    data = _read_chunk(stream, n)
    while len(data) < n:  # raw streams may return short reads
        more = _read_chunk(stream, n - len(data))
        if not more:
            raise JpegTruncatedError("the stream changed while it was being read")
        data += more
    return data


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


# --- writers --------------------------------------------------------------------------------------------

# A piece of the output: bytes to write, or the (start, end) range of the source to copy unchanged.
Piece = bytes | tuple[int, int]


def _jfif_allowed(frame: FrameHeader, adobe: bytes | None) -> bool:
    """Whether adding a JFIF APP0 keeps the colours: libjpeg reads JFIF as "this is YCbCr (or grey)".

    ``adobe`` is the payload of the first Adobe APP14 segment, None when there is none. A 3-component file
    without JFIF is RGB when its Adobe APP14 says transform 0, or, with no Adobe marker, when its component
    ids are 'R', 'G', 'B'; inserting JFIF would make decoders treat RGB as YCbCr.
    """
    if len(frame.component_ids) == 1:
        return True
    if len(frame.component_ids) != 3:
        return False  # CMYK/YCCK: JFIF is not defined for them
    if adobe is not None:
        return len(adobe) >= 12 and adobe[11] == 1
    return frame.component_ids != (0x52, 0x47, 0x42)


def _complete_layout(stream: BinaryIO) -> JpegLayout:
    layout = walk(stream)
    if not layout.complete:
        raise JpegTruncatedError("no end-of-image marker")
    if layout.frame is None or layout.scan_count == 0:
        raise JpegStructureError("no frame or no scan")
    return layout


def _classified(stream: BinaryIO, layout: JpegLayout) -> Iterator[tuple[Segment, str | None]]:
    """Yield each piece of the layout with the kind of its APPn segment (read from its first bytes)."""
    for segment in layout.segments:
        kind = None
        if segment.marker is not None and APP0 <= segment.marker <= APP15:
            kind = _kind(segment.marker, read_segment(stream, segment, 20))
        yield segment, kind


def _coalesced(pieces: list[Piece]) -> Iterator[Piece]:
    """Merge source ranges that follow each other, so unchanged runs are copied in one go."""
    run: tuple[int, int] | None = None
    for piece in pieces:
        if isinstance(piece, tuple):
            if run is not None and run[1] == piece[0]:
                run = (run[0], piece[1])
                continue
            if run is not None:
                yield run
            run = piece
            continue
        if run is not None:
            yield run
            run = None
        yield piece
    if run is not None:
        yield run


@contextlib.contextmanager
def _sink(dst: BinaryIO | str | os.PathLike) -> Iterator[BinaryIO]:
    if not isinstance(dst, str | os.PathLike):
        yield dst
        return
    try:
        with open(dst, "wb") as fh:
            yield fh
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(dst)
        raise


def _emit(stream: BinaryIO, pieces: list[Piece], dst: BinaryIO | str | os.PathLike) -> str:
    """Write the pieces to ``dst``, copying source ranges CHUNK_SIZE at a time; return the sha256."""
    digest = hashlib.sha256()
    with _sink(dst) as out:
        for piece in _coalesced(pieces):
            if isinstance(piece, bytes):
                digest.update(piece)
                out.write(piece)
                continue
            start, end = piece
            stream.seek(start)
            remaining = end - start
            while remaining:
                chunk = _read_chunk(stream, min(CHUNK_SIZE, remaining))
                if not chunk:
                    raise JpegTruncatedError("the stream changed while it was being copied")
                digest.update(chunk)
                out.write(chunk)
                remaining -= len(chunk)
    return digest.hexdigest()


def write_clean_original(
    src: Source, dst: BinaryIO | str | os.PathLike, *, relabel_dpi: int | None = None
) -> str:
    """Copy the first JPEG image of ``src`` to ``dst`` without comments or trailing bytes.

    Drops COM segments, stray bytes between segments and everything after the first EOI (appended
    payloads, the other frames of an MPO). For an MPO the MPF index is dropped as well, since it would
    point at frames that are no longer there. All other segments and the scan data are copied unchanged.

    With ``relabel_dpi`` the density is relabelled losslessly: the JFIF APP0 density is rewritten (or a
    JFIF APP0 inserted after SOI where JFIF is legal for the colour space) and existing EXIF IFD0
    XResolution/YResolution/ResolutionUnit values are patched in place. Files where JFIF cannot be used
    (RGB or CMYK scans) get the EXIF resolution added instead.

    ``src`` is bytes, a path or a binary file (read from the start); ``dst`` a path or writable binary file.
    The source is walked once and then copied piece by piece, the scan data CHUNK_SIZE at a time, so
    memory does not grow with the file. Returns the sha256 hex digest of the bytes written. Raises
    JpegStructureError (JpegTruncatedError) for streams that are not complete JPEGs; nothing is written then.
    """
    if relabel_dpi is not None and not 1 <= relabel_dpi <= 0xFFFF:
        raise ValueError("relabel_dpi must fit the 16-bit JFIF density field")
    with open_source(src) as stream:
        layout = _complete_layout(stream)
        pieces: list[Piece] = []
        jfif_done = exif_done = False
        first_exif: int | None = None  # where in ``pieces`` the first EXIF segment went
        adobe: bytes | None = None
        for segment, kind in _classified(stream, layout):
            if segment.marker == COM or kind == "mpf":
                continue
            piece: Piece = (segment.start, segment.end)
            if kind == "adobe" and adobe is None:
                adobe = read_segment(stream, segment, 4 + 12)[4:]
            if relabel_dpi is not None and kind == "jfif":  # every one: Pillow reads the last
                piece = _relabel_jfif(read_segment(stream, segment), relabel_dpi)
                jfif_done = True
            elif relabel_dpi is not None and kind == "exif" and not exif_done:
                chunk = read_segment(stream, segment)
                patched = _set_exif_dpi(bytearray(chunk[10:]), relabel_dpi, add_missing=False)
                exif_done = patched is not None
                if patched is not None:
                    piece = chunk[:10] + bytes(patched)
            if kind == "exif" and first_exif is None:
                first_exif = len(pieces)
            pieces.append(piece)
        if relabel_dpi is not None and not jfif_done:
            assert layout.frame is not None  # _complete_layout checked
            _add_density(stream, pieces, layout.frame, adobe, first_exif, relabel_dpi, exif_done=exif_done)
        return _emit(stream, pieces, dst)


def _relabel_jfif(chunk: bytes, dpi: int) -> bytes:
    if len(chunk) < 4 + 12:  # malformed JFIF too short to hold a density: replace it
        return _jfif_segment(dpi)
    out = bytearray(chunk)
    out[4 + 7] = 1  # units: dots per inch
    struct.pack_into(">HH", out, 4 + 8, dpi, dpi)
    return bytes(out)


def _add_density(
    stream: BinaryIO,
    pieces: list[Piece],
    frame: FrameHeader,
    adobe: bytes | None,
    first_exif: int | None,
    dpi: int,
    *,
    exif_done: bool,
) -> None:
    if _jfif_allowed(frame, adobe):
        pieces.insert(1, _jfif_segment(dpi))
        return
    if exif_done:
        return
    if first_exif is not None:
        start, end = pieces[first_exif]  # not patched in place, so still a range of the source
        chunk = read_segment(stream, Segment(APP1, start, end))
        patched = _set_exif_dpi(bytearray(chunk[10:]), dpi, add_missing=True)
        if patched is None:
            raise JpegStructureError("EXIF block cannot carry a resolution")
        pieces[first_exif] = _segment_bytes(APP1, EXIF_ID + bytes(patched))
        return
    pieces.insert(1, _minimal_exif(dpi, None))


def write_without_metadata(
    src: Source, dst: BinaryIO | str | os.PathLike, *, keep_orientation: bool = True
) -> str:
    """Copy the first JPEG image of ``src`` to ``dst`` with the metadata stripped, losslessly.

    Keeps the JFIF APP0 (its thumbnail removed), ICC profile APP2 chunks and the Adobe APP14 marker (it
    tells decoders whether the scan is RGB, YCbCr, CMYK or YCCK, so dropping it would change colours).
    Drops every other APPn segment (EXIF, XMP, MPF, maker data), COM segments, stray bytes and everything
    after the first EOI. When the EXIF orientation is not 1 and ``keep_orientation`` is set, a minimal
    EXIF holding only the Orientation tag is written, so the photo still displays upright.

    Streams like write_clean_original. Returns the sha256 hex digest of the bytes written.
    """
    with open_source(src) as stream:
        layout = _complete_layout(stream)
        pieces: list[Piece] = []
        orientation = 1
        for segment, kind in _classified(stream, layout):
            if kind == "exif" and orientation == 1:
                orientation = exif_orientation(read_segment(stream, segment)[10:])
            if segment.marker == COM:
                continue
            if segment.marker is not None and APP0 <= segment.marker <= APP15:
                if kind == "jfif" and segment.end - segment.start >= 4 + 14:
                    head = read_segment(stream, segment, 4 + 12)
                    pieces.append(_segment_bytes(APP0, head[4:] + b"\x00\x00"))
                    continue
                if kind not in ("icc", "adobe"):
                    continue
            pieces.append((segment.start, segment.end))
        if keep_orientation and orientation != 1:
            # After SOI, and after the JFIF APP0 when there is one (JFIF wants to come first).
            after_jfif = isinstance(pieces[1], bytes) and pieces[1][:2] == b"\xff\xe0"
            pieces.insert(2 if after_jfif else 1, _minimal_exif(None, orientation))
        return _emit(stream, pieces, dst)

