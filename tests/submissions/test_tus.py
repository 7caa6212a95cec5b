"""The tus 1.0 endpoints of submissions.tus_views: creation, offsets, termination, expiry, scope, and the
finished file through the one-shot POST's own service (same refusals, nothing left behind)."""

import base64
import os
import threading
import time
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from submissions import tus
from submissions.enums import EntryState, PhotoKind, Tier
from submissions.models import Photo, TusUpload
from submissions.tasks import task_remove_stale_tus_uploads
from tests.factories import make_entry, small_jpeg, stored_files
from tests.factories import photos as pf

pytestmark = pytest.mark.django_db

TUS = {"HTTP_TUS_RESUMABLE": "1.0.0"}
CHUNK = "application/offset+octet-stream"


@pytest.fixture(autouse=True)
def tus_dir(settings, tmp_path):
    settings.PORTAL_TUS_DIR = tmp_path / "tus"
    return settings.PORTAL_TUS_DIR


def _meta(**values) -> str:
    return ",".join(f"{key} {base64.b64encode(value.encode()).decode()}" for key, value in values.items())


def create(client, entry, length, *, kind=PhotoKind.HAZARD, **extra):
    return client.post(reverse("submissions:tus_create", args=[entry.pk]), **TUS, HTTP_UPLOAD_LENGTH=str(length),
                       HTTP_UPLOAD_METADATA=_meta(kind=kind, filename="现场.jpg"), **extra)


def patch(client, location, data: bytes, offset: int, **extra):
    return client.generic("PATCH", location, data, content_type=CHUNK, HTTP_UPLOAD_OFFSET=str(offset),
                          **{**TUS, **extra})


def send_all(client, location, data: bytes, size: int):
    for start in range(0, len(data), size):
        response = patch(client, location, data[start:start + size], start)
    return response


def parts(tus_dir) -> list:
    return sorted(tus_dir.rglob("*.part")) if tus_dir.exists() else []


# --- protocol ------------------------------------------------------------------------------------------


def test_options_lists_version_and_extensions(client, worker, draft):
    response = client.options(reverse("submissions:tus_create", args=[draft.pk]))
    assert response.status_code == 204
    assert response["Tus-Version"] == "1.0.0"
    assert set(response["Tus-Extension"].split(",")) == {"creation", "termination", "expiration"}


def test_create_without_tus_resumable_is_412(client, worker, draft):
    response = client.post(reverse("submissions:tus_create", args=[draft.pk]), HTTP_UPLOAD_LENGTH="10")
    assert response.status_code == 412 and response["Tus-Version"] == "1.0.0"
    assert not TusUpload.objects.exists()


def test_create_answers_201_with_location_and_expiry(client, worker, draft, tus_dir):
    response = create(client, draft, 1000)
    assert response.status_code == 201 and response["Tus-Resumable"] == "1.0.0"
    upload = TusUpload.objects.get()
    assert response["Location"].endswith(reverse("submissions:tus_upload", args=[upload.pk]))
    assert response["Upload-Expires"].endswith("GMT")
    assert upload.filename == "现场.jpg" and upload.user == worker and upload.entry == draft
    assert parts(tus_dir) == [tus_dir / str(worker.pk) / str(draft.pk) / f"{upload.pk}.part"]
    assert oct(parts(tus_dir)[0].stat().st_mode & 0o777) == "0o600"


