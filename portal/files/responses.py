import logging
import os
import re
import unicodedata
from urllib.parse import quote

from django.conf import settings
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect

from portal.files.registry import ServedFile

logger = logging.getLogger(__name__)

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def ascii_fallback_name(name: str, default: str = "download") -> str:
    """An ASCII-only file name for old clients: accents folded, everything else replaced by '_'."""
    stem, ext = os.path.splitext(os.path.basename(name.replace("\\", "/")))
    folded = unicodedata.normalize("NFKD", stem).encode("ascii", "ignore").decode()
    stem = _UNSAFE.sub("_", folded).strip("._") or default
    ext = _UNSAFE.sub("", ext)[:10]
    return f"{stem[:80]}{ext}"


def content_disposition(name: str, *, inline: bool = False, ascii_name: str = "") -> str:
    """Both an ASCII `filename` and the RFC 5987 UTF-8 `filename*`, as RFC 6266 recommends."""
    disposition = "inline" if inline else "attachment"
    # Control and bidi-override characters never reach a header or a saved file name.
    cleaned = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    # No directory part, and no dot-only name ("..") or leading/trailing dots and spaces (hidden on Unix,
    # dropped by Windows).
    cleaned = os.path.basename(cleaned.replace("\\", "/")).strip(" .") or "download"
    # A Chinese name folds to little more than its punctuation ("--20261201.zip"): a caller that knows
    # better gives its own ASCII name.
    fallback = ascii_fallback_name(ascii_name or cleaned)
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(cleaned, safe='')}"


def private_file_response(served: ServedFile) -> HttpResponse:
    """Serve a private file: through nginx (X-Accel-Redirect), Apache (X-Sendfile), a presigned S3 URL
    (redirect) or Django itself; always after the resolver's permission check."""
    mode = settings.PORTAL_SERVE_FILES_WITH
    storage_name = served.file.name
    disposition = content_disposition(served.download_name, inline=served.inline, ascii_name=served.ascii_name)
    if mode == "redirect" and not served.inline:
        return _presigned_redirect(served, disposition)
    if mode == "x-accel-redirect":
        response = HttpResponse(content_type=served.content_type)
        response["X-Accel-Redirect"] = settings.PORTAL_X_ACCEL_PREFIX.rstrip("/") + "/" + quote(storage_name)
    elif mode == "x-sendfile":
        response = HttpResponse(content_type=served.content_type)
        response["X-Sendfile"] = served.file.storage.path(storage_name)
    else:
        # Also the inline display copies under `redirect`: they are small (a preview is ~300 KB), and a
        # stable same-origin URL keeps the browser's cache and CSP's img-src 'self' working, where a
        # presigned URL changes with every page view.
        try:
            served.file.open("rb")
        except FileNotFoundError:
            # The row outlived its file (e.g. a database restored without its files): a logged 404, not a 500.
            logger.error("private file %s is missing from storage", storage_name)
            raise Http404 from None
        response = FileResponse(served.file, content_type=served.content_type)
    response["Content-Disposition"] = disposition
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, max-age=3600" if served.inline else "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def _presigned_redirect(served: ServedFile, disposition: str) -> HttpResponse:
    """A 302 to a presigned GET of the object, valid PORTAL_S3_URL_EXPIRY seconds.

    Chosen over streaming through the app for attachments (originals, exports): a 5 MB photo or a
    multi-GB archive then ties up no gunicorn worker; the bucket stays private (every URL is signed and
    expires), and S3 itself answers with our Content-Disposition and Content-Type.
    """
    storage = served.file.storage
    storage_name = served.file.name
    # Signing does not look at the bucket: ask first, so a missing file is our logged 404, not S3's XML.
    if not storage.exists(storage_name):
        logger.error("private file %s is missing from storage", storage_name)
        raise Http404
    url = storage.url(storage_name, expire=settings.PORTAL_S3_URL_EXPIRY, parameters={
        "ResponseContentDisposition": disposition,
        "ResponseContentType": served.content_type,
    })
    response = HttpResponseRedirect(url)
    # The URL expires within a minute: neither the browser nor a proxy may keep the redirect.
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response
