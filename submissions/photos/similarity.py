"""Perceptual hashes of photos, for near-duplicate detection (a re-saved, resized or lightly cropped copy
of another entry's photo, or of a past campaign's).

pHash (imagehash: DCT of a 32×32 greyscale, 64 bits) is computed from a display copy the derivatives task
has just made from the reduced decode, never from a second full decode of the original. It is stored as a
signed 64-bit integer (a PostgreSQL bigint); distance is the Hamming distance of two hashes.
"""

from itertools import combinations
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


# Multi-index hashing: the 64 bits split into BANDS bands of 16 bits. Two hashes within distance d agree
# within d // BANDS bits on at least one band (pigeonhole), so a search looks up, per band, every 16-bit
# value that close to the query's band in an index, and checks the full distance on those rows only.
BANDS = 4
BAND_BITS = 16
BAND_MASK = (1 << BAND_BITS) - 1
# Above this per-band radius the value lists grow too long to beat a scan (radius 4: 2,517 values a band).
MAX_BAND_RADIUS = 4


def band(value: int, index: int) -> int:
    """Band `index` (0 = lowest bits) of a signed 64-bit hash, as SQL computes it: (h >> 16i) & 65535."""
    return (value >> (BAND_BITS * index)) & BAND_MASK


def band_neighbours(value: int, radius: int) -> list[int]:
    """Every 16-bit value within `radius` bits of `value`."""
    found = [value]
    for flips in range(1, radius + 1):
        for bits in combinations(range(BAND_BITS), flips):
            mask = 0
            for bit in bits:
                mask |= 1 << bit
            found.append(value ^ mask)
    return found
