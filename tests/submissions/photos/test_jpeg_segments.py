"""The segment walker and the lossless writers."""

from __future__ import annotations

import hashlib
import io
import os
import struct
import time
import tracemalloc

import pytest
from PIL import Image, ImageCms, JpegImagePlugin

from submissions.photos import PhotoRules, validate_photo
from submissions.photos.jpeg_segments import (
    APP1,
    CHUNK_SIZE,
    COM,
    DHT,
    EOI,
    SOI,
    SOS,
    JpegLayout,
    JpegStructureError,
    JpegTruncatedError,
    app_kind,
    exif_orientation,
    iter_header_segments,
    walk,
    write_clean_original,
    write_without_metadata,
)
from tests.factories import photos as pf

LAX = PhotoRules(min_long_side=1, min_short_side=1, min_dpi=1)
PAYLOAD = b"<?php echo 'hidden payload'; ?>" * 20


def clean(data: bytes, **kwargs) -> bytes:
    out = io.BytesIO()
    digest = write_clean_original(data, out, **kwargs)
    assert digest == hashlib.sha256(out.getvalue()).hexdigest()
    return out.getvalue()


def stripped(data: bytes, **kwargs) -> bytes:
    out = io.BytesIO()
    digest = write_without_metadata(data, out, **kwargs)
    assert digest == hashlib.sha256(out.getvalue()).hexdigest()
    return out.getvalue()


def scan_data(data: bytes) -> list[bytes]:
    """Entropy-coded pieces, the part that must never change."""
    return [data[s.start : s.end] for s in walk(data).segments if s.marker is None]


def same_pixels(a: bytes, b: bytes) -> bool:
    return pf.decode(a).tobytes() == pf.decode(b).tobytes()


def dpi_of(data: bytes):
    result = validate_photo(data, LAX)
    return result.dpi, result.dpi_source


# --- walker ----------------------------------------------------------------------------------------------


def test_walk_baseline_layout():
    data = pf.jpeg((320, 240))
    layout = walk(data)
    assert layout.segments[0].marker == SOI
    assert layout.segments[-1].marker == EOI
    assert layout.complete and layout.eoi_end == len(data) and layout.trailing_bytes == 0
    assert (layout.frame.width, layout.frame.height, layout.frame.precision) == (320, 240, 8)
    assert layout.frame.component_ids == (1, 2, 3)
    assert not layout.frame.progressive
    assert layout.scan_count == 1
    assert layout.stray_bytes == 0
    # the pieces tile the file exactly
    assert [s.start for s in layout.segments[1:]] == [s.end for s in layout.segments[:-1]]


def test_walk_progressive_counts_scans():
    layout = walk(pf.jpeg((320, 240), progressive=True))
    assert layout.frame.progressive
    assert layout.scan_count > 5


def test_walk_counts_trailing_bytes():
    data = pf.jpeg((320, 240))
    assert walk(data + PAYLOAD).trailing_bytes == len(PAYLOAD)


def test_walk_mpo_stops_at_first_frame():
    data = pf.mpo((320, 240))
    layout = walk(data)
    assert layout.complete and layout.trailing_bytes > 0
    assert data[layout.eoi_end : layout.eoi_end + 2] == b"\xff\xd8"


def test_walk_truncated_has_no_end():
    data = pf.jpeg((320, 240))
    for cut in (3, 100, len(data) // 2, len(data) - 2, len(data) - 1):
        assert not walk(data[:cut]).complete


def test_walk_tolerates_stray_bytes_between_segments():
    data = pf.jpeg((320, 240))
    at = 2 + 2 + struct.unpack(">H", data[4:6])[0]  # after the JFIF APP0
    layout = walk(data[:at] + b"\x00junk\xff\xff" + data[at:])
    assert layout.complete and layout.stray_bytes == 7


def test_walk_keeps_restart_markers_inside_scan():
    out = io.BytesIO()
    pf.picture((320, 240)).save(out, "JPEG", restart_marker_blocks=4)
    layout = walk(out.getvalue())
    assert layout.complete and layout.scan_count == 1
    assert b"\xff\xd0" in scan_data(out.getvalue())[0]


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: b"\x00" + d, "no SOI"),
        (lambda d: d[:2] + b"\xff\xe0\x00\x01" + d[2:], "segment length"),
        (lambda d: d[:2] + b"\xff\xd8" + d[2:], "SOI inside"),
        (lambda d: d[:2] + b"\xff\xda\x00\x02" + d[2:], "SOS before SOF"),
        (lambda d: d[:2] + b"\xff\xfe\x00\x02" * 5000 + d[2:], "too many"),
    ],
    ids=["no-soi", "bad-length", "nested-soi", "sos-first", "segment-flood"],
)
def test_walk_rejects_malformed_streams(mutate, message):
    with pytest.raises(JpegStructureError, match=message):
        walk(mutate(pf.jpeg((64, 48))))


