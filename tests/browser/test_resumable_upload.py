"""A photo upload on patchy 4G: the network is cut mid-upload (and, in the second test, the page is
reloaded), and the photo still finishes without re-sending what the server already had.

The server counts what it received (TusUpload.bytes_received / patch_count), so "not starting over" is
measured where it matters: at most one chunk arrives twice.
"""

import re
import time

import pytest
from playwright.sync_api import expect

from portal.accounts.models import User
from submissions import tus
from submissions.models import Photo, TusUpload
from tests.browser.conftest import log_in
from tests.factories import make_entry
from tests.factories import photos as pf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHUNK_KB = 256
CHUNK = CHUNK_KB * 1024


@pytest.fixture
def ready(demo, settings, tmp_path, phone, monkeypatch):
    settings.PORTAL_TUS_DIR = tmp_path / "tus"
    settings.PORTAL_TUS_CHUNK_KB = CHUNK_KB
    photo = tmp_path / "IMG_0420.jpg"
    photo.write_bytes(pf.jpeg(quality=95))  # about 2.6 MB: ten chunks
    entry = make_entry(User.objects.get(username="worker1"), campaign=demo)
    log_in(phone, "worker1")
    phone.goto(f"/submissions/{entry.pk}/edit/")
    expect(phone.page.locator("[data-photo-group=hazard]")).to_be_visible()
    # A slow uplink: each chunk takes a while to arrive, so the test can act while the photo is on its way.
    copy = tus._copy_body

    def slow_copy(*args, **kwargs):
        time.sleep(0.4)
        return copy(*args, **kwargs)

    monkeypatch.setattr(tus, "_copy_body", slow_copy)
    return photo


def _wait_for_offset(minimum: int, timeout: float = 20) -> TusUpload:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        upload = TusUpload.objects.filter(offset__gte=minimum).first()
        if upload is not None:
            return upload
        time.sleep(0.1)
    raise AssertionError(f"no upload reached offset {minimum}")


def _assert_not_started_over(size: int) -> TusUpload:
    upload = TusUpload.objects.get()
    assert upload.photo_id == Photo.objects.get().pk
    assert upload.offset == upload.length == size
    assert upload.bytes_received - size <= CHUNK, (upload.bytes_received, size)
    return upload


def test_upload_survives_a_cut_connection(phone, ready):
    photo = ready
    page = phone.page
    failed = []
    page.on("requestfailed", lambda request: request.method == "PATCH" and failed.append(request.url))
    page.locator("#file-hazard").set_input_files(str(photo))
    cut_at = _wait_for_offset(2 * CHUNK).offset
    page.context.set_offline(True)
    status = page.locator("[data-upload-status]").first
    expect(status).to_contain_text("网络中断，正在重试", timeout=15_000)
    phone.step("offline-retrying")
    time.sleep(2)
    assert TusUpload.objects.get().offset < photo.stat().st_size
    page.context.set_offline(False)
    group = page.locator("[data-photo-group=hazard]")
    expect(group.locator("figure")).to_have_count(1, timeout=60_000)
    expect(group).to_contain_text("3000×2000")
    phone.step("finished-after-cut")
    upload = _assert_not_started_over(photo.stat().st_size)
    assert cut_at < upload.length and failed, "the cut hit no request in flight"
    assert upload.patch_count <= -(-upload.length // CHUNK) + 2


def test_upload_resumes_after_a_reload(phone, ready):
    photo = ready
    page = phone.page
    page.on("dialog", lambda dialog: dialog.accept())  # "photos still uploading: leave?"
    page.locator("#file-hazard").set_input_files(str(photo))
    _wait_for_offset(3 * CHUNK)
    page.reload()
    expect(page.locator(".upload-interrupted")).to_contain_text("再次选择同一幅照片")
    phone.step("reloaded")
    before = TusUpload.objects.get().offset
    assert 0 < before < photo.stat().st_size
    page.locator("#file-hazard").set_input_files(str(photo))
    group = page.locator("[data-photo-group=hazard]")
    expect(group.locator("figure")).to_have_count(1, timeout=60_000)
    phone.step("finished-after-reload")
    upload = _assert_not_started_over(photo.stat().st_size)
    assert re.search(r"\d", str(upload.patch_count))
    # The PATCH cut by the reload may still land on the server after the new page has asked for the offset:
    # the server then answers the new page's PATCH 409 (tus: offset mismatch) and the client asks again and
    # goes on, as the protocol means it to. Only that answer is allowed here, and only on the tus endpoint.
    phone.errors[:] = [error for error in phone.errors
                       if not (error.startswith("HTTP 409: ") and "/submissions/tus/" in error)]
