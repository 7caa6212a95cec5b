"""Issue 11, the worker's side in a real browser: no lost edits (保存并提交, a warning before leaving), an
upload cut by a reload reported as not stored, the dpi pre-check, deleting a draft, and the scoring form
clearing each factor's error as it is ticked."""

import re

import pytest
from playwright.sync_api import expect

from portal.accounts.models import User
from portal.campaigns.enums import DpiPolicy
from submissions import services
from submissions.enums import EntryState, PhotoKind
from submissions.models import Entry, Photo
from tests.browser.conftest import log_in
from tests.factories import make_entry
from tests.factories import photos as pf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class Dialogs:
    """Accepts every dialog (confirm, beforeunload) and remembers their kinds and texts."""

    def __init__(self, page):
        self.seen = []
        page.on("dialog", self.accept)

    def accept(self, dialog):
        self.seen.append((dialog.type, dialog.message))
        dialog.accept()

    def kinds(self):
        return [kind for kind, _message in self.seen]


def worker_draft(demo, *, photo=True):
    worker = User.objects.get(username="worker1")
    entry = make_entry(worker, campaign=demo)
    if photo:
        services.add_photo(entry, PhotoKind.HAZARD, _upload(pf.jpeg(quality=71)), actor=worker)
    return entry


def _upload(data, name="photo.jpg"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def touch(page):
    # Chromium shows a beforeunload prompt only on a page the user has interacted with.
    page.locator("h1").first.click()


def test_edits_typed_before_submit_are_saved_and_leaving_with_them_warns(phone, demo):
    page = phone.page
    entry = worker_draft(demo)
    dialogs = Dialogs(page)
    log_in(phone, "worker1")
    phone.goto(f"/submissions/{entry.pk}/edit/")
    touch(page)

    # Nothing changed: leaving is silent.
    page.reload()
    assert dialogs.kinds() == []
    touch(page)

    # An unsaved edit: leaving the page asks first.
    page.locator("input[name=title]").fill("没保存就离开")
    page.reload()
    assert "beforeunload" in dialogs.kinds()
    expect(page.locator("input[name=title]")).to_have_value("配电箱门未上锁")

    # An invalid field: nothing is submitted or saved, the field is named, the typed text stays.
    page.locator("input[name=title]").fill("现场改过的名称")
    page.locator("input[name=contact_phone]").fill("abc")
    page.get_by_role("button", name="保存并提交作品").click()
    expect(page.locator(".alert-danger").first).to_contain_text("联系电话")
    expect(page.locator("input[name=title]")).to_have_value("现场改过的名称")
    phone.step("submit-refused-named-field")
    entry.refresh_from_db()
    assert (entry.state, entry.title) == (EntryState.DRAFT, "配电箱门未上锁")

    # Typed and submitted at once, without 保存草稿: the edit is saved and the entry submitted, and the
    # submission itself does not trigger the leave warning.
    page.locator("input[name=contact_phone]").fill("13900001111")
    before = dialogs.kinds().count("beforeunload")
    page.get_by_role("button", name="保存并提交作品").click()
    expect(page).to_have_url(re.compile(rf"/submissions/{entry.pk}/$"))
    assert dialogs.kinds().count("beforeunload") == before
    assert dialogs.kinds()[-1] == "confirm"
    phone.step("submitted-with-edits")
    entry.refresh_from_db()
    assert (entry.state, entry.title, entry.contact_phone) == (EntryState.SUBMITTED, "现场改过的名称", "13900001111")


def test_upload_cut_by_a_reload_warns_and_is_reported_as_interrupted_and_resumable(phone, demo, tmp_path):
    page = phone.page
    entry = worker_draft(demo, photo=False)
    photo = tmp_path / "IMG_0002.jpg"
    photo.write_bytes(pf.jpeg(quality=72))
    dialogs = Dialogs(page)
    log_in(phone, "worker1")
    phone.goto(f"/submissions/{entry.pk}/edit/")
    touch(page)

    # The upload never gets an answer (a slow mobile connection), and the user reloads meanwhile. Photos go
    # up through the resumable (tus) endpoint, or the one-shot POST: neither answers.
    uploads = re.compile(r"/submissions/(\d+/photos/|tus/)")
    page.route(uploads, lambda route: None)
    page.locator("#file-hazard").set_input_files(str(photo))
    expect(page.locator("[data-upload-status] .progress")).to_have_count(1)
    page.reload()
    assert "beforeunload" in dialogs.kinds()
    page.unroute(uploads)
    notice = page.locator("[data-photo-group-wrapper] .upload-interrupted")
    expect(notice).to_contain_text("IMG_0002.jpg")
    # Nothing stored yet, and choosing the same photo again resumes where it stopped (tus).
    expect(notice).to_contain_text("上传被中断")
    expect(notice).to_contain_text("从中断处继续上传")
    phone.step("interrupted-upload-reported")
    assert not Photo.objects.filter(entry=entry).exists()
    # Reported once: the next visit is clean.
    page.reload()
    expect(page.locator(".upload-interrupted")).to_have_count(0)


def test_precheck_reads_the_dpi_before_uploading(phone, demo, tmp_path):
    page = phone.page
    entry = worker_draft(demo, photo=False)
    files = {
        "phone72.jpg": pf.jpeg(dpi=72, quality=73),
        "nodpi.jpg": pf.jpeg(dpi=None, quality=74),
        # EXIF wins over JFIF, as on the server: JFIF says 300, EXIF 72.
        "exif72.jpg": pf.insert_exif(pf.jpeg(quality=75), pf.exif_block(x_resolution=72, y_resolution=72,
                                                                        resolution_unit=2)),
        # 118 dots per cm = 300 dpi.
        "percm.jpg": pf.set_jfif_density(pf.jpeg(quality=76), 2, 118),
        "good300.jpg": pf.jpeg(quality=77),
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    log_in(phone, "worker1")
    phone.goto(f"/submissions/{entry.pk}/edit/")
    assert demo.dpi_policy == DpiPolicy.REJECT
    warning = page.locator("[data-photo-group-wrapper] .alert-warning")
    for name, expected in (("phone72.jpg", "72 dpi"), ("nodpi.jpg", "没有标注分辨率"), ("exif72.jpg", "72 dpi")):
        page.locator("#file-hazard").set_input_files(str(tmp_path / name))
        expect(warning).to_contain_text(name)
        expect(warning).to_contain_text(expected)
        expect(warning).to_contain_text("服务器会拒收")
        phone.step(f"dpi-warning-{name}")
        warning.get_by_role("button", name="取消").click()
        expect(warning).to_have_count(0)
    group = page.locator("[data-photo-group=hazard]")
    for count, name in enumerate(("percm.jpg", "good300.jpg"), start=1):
        page.locator("#file-hazard").set_input_files(str(tmp_path / name))
        expect(group.locator("figure")).to_have_count(count)
        expect(warning).to_have_count(0)
    assert Photo.objects.filter(entry=entry).count() == 2

    # The reader itself, on the same files.
    for name, dpi in (("phone72.jpg", 72), ("nodpi.jpg", None), ("exif72.jpg", 72), ("percm.jpg", 300)):
        read = page.evaluate(
            """async ([name, bytes]) => {
                 const file = new File([new Uint8Array(bytes)], name, { type: "image/jpeg" });
                 return (await window.photoDpi(file)).dpi;
               }""", [name, list(files[name][:65536])])
        assert read == dpi, name

    # Under the "fix" policy the 72-dpi photo is announced as relabelled and uploads without a question.
    demo.dpi_policy = DpiPolicy.FIX
    demo.save()
    page.reload()
    page.locator("#file-rectified").set_input_files(str(tmp_path / "phone72.jpg"))
    notes = page.locator("[data-precheck-notes]")
    expect(notes).to_contain_text("将按活动规则标注为 300 dpi")
    expect(page.locator("[data-photo-group=rectified] figure")).to_have_count(1)
    phone.step("dpi-fix-note")
    relabelled = Photo.objects.get(entry=entry, kind=PhotoKind.RECTIFIED)
    assert relabelled.dpi_relabelled and relabelled.original_dpi == 72


def test_worker_deletes_an_empty_draft_after_confirming(phone, demo):
    page = phone.page
    entry = worker_draft(demo, photo=False)
    dialogs = Dialogs(page)
    log_in(phone, "worker1")
    phone.goto(f"/submissions/{entry.pk}/edit/")
    page.get_by_role("button", name="删除草稿").click()
    expect(page).to_have_url(re.compile(r"/submissions/$"))
    expect(page.locator("main")).to_contain_text("草稿已删除")
    assert dialogs.kinds() == ["confirm"] and "不能恢复" in dialogs.seen[0][1]
    assert not Entry.objects.filter(pk=entry.pk).exists()


def test_assessment_form_clears_each_factors_error_as_it_is_ticked(phone, demo):
    page = phone.page
    worker = User.objects.get(username="worker1")
    entry = make_entry(worker, campaign=demo, state=EntryState.SUBMITTED)
    log_in(phone, "unit1")
    phone.goto(f"/scoring/entries/{entry.pk}/assess/unit/")
    page.locator("form[data-assess-form] button[type=submit]").click()
    errors = page.locator("[data-factor-error]")
    expect(errors).to_have_count(5)
    phone.step("assess-errors")
    first_row = page.locator(".assess-factor").first
    first_row.locator("label.assess-option").first.click()
    expect(errors).to_have_count(4)
    expect(first_row).not_to_have_class(re.compile("assess-factor-invalid"))
    expect(page.locator(".assess-factor-invalid")).to_have_count(4)
    phone.step("assess-one-error-cleared")
