"""validate_photo: the notice's rules, in order, on real and hostile files."""

from __future__ import annotations

import io
import os
import pickle
import random
import struct
import time
import tracemalloc
from datetime import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image, ImageFile

from submissions.photos import PhotoCheck, PhotoRejected, PhotoRules, validate_photo
from submissions.photos.jpeg_segments import CHUNK_SIZE, write_clean_original
from submissions.photos.validation import MIN_BYTES_PER_PIXEL
from tests.factories import photos as pf

RULES = PhotoRules()
FIX = PhotoRules(dpi_policy="fix")
# For structure tests on small images: only the structure is under test, not the notice's numbers.
LAX = PhotoRules(min_long_side=1, min_short_side=1, min_dpi=1, dpi_policy="fix")
MB = 1024 * 1024


def check(data: bytes, rules: PhotoRules = RULES, **kwargs) -> PhotoCheck:
    return validate_photo(io.BytesIO(data), rules, **kwargs)


def refused(data: bytes, code: str, rules: PhotoRules = RULES, **kwargs) -> PhotoRejected:
    with pytest.raises(PhotoRejected) as info:
        check(data, rules, **kwargs)
    assert info.value.code == code, info.value.message
    return info.value


def small_jpeg(size=(320, 240), **kwargs) -> bytes:
    return pf.jpeg(size, **kwargs)


# --- accepted photos -----------------------------------------------------------------------------------


def test_validate_accepts_plain_landscape_photo():
    result = check(pf.jpeg())
    assert (result.width, result.height) == (3000, 2000)
    assert (result.raw_width, result.raw_height) == (3000, 2000)
    assert result.orientation == 1
    assert (result.dpi, result.dpi_source, result.dpi_needs_fix) == (300, "jfif", False)
    assert (result.is_mpo, result.is_progressive, result.mode) == (False, False, "RGB")
    assert result.taken_at is None
    assert result.size == len(pf.jpeg())
    assert result.trailing_bytes == 0


def test_validate_accepts_portrait_photo():
    result = check(pf.jpeg((2000, 3000)))
    assert (result.width, result.height) == (2000, 3000)


def test_validate_accepts_progressive_photo():
    result = check(pf.jpeg(progressive=True))
    assert result.is_progressive


def test_validate_refuses_progressive_photo_over_its_cap_before_decoding():
    # 8000x6000 = 48 MP claimed by a small progressive file: refused from the header, memory stays bounded.
    data = pf.forge_dimensions(pf.jpeg(progressive=True), 8000, 6000)
    with pytest.raises(PhotoRejected) as caught:
        validate_photo(data, PhotoRules())
    assert caught.value.code == "progressive_too_large"
    assert "8000×6000" in caught.value.message and "渐进式" in caught.value.message


def test_validate_progressive_cap_does_not_apply_to_baseline_photo():
    data = pf.forge_dimensions(pf.jpeg(), 8000, 6000)
    with pytest.raises(PhotoRejected) as caught:
        validate_photo(data, PhotoRules())
    assert caught.value.code != "progressive_too_large"


def test_validate_accepts_cmyk_photo():
    assert check(pf.jpeg(mode="CMYK")).mode == "CMYK"


def test_validate_accepts_grayscale_photo():
    assert check(pf.jpeg(mode="L")).mode == "L"


def test_validate_accepts_rgb_colourspace_photo():
    # Adobe APP14 transform 0: RGB scans without YCbCr conversion
    assert check(pf.jpeg(keep_rgb=True)).mode == "RGB"


def test_validate_accepts_mpo_first_frame():
    data = pf.mpo()
    result = check(data)
    assert result.is_mpo
    assert (result.width, result.height) == (3000, 2000)
    assert 0 < result.trailing_bytes < len(data)


def test_validate_accepts_django_uploaded_file_named_png():
    upload = SimpleUploadedFile("photo.png", pf.jpeg(), content_type="image/png")
    assert check_upload(upload).width == 3000


def check_upload(upload) -> PhotoCheck:
    return validate_photo(upload, RULES, size=upload.size)


def test_validate_accepts_bytes_input():
    assert validate_photo(pf.jpeg(), RULES).width == 3000


def test_validate_rewinds_file_object():
    fh = io.BytesIO(pf.jpeg())
    fh.seek(1234)
    validate_photo(fh, RULES)
    assert fh.tell() == 0