def test_walk_rejects_second_frame_header():
    data = pf.jpeg((64, 48))
    at = data.index(b"\xff\xc0")
    length = struct.unpack(">H", data[at + 2 : at + 4])[0]
    sof = data[at : at + 2 + length]
    with pytest.raises(JpegStructureError, match="second SOF"):
        walk(data[:at] + sof + data[at:])


def test_walk_long_ff_runs_are_linear():
    data = pf.jpeg((64, 48))
    sos = data.index(b"\xff\xda")
    started = time.perf_counter()
    walk(data[:sos] + b"\xff" * 10_000_000 + data[sos:])
    walk(data[:-2] + b"\xff" * 10_000_000 + b"\xff\xd9")
    assert time.perf_counter() - started < 5  # quadratic behaviour would take minutes


def test_iter_header_segments_stops_at_sos():
    kinds = [s.marker for s in iter_header_segments(pf.jpeg((64, 48), comment=b"hi"))]
    assert kinds[0] == SOI and kinds[-1] == SOS and COM in kinds


def test_app_kind_names_known_segments():
    data = pf.insert_exif(pf.mpo((64, 48)), pf.exif_block(orientation=6))
    kinds = {app_kind(s, data) for s in walk(data).segments}
    assert {"jfif", "exif", "mpf"} <= kinds
    cmyk = pf.jpeg((64, 48), mode="CMYK")
    assert "adobe" in {app_kind(s, cmyk) for s in walk(cmyk).segments}


def test_exif_orientation_reads_ifd0():
    tiff = pf.exif_block(orientation=8).tobytes()[6:]
    assert exif_orientation(tiff) == 8
    assert exif_orientation(b"garbage") == 1


# --- write_clean_original --------------------------------------------------------------------------------


def test_clean_drops_trailing_payload():
    data = pf.jpeg((320, 240))
    out = clean(data + PAYLOAD)
    assert PAYLOAD[:40] not in out
    assert out == data  # nothing else to drop in a Pillow file


def test_clean_drops_comment_payload_and_keeps_pixels():
    data = pf.insert_comment(pf.jpeg((320, 240), comment=b"camera says hi"), PAYLOAD)
    out = clean(data + PAYLOAD)
    assert PAYLOAD[:40] not in out and b"camera says hi" not in out
    assert COM not in {s.marker for s in walk(out).segments}
    assert out.endswith(b"\xff\xd9") and walk(out).trailing_bytes == 0
    assert same_pixels(out, data)
    assert scan_data(out) == scan_data(data)


def test_clean_keeps_exif_and_icc():
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    out_buf = io.BytesIO()
    pf.picture((320, 240)).save(out_buf, "JPEG", exif=pf.exif_block(orientation=6).tobytes(), icc_profile=icc)
    out = clean(out_buf.getvalue())
    with Image.open(io.BytesIO(out)) as im:
        assert im.info["icc_profile"] == icc
        assert im.getexif()[0x0112] == 6


def test_clean_drops_stray_bytes_between_segments():
    data = pf.jpeg((320, 240))
    at = 2 + 2 + struct.unpack(">H", data[4:6])[0]
    out = clean(data[:at] + b"\x00HIDDEN" + data[at:])
    assert b"HIDDEN" not in out and same_pixels(out, data)


def test_clean_mpo_keeps_first_frame_only():
    data = pf.mpo((320, 240))
    out = clean(data)
    with JpegImagePlugin.jpeg_factory(io.BytesIO(out)) as im:
        assert im.format == "JPEG"
        assert getattr(im, "n_frames", 1) == 1
    assert "mpf" not in {app_kind(s, out) for s in walk(out).segments}
    assert walk(out).trailing_bytes == 0
    assert same_pixels(out, data)
    assert len(out) < len(data) * 0.6


