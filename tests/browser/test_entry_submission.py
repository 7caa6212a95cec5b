"""A worker submits an entry from a phone: the form, photo uploads by script, the pre-check, submit."""

import re

import pytest
from playwright.sync_api import expect

from submissions.enums import EntryState
from submissions.models import Entry, Photo
from tests.browser.conftest import log_in
from tests.factories import photos as pf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

def test_worker_creates_uploads_and_submits_an_entry_on_a_phone(phone, demo, tmp_path):
    page = phone.page
    good = tmp_path / "IMG_0001.jpg"
    good.write_bytes(pf.jpeg(exif=(("taken_at", "2025:06:03 09:15:00"),)))
    small = tmp_path / "small.jpg"
    small.write_bytes(pf.jpeg((400, 300)))
    log_in(phone, "worker1")

    phone.goto("/submissions/")
    expect(page.locator("main")).to_contain_text("您还没有作品")
    phone.step("my-entries-empty")
    page.locator("main").get_by_role("link", name="提交新作品").first.click()
    expect(page.locator("input[name=author_name]")).to_have_value("张三")
    expect(page.locator("#selection-union")).to_have_value("太原市总工会")
    page.locator("input[name=title]").fill("配电箱门未上锁")
    page.locator("textarea[name=description]").fill("隐" * 51)
    expect(page.locator("#div_id_description .char-counter")).to_contain_text("51 / 50")
    expect(page.locator("#div_id_description .char-counter")).to_have_class(re.compile("over"))
    page.locator("textarea[name=description]").fill("配电箱门未上锁，存在触电风险。")
    page.locator("input[name=contact_address]").fill("太原市小店区某某路1号")
    page.locator("select[name=industry]").select_option(label="机械")
    page.get_by_label("物的不安全状态").check()
    page.locator("input[name=location]").fill("一号车间")
    page.locator("textarea[name=hazard]").fill("配电箱门未上锁")
    page.locator("textarea[name=suggestion]").fill("加锁并张贴警示标识")
    page.locator("input[name=declaration_accepted]").check()
    page.locator("input[name=declaration_name]").fill("张三")
    phone.step("create-form")
    page.get_by_role("button", name="保存草稿，下一步上传照片").click()
    expect(page).to_have_url(re.compile(r"/submissions/\d+/edit/$"))
    expect(page.locator("[data-missing-panel]")).to_contain_text("请上传至少1幅隐患照片")
    phone.step("edit-empty")

    # The browser pre-check warns about a photo below the size rule; the user cancels.
    page.locator("#file-hazard").set_input_files(str(small))
    warning = page.locator("[data-upload-status] .alert-warning")
    expect(warning).to_contain_text("400×300")
    phone.step("precheck-warning")
    warning.get_by_role("button", name="取消").click()
    expect(warning).to_have_count(0)
    assert not Photo.objects.exists()

    page.locator("#file-hazard").set_input_files(str(good))
    group = page.locator("[data-photo-group=hazard]")
    expect(group.locator("figure")).to_have_count(1)
    expect(group).to_contain_text("3000×2000")
    expect(page.locator("input[name=taken_on]")).to_have_value("2025-06-03")
    expect(page.locator("[data-missing-panel]")).not_to_contain_text("隐患照片")
    expect(group.locator("img.photo-thumb")).to_have_attribute("src", re.compile(r"/files/photo/\d+/thumbnail/"))
    phone.step("edit-uploaded")

    # A forced upload of the refused file: the server's Chinese message is shown, nothing is stored.
    page.locator("#file-rectified").set_input_files(str(small))
    page.locator("[data-upload-status] .alert-warning").get_by_role("button", name="仍然上传").click()
    expect(page.locator("[data-upload-status] .alert-danger")).to_contain_text("要求长边≥3000")
    assert Photo.objects.count() == 1
    phone.step("server-refusal")
    refused = [error for error in phone.errors if error.startswith("HTTP 400: ") and "/tus/" in error]
    assert len(refused) == 1
    phone.errors.remove(refused[0])

    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="提交作品").click()
    expect(page).to_have_url(re.compile(r"/submissions/\d+/$"))
    expect(page.locator("main")).to_contain_text("已提交，待单位审核")
    phone.step("submitted")
    assert Entry.objects.get().state == EntryState.SUBMITTED
