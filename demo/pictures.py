"""Small demo JPEGs for the ledger's and the tips' photos (no size or dpi rule applies to them).

Each call draws a different picture (its own colour and mark), so no two photos of one record are the
same file: the services refuse a photo uploaded twice.
"""

import io
import itertools

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

SIZE = (1200, 900)
_numbers = itertools.count(1)


def demo_jpeg(*, after: bool = False) -> SimpleUploadedFile:
    """A phone-like JPEG: a warm scene for a hazard, a green one for its rectification."""
    n = next(_numbers)
    base = (90 + n * 37 % 120, 140 + n * 13 % 80, 60) if after else (170 + n * 29 % 80, 90 + n * 17 % 60, 40)
    image = Image.new("RGB", SIZE, base)
    draw = ImageDraw.Draw(image)
    x = 100 + n * 71 % 800
    draw.rectangle((x, 200, x + 300, 600), outline=(255, 255, 255), width=12)
    draw.ellipse((x + 80, 320, x + 220, 460), fill=(250, 230, 40) if not after else (40, 200, 90))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return SimpleUploadedFile(f"IMG_{n:04d}.jpg", buffer.getvalue(), content_type="image/jpeg")