def test_clean_writes_to_path(tmp_path):
    data = pf.jpeg((64, 48))
    target = tmp_path / "clean.jpg"
    digest = write_clean_original(io.BytesIO(data + PAYLOAD), target)
    assert target.read_bytes() == data
    assert digest == hashlib.sha256(data).hexdigest()


def test_clean_reads_from_path(tmp_path):
    source = tmp_path / "upload.jpg"
    source.write_bytes(pf.jpeg((64, 48)) + PAYLOAD)
    assert clean(source) == pf.jpeg((64, 48))


@pytest.mark.parametrize("cut", [-2, -1, 0.5])
def test_clean_refuses_truncated_input(cut):
    data = pf.jpeg((64, 48))
    end = int(len(data) * cut) if isinstance(cut, float) else len(data) + cut
    with pytest.raises(JpegTruncatedError):
        clean(data[:end])


def test_clean_refuses_non_jpeg():
    with pytest.raises(JpegStructureError):
        clean(pf.other_format("PNG"))


# --- relabelling ----------------------------------------------------------------------------------------


def test_relabel_rewrites_jfif_density():
    data = pf.jpeg((320, 240), dpi=72)
    out = clean(data, relabel_dpi=300)
    assert out == data[:14] + struct.pack(">HH", 300, 300) + data[18:]
    assert dpi_of(out) == (300, "jfif")
    assert scan_data(out) == scan_data(data) and same_pixels(out, data)


def test_relabel_converts_dots_per_cm_to_inches():
    out = clean(pf.set_jfif_density(pf.jpeg((64, 48)), 2, 28), relabel_dpi=300)
    assert out[13] == 1 and struct.unpack(">HH", out[14:18]) == (300, 300)


def test_relabel_rewrites_every_jfif_segment():
    data = pf.jpeg((64, 48), dpi=72)
    app0 = data[2 : 4 + struct.unpack(">H", data[4:6])[0]]
    doubled = data[:2] + app0 + data[2:]
    assert dpi_of(clean(doubled, relabel_dpi=300)) == (300, "jfif")


def test_relabel_inserts_jfif_when_missing():
    data = pf.without_jfif(pf.jpeg((320, 240)))
    out = clean(data, relabel_dpi=300)
    assert out[2:4] == b"\xff\xe0" and out[6:11] == b"JFIF\x00"
    assert dpi_of(out) == (300, "jfif")
    assert same_pixels(out, data)


def test_relabel_patches_exif_in_place():
    exif = pf.exif_block(x_resolution=72, y_resolution=72, resolution_unit=3, orientation=6, description="x")
    data = pf.insert_exif(pf.jpeg((320, 240), dpi=72), exif)
    out = clean(data, relabel_dpi=300)
    assert len(out) == len(data)
    old_exif = next(s for s in walk(data).segments if app_kind(s, data) == "exif")
    new_exif = next(s for s in walk(out).segments if app_kind(s, out) == "exif")
    assert (old_exif.start, old_exif.end) == (new_exif.start, new_exif.end)
    with Image.open(io.BytesIO(out)) as im:
        tags = im.getexif()
        assert (float(tags[0x011A]), float(tags[0x011B]), tags[0x0128]) == (300.0, 300.0, 2)
        assert (tags[0x0112], tags[0x010E]) == (6, "x")
    assert dpi_of(out) == (300, "exif")
    assert scan_data(out) == scan_data(data)


def test_relabel_little_endian_exif():
    tiff = b"II*\x00" + struct.pack("<I", 8) + struct.pack("<H", 2)
    tiff += struct.pack("<HHII", 0x011A, 5, 1, 38) + struct.pack("<HHIHH", 0x0128, 3, 1, 3, 0)
    tiff += b"\x00\x00\x00\x00" + struct.pack("<II", 72, 1)
    data = pf.insert_exif(pf.jpeg((64, 48), dpi=None), b"Exif\x00\x00" + tiff)
    assert dpi_of(data) == (183, "exif")  # 72 dpcm
    assert dpi_of(clean(data, relabel_dpi=300)) == (300, "exif")


def test_relabel_keeps_rgb_colourspace_without_jfif():
    # Inserting JFIF would make decoders read these RGB scans as YCbCr.
    data = pf.jpeg((320, 240), dpi=None, keep_rgb=True)
    assert data[2:4] == b"\xff\xee"  # Adobe, no JFIF
    out = clean(data, relabel_dpi=300)
    assert b"JFIF\x00" not in out
    assert dpi_of(out) == (300, "exif")
    assert same_pixels(out, data)