@pytest.mark.storage
def test_upload_in_chunks_becomes_the_photo_like_a_post(client, worker, draft, tus_dir):
    data = small_jpeg()
    location = create(client, draft, len(data))["Location"]
    head = client.head(location, **TUS)
    assert head.status_code == 200 and head["Upload-Offset"] == "0" and head["Upload-Length"] == str(len(data))
    assert "no-store" in head["Cache-Control"]
    first = patch(client, location, data[:1000], 0)
    assert first.status_code == 204 and first["Upload-Offset"] == "1000"
    assert client.head(location, **TUS)["Upload-Offset"] == "1000"
    last = patch(client, location, data[1000:], 1000)
    assert last.status_code == 204 and last["Upload-Offset"] == str(len(data))
    photo = Photo.objects.get()
    assert photo.entry == draft and photo.kind == PhotoKind.HAZARD and photo.size <= len(data)
    assert parts(tus_dir) == []
    result = client.get(location, HTTP_ACCEPT="application/json", HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert result.status_code == 200 and result.json()["photo"]["id"] == photo.pk
    assert 'data-photo-group="hazard"' in result.json()["group_html"]
    finished = TusUpload.objects.get()
    assert finished.photo == photo and finished.bytes_received == len(data) and finished.patch_count == 2


def test_wrong_offset_is_409_and_writes_nothing(client, worker, draft):
    data = small_jpeg()
    location = create(client, draft, len(data))["Location"]
    patch(client, location, data[:500], 0)
    response = patch(client, location, data[800:1200], 800)
    assert response.status_code == 409
    assert TusUpload.objects.get().offset == 500
    again = patch(client, location, data[:500], 0)  # a chunk sent twice is not appended twice
    assert again.status_code == 409 and TusUpload.objects.get().offset == 500


def test_patch_needs_its_content_type_and_offset(client, worker, draft):
    location = create(client, draft, 100)["Location"]
    assert client.generic("PATCH", location, b"x", content_type="application/octet-stream",
                          HTTP_UPLOAD_OFFSET="0", **TUS).status_code == 415
    assert client.generic("PATCH", location, b"x", content_type=CHUNK, **TUS).status_code == 400
    assert client.generic("PATCH", location, b"x", content_type=CHUNK, HTTP_UPLOAD_OFFSET="0").status_code == 412


def test_patch_longer_than_the_upload_is_refused(client, worker, draft):
    location = create(client, draft, 100)["Location"]
    response = patch(client, location, b"x" * 101, 0)
    assert response.status_code == 413 and TusUpload.objects.get().offset == 0


@pytest.mark.django_db(transaction=True)
def test_concurrent_patches_one_writes_the_other_gets_409(worker, draft, tus_dir):
    client = Client()
    client.force_login(worker)
    data = small_jpeg()
    location = create(client, draft, len(data))["Location"]
    upload = TusUpload.objects.get()
    release = threading.Event()

    class SlowBody:
        """A phone on slow 4G: the first PATCH's body trickles in while a second PATCH arrives."""

        def __init__(self):
            self.sent = False

        def read(self, size):
            release.wait(10)
            if self.sent:
                return b""
            self.sent = True
            return data[:1000]

    errors = []

    def first():
        try:
            tus.append_chunk(TusUpload.objects.get(pk=upload.pk), SlowBody(), offset=0, declared=1000, actor=worker)
        except Exception as exc:  # reported to the main thread
            errors.append(exc)

    thread = threading.Thread(target=first)
    thread.start()
    for _ in range(100):
        if TusUpload.objects.filter(pk=upload.pk, locked_until__isnull=False).exists():
            break
        time.sleep(0.05)
    second = patch(client, location, b"\x00" * 1000, 0)
    release.set()
    thread.join(10)
    assert not errors
    assert second.status_code == 409
    upload.refresh_from_db()
    assert upload.offset == 1000 and upload.locked_until is None
    assert parts(tus_dir)[0].read_bytes()[:1000] == data[:1000]


def test_delete_terminates_and_removes_the_chunks(client, worker, draft, tus_dir):
    location = create(client, draft, 1000)["Location"]
    patch(client, location, b"\xff" * 300, 0)
    response = client.delete(location, **TUS)
    assert response.status_code == 204
    assert not TusUpload.objects.exists() and parts(tus_dir) == []
    assert client.head(location, **TUS).status_code == 404


def test_expired_upload_is_410_then_404_and_removed(client, worker, draft, tus_dir):
    location = create(client, draft, 1000)["Location"]
    TusUpload.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    assert patch(client, location, b"\xff" * 10, 0).status_code == 410
    assert not TusUpload.objects.exists() and parts(tus_dir) == []
    assert client.head(location, **TUS).status_code == 404


def test_periodic_job_removes_stale_uploads_and_stray_parts(client, worker, draft, tus_dir):
    create(client, draft, 1000)
    fresh = create(client, draft, 2000)
    TusUpload.objects.filter(length=1000).update(expires_at=timezone.now() - timedelta(minutes=1))
    stray = tus_dir / "999" / "999" / "00000000-0000-0000-0000-000000000000.part"
    stray.parent.mkdir(parents=True)
    stray.write_bytes(b"x")
    old = time.time() - 3600
    os.utime(stray, (old, old))
    assert task_remove_stale_tus_uploads() == 2
    assert list(TusUpload.objects.values_list("length", flat=True)) == [2000]
    assert len(parts(tus_dir)) == 1 and fresh.status_code == 201


def test_open_uploads_per_user_are_capped(client, worker, draft, settings):
    settings.PORTAL_TUS_MAX_OPEN_UPLOADS = 2
    assert create(client, draft, 100).status_code == 201
    assert create(client, draft, 100).status_code == 201
    response = create(client, draft, 100)
    assert response.status_code == 403 and "同时进行的上传过多" in response.json()["error"]


def test_upload_over_the_campaign_size_limit_is_413(client, worker, draft, tus_dir):
    response = create(client, draft, draft.campaign.max_file_mb * 1024 * 1024 + 1)
    assert response.status_code == 413 and "过大" in response.json()["error"]
    assert not TusUpload.objects.exists() and parts(tus_dir) == []


# --- scope ---------------------------------------------------------------------------------------------


def test_another_users_upload_is_404(client, worker, draft, people):
    location = create(client, draft, 1000)["Location"]
    other = Client()
    other.force_login(people["worker_peer"])
    assert other.head(location, **TUS).status_code == 404
    assert patch(other, location, b"\xff" * 10, 0).status_code == 404
    assert other.delete(location, **TUS).status_code == 404
    assert other.get(location).status_code == 404
    assert TusUpload.objects.get().offset == 0


def test_another_users_entry_is_404(client, worker, people, small_campaign):
    theirs = make_entry(people["worker_peer"], campaign=small_campaign)
    assert create(client, theirs, 100).status_code == 404
    assert not TusUpload.objects.exists()


def test_anonymous_is_404(draft):
    assert create(Client(), draft, 100).status_code == 404


def test_csrf_token_is_required_on_same_origin_requests(worker, draft):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(worker)
    assert create(strict, draft, 100).status_code == 403
    strict.get(reverse("submissions:entry_edit", args=[draft.pk]))
    token = strict.cookies["csrftoken"].value
    assert create(strict, draft, 100, HTTP_X_CSRFTOKEN=token).status_code == 201


def test_entry_no_longer_editable_refuses_creation_and_chunks(client, worker, draft, tus_dir):
    data = small_jpeg()
    location = create(client, draft, len(data))["Location"]
    patch(client, location, data[:500], 0)
    type(draft).objects.filter(pk=draft.pk).update(state=EntryState.SUBMITTED, tier=Tier.FIRST_REVIEW)
    response = patch(client, location, data[500:], 500)
    assert response.status_code == 403 and "不能修改" in response.json()["error"]
    assert not TusUpload.objects.exists() and parts(tus_dir) == []
    refused = create(client, draft, len(data))
    assert refused.status_code == 403 and not Photo.objects.exists()


@pytest.mark.storage
def test_hostile_file_in_chunks_is_refused_with_nothing_left_behind(client, worker, draft, tus_dir, media_root):
    # A JPEG whose header claims 60000×60000 pixels (a decompression bomb): refused like a one-shot POST.
    data = pf.forge_dimensions(small_jpeg(), 60000, 60000)
    location = create(client, draft, len(data))["Location"]
    patch(client, location, data[:700], 0)
    response = patch(client, location, data[700:], 700)
    assert response.status_code == 400 and response.json()["ok"] is False and response.json()["error"]
    assert not Photo.objects.exists() and not TusUpload.objects.exists()
    assert parts(tus_dir) == [] and stored_files(media_root) == set()


@pytest.mark.storage
def test_not_a_jpeg_in_chunks_gives_the_posts_message(client, worker, draft, tus_dir):
    data = pf.other_format("PNG")
    location = create(client, draft, len(data))["Location"]
    response = send_all(client, location, data, 400)
    assert "不是 JPEG" in response.json()["error"] and parts(tus_dir) == []


@pytest.mark.storage
def test_replace_through_tus_keeps_the_position(client, worker, draft):
    data = small_jpeg(0)
    location = create(client, draft, len(data))["Location"]
    send_all(client, location, data, 1000)
    photo = Photo.objects.get()
    fresh = small_jpeg(3)
    response = client.post(reverse("submissions:tus_create", args=[draft.pk]), **TUS,
                           HTTP_UPLOAD_LENGTH=str(len(fresh)),
                           HTTP_UPLOAD_METADATA=_meta(kind=PhotoKind.HAZARD, replace=str(photo.pk)))
    send_all(client, response["Location"], fresh, 1000)
    photo.refresh_from_db()
    assert Photo.objects.count() == 1 and photo.position == 1 and photo.size <= len(fresh)
