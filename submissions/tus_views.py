"""The tus 1.0 protocol (core, creation, termination, expiration) for photo uploads: requests in,
the services of submissions.tus called, the protocol's status codes and headers out.

Scope: an entry is reached only through the author's own entries (404 otherwise), an upload only by the
user who created it (another user's upload is 404, like one that never existed). CSRF stays on: the page
script sends the form's token in X-CSRFToken on its same-origin requests. After the last PATCH (204) the
page GETs the upload URL for the re-rendered photo group, the same JSON the one-shot POST answers.
"""

import base64
import binascii
from datetime import UTC
from email.utils import format_datetime

from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from portal.refusals import Refused
from submissions import tus
from submissions.models import Photo, TusUpload
from submissions.views import _own_entry, _photo_response

TUS_VERSION = "1.0.0"
EXTENSIONS = "creation,termination,expiration"
# How a refusal code of the services answers in the protocol (tus-js-client retries 409 and 423 only).
# A refused photo answers 400 like the one-shot POST; a refusal of the entry's state 403.
STATUS = {"offset": 409, "busy": 409, "expired": 410, "too_big": 413, "too_long": 413,
          "permission_denied": 404, "incomplete": 409, "not_editable": 403, "phase_closed": 403,
          "forwarded": 403, "too_many": 403, "gone": 403}


def _tus(response: HttpResponse, upload: TusUpload | None = None) -> HttpResponse:
    response["Tus-Resumable"] = TUS_VERSION
    response["Cache-Control"] = "no-store"
    if upload is not None:
        response["Upload-Offset"] = str(upload.offset)
        response["Upload-Length"] = str(upload.length)
        response["Upload-Expires"] = format_datetime(upload.expires_at.astimezone(UTC), usegmt=True)
    return response


def _refusal(exc: Refused) -> HttpResponse:
    body = JsonResponse({"ok": False, "error": exc.message, "code": exc.code}, status=STATUS.get(exc.code, 400),
                        json_dumps_params={"ensure_ascii": False})
    return _tus(body)


def _options() -> HttpResponse:
    response = _tus(HttpResponse(status=204))
    response["Tus-Version"] = TUS_VERSION
    response["Tus-Extension"] = EXTENSIONS
    return response


def _version_refused(request) -> HttpResponse | None:
    """412 for a request that does not speak tus 1.0.0 (OPTIONS is exempt, as the protocol says)."""
    if request.method == "OPTIONS" or request.headers.get("Tus-Resumable") == TUS_VERSION:
        return None
    response = _tus(HttpResponse(status=412))
    response["Tus-Version"] = TUS_VERSION
    return response


def _metadata(header: str) -> dict[str, str]:
    """Upload-Metadata: comma-separated `key base64value` pairs (a key alone means an empty value)."""
    values = {}
    for pair in filter(None, (part.strip() for part in header.split(","))):
        key, _space, encoded = pair.partition(" ")
        try:
            values[key] = base64.b64decode(encoded, validate=True).decode() if encoded else ""
        except (binascii.Error, UnicodeDecodeError):
            raise ValueError(key) from None
    return values


def _int_header(request, name: str) -> int | None:
    value = request.headers.get(name, "")
    return int(value) if value.isdigit() else None


def _bad(message: str, status: int = 400) -> HttpResponse:
    return _tus(JsonResponse({"ok": False, "error": message}, status=status, json_dumps_params={"ensure_ascii": False}))


@never_cache
def upload_create(request, pk):
    """POST: create an upload for one of the user's entries (Upload-Length, Upload-Metadata: kind,
    filename, replace); OPTIONS: what this server speaks."""
    if request.method == "OPTIONS":
        return _options()
    if request.method != "POST":
        return _tus(HttpResponse(status=405))
    if not request.user.is_authenticated:
        raise Http404
    refused = _version_refused(request)
    if refused:
        return refused
    entry = _own_entry(request, pk)
    length = _int_header(request, "Upload-Length")
    if length is None:
        return _bad(_("缺少照片大小（Upload-Length）。"))
    try:
        meta = _metadata(request.headers.get("Upload-Metadata", ""))
    except ValueError:
        return _bad(_("上传信息（Upload-Metadata）格式无效。"))
    replace = None
    if meta.get("replace"):
        if not meta["replace"].isdigit():
            return _bad(_("照片类别无效。"))
        replace = get_object_or_404(Photo, pk=int(meta["replace"]), entry=entry)
    try:
        upload = tus.create_upload(entry, kind=meta.get("kind", ""), length=length, filename=meta.get("filename", ""),
                                   replace=replace, actor=request.user, request=request)
    except Refused as exc:
        return _refusal(exc)
    response = _tus(HttpResponse(status=201), upload)
    response["Location"] = request.build_absolute_uri(reverse("submissions:tus_upload", args=[upload.pk]))
    return response


def _own_upload(request, upload_id) -> TusUpload:
    """The user's own upload; anybody else's (or none) is 404."""
    if not request.user.is_authenticated:
        raise Http404
    return get_object_or_404(TusUpload.objects.select_related("entry__campaign", "replace"),
                             pk=upload_id, user=request.user)


def _patch(request, upload: TusUpload) -> HttpResponse:
    if request.content_type != "application/offset+octet-stream":
        return _bad(_("上传数据类型无效。"), status=415)
    offset = _int_header(request, "Upload-Offset")
    if offset is None:
        return _bad(_("缺少上传位置（Upload-Offset）。"))
    try:
        upload = tus.append_chunk(upload, request, offset=offset,
                                  declared=_int_header(request, "Content-Length"), actor=request.user)
        if upload.complete:
            tus.finish_upload(upload, actor=request.user, request=request)
    except Refused as exc:
        if exc.code == "expired":
            tus.discard_upload(upload)
        return _refusal(exc)
    return _tus(HttpResponse(status=204), upload)


def _result(request, upload: TusUpload) -> HttpResponse:
    """GET (outside tus): the finished photo's group, as the one-shot POST answers. The row stays (how
    much was re-sent, for the admin) until the periodic job removes it with the unfinished ones."""
    if upload.photo_id is None:
        return _bad(_("照片尚未上传完成。"), status=409)
    photo = upload.photo
    success = _("照片已替换。") if upload.replace_id else _("已上传%(count)d幅照片。") % {"count": 1}
    return _photo_response(request, upload.entry, photo.kind, photos=[photo], success=success)


@never_cache
def upload_detail(request, upload_id):
    """HEAD: the offset to resume from; PATCH: a chunk; DELETE: cancel; GET: the finished photo."""
    if request.method == "OPTIONS":
        return _options()
    upload = _own_upload(request, upload_id)
    if request.method == "GET":
        return _result(request, upload)
    refused = _version_refused(request)
    if refused:
        return refused
    if upload.photo_id is None and upload.expires_at <= timezone.now() and request.method != "DELETE":
        tus.discard_upload(upload)
        return _tus(HttpResponse(status=410))
    if request.method == "HEAD":
        return _tus(HttpResponse(status=200), upload)
    if request.method == "PATCH":
        return _patch(request, upload)
    if request.method == "DELETE":
        tus.terminate_upload(upload, actor=request.user, request=request)
        return _tus(HttpResponse(status=204))
    return _tus(HttpResponse(status=405))


def client_settings() -> dict:
    """What the page script needs (data attributes of the photo group)."""
    return {"chunk_size": settings.PORTAL_TUS_CHUNK_KB * 1024}