def test_relabel_cmyk_uses_exif():
    data = pf.jpeg((320, 240), mode="CMYK", dpi=None)
    out = clean(data, relabel_dpi=300)
    assert b"JFIF\x00" not in out
    assert dpi_of(out) == (300, "exif")
    assert same_pixels(out, data)


def test_relabel_adds_resolution_to_exif_without_it():
    exif = pf.exif_block(orientation=6, description="keep me", taken_at="2024:05:01 08:30:00")
    data = pf.insert_exif(pf.jpeg((320, 240), dpi=None, keep_rgb=True), exif)
    out = clean(data, relabel_dpi=300)
    assert sum(app_kind(s, out) == "exif" for s in walk(out).segments) == 1
    result = validate_photo(out, LAX)
    assert (result.dpi, result.dpi_source, result.orientation) == (300, "exif", 6)
    assert result.taken_at is not None
    with Image.open(io.BytesIO(out)) as im:
        assert im.getexif()[0x010E] == "keep me"
    assert same_pixels(out, data)


def test_relabel_overwrites_garbage_exif_density_type():
    # XResolution stored as ASCII cannot be patched in place; JFIF carries the density instead.
    tiff = b"MM\x00*" + struct.pack(">I", 8) + struct.pack(">H", 1)
    tiff += struct.pack(">HHI", 0x011A, 2, 4) + b"300\x00" + b"\x00\x00\x00\x00"
    data = pf.insert_exif(pf.jpeg((64, 48), dpi=72), b"Exif\x00\x00" + tiff)
    assert dpi_of(clean(data, relabel_dpi=300)) == (300, "jfif")


@pytest.mark.parametrize("dpi", [0, -1, 65536])
def test_relabel_rejects_out_of_range_dpi(dpi):
    with pytest.raises(ValueError):
        clean(pf.jpeg((64, 48)), relabel_dpi=dpi)


# --- write_without_metadata ------------------------------------------------------------------------------


def test_strip_drops_exif_xmp_comment_and_trailing():
    exif = pf.exif_block(description="<script>alert(1)</script>", taken_at="2024:05:01 08:30:00")
    source = io.BytesIO()
    pf.picture((320, 240)).save(
        source, "JPEG", exif=exif.tobytes(), xmp=b"<x:xmpmeta>author: Zhang San</x:xmpmeta>", comment=b"GPS"
    )
    data = source.getvalue() + PAYLOAD
    out = stripped(data)
    for secret in (b"<script>", b"Zhang San", b"GPS", b"2024:05:01", PAYLOAD[:40]):
        assert secret not in out
    assert APP1 not in {s.marker for s in walk(out).segments}
    assert walk(out).trailing_bytes == 0
    assert same_pixels(out, data)


def test_strip_keeps_icc_and_jfif_density():
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    source = io.BytesIO()
    pf.picture((320, 240)).save(source, "JPEG", icc_profile=icc, dpi=(300, 300))
    out = stripped(source.getvalue())
    with Image.open(io.BytesIO(out)) as im:
        assert im.info["icc_profile"] == icc
        assert im.info["jfif_density"] == (300, 300)


def test_strip_keeps_orientation_only():
    data = pf.insert_exif(pf.jpeg((320, 240)), pf.exif_block(orientation=6, description="Zhang San's phone"))
    out = stripped(data)
    assert b"Zhang San" not in out
    with Image.open(io.BytesIO(out)) as im:
        assert dict(im.getexif()) == {0x0112: 6}
    assert validate_photo(out, LAX).width == 240  # still upright for reviewers


def test_strip_can_drop_orientation_too():
    data = pf.insert_exif(pf.jpeg((64, 48)), pf.exif_block(orientation=6))
    assert APP1 not in {s.marker for s in walk(stripped(data, keep_orientation=False)).segments}


def test_strip_keeps_adobe_marker_for_cmyk():
    data = pf.jpeg((320, 240), mode="CMYK")
    out = stripped(data)
    assert "adobe" in {app_kind(s, out) for s in walk(out).segments}
    assert same_pixels(out, data)


def test_strip_mpo_first_frame():
    data = pf.mpo((320, 240))
    out = stripped(data)
    assert walk(out).trailing_bytes == 0 and b"MPF\x00" not in out
    assert same_pixels(out, data)