def test_validate_accepts_non_seekable_stream_with_size():
    class Stream(io.RawIOBase):
        def __init__(self, data):
            self._inner = io.BytesIO(data)

        def readable(self):
            return True

        def seekable(self):
            return False

        def seek(self, *args):
            raise OSError("not seekable")

        def read(self, n=-1):
            return self._inner.read(n)

    data = pf.jpeg()
    assert validate_photo(Stream(data), RULES, size=len(data)).size == len(data)


# --- 1. empty and oversize -----------------------------------------------------------------------------


@pytest.mark.parametrize("data", [b"", b"\xff\xd8\xff", b"abc"], ids=["empty", "jpeg-magic", "text"])
def test_empty_rejected_when_tiny(data):
    assert refused(data, "empty").message == "文件为空或不完整"


def test_too_large_rejected_from_declared_size_without_reading():
    class Unreadable(io.BytesIO):
        def read(self, *args):
            raise AssertionError("an oversized upload must not be read")

    error = refused_file(Unreadable(b"x"), "too_large", size=int(25.3 * MB))
    assert error.message == "文件大小为 25.3 MB，超过上限 20 MB"


def refused_file(fileobj, code: str, rules: PhotoRules = RULES, **kwargs) -> PhotoRejected:
    with pytest.raises(PhotoRejected) as info:
        validate_photo(fileobj, rules, **kwargs)
    assert info.value.code == code
    return info.value


def test_too_large_rejected_by_seeking_when_size_unknown():
    rules = PhotoRules(max_file_bytes=200_000)
    error = refused(pf.jpeg(), "too_large", rules)
    assert error.message.startswith("文件大小为 0.")
    assert error.message.endswith("超过上限 0.2 MB")


def test_too_large_rejected_when_declared_size_understates():
    rules = PhotoRules(max_file_bytes=2 * MB)
    error = refused(pf.jpeg() * 4, "too_large", rules, size=1000)
    assert error.message == "文件大小为 2.1 MB，超过上限 2 MB"  # at least limit + 1 byte was there


def test_too_large_message_never_shows_the_limit_as_measured_value():
    error = refused_file(io.BytesIO(b""), "too_large", size=20 * MB + 1)
    assert error.message == "文件大小为 20.1 MB，超过上限 20 MB"


def test_too_large_accepts_file_exactly_at_limit():
    data = pf.jpeg()
    assert check(data, PhotoRules(max_file_bytes=len(data))).size == len(data)


# --- 2. format from the bytes --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "name"), [("PNG", "PNG"), ("GIF", "GIF"), ("WEBP", "WebP"), ("TIFF", "TIFF"), ("BMP", "BMP")]
)
def test_not_jpeg_rejected_when_other_image_format(fmt, name):
    error = refused(pf.other_format(fmt), "not_jpeg")
    assert error.message == f"文件不是 JPEG 格式（检测到 {name}），请上传 jpg 照片"


@pytest.mark.parametrize(("data", "name"), [(pf.SVG, "SVG"), (pf.HTML, "HTML")], ids=["svg", "html"])
def test_not_jpeg_rejected_when_markup_text(data, name):
    assert f"检测到 {name}" in refused(data, "not_jpeg").message


def test_not_jpeg_rejected_when_heic():
    data = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + bytes(200)
    assert "检测到 HEIC" in refused(data, "not_jpeg").message


def test_not_jpeg_rejected_when_unknown_bytes():
    data = random.Random(1).randbytes(4096)
    assert "检测到 未知格式" in refused(data, "not_jpeg").message


def test_not_jpeg_rejected_when_named_jpg():
    upload = SimpleUploadedFile("photo.jpg", pf.other_format("PNG"), content_type="image/jpeg")
    with pytest.raises(PhotoRejected) as info:
        check_upload(upload)
    assert info.value.code == "not_jpeg"


def test_not_jpeg_rejected_when_jpeg_magic_is_not_at_start():
    refused(b"\x00" + pf.jpeg((320, 240)), "not_jpeg", LAX)


# --- 3. pixel cap and plausibility, before decoding ----------------------------------------------------


def test_too_many_pixels_rejected_when_header_claims_65500_square():
    data = pf.forge_dimensions(pf.jpeg((320, 240)), 65500, 65500)
    error = refused(data, "too_many_pixels")
    assert error.message == "照片像素为 65500×65500（约 42.9 亿像素），超过上限 2 亿像素"


