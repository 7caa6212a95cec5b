"""Perceptual hashes of photos, for near-duplicate detection (a re-saved, resized or lightly cropped copy
of another entry's photo, or of a past campaign's).

pHash (imagehash: DCT of a 32×32 greyscale, 64 bits) is computed from a display copy the derivatives task
has just made from the reduced decode, never from a second full decode of the original. It is stored as a
signed 64-bit integer (a PostgreSQL bigint); distance is the Hamming distance of two hashes.
"""

from typing import BinaryIO

import imagehash
from PIL import Image

_SIGN = 1 << 63
_WRAP = 1 << 64


def to_signed(value: int) -> int:
    """An unsigned 64-bit hash as the signed integer a bigint column holds."""
    return value - _WRAP if value >= _SIGN else value


def phash64(fileobj: BinaryIO | Image.Image) -> int:
    """The pHash of an image (a file object or an opened image), as a signed 64-bit integer."""
    image = fileobj if isinstance(fileobj, Image.Image) else Image.open(fileobj)
    bits = imagehash.phash(image).hash.flatten()
    value = 0
    for bit in bits:
        value = (value << 1) | int(bit)
    return to_signed(value)


def hamming(a: int, b: int) -> int:
    """The number of differing bits of two signed 64-bit hashes."""
    return ((a ^ b) & (_WRAP - 1)).bit_count()
