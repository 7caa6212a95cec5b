"""Pictures in a python-docx document without keeping them in memory (the 作品集's Word file).

python-docx keeps every picture's bytes in its package until `save()` (and compares each new picture's
SHA-1 with every earlier one's, hashing them all again each time). For the album's 200 entries that is
the whole file's photos in memory. `DeferredPictures` adds a picture as python-docx does (so the size,
relationship and drawing XML are its own), then replaces the part's bytes with a short unique marker and
remembers the scratch file that holds the photo. `write()` saves the document to a temporary file and
copies it member by member into the output, putting each photo's file in place of its marker: memory
holds the document's XML and one photo at a time.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import zipfile
from typing import BinaryIO

CHUNK = 1024 * 1024


class DeferredPictures:
    """Pictures of one document, drawn from scratch files that are read when the file is written."""

    def __init__(self, document):
        self.document = document
        self.files: dict[str, str] = {}  # zip member name (word/media/imageN.jpeg) → scratch file

    def add(self, run, path: str, *, width) -> None:
        """Add the JPEG at `path` to `run` at `width`; the file is taken over (deleted once written)."""
        shape = run.add_picture(path, width=width)
        relationship = shape._inline.graphic.graphicData.pic.blipFill.blip.embed
        part = self.document.part.related_parts[relationship]
        member = part.partname.lstrip("/")
        part._blob = f"deferred-picture:{member}".encode()  # unique: python-docx never merges two of them
        part._image = None
        self.files[member] = path

    def write(self, out: BinaryIO) -> None:
        """Save the document into `out`, each deferred picture's bytes streamed from its file."""
        with tempfile.TemporaryFile() as saved:
            self.document.save(saved)
            saved.seek(0)
            with zipfile.ZipFile(saved) as source, \
                    zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
                for info in source.infolist():
                    path = self.files.get(info.filename)
                    copied = zipfile.ZipInfo(info.filename, date_time=info.date_time)
                    # a JPEG does not deflate: stored as it is
                    copied.compress_type = zipfile.ZIP_DEFLATED if path is None else zipfile.ZIP_STORED
                    with (source.open(info) if path is None else open(path, "rb")) as member, \
                            target.open(copied, "w") as copy:
                        shutil.copyfileobj(member, copy, CHUNK)
                    if path is not None:
                        os.remove(path)