def test_strip_removes_jfif_thumbnail():
    data = pf.jpeg((64, 48))
    length = struct.unpack(">H", data[4:6])[0]
    thumb = bytes([2, 1]) + b"\x11\x22\x33" * 2
    app0 = data[4 + 2 : 4 + length - 2] + thumb
    with_thumb = data[:2] + b"\xff\xe0" + struct.pack(">H", len(app0) + 2) + app0 + data[4 + length :]
    assert walk(with_thumb).complete
    out = stripped(with_thumb)
    assert b"\x11\x22\x33" not in out and out[4:6] == b"\x00\x10"


# --- streaming ---------------------------------------------------------------------------------------------

BIG_PAYLOAD = os.urandom(3 * CHUNK_SIZE + 12_345) + b"\xff\xd9\xff\xd8" + b"\xff" * 1000


def marker_offsets(data: bytes) -> list[int]:
    """Every 0xFF followed by a marker byte (segment markers, RSTn, EOI) in ``data``."""
    return [i for i in range(len(data) - 1) if data[i] == 0xFF and data[i + 1] not in (0x00, 0xFF)]


def stream_cases() -> dict[str, bytes]:
    data = pf.jpeg((64, 48))
    at = 2 + 2 + struct.unpack(">H", data[4:6])[0]
    return {
        "restart": pf.restart_jpeg((96, 64)),
        "progressive-restart": pf.restart_jpeg((96, 64), progressive=True),
        "progressive": pf.jpeg((96, 64), progressive=True, comment=b"c"),
        "stray": data[:at] + b"\x00junk\xff\xff" + data[at:] + b"tail\xff",
        "mpo": pf.mpo((64, 48)),
        "truncated": pf.restart_jpeg((96, 64))[:-700],
    }


@pytest.mark.parametrize("name", list(stream_cases()))
def test_walk_same_layout_whatever_the_chunk_size(name):
    data = stream_cases()[name]
    whole = walk(data, chunk_size=len(data) + 1)
    for chunk_size in [*range(1, 40), 61, 64, 127, 128, 255, 256, 1000, 4096]:
        assert walk(data, chunk_size=chunk_size) == whole, chunk_size


@pytest.mark.parametrize("name", ["restart", "progressive-restart", "mpo"])
def test_walk_marker_split_across_chunk_boundary(name):
    # 0xFF as the last byte of the first chunk, the marker byte as the first byte of the next one.
    data = stream_cases()[name]
    whole = walk(data)
    offsets = marker_offsets(data[: whole.eoi_end])
    assert len(offsets) > 10
    for at in offsets:
        assert walk(data, chunk_size=at + 1) == whole, at


def test_walk_restart_markers_at_chunk_boundaries_stay_in_the_scan():
    data = pf.restart_jpeg((96, 64))
    rst = [i for i in marker_offsets(data) if 0xD0 <= data[i + 1] <= 0xD7]
    assert rst
    for at in rst:
        layout = walk(data, chunk_size=at + 1)
        assert layout.scan_count == 1 and layout.complete and layout.eoi_end == len(data)


def test_walk_progressive_scans_with_small_chunks():
    data = pf.jpeg((320, 240), progressive=True)
    layout = walk(data, chunk_size=97)
    assert layout == walk(data)
    assert layout.scan_count > 5
    after_first_scan = [s.marker for s in layout.segments[[s.marker for s in layout.segments].index(SOS) :]]
    assert after_first_scan.count(SOS) == layout.scan_count and DHT in after_first_scan


def test_walk_same_layout_with_short_reads():
    for data in stream_cases().values():
        assert walk(pf.RecordingStream(data, max_return=7), chunk_size=64) == walk(data)


def test_walk_stream_reads_bounded_chunks_and_skips_trailing_bytes():
    image = pf.jpeg((320, 240))
    stream = pf.RecordingStream(image + BIG_PAYLOAD)
    layout = walk(stream)
    assert layout.trailing_bytes == len(BIG_PAYLOAD) and layout.eoi_end == len(image)
    assert all(0 < n <= CHUNK_SIZE for n in stream.requests)
    assert stream.bytes_read <= len(image) + CHUNK_SIZE  # the size of the tail comes from seeking


def test_walk_non_seekable_stream_counts_trailing_bytes_in_chunks():
    image = pf.jpeg((320, 240))
    stream = pf.RecordingStream(image + BIG_PAYLOAD, seekable=False)
    layout = walk(stream)
    assert layout == walk(image + BIG_PAYLOAD)
    assert layout.trailing_bytes == len(BIG_PAYLOAD)
    assert all(0 < n <= CHUNK_SIZE for n in stream.requests)


