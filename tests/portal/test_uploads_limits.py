"""Upload limits: photos above 2.5 MB stream through a temporary file that never outlives the request, and
an oversized request gets a clear Chinese answer (413 page, or JSON for the upload script), never a 500."""

import os
import re

import pytest
from django.core.files import uploadedfile
from django.test import Client
from django.urls import reverse

from submissions.enums import PhotoKind
from submissions.models import Photo
from tests.factories import SMALL, CampaignFactory, make_entry, small_jpeg, stored_files, upload
from tests.factories import photos as pf

pytestmark = pytest.mark.django_db

XHR = {"HTTP_X_REQUESTED_WITH": "XMLHttpRequest", "HTTP_ACCEPT": "application/json"}
MB = 1024 * 1024
CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def small_campaign(db):
    """Photo size rules low enough for small fixtures (as in tests/submissions)."""
    return CampaignFactory(**SMALL)


@pytest.fixture
def worker(org, client):
    worker = org.users()["worker"]
    client.force_login(worker)
    return worker


@pytest.fixture
def media_root(settings):
    return settings.MEDIA_ROOT


@pytest.fixture
def draft(worker, small_campaign):
    return make_entry(worker, campaign=small_campaign)


@pytest.fixture
def upload_dir(settings, tmp_path):
    folder = tmp_path / "uploads"
    folder.mkdir()
    settings.FILE_UPLOAD_TEMP_DIR = str(folder)
    return folder


@pytest.fixture
def temp_files(monkeypatch):
    """The path of every TemporaryUploadedFile Django creates, to prove the big upload went to disk."""
    paths = []
    original = uploadedfile.TemporaryUploadedFile.__init__

    def recording_init(self, *args, **kwargs):
        original(self, *args, **kwargs)
        paths.append(self.temporary_file_path())

    monkeypatch.setattr(uploadedfile.TemporaryUploadedFile, "__init__", recording_init)
    return paths


def post_photo(client, entry, data, *, xhr=True):
    return client.post(reverse("submissions:photo_upload", args=[entry.pk]),
                       {"kind": PhotoKind.HAZARD, "photo": upload(data)}, **(XHR if xhr else {}))


def padded(data: bytes, size: int) -> bytes:
    # Bytes after the end-of-image marker are accepted and dropped by the photo cleaning.
    return data + b"\x00" * (size - len(data))


def test_upload_settings_are_sized_for_one_20_mb_photo_per_request(settings):
    assert settings.FILE_UPLOAD_MAX_MEMORY_SIZE == 2_621_440  # above this, a temporary file
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == 2_621_440  # form fields only, never file data
    assert settings.DATA_UPLOAD_MAX_NUMBER_FIELDS == 1000
    assert settings.DATA_UPLOAD_MAX_NUMBER_FILES == 10
    assert settings.PORTAL_MAX_REQUEST_MB * MB > 20 * MB


def test_upload_big_valid_photo_leaves_no_temporary_file(client, worker, draft, upload_dir, temp_files):
    data = padded(small_jpeg(), 3 * MB)
    response = post_photo(client, draft, data)
    assert response.status_code == 200, response.content[:300]
    assert Photo.objects.count() == 1
    assert len(temp_files) == 1 and os.path.dirname(temp_files[0]) == str(upload_dir)
    assert os.listdir(upload_dir) == []


def test_upload_big_refused_photo_leaves_no_temporary_file(client, worker, draft, upload_dir, temp_files,
                                                           media_root):
    data = padded(small_jpeg(dpi=72), 3 * MB)  # refused: 72 dpi under the notice's reject policy
    response = post_photo(client, draft, data)
    assert response.status_code == 400 and CJK.search(response.json()["error"])
    assert len(temp_files) == 1
    assert os.listdir(upload_dir) == []
    assert not Photo.objects.exists() and stored_files(media_root) == set()


def test_upload_big_not_a_jpeg_without_javascript_leaves_no_temporary_file(client, worker, draft, upload_dir,
                                                                           temp_files):
    data = padded(pf.other_format("PNG"), 3 * MB)
    response = post_photo(client, draft, data, xhr=False)
    assert response.status_code == 302
    assert len(temp_files) == 1 and os.listdir(upload_dir) == []


def test_upload_small_photo_stays_in_memory(client, worker, draft, upload_dir, temp_files):
    assert post_photo(client, draft, small_jpeg()).status_code == 200
    assert temp_files == [] and os.listdir(upload_dir) == []


def test_upload_body_over_the_request_limit_gets_a_413_page(client, worker, draft, settings, upload_dir):
    settings.PORTAL_MAX_REQUEST_MB = 1
    response = post_photo(client, draft, padded(small_jpeg(), 2 * MB), xhr=False)
    assert response.status_code == 413
    body = response.content.decode()
    assert "提交的内容过大" in body and "超过 1 MB" in body and "每次一张照片" in body
    assert not Photo.objects.exists()
    assert os.listdir(upload_dir) == []  # refused before a byte of the body was read


def test_upload_body_over_the_request_limit_answers_json_to_the_script(client, worker, draft, settings):
    settings.PORTAL_MAX_REQUEST_MB = 1
    response = post_photo(client, draft, padded(small_jpeg(), 2 * MB))
    assert response.status_code == 413
    assert response.json() == {"ok": False, "error": response.json()["error"]}
    assert "提交的内容过大（超过 1 MB）" in response.json()["error"]


def test_form_fields_over_the_memory_limit_get_a_413_page_not_500(client, worker, settings):
    # Django raises RequestDataTooBig while reading the form; the handler turns it into a clear page.
    client.raise_request_exception = False
    response = client.post("/accounts/password/change/", {"old_password": "x" * (3 * MB)})
    assert response.status_code == 413
    assert "提交的内容过大" in response.content.decode()


def test_too_many_files_get_a_clear_400(client, worker, draft, settings):
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 2
    client.raise_request_exception = False
    files = [upload(small_jpeg(n), f"p{n}.jpg") for n in range(3)]
    response = client.post(reverse("submissions:photo_upload", args=[draft.pk]),
                           {"kind": PhotoKind.HAZARD, "photo": files})
    assert response.status_code == 400
    assert "一次上传的文件过多（最多 2 个）" in response.content.decode()
    assert not Photo.objects.exists()


def test_other_bad_request_keeps_the_generic_400_page(rf, org):
    from django.core.exceptions import SuspiciousOperation

    from portal.request_limits import bad_request

    response = bad_request(rf.get("/"), SuspiciousOperation("odd header"))
    assert response.status_code == 400
    body = response.content.decode()
    assert "请求有误" in body and "请求无法处理，请返回后重试。" in body


def test_anonymous_oversized_post_gets_413_not_500(org, settings):
    settings.PORTAL_MAX_REQUEST_MB = 1
    client = Client(raise_request_exception=False)
    response = client.post("/accounts/login/", {"username": "a", "password": "b" * (2 * MB)})
    assert response.status_code == 413
    assert "提交的内容过大" in response.content.decode()
