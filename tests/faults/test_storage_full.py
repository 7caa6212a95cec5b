"""Disk full or read-only storage while a photo is taken (issue 12.7): a Chinese message, not a 500, and
no partial original nor temporary upload file left behind."""

import errno
import os

import pytest
from django.core.files import uploadhandler
from django.core.files.storage import FileSystemStorage
from django.core.files.uploadedfile import TemporaryUploadedFile

from portal.uploads import DiskFullSafeUploadHandler
from submissions import services
from submissions.models import Photo
from tests.factories import make_entry, small_jpeg, stored_files, upload
from tests.factories.submissions import post_photo

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


class FullTemporaryDisk(TemporaryUploadedFile):
    """A tmp*.upload file on a disk that fills up after FAULT["writes"] chunks (EROFS: cannot be created)."""

    def __init__(self, *args, **kwargs):
        if FAULT["errno"] == errno.EROFS:
            raise OSError(errno.EROFS, os.strerror(errno.EROFS))
        super().__init__(*args, **kwargs)
        self.writes = 0
        FAULT["paths"].append(self.temporary_file_path())

    def write(self, data):
        self.writes += 1
        if self.writes > FAULT["writes"]:
            self.file.write(data[: len(data) // 2])  # what a full disk accepts before it refuses
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        return self.file.write(data)


@pytest.mark.parametrize(("code", "good_writes"), [(errno.ENOSPC, 0), (errno.ENOSPC, 2), (errno.EROFS, 0)])
def test_a_full_temporary_disk_keeps_the_upload_in_memory_and_leaves_no_temporary_file(
        client, draft, settings, tmp_path, monkeypatch, code, good_writes):
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "uploads")
    os.makedirs(settings.FILE_UPLOAD_TEMP_DIR)
    monkeypatch.setitem(FAULT, "errno", code)
    monkeypatch.setitem(FAULT, "writes", good_writes)
    monkeypatch.setitem(FAULT, "paths", [])
    monkeypatch.setattr(uploadhandler, "TemporaryUploadedFile", FullTemporaryDisk)
    monkeypatch.setattr(DiskFullSafeUploadHandler, "chunk_size", 1024)  # several chunks per photo
    data = small_jpeg()
    assert len(data) > 4 * 1024
    response = post_photo(client, draft, data)
    # Only the temporary disk was full: the photo is stored, byte for byte what a normal upload stores.
    assert response.status_code == 200, response.content.decode()
    photo = Photo.objects.get()
    same = services.add_photo(make_entry(draft.author, campaign=draft.campaign), "hazard", upload(data),
                              actor=draft.author)
    assert photo.sha256 == same.sha256 and photo.size == same.size
    assert os.listdir(settings.FILE_UPLOAD_TEMP_DIR) == []
    assert all(not os.path.exists(path) for path in FAULT["paths"])
