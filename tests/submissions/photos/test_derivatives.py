"""make_derivative: upright, RGB, small, metadata-free display copies."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageChops, ImageCms, ImageOps, ImageStat, JpegImagePlugin

from submissions.photos import derivatives
from submissions.photos.derivatives import make_derivative
from submissions.photos.jpeg_segments import APP0, APP14, COM, walk
from tests.factories import photos as pf

SRGB_ICC = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def opened(data: bytes) -> Image.Image:
    im = Image.open(io.BytesIO(data))
    im.load()
    return im


def header_markers(data: bytes) -> set[int]:
    return {s.marker for s in walk(data).segments if s.marker is not None}


def mean_difference(a: Image.Image, b: Image.Image) -> float:
    return sum(ImageStat.Stat(ImageChops.difference(a.convert("RGB"), b.convert("RGB"))).mean) / 3


def reference(data: bytes, size: tuple[int, int]) -> Image.Image:
    """Full-size decode, transposed and resized: what the derivative should look like."""
    return ImageOps.exif_transpose(pf.decode(data)).convert("RGB").resize(size, Image.Resampling.LANCZOS)


@pytest.fixture(scope="module")
def busy_source() -> bytes:
    """A photo carrying everything a derivative must not: EXIF, XMP, ICC, comments, trailing bytes."""
    out = io.BytesIO()
    exif = pf.exif_block(
        description="<script>alert(1)</script>", taken_at="2024:05:01 08:30:00", x_resolution=300
    )
    pf.picture().save(
        out,
        "JPEG",
        quality=80,
        exif=exif.tobytes(),
        xmp=b"<x:xmpmeta>author Zhang San</x:xmpmeta>",
        icc_profile=SRGB_ICC,
        comment=b"shot on a phone",
        dpi=(300, 300),
    )
    return out.getvalue() + b"trailing payload"


def test_derivative_is_small_baseline_rgb(busy_source):
    out = make_derivative(busy_source, 1600)
    im = opened(out)
    assert (im.format, im.mode, im.size) == ("JPEG", "RGB", (1600, 1067))
    assert not im.info.get("progressive") and not im.info.get("progression")
    assert 0xC0 in header_markers(out) or 0xC1 in header_markers(out)  # sequential, not SOF2


def test_derivative_has_no_exif_xmp_icc_or_comment(busy_source):
    out = make_derivative(busy_source, 1600)
    markers = header_markers(out)
    assert COM not in markers
    assert not [m for m in markers if 0xE1 <= m <= 0xEF and m != APP14]  # only APP0 JFIF may remain
    assert markers & {APP0} == {APP0}
    for secret in (b"<script>", b"Zhang San", b"shot on a phone", b"2024:05:01", b"trailing payload"):
        assert secret not in out
    assert "icc_profile" not in opened(out).info


def test_derivative_looks_like_the_photo(busy_source):
    out = opened(make_derivative(busy_source, 1600))
    assert mean_difference(out, reference(busy_source, out.size)) < 3


@pytest.mark.parametrize("orientation", [6, 8])
def test_derivative_upright_for_rotated_photo(orientation):
    data = pf.jpeg(exif=(("orientation", orientation),))
    out = opened(make_derivative(data, 1600))
    assert out.size == (1067, 1600)
    assert mean_difference(out, reference(data, out.size)) < 3
    # and not the other quarter turn
    wrong = pf.decode(data).transpose(
        Image.Transpose.ROTATE_90 if orientation == 6 else Image.Transpose.ROTATE_270
    )
    assert mean_difference(out, wrong.resize(out.size)) > 10


def test_derivative_thumbnail_from_portrait():
    out = opened(make_derivative(pf.jpeg((2000, 3000)), 400))
    assert out.size == (267, 400)


def test_derivative_cmyk_becomes_rgb():
    data = pf.jpeg(mode="CMYK")
    out = opened(make_derivative(data, 1600))
    assert (out.mode, out.size) == ("RGB", (1600, 1067))
    assert mean_difference(out, reference(data, out.size)) < 4


def test_derivative_grayscale_becomes_rgb():
    out = opened(make_derivative(pf.jpeg(mode="L"), 800))
    assert out.mode == "RGB"
    r, g, b = out.split()
    assert (
        ImageChops.difference(r, g).getextrema()[1] <= 2 and ImageChops.difference(g, b).getextrema()[1] <= 2
    )


def test_derivative_progressive_source():
    out = opened(make_derivative(pf.jpeg(progressive=True), 1600))
    assert out.size == (1600, 1067) and not out.info.get("progressive")


def test_derivative_mpo_uses_first_frame():
    data = pf.mpo()
    out = opened(make_derivative(data, 800))
    assert out.format == "JPEG"
    assert mean_difference(out, pf.picture().resize(out.size, Image.Resampling.LANCZOS)) < 3


def test_derivative_never_upscales():
    assert opened(make_derivative(pf.jpeg((320, 240)), 1600)).size == (320, 240)


@pytest.mark.parametrize(("max_side", "scale"), [(400, 4), (1600, 1), (1000, 2), (375, 8)])
def test_derivative_decodes_at_smallest_sufficient_scale(monkeypatch, max_side, scale):
    seen = []
    original = JpegImagePlugin.JpegImageFile.draft

    def spy(self, mode, size):
        result = original(self, mode, size)
        seen.append(self.decoderconfig[0])
        return result

    monkeypatch.setattr(JpegImagePlugin.JpegImageFile, "draft", spy)
    out = opened(make_derivative(pf.jpeg(), max_side))
    assert seen == [scale]
    assert max(out.size) == max_side


def test_derivative_quality_changes_size():
    data = pf.jpeg()
    assert len(make_derivative(data, 1600, quality=50)) < len(make_derivative(data, 1600, quality=95))


def test_derivative_survives_unusable_icc_profile():
    for icc in (b"not a profile at all", ImageCms.ImageCmsProfile(ImageCms.createProfile("LAB")).tobytes()):
        out = io.BytesIO()
        pf.picture((640, 480)).save(out, "JPEG", icc_profile=icc)
        result = opened(make_derivative(out.getvalue(), 320))
        assert result.size == (320, 240) and "icc_profile" not in result.info


def test_derivative_accepts_file_object():
    assert opened(make_derivative(io.BytesIO(pf.jpeg((640, 480))), 320)).size == (320, 240)


def test_derivative_rejects_bad_max_side():
    with pytest.raises(ValueError):
        make_derivative(pf.jpeg((64, 48)), 0)


def test_derivative_refuses_oversized_source(monkeypatch):
    monkeypatch.setattr(derivatives, "MAX_SOURCE_PIXELS", 1000)
    with pytest.raises(ValueError, match="derivative source limit"):
        make_derivative(pf.jpeg((64, 48)), 32)


def test_derivative_ignores_pillow_global_bomb_limit(monkeypatch):
    data = pf.jpeg()
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 1000)
    out = make_derivative(data, 400)
    monkeypatch.undo()
    assert opened(out).size == (400, 267)