def test_walk_accepts_path(tmp_path):
    path = tmp_path / "photo.jpg"
    path.write_bytes(pf.jpeg((64, 48)) + PAYLOAD)
    assert walk(path) == walk(path.read_bytes())
    assert isinstance(walk(str(path)), JpegLayout)


def test_walk_rejects_bad_chunk_size():
    with pytest.raises(ValueError):
        walk(pf.jpeg((64, 48)), chunk_size=0)


@pytest.mark.parametrize("seekable", [True, False], ids=["seekable", "pipe"])
def test_clean_streams_in_bounded_chunks(seekable):
    data = pf.insert_comment(pf.restart_jpeg((320, 240), progressive=True), PAYLOAD)
    stream = pf.RecordingStream(data + BIG_PAYLOAD, seekable=seekable)
    out = io.BytesIO()
    digest = write_clean_original(stream, out)
    assert out.getvalue() == clean(data)
    assert digest == hashlib.sha256(out.getvalue()).hexdigest()
    assert all(0 < n <= CHUNK_SIZE for n in stream.requests)
    assert not stream.closed


def test_clean_relabel_from_stream_matches_bytes():
    exif = pf.exif_block(x_resolution=72, y_resolution=72, resolution_unit=2, orientation=6)
    cases = [
        pf.insert_exif(pf.jpeg((320, 240), dpi=72), exif),
        pf.without_jfif(pf.jpeg((320, 240))),
        pf.jpeg((320, 240), dpi=None, keep_rgb=True),
        pf.insert_exif(pf.jpeg((320, 240), dpi=None, keep_rgb=True), pf.exif_block(orientation=6)),
    ]
    for data in cases:
        out = io.BytesIO()
        write_clean_original(pf.RecordingStream(data + PAYLOAD), out, relabel_dpi=300)
        assert out.getvalue() == clean(data, relabel_dpi=300)
        assert dpi_of(out.getvalue())[0] == 300


def test_strip_streams_in_bounded_chunks():
    data = pf.insert_exif(pf.restart_jpeg((320, 240)), pf.exif_block(orientation=6, description="secret"))
    stream = pf.RecordingStream(data + BIG_PAYLOAD)
    out = io.BytesIO()
    write_without_metadata(stream, out)
    assert out.getvalue() == stripped(data)
    assert b"secret" not in out.getvalue()
    assert all(0 < n <= CHUNK_SIZE for n in stream.requests)


def test_clean_large_scan_copied_through_chunk_boundaries(tmp_path):
    data = pf.jpeg((3000, 2000), quality=95)  # a few MB of scan data: many chunks
    assert len(data) > 4 * CHUNK_SIZE
    source = tmp_path / "upload.jpg"
    source.write_bytes(pf.insert_comment(data, b"x") + BIG_PAYLOAD)
    target = tmp_path / "clean.jpg"
    with source.open("rb") as fh:
        digest = write_clean_original(fh, target)
    assert target.read_bytes() == data
    assert digest == hashlib.sha256(data).hexdigest()


def test_clean_failure_leaves_no_file_at_path(tmp_path):
    target = tmp_path / "clean.jpg"
    with pytest.raises(JpegTruncatedError):
        write_clean_original(pf.jpeg((64, 48))[:-2], target)
    assert not target.exists()


def test_walk_and_clean_memory_does_not_grow_with_file_size(tmp_path):
    # Python-heap peak (tracemalloc) while walking and cleaning files from 0.3 MB to ~13 MB: about one
    # chunk plus a segment, where reading the file whole would cost its size.
    peaks = []
    for data in (pf.jpeg((3000, 2000), quality=50), pf.jpeg((3000, 2000), quality=100) + os.urandom(8_000_000)):
        path = tmp_path / "photo.jpg"
        path.write_bytes(data)
        with path.open("rb") as fh, open(os.devnull, "wb") as sink:
            tracemalloc.start()
            try:
                walk(fh)
                write_clean_original(fh, sink)
                peaks.append(tracemalloc.get_traced_memory()[1])
            finally:
                tracemalloc.stop()
    assert max(peaks) < 4 * CHUNK_SIZE, peaks
    assert abs(peaks[1] - peaks[0]) < CHUNK_SIZE, peaks
