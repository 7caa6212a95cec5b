"""Disk full or read-only storage while a photo is taken (issue 12.7): a Chinese message, not a 500, and
no partial original nor temporary upload file left behind."""

import errno
import os

import pytest
from django.core.files.storage import FileSystemStorage

from submissions.models import Photo
from tests.submissions import conftest as submissions_conftest
from tests.submissions.conftest import small_jpeg, stored_files
from tests.submissions.test_views import post_photo

small_campaign = submissions_conftest.small_campaign  # a fixture

pytestmark = pytest.mark.django_db

# Where the fault is raised, set by each test: how the storage breaks.
FAULT = {"errno": errno.ENOSPC}


class BrokenStorage(FileSystemStorage):
    """Like the disk of the audit: ENOSPC after half the bytes (a partial file stays), EROFS at open."""

    def _save(self, name, content):
        code = FAULT["errno"]
        if code == errno.EROFS:
            raise OSError(code, os.strerror(code), self.path(name))
        path = self.path(name)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        data = content.read()
        with open(path, "wb") as out:
            out.write(data[: len(data) // 2])
        raise OSError(code, os.strerror(code), path)


@pytest.fixture
def broken_storage(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "tests.faults.test_storage_full.BrokenStorage",
        "OPTIONS": {"location": tmp_path / "media", "base_url": "/private-not-served/"}}}
    # Every upload streams to a temporary tmp*.upload.jpg file, as a 20 MB photo does in production.
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "uploads")
    os.makedirs(settings.FILE_UPLOAD_TEMP_DIR)
    return tmp_path


@pytest.fixture
def worker(people, client):
    client.force_login(people["worker"])
    return people["worker"]


@pytest.fixture
def draft(worker, small_campaign):
    from tests.factories import make_entry

    return make_entry(worker, campaign=small_campaign)


@pytest.mark.parametrize(("code", "xhr"), [(errno.ENOSPC, True), (errno.EROFS, True), (errno.ENOSPC, False)])
def test_a_photo_upload_on_a_full_or_read_only_disk_says_so_and_leaves_nothing(client, draft, broken_storage,
                                                                               code, xhr, monkeypatch):
    monkeypatch.setitem(FAULT, "errno", code)
    response = post_photo(client, draft, small_jpeg(), xhr=xhr, follow=not xhr)
    if xhr:
        assert response.status_code == 400
        assert "存储空间已满或暂时不可写入" in response.json()["error"]
    else:
        assert response.status_code == 200
        assert any("存储空间已满或暂时不可写入" in str(m) for m in response.context["messages"])
    assert not Photo.objects.exists()
    assert stored_files(broken_storage / "media") == set()
    assert os.listdir(broken_storage / "uploads") == []


def test_replacing_a_photo_on_a_full_disk_keeps_the_old_one(client, draft, worker, broken_storage):
    old = broken_storage / "media" / "originals" / "old.jpg"
    old.parent.mkdir(parents=True)
    old.write_bytes(b"old")
    photo = Photo.objects.create(entry=draft, kind="hazard", position=1, sha256="0" * 64, size=3, width=400,
                                 height=300, original="originals/old.jpg")
    before = stored_files(broken_storage / "media")
    response = post_photo(client, draft, small_jpeg(), replace=str(photo.pk))
    assert response.status_code == 400
    assert "存储空间已满" in response.json()["error"]
    photo.refresh_from_db()
    assert photo.sha256 == "0" * 64 and stored_files(broken_storage / "media") == before
    assert os.listdir(broken_storage / "uploads") == []
