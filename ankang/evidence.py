"""Evidence files of an activity record through the project's hostile-file defences. The format is judged
from the bytes (submissions.photos.detect_format), never from the file name:

- JPEG photos go through the ledger's photo defences as they are (hazards.photos: validated, cleaned,
  metadata-free preview);
- PNG pictures (screenshots, scans) are decoded under the programme's size and pixel caps, flattened and
  re-encoded as JPEG (dropping every text chunk and profile), then go through the same defences;
- PDF documents (scanned sign-in sheets, notices) are parsed with pypdf under the size cap and a page cap,
  refused when encrypted, and rewritten page by page into a fresh file: the document catalogue (open
  actions, JavaScript, embedded files, forms, metadata) is not copied and each page loses its annotations
  and actions. Only the rewritten file is stored; it is served as a download, never inline."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError

from portal.refusals import Refused
from submissions.photos.validation import detect_format

ACCEPTED = ("JPEG", "MPO", "PNG", "PDF")
# A scanned document of an activity runs to a few pages; more is not evidence of one activity.
MAX_PDF_PAGES = 50
PNG_AS_JPEG_QUALITY = 92
PAGE_KEYS_DROPPED = ("/Annots", "/AA")


@dataclass(frozen=True)
class CleanedDocument:
    content: bytes
    sha256: str
    size: int


def evidence_format(upload) -> str | None:
    """The format of `upload` by its bytes; refused when it is none the evidence accepts."""
    found = detect_format(upload)
    upload.seek(0)
    if found is not None and found not in ACCEPTED:
        raise Refused(_("佐证材料只接受 JPEG、PNG 照片或 PDF 文件（检测到 %(f)s）。") % {"f": found},
                      code="bad_format")
    return found


def _too_big(upload, programme) -> None:
    size = getattr(upload, "size", None)
    if size is not None and size > programme.photo_max_file_mb * 1024 * 1024:
        raise Refused(_("文件超过%(n)sMB，请压缩后上传。") % {"n": programme.photo_max_file_mb}, code="too_large")


def png_as_jpeg(upload, programme) -> SimpleUploadedFile:
    """A PNG decoded under the programme's caps and re-encoded as a JPEG upload for hazards.photos."""
    _too_big(upload, programme)
    try:
        with Image.open(upload) as image:
            if image.width * image.height > programme.photo_max_megapixels * 1_000_000:
                raise Refused(_("图片像素过大（%(w)d×%(h)d），请缩小后上传。") % {"w": image.width, "h": image.height},
                              code="too_many_pixels")
            image.load()
            rgba = image.convert("RGBA")
    except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
        raise Refused(_("PNG 图片已损坏，无法读取，请重新上传。"), code="corrupt") from None
    flat = Image.new("RGB", rgba.size, "white")
    flat.paste(rgba, mask=rgba.getchannel("A"))
    out = io.BytesIO()
    flat.save(out, "JPEG", quality=PNG_AS_JPEG_QUALITY)
    return SimpleUploadedFile("evidence.jpg", out.getvalue(), content_type="image/jpeg")


def cleaned_pdf(upload, programme) -> CleanedDocument:
    """The PDF rewritten page by page without catalogue, annotations or actions; Refused when it is
    damaged, encrypted, too large or too long."""
    _too_big(upload, programme)
    try:
        reader = PdfReader(upload, strict=False)
        if reader.is_encrypted:
            raise Refused(_("PDF 文件已加密，请上传未加密的文件。"), code="encrypted")
        if len(reader.pages) > MAX_PDF_PAGES:
            raise Refused(_("PDF 文件超过%(n)s页，请只上传与本次活动有关的页。") % {"n": MAX_PDF_PAGES},
                          code="too_many_pages")
        writer = PdfWriter()
        for page in reader.pages:
            for key in PAGE_KEYS_DROPPED:
                page.pop(key, None)
            writer.add_page(page)
        out = io.BytesIO()
        writer.write(out)
    except Refused:
        raise
    except (PyPdfError, OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        raise Refused(_("PDF 文件已损坏，无法读取，请重新上传。"), code="corrupt") from None
    content = out.getvalue()
    return CleanedDocument(content=content, sha256=hashlib.sha256(content).hexdigest(), size=len(content))
