"""A reportlab canvas whose memory does not grow with the photos it draws (the 作品集 of 200 entries).

reportlab keeps a document in memory until `save()`: every image object holds its JPEG bytes from the
moment it is drawn, and at `save()` every object is formatted into a list of byte strings that is joined
into one copy of the whole file before it is written. For an album of 200 entries with four photos each
that is the size of the PDF two or three times over (~200–250 MB measured before this module).

Two changes, both through reportlab's documented object model (PDFObject.format(document) is called once
per indirect object, in object-number order, while the file is being written):

- `FileJpeg`: an image XObject that only knows a JPEG file on disk (its size and colour components read
  from the header) and reads the bytes when the object is formatted, then deletes the file. The page
  keeps the drawing operator; the photo's bytes are in memory for the time it takes to write them.
- `_WriteThrough`: an empty object registered right after the canvas is made; when reportlab formats it,
  it hands what was collected so far to the output stream and makes reportlab's collector write every
  further object straight into the stream. The final join then joins nothing.

Offsets (the cross-reference table) are still counted by reportlab, so the file is the one reportlab
would have joined in memory, plus one `null` object. tests/review/exhibition/test_pdf_stream.py reads the
file back and measures the memory, so an upgrade of reportlab that changes these internals fails a test
instead of the album.
"""

from __future__ import annotations

import os
from typing import BinaryIO

from reportlab.pdfbase.pdfdoc import PDFImageXObject, PDFObject
from reportlab.pdfbase.pdfutils import readJPEGInfo
from reportlab.pdfgen.canvas import Canvas

COLOUR_SPACES = {1: "DeviceGray", 3: "DeviceRGB", 4: "DeviceCMYK"}


class FileJpeg(PDFImageXObject):
    """A JPEG image XObject read from `path` only while it is written out; the file is deleted then."""

    def __init__(self, name: str, path: str):
        super().__init__(name)  # no source: reportlab's placeholder, replaced below
        with open(path, "rb") as file:
            self.width, self.height, components = readJPEGInfo(file)[:3]
        self.path = path
        self.bitsPerComponent = 8
        self.colorSpace = COLOUR_SPACES[components]
        if components == 4:
            self._dotrans = 1  # Adobe's inverted CMYK, as reportlab's own JPEG loader does
        self._filters = ("DCTDecode",)  # the bytes as they are, never ASCII85: binary PDF
        self.mask = None
        self.streamContent = b""

    def format(self, document) -> bytes:
        with open(self.path, "rb") as file:
            self.streamContent = file.read()
        try:
            return super().format(document)
        finally:
            self.streamContent = b""
            os.remove(self.path)


class _WriteThrough(PDFObject):
    """Formatted as `null`; switches reportlab's output collector to write into `out` from then on."""

    def __init__(self, out: BinaryIO):
        self.out = out

    def format(self, document) -> bytes:
        collector = document.__accum__  # reportlab: "allows objects to know where they are in the file"
        for chunk in collector.strings:
            self.out.write(chunk)
        collector.strings.clear()
        collector.write = self.out.write
        return b"null"


class StreamingCanvas(Canvas):
    """A Canvas writing into the binary stream `out` as it saves, and drawing photos from files."""

    def __init__(self, out: BinaryIO, **kwargs):
        super().__init__(out, **kwargs)
        self._doc.Reference(_WriteThrough(out))
        self._file_images = 0

    def draw_jpeg_file(self, path: str, x: float, y: float, width: float, height: float) -> None:
        """Draw the JPEG file at `path` into the box (x, y, width, height), scaled to fill it (the caller
        keeps the proportions). The file is taken over: it is read and deleted when the PDF is saved."""
        self._file_images += 1
        name = f"AlbumPhoto{self._file_images}"
        image = FileJpeg(name, path)
        self._setXObjects(image)
        self._doc.addForm(name, image)
        self._currentPageHasImages = 1
        self.saveState()
        self.translate(x, y)
        self.scale(width, height)
        self._code.append(f"/{self._doc.getXObjectName(name)} Do")
        self.restoreState()
        self._formsinuse.append(name)