def test_too_many_pixels_rejected_just_over_cap():
    data = pf.forge_dimensions(pf.jpeg((320, 240)), 16330, 12250)
    assert "超过上限 2 亿像素" in refused(data, "too_many_pixels").message


def test_too_many_pixels_rejected_against_rules_cap():
    assert (
        "超过上限 500 万像素" in refused(pf.jpeg(), "too_many_pixels", PhotoRules(max_megapixels=5)).message
    )


def test_too_many_pixels_accepts_exactly_the_cap():
    assert check(pf.jpeg(), PhotoRules(max_megapixels=6)).width == 3000


@pytest.mark.parametrize(("w", "h"), [(12000, 9000), (16320, 12240)], ids=["108MP", "200MP"])
def test_inconsistent_rejected_when_tiny_file_claims_big_header(w, h):
    data = pf.forge_dimensions(pf.jpeg((320, 240)), w, h)
    error = refused(data, "inconsistent")
    assert f"{w}×{h}" in error.message


def test_inconsistent_rejected_when_3kb_claims_50mp():
    data = pf.forge_dimensions(pf.jpeg((80, 60), quality=95), 8165, 6124)
    assert 2560 < len(data) < 3584
    assert "3 KB" in refused(data, "inconsistent").message


def test_inconsistent_floor_is_below_flat_grey_output():
    # The floor's justification, re-measured: Pillow's cheapest content (flat grey, optimised Huffman).
    out = io.BytesIO()
    Image.new("L", (3000, 2000), 128).save(out, "JPEG", quality=75, optimize=True)
    assert len(out.getvalue()) / 6_000_000 > 3 * MIN_BYTES_PER_PIXEL


def test_inconsistent_accepts_flat_grey_photo():
    out = io.BytesIO()
    Image.new("RGB", (3000, 2000), (128, 128, 130)).save(out, "JPEG", quality=75, dpi=(300, 300))
    assert check(out.getvalue()).width == 3000


def test_pixel_cap_ignores_pillow_global_bomb_limit(monkeypatch):
    # Pillow's own check would refuse legitimate 200 MP photos; it must not be what decides.
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    assert check(pf.jpeg()).width == 3000


def test_pixel_cap_refuses_huge_header_quickly():
    data = pf.forge_dimensions(pf.jpeg((320, 240)), 65500, 65500)
    started = time.perf_counter()
    refused(data, "too_many_pixels")
    assert time.perf_counter() - started < 2  # no decode, no allocation


# --- 4. size rule ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [(3000, 2000), (2000, 3000)], ids=["landscape", "portrait"])
def test_size_accepts_exact_boundary(size):
    assert (check(pf.jpeg(size)).width, check(pf.jpeg(size)).height) == size


@pytest.mark.parametrize(
    "size",
    [(2999, 2000), (3000, 1999), (2000, 2999), (1999, 3000)],
    ids=["long-l", "short-l", "long-p", "short-p"],
)
def test_too_small_rejected_when_one_pixel_short(size):
    error = refused(pf.jpeg(size), "too_small")
    w, h = size
    assert error.message == f"照片尺寸为 {w}×{h} 像素，要求长边≥3000、短边≥2000像素"


def test_too_small_uses_rules_numbers():
    error = refused(pf.jpeg(), "too_small", PhotoRules(min_long_side=4000, min_short_side=2500))
    assert error.message == "照片尺寸为 3000×2000 像素，要求长边≥4000、短边≥2500像素"


@pytest.mark.parametrize("orientation", [6, 8])
def test_orientation_swaps_upright_dimensions(orientation):
    data = pf.jpeg(exif=(("orientation", orientation),))
    result = check(data)
    assert result.orientation == orientation
    assert (result.width, result.height) == (2000, 3000)
    assert (result.raw_width, result.raw_height) == (3000, 2000)


def test_orientation_3_keeps_dimensions():
    result = check(pf.jpeg(exif=(("orientation", 3),)))
    assert (result.width, result.height) == (3000, 2000)


def test_too_small_message_uses_upright_dimensions():
    error = refused(pf.jpeg((2999, 2000), exif=(("orientation", 6),)), "too_small")
    assert error.message.startswith("照片尺寸为 2000×2999 像素")


@pytest.mark.parametrize("orientation", [0, 9, 65535])
def test_orientation_out_of_range_treated_as_upright(orientation):
    result = check(pf.jpeg(exif=(("orientation", orientation),)))
    assert (result.orientation, result.width) == (1, 3000)


