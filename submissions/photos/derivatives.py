"""Display copies (thumbnails, previews) of validated photos: upright, sRGB, metadata-free JPEGs."""

from __future__ import annotations

import io
from typing import BinaryIO

from PIL import Image, ImageOps, JpegImagePlugin

try:  # Pillow wheels ship LittleCMS, but a source build may not
    from PIL import ImageCms
except ImportError:  # pragma: no cover
    ImageCms = None

# Derivatives are made from photos that passed validation; this is only a backstop against being
# handed something else. Matches the default PhotoRules.max_megapixels.
MAX_SOURCE_PIXELS = 200_000_000

# After the reduced decode the remaining downscale is by less than 2x. Pillow's bilinear is a proper
# (antialiased) triangle filter at that ratio; bicubic is a little closer to a full-size Lanczos
# reference but costs ~20 ms more per 1600 px preview, which breaks the 120 ms budget for a 12 MP photo
# on the CI machine (the decode alone takes ~60 ms). Huffman-optimised output would add another ~10 ms
# for ~5 % fewer bytes. Figures: docs/perf/photos.md.
RESAMPLE = Image.Resampling.BILINEAR

_SRGB = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")) if ImageCms else None


def make_derivative(fileobj: BinaryIO | bytes, max_side: int, quality: int = 85) -> bytes:
    """Return a baseline JPEG of the photo, upright, RGB, at most ``max_side`` pixels on its long side.

    Decodes at the smallest libjpeg scale (1/8, 1/4, 1/2) whose result is still at least the target
    size, applies the EXIF orientation, converts to sRGB through the embedded ICC profile when there is
    one, and writes no EXIF, XMP, ICC profile or comment: the output carries pixels only.
    Raises ValueError for sources larger than MAX_SOURCE_PIXELS and Pillow's errors for broken files.
    """
    if max_side < 1:
        raise ValueError("max_side must be positive")
    fp = io.BytesIO(fileobj) if isinstance(fileobj, bytes | bytearray | memoryview) else fileobj
    fp.seek(0)
    # Pillow's JPEG plugin directly: Image.open's bomb check would refuse legitimate 200 MP photos.
    with JpegImagePlugin.jpeg_factory(fp) as im:
        if im.width * im.height > MAX_SOURCE_PIXELS:
            raise ValueError(f"{im.width}x{im.height} is over the derivative source limit")
        icc = im.info.get("icc_profile")
        im.draft(im.mode, _fit(im.size, max_side))
        im.load()
        target = _fit(im.size, max_side)
        # Resize before turning: the turn then moves the small image, and no full-size copy is made.
        # The resized image keeps the source's info, EXIF orientation included.
        small = im.resize(target, RESAMPLE) if im.size != target else im.copy()
    ImageOps.exif_transpose(small, in_place=True)
    rgb = _to_srgb(small, icc)
    rgb.info = {}  # Pillow would otherwise carry a JPEG comment over into the new file
    out = io.BytesIO()
    rgb.save(out, "JPEG", quality=quality, progressive=False, optimize=False)
    return out.getvalue()


def _fit(size: tuple[int, int], max_side: int) -> tuple[int, int]:
    w, h = size
    long_side = max(w, h)
    if long_side <= max_side:
        return w, h
    return max(1, round(w * max_side / long_side)), max(1, round(h * max_side / long_side))


def _to_srgb(im: Image.Image, icc: bytes | None) -> Image.Image:
    """Convert to RGB, through the embedded ICC profile so Display P3 or CMYK colours survive.

    The output has no profile, and browsers take untagged JPEGs as sRGB. Unusable profiles fall back
    to Pillow's plain conversion.
    """
    if icc and ImageCms is not None and im.mode in ("RGB", "CMYK", "L"):
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
            if not ImageCms.getProfileDescription(source).strip().startswith("sRGB"):
                converted = ImageCms.profileToProfile(im, source, _SRGB, outputMode="RGB")
                if converted is not None:
                    return converted
        except (ImageCms.PyCMSError, OSError, ValueError, TypeError):
            pass  # broken or mismatched profile: plain conversion below
    return im if im.mode == "RGB" else im.convert("RGB")
