"""JPEG photo validation, lossless cleaning and display derivatives for campaign submissions."""

from .derivatives import make_derivative
from .jpeg_segments import (
    JpegStructureError,
    JpegTruncatedError,
    write_clean_original,
    write_without_metadata,
)
from .validation import PhotoCheck, PhotoRejected, PhotoRules, photo_rules_for, validate_photo

__all__ = [
    "JpegStructureError",
    "JpegTruncatedError",
    "PhotoCheck",
    "PhotoRejected",
    "PhotoRules",
    "make_derivative",
    "photo_rules_for",
    "validate_photo",
    "write_clean_original",
    "write_without_metadata",
]