# --- 5. integrity ----------------------------------------------------------------------------------------


def test_truncated_rejected_when_half_file():
    data = pf.jpeg()
    error = refused(data[: len(data) // 2], "truncated")
    assert error.message == "照片文件不完整（可能上传中断），请重新上传"


def test_truncated_rejected_when_end_marker_missing():
    data = pf.jpeg()
    assert data.endswith(b"\xff\xd9")
    refused(data[:-2], "truncated")


def test_truncated_rejected_when_pillow_tolerates_truncation(monkeypatch):
    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    data = pf.jpeg()
    refused(data[: len(data) // 2], "truncated")
    refused(data[:-2], "truncated")


def test_truncated_rejected_when_progressive_half_file():
    data = pf.jpeg(progressive=True)
    refused(data[: len(data) // 2], "truncated")


def test_truncated_rejected_when_cut_inside_headers():
    # Too few bytes for the pixels, but an interrupted upload is the likelier story than forgery.
    refused(pf.jpeg()[:400], "truncated")


def test_truncated_rejected_when_end_marker_reappended_to_half_file():
    data = pf.jpeg()
    refused(data[: len(data) // 2] + b"\xff\xd9", "truncated")


def test_truncated_rejected_when_header_claims_more_rows_than_data():
    refused(pf.forge_dimensions(pf.jpeg(), 3000, 3000), "truncated")


def test_truncated_rejected_when_cmyk_data_runs_short():
    data = pf.jpeg(mode="CMYK")
    refused(data[: len(data) // 2] + b"\xff\xd9", "truncated")


def test_corrupt_rejected_when_segment_length_invalid():
    data = pf.jpeg((320, 240))
    refused(data[:2] + b"\xff\xe0\x00\x01" + data[2:], "corrupt", LAX)


def test_corrupt_rejected_when_too_many_scans():
    data = pf.jpeg((64, 48))
    sos = data.index(b"\xff\xda")
    scan = data[sos:-2]
    refused(data[:sos] + scan * 101 + b"\xff\xd9", "corrupt", LAX)


def test_corrupt_rejected_when_too_many_segments():
    data = pf.jpeg((320, 240))
    refused(data[:2] + b"\xff\xfe\x00\x02" * 5000 + data[2:], "corrupt", LAX)


def test_unsupported_rejected_when_two_components():
    data = pf.jpeg((320, 240), mode="L")
    at = data.index(b"\xff\xc0")
    # rewrite the SOF to declare 2 components (the extra component spec is appended)
    length = struct.unpack(">H", data[at + 2 : at + 4])[0]
    sof = data[at + 4 : at + 2 + length]
    forged = b"\xff\xc0" + struct.pack(">H", length + 3) + sof[:5] + b"\x02" + sof[6:] + b"\x02\x11\x00"
    refused(data[:at] + forged + data[at + 2 + length :], "unsupported", LAX)


# --- 6. dpi ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("dpi", [72, 299])
def test_low_dpi_rejected_below_minimum(dpi):
    error = refused(pf.jpeg(dpi=dpi), "low_dpi")
    assert error.message == (
        f"照片分辨率为 {dpi} dpi，要求不低于 300 dpi。可用图片软件将分辨率改为 300 dpi（像素不变）后重新上传"
    )


def test_dpi_accepts_exactly_minimum():
    assert check(pf.jpeg(dpi=300)).dpi == 300


def test_dpi_accepts_dots_per_cm_118_as_300():
    result = check(pf.set_jfif_density(pf.jpeg(), 2, 118))
    assert (result.dpi, result.dpi_source) == (300, "jfif")


def test_low_dpi_rejected_when_117_dots_per_cm():
    assert "照片分辨率为 297 dpi" in refused(pf.set_jfif_density(pf.jpeg(), 2, 117), "low_dpi").message


def test_missing_dpi_rejected_when_no_density():
    error = refused(pf.jpeg(dpi=None), "missing_dpi")
    assert error.message.startswith("照片未标注分辨率（dpi），要求不低于 300 dpi。")


def test_missing_dpi_rejected_when_no_jfif_and_no_exif():
    refused(pf.without_jfif(pf.jpeg()), "missing_dpi")


@pytest.mark.parametrize(("unit", "value"), [(1, 0), (2, 0), (2, 65535), (1, 10001), (0, 300)])
def test_missing_dpi_rejected_when_jfif_density_absurd(unit, value):
    refused(pf.set_jfif_density(pf.jpeg(), unit, value), "missing_dpi")


def test_dpi_uses_lower_of_unequal_jfif_densities():
    assert "照片分辨率为 150 dpi" in refused(pf.set_jfif_density(pf.jpeg(), 1, 300, 150), "low_dpi").message


def test_dpi_read_from_exif_inches():
    data = pf.insert_exif(
        pf.jpeg(dpi=None), pf.exif_block(x_resolution=300, y_resolution=300, resolution_unit=2)
    )
    result = check(data)
    assert (result.dpi, result.dpi_source) == (300, "exif")


def test_dpi_read_from_exif_without_unit_as_inches():
    data = pf.insert_exif(pf.jpeg(dpi=None), pf.exif_block(x_resolution=350))
    assert check(data).dpi == 350


def test_dpi_read_from_exif_centimetres():
    data = pf.insert_exif(
        pf.jpeg(dpi=None), pf.exif_block(x_resolution=118, y_resolution=118, resolution_unit=3)
    )
    assert check(data).dpi == 300


def test_dpi_prefers_exif_when_jfif_disagrees_higher():
    data = pf.insert_exif(
        pf.jpeg(dpi=72), pf.exif_block(x_resolution=300, y_resolution=300, resolution_unit=2)
    )
    result = check(data)
    assert (result.dpi, result.dpi_source) == (300, "exif")


def test_low_dpi_prefers_exif_when_jfif_disagrees_lower():
    data = pf.insert_exif(
        pf.jpeg(dpi=300), pf.exif_block(x_resolution=72, y_resolution=72, resolution_unit=2)
    )
    assert "照片分辨率为 72 dpi" in refused(data, "low_dpi").message


@pytest.mark.parametrize(
    "exif",
    [
        {"x_resolution": (0, 0), "y_resolution": (0, 0), "resolution_unit": 2},
        {"x_resolution": (300, 0), "resolution_unit": 2},
        {"x_resolution": 0, "resolution_unit": 2},
        {"x_resolution": 20000, "resolution_unit": 2},
        {"x_resolution": 0.5, "resolution_unit": 2},
        {"x_resolution": 300, "resolution_unit": 1},
        {"x_resolution": 300, "resolution_unit": 7},
    ],
    ids=["zero-over-zero", "zero-denominator", "zero", "absurd", "below-one", "no-unit", "bad-unit"],
)
def test_dpi_falls_back_to_jfif_when_exif_unusable(exif):
    result = check(pf.insert_exif(pf.jpeg(dpi=300), pf.exif_block(**exif)))
    assert (result.dpi, result.dpi_source) == (300, "jfif")


def test_missing_dpi_rejected_when_exif_absurd_and_no_jfif():
    refused(
        pf.insert_exif(pf.jpeg(dpi=None), pf.exif_block(x_resolution=(65535, 1), resolution_unit=3)),
        "missing_dpi",
    )


def test_fix_policy_accepts_72_dpi():
    result = check(pf.jpeg(dpi=72), FIX)
    assert (result.dpi, result.dpi_source, result.dpi_needs_fix) == (72, "jfif", True)


def test_fix_policy_accepts_missing_dpi():
    result = check(pf.jpeg(dpi=None), FIX)
    assert (result.dpi, result.dpi_source, result.dpi_needs_fix) == (None, None, True)


def test_fix_policy_leaves_good_dpi_alone():
    assert check(pf.jpeg(dpi=300), FIX).dpi_needs_fix is False


def test_fix_policy_relabelled_original_passes_reject_policy():
    data = pf.jpeg(dpi=72)
    assert check(data, FIX).dpi_needs_fix
    out = io.BytesIO()
    write_clean_original(data, out, relabel_dpi=300)
    relabelled = out.getvalue()
    result = check(relabelled, RULES)
    assert (result.dpi, result.dpi_needs_fix) == (300, False)
    assert pf.decode(relabelled).tobytes() == pf.decode(data).tobytes()


def test_fix_policy_relabelled_exif_photo_passes_reject_policy():
    exif = pf.exif_block(x_resolution=72, y_resolution=72, resolution_unit=2, orientation=6)
    data = pf.insert_exif(pf.jpeg(dpi=72), exif)
    out = io.BytesIO()
    write_clean_original(data, out, relabel_dpi=300)
    result = check(out.getvalue())
    assert (result.dpi, result.dpi_source, result.orientation) == (300, "exif", 6)


def test_photo_rejected_survives_pickling():
    error = refused(pf.jpeg(dpi=72), "low_dpi")
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own bytes
    assert (copy.message, copy.code, copy.params) == (error.message, "low_dpi", {"dpi": 72, "min": 300})
    assert str(copy) == error.message


def test_dpi_policy_rejects_unknown_name():
    with pytest.raises(ValueError, match="dpi_policy"):
        PhotoRules(dpi_policy="ignore")


# --- metadata and payloads -------------------------------------------------------------------------------


def test_taken_at_read_from_exif():
    result = check(pf.jpeg(exif=(("taken_at", "2024:05:01 08:30:00"),)))
    assert result.taken_at == datetime(2024, 5, 1, 8, 30)


@pytest.mark.parametrize("value", ["0000:00:00 00:00:00", "not a date", "    :  :     :  :  "])
def test_taken_at_none_when_unparseable(value):
    assert check(pf.jpeg(exif=(("taken_at", value),))).taken_at is None


def test_script_in_exif_description_is_data():
    result = check(pf.jpeg(exif=(("description", "<script>alert('x')</script>"),)))
    assert result.width == 3000


def test_trailing_payload_accepted_and_counted():
    payload = b"PK\x03\x04" + b"secret zip payload" * 100
    result = check(pf.jpeg() + payload)
    assert result.trailing_bytes == len(payload)


def test_comment_payload_accepted():
    assert check(pf.insert_comment(pf.jpeg(), b"<?php system($_GET['c']); ?>")).width == 3000


@pytest.mark.filterwarnings("ignore::UserWarning")  # Pillow warns about the broken EXIF
def test_corrupt_exif_treated_as_absent():
    broken = b"Exif\x00\x00MM\x00*\x00\x00\xff\xff" + bytes(40)
    result = check(pf.insert_exif(pf.jpeg(), broken))
    assert (result.orientation, result.dpi_source) == (1, "jfif")


# --- 7. hostile input never escapes as another exception ------------------------------------------------


def _outcome(data: bytes, rules: PhotoRules = LAX) -> str:
    try:
        check(data, rules)
    except PhotoRejected as error:
        assert error.code.isascii() and error.message
        return error.code
    return "ok"


@pytest.mark.filterwarnings("ignore::UserWarning")  # Pillow warns about the broken EXIF
def test_hostile_mutations_only_raise_photo_rejected():
    base = pf.jpeg((160, 120), exif=(("orientation", 6), ("x_resolution", 300)), progressive=True)
    rnd = random.Random(7)
    codes = set()
    for _ in range(300):
        data = bytearray(base)
        for _ in range(rnd.randint(1, 8)):
            data[rnd.randrange(len(data))] = rnd.randrange(256)
        codes.add(_outcome(bytes(data)))
    assert codes <= {
        "ok",
        "corrupt",
        "truncated",
        "unsupported",
        "inconsistent",
        "too_many_pixels",
        "not_jpeg",
    }


def test_hostile_truncations_only_raise_photo_rejected():
    base = pf.jpeg((160, 120))
    for cut in range(100, len(base) - 1, 37):
        assert _outcome(base[:cut]) in {"truncated", "corrupt", "empty"}


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(min_size=0, max_size=600))
def test_hostile_random_bytes_after_jpeg_magic(tail):
    _outcome(b"\xff\xd8\xff" + tail)


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=0, max_value=0xFFFF), st.integers(min_value=0, max_value=0xFFFF))
def test_hostile_forged_dimensions(width, height):
    data = pf.forge_dimensions(pf.jpeg((64, 48)), width, height)
    assert _outcome(data, RULES) in {
        "too_many_pixels",
        "inconsistent",
        "too_small",
        "truncated",
        "unsupported",
    }


def test_hostile_long_ff_run_is_fast():
    data = pf.jpeg((64, 48))
    sos = data.index(b"\xff\xda")
    in_header = data[:sos] + b"\xff" * 5_000_000 + data[sos:]
    in_scan = data[:-2] + b"\xff" * 5_000_000 + b"\xff\xd9"
    after_end = data + b"\xff" * 5_000_000
    started = time.perf_counter()
    assert _outcome(in_header) == "corrupt"
    assert _outcome(in_scan) == "ok"
    assert _outcome(after_end) == "ok"
    assert time.perf_counter() - started < 5  # quadratic behaviour would take minutes


def test_corrupt_rejected_when_header_has_much_garbage():
    data = pf.jpeg((64, 48))
    at = 2 + 2 + struct.unpack(">H", data[4:6])[0]
    assert _outcome(data[:at] + b"\x00" * 4000 + data[at:]) == "ok"
    assert _outcome(data[:at] + b"\x00" * 5000 + data[at:]) == "corrupt"


# --- 8. streaming: memory does not grow with the file ---------------------------------------------------

BIG_PAYLOAD = os.urandom(3 * CHUNK_SIZE + 777) + b"\xff\xd8\xff\xd9"


def test_validate_reads_the_file_object_itself_in_bounded_chunks():
    image = pf.jpeg()
    stream = pf.RecordingStream(image + BIG_PAYLOAD)
    result = validate_photo(stream, RULES)
    assert result.trailing_bytes == len(BIG_PAYLOAD)
    # Every read asks for a bounded amount (no read() of everything) ...
    assert stream.requests and all(0 < n <= CHUNK_SIZE for n in stream.requests)
    # ... the walker and Pillow each go through the image once, and the tail is measured by seeking.
    assert stream.bytes_read <= 2 * len(image) + 2 * CHUNK_SIZE
    assert not stream.closed and stream.tell() == 0


def test_validate_non_seekable_stream_with_payload_larger_than_a_chunk():
    image = pf.jpeg()
    stream = pf.RecordingStream(image + BIG_PAYLOAD, seekable=False)
    result = validate_photo(stream, RULES, size=len(image) + len(BIG_PAYLOAD))
    assert (result.size, result.trailing_bytes) == (len(image) + len(BIG_PAYLOAD), len(BIG_PAYLOAD))
    assert all(0 < n <= CHUNK_SIZE for n in stream.requests)


def test_validate_non_seekable_oversized_stream_read_only_to_the_limit():
    rules = PhotoRules(max_file_bytes=2 * MB)
    stream = pf.RecordingStream(pf.jpeg() * 5, seekable=False)
    refused_file(stream, "too_large", rules)
    assert stream.bytes_read <= 2 * MB + 1


@pytest.mark.parametrize("kind", ["baseline", "mpo", "progressive"])
def test_validate_temporary_uploaded_file_stays_open_for_cleaning(kind):
    # What a request holds after Django streamed a body over FILE_UPLOAD_MAX_MEMORY_SIZE to disk.
    data = {"baseline": pf.jpeg(), "mpo": pf.mpo(), "progressive": pf.jpeg(progressive=True)}[kind]
    upload = TemporaryUploadedFile("photo.jpg", "image/jpeg", len(data), None)
    try:
        upload.write(data)
        upload.flush()
        result = validate_photo(upload, RULES, size=upload.size)
        assert result.is_mpo is (kind == "mpo")
        assert not upload.closed and upload.tell() == 0  # Pillow closes the file of an image it closes
        out = io.BytesIO()
        write_clean_original(upload, out)
        assert pf.decode(out.getvalue()).tobytes() == pf.decode(data).tobytes()
    finally:
        upload.close()


def test_validate_restart_markers_across_chunks():
    data = pf.restart_jpeg(pf.BASE)
    assert len(data) > 2 * CHUNK_SIZE
    assert check(data).width == 3000


def test_validate_memory_does_not_grow_with_file_size(tmp_path):
    # Python-heap peak (tracemalloc) while validating a 0.35 MB and a ~13 MB file of the same photo size
    # from disk: about one chunk either way. (Pillow's 1/8-scale image lives outside the Python heap, and
    # is the same size for both; bench/bench_photos.py measures the process RSS.)
    peaks = []
    for data in (pf.jpeg(quality=50), pf.jpeg(quality=100) + os.urandom(8_000_000)):
        path = tmp_path / "photo.jpg"
        path.write_bytes(data)
        with path.open("rb") as fh:
            tracemalloc.start()
            try:
                validate_photo(fh, LAX)
                peaks.append(tracemalloc.get_traced_memory()[1])
            finally:
                tracemalloc.stop()
    assert max(peaks) < 4 * CHUNK_SIZE, peaks
    assert abs(peaks[1] - peaks[0]) < CHUNK_SIZE, peaks
