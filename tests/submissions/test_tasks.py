import io

import pytest
from django.core.files.storage import Storage
from PIL import Image, TiffImagePlugin

from submissions import services, tasks
from submissions.enums import PhotoKind
from submissions.models import Photo
from tests.factories import make_entry, small_jpeg, stored_files, upload
from tests.factories import photos as pf

pytestmark = [pytest.mark.django_db, pytest.mark.storage]


def exif_with_gps_and_script() -> Image.Exif:
    exif = pf.exif_block(description="<script>alert(1)</script>", taken_at="2025:06:01 10:00:00", orientation=6)
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: tuple(TiffImagePlugin.IFDRational(v) for v in (37, 52, 0)),
                3: "E", 4: tuple(TiffImagePlugin.IFDRational(v) for v in (112, 33, 0))})
    return exif


def add_committed(entry, user, data, capture, kind=PhotoKind.HAZARD):
    with capture(execute=True):
        photo = services.add_photo(entry, kind, upload(data), actor=user)
    photo.refresh_from_db()
    return photo


def test_make_photo_derivatives_after_upload_are_small_upright_and_metadata_free(
        people, small_campaign, django_capture_on_commit_callbacks):
    worker = people["worker"]
    data = pf.insert_exif(pf.jpeg((2000, 1500)), exif_with_gps_and_script())
    assert b"Exif" in data and b"<script>" in data
    photo = add_committed(make_entry(worker, campaign=small_campaign), worker, data,
                          django_capture_on_commit_callbacks)
    assert photo.derivatives_ready
    # Orientation 6: the camera held the phone upright, so the stored size and the copies are portrait.
    assert (photo.width, photo.height) == (1500, 2000)
    for field, side in (("thumbnail", 400), ("preview", 1600)):
        derived = getattr(photo, field).read()
        assert b"Exif" not in derived and b"<script>" not in derived and b"GPS" not in derived
        with Image.open(io.BytesIO(derived)) as im:
            assert im.format == "JPEG"
            assert max(im.size) <= side and im.size[1] > im.size[0]
            assert not im.getexif()
            assert "exif" not in im.info and "comment" not in im.info
    # The original keeps its metadata for the experts; it is never shown on a page.
    assert b"Exif" in photo.original.read()


def test_make_photo_derivatives_run_twice_skips_existing(people, small_campaign,
                                                         django_capture_on_commit_callbacks):
    worker = people["worker"]
    photo = add_committed(make_entry(worker, campaign=small_campaign), worker, small_jpeg(),
                          django_capture_on_commit_callbacks)
    names = (photo.thumbnail.name, photo.preview.name)
    assert tasks.task_make_photo_derivatives(photo.pk) == []
    photo.refresh_from_db()
    assert (photo.thumbnail.name, photo.preview.name) == names


def test_make_photo_derivatives_missing_file_is_made_again(people, small_campaign, media_root,
                                                           django_capture_on_commit_callbacks):
    worker = people["worker"]
    photo = add_committed(make_entry(worker, campaign=small_campaign), worker, small_jpeg(),
                          django_capture_on_commit_callbacks)
    photo.preview.storage.delete(photo.preview.name)
    assert tasks.task_make_photo_derivatives(photo.pk) == ["preview"]
    photo.refresh_from_db()
    assert photo.preview.storage.exists(photo.preview.name)


def test_make_photo_derivatives_deleted_photo_returns_quietly(people, small_campaign):
    worker = people["worker"]
    photo = services.add_photo(make_entry(worker, campaign=small_campaign), PhotoKind.HAZARD,
                               upload(small_jpeg()), actor=worker)
    Photo.objects.filter(pk=photo.pk).delete()
    assert tasks.task_make_photo_derivatives(photo.pk) == []
    assert tasks.task_make_photo_derivatives(987654) == []


def test_create_photo_derivatives_photo_replaced_meanwhile_discards_copy(people, small_campaign, media_root):
    worker = people["worker"]
    photo = services.add_photo(make_entry(worker, campaign=small_campaign), PhotoKind.HAZARD,
                               upload(small_jpeg()), actor=worker)
    stale = Photo.objects.select_related("entry").get(pk=photo.pk)
    Photo.objects.filter(pk=photo.pk).update(original="originals/replaced.jpg")
    before = stored_files(media_root)
    assert services.create_photo_derivatives(stale) == []
    assert stored_files(media_root) == before
    assert not Photo.objects.get(pk=photo.pk).thumbnail


def test_make_photo_derivatives_retries_on_storage_error(people, small_campaign, monkeypatch):
    worker = people["worker"]
    photo = services.add_photo(make_entry(worker, campaign=small_campaign), PhotoKind.HAZARD,
                               upload(small_jpeg()), actor=worker)
    real = services.create_photo_derivatives
    calls = []

    def flaky(photo):
        calls.append(photo.pk)
        if len(calls) == 1:
            raise OSError("storage hiccup")
        return real(photo)

    monkeypatch.setattr(services, "create_photo_derivatives", flaky)
    # As a worker runs it: the Retry is handled instead of propagated to the caller.
    result = tasks.task_make_photo_derivatives.apply(args=[photo.pk], throw=False)
    assert result.get() == ["preview", "thumbnail"]
    assert len(calls) == 2
    assert OSError in tasks.task_make_photo_derivatives.autoretry_for
    assert tasks.task_make_photo_derivatives.max_retries >= 3


def test_make_photo_derivatives_thumbnail_is_scaled_from_the_new_preview(people, small_campaign, monkeypatch,
                                                                        django_capture_on_commit_callbacks):
    # The original is opened once: the thumbnail comes from the preview just made (a quarter less work).
    worker = people["worker"]
    entry = make_entry(worker, campaign=small_campaign)
    opened = []
    storage_open = Storage.open

    def counting_open(self, name, mode="rb"):
        opened.append(name)
        return storage_open(self, name, mode)

    monkeypatch.setattr(Storage, "open", counting_open)
    with django_capture_on_commit_callbacks(execute=True):
        photo = services.add_photo(entry, PhotoKind.HAZARD, upload(small_jpeg()), actor=worker)
    photo.refresh_from_db()
    assert photo.thumbnail and photo.preview
    assert opened.count(photo.original.name) == 1
    with photo.thumbnail.open("rb") as thumb_file, photo.preview.open("rb") as preview_file, \
            Image.open(thumb_file) as thumbnail, Image.open(preview_file) as preview:
        assert max(thumbnail.size) <= 400 and max(preview.size) <= 1600
        assert thumbnail.size[0] * preview.size[1] == pytest.approx(thumbnail.size[1] * preview.size[0], rel=0.02)


def test_make_photo_derivatives_undecodable_original_logged_not_retried(people, small_campaign, caplog):
    worker = people["worker"]
    photo = services.add_photo(make_entry(worker, campaign=small_campaign), PhotoKind.HAZARD,
                               upload(small_jpeg()), actor=worker)
    with photo.original.storage.open(photo.original.name, "wb") as fh:
        fh.write(b"not a jpeg any more")
    assert tasks.task_make_photo_derivatives(photo.pk) == []
    assert "cannot make the preview" in caplog.text
