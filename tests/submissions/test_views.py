import json
import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.accounts.enums import RoleKind
from portal.campaigns.enums import PhaseKind
from review.models import Transition
from submissions import services
from submissions.enums import EntryState, PhotoKind, Tier, TransitionAction
from submissions.models import Entry, Photo
from tests.factories import CampaignFactory, make_entry, make_user, small_jpeg, stored_files, upload
from tests.factories import photos as pf
from tests.factories.submissions import XHR, post_photo
from tests.storage_helpers import download

pytestmark = pytest.mark.django_db

CJK = re.compile(r"[\u4e00-\u9fff]")


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


# --- my entries ------------------------------------------------------------------------------------------


def test_my_entries_empty_state_offers_new_entry(client, worker, small_campaign):
    response = client.get(reverse("submissions:my_entries"))
    assert response.status_code == 200
    assert "您还没有作品" in response.content.decode()
    assert reverse("submissions:entry_create") in response.content.decode()


def test_my_entries_lists_only_own_entries_with_status(client, worker, people, small_campaign):
    mine = make_entry(worker, campaign=small_campaign, state=EntryState.RETURNED)
    theirs = make_entry(people["worker_peer"], campaign=small_campaign)
    Entry.objects.filter(pk=mine.pk).update(title="我的隐患")
    Entry.objects.filter(pk=theirs.pk).update(title="别人的隐患")
    body = client.get(reverse("submissions:my_entries")).content.decode()
    assert "我的隐患" in body and "别人的隐患" not in body
    assert "退回修改" in body
    assert reverse("submissions:entry_edit", args=[mine.pk]) in body


def test_my_entries_query_count_does_not_grow_with_entries(client, worker, small_campaign,
                                                           django_assert_num_queries):
    def count_queries():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("submissions:my_entries")).status_code == 200
        return len(captured)

    entry = make_entry(worker, campaign=small_campaign)
    services.add_photo(entry, PhotoKind.HAZARD, upload(small_jpeg()), actor=worker)
    one = count_queries()
    for n in range(2):
        other = make_entry(worker, campaign=small_campaign)
        services.add_photo(other, PhotoKind.HAZARD, upload(small_jpeg(n + 1)), actor=worker)
    with django_assert_num_queries(one):
        response = client.get(reverse("submissions:my_entries"))
    assert len(response.context["entries"]) == 3


def test_my_entries_paginates(client, worker, small_campaign):
    for _ in range(21):
        make_entry(worker, campaign=small_campaign)
    first = client.get(reverse("submissions:my_entries"))
    assert len(first.context["entries"]) == 20
    second = client.get(reverse("submissions:my_entries") + "?page=2")
    assert len(second.context["entries"]) == 1
    assert client.get(reverse("submissions:my_entries") + "?page=abc").status_code == 200


# --- create and edit -------------------------------------------------------------------------------------


def test_entry_create_get_prefills_author_and_unit(client, worker, org, small_campaign):
    response = client.get(reverse("submissions:entry_create"))
    body = response.content.decode()
    assert response.status_code == 200
    assert worker.full_name in body
    assert f'<option value="{org.unit_a1a.pk}" selected>' in body
    assert org.city_a.name in body  # 推荐市或产业, read-only
    assert "本作品为本人原创，情况属实，特此申明。" in body
    assert "<script>" not in body.replace('<script src=', "")  # no inline script


def test_entry_create_post_saves_draft_and_goes_to_edit(client, worker, org, small_campaign):
    response = client.post(reverse("submissions:entry_create"), {
        "title": "配电箱门未上锁", "author_name": worker.full_name, "unit": org.unit_a0.pk,
        "description": "隐" * 50,
    })
    entry = Entry.objects.get()
    assert response.status_code == 302 and response.url == reverse("submissions:entry_edit", args=[entry.pk])
    assert entry.state == EntryState.DRAFT and entry.author == worker
    assert entry.selection_union == org.city_a and entry.first_review_union is None


def test_entry_create_post_description_over_limit_saves_nothing(client, worker, org, small_campaign):
    response = client.post(reverse("submissions:entry_create"), {
        "author_name": worker.full_name, "unit": org.unit_a1a.pk, "description": "隐" * 51})
    assert response.status_code == 200
    assert "文字说明不超过50字（现为51字）" in response.content.decode()
    assert not Entry.objects.exists()


def test_entry_create_post_unit_not_in_directory_refused(client, worker, org, small_campaign):
    response = client.post(reverse("submissions:entry_create"), {
        "author_name": worker.full_name, "unit": org.county_a1.pk})
    assert "请从组织目录中选择基层单位" in response.content.decode()
    assert not Entry.objects.exists()


def test_entry_create_submission_phase_closed_explains(client, worker, small_campaign):
    small_campaign.phases.filter(kind=PhaseKind.SUBMISSION).update(
        starts_at=timezone.now() - timedelta(days=9), ends_at=timezone.now() - timedelta(days=1))
    response = client.get(reverse("submissions:entry_create"))
    assert response.status_code == 200 and "当前不在作品提交阶段" in response.content.decode()
    assert client.post(reverse("submissions:entry_create"), {"author_name": "x"}).status_code == 200
    assert not Entry.objects.exists()


@pytest.mark.storage
def test_entry_edit_get_lists_uploaded_photos_after_reload(client, worker, draft,
                                                           django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        photo = services.add_photo(draft, PhotoKind.HAZARD, upload(small_jpeg()), actor=worker)
    body = client.get(reverse("submissions:entry_edit", args=[draft.pk])).content.decode()
    assert reverse("files:download_variant", args=["photo", photo.pk, "thumbnail"]) in body
    assert 'capture="environment"' in body and 'accept="image/jpeg"' in body
    assert "photo-upload.js" in body and "entry-form.js" in body


def test_entry_edit_post_saves_fields(client, worker, draft):
    response = client.post(reverse("submissions:entry_edit", args=[draft.pk]), {
        "title": "新的名称", "author_name": worker.full_name, "unit": draft.unit_id, "description": "短"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "新的名称" and draft.description == "短"


def test_entry_edit_shows_missing_items(client, worker, draft):
    body = client.get(reverse("submissions:entry_edit", args=[draft.pk])).content.decode()
    assert "请上传至少1幅隐患照片" in body


def test_entry_edit_submitted_entry_redirects_to_detail(client, worker, small_campaign):
    entry = make_entry(worker, campaign=small_campaign, state=EntryState.SUBMITTED)
    response = client.get(reverse("submissions:entry_edit", args=[entry.pk]))
    assert response.status_code == 302 and response.url == reverse("submissions:entry_detail", args=[entry.pk])


def test_entry_detail_shows_fields_status_and_return_reason(client, worker, people, small_campaign):
    entry = make_entry(worker, campaign=small_campaign, state=EntryState.RETURNED)
    Transition.objects.create(entry=entry, actor=people["unit"], action=TransitionAction.RETURN,
                              from_state=EntryState.SUBMITTED, to_state=EntryState.RETURNED, from_tier=Tier.UNIT,
                              to_tier=Tier.UNIT, acting_tier=Tier.UNIT, reason="请补充整改后照片")
    body = client.get(reverse("submissions:entry_detail", args=[entry.pk])).content.decode()
    assert "退回修改" in body and "请补充整改后照片" in body
    assert entry.location in body and entry.unit.name in body


# --- photo endpoint ---------------------------------------------------------------------------------------


@pytest.mark.storage
def test_photo_upload_json_returns_photo(client, worker, draft):
    response = post_photo(client, draft, small_jpeg())
    assert response.status_code == 200
    body = response.json()
    photo = Photo.objects.get()
    assert body["ok"] is True and body["photo"]["id"] == photo.pk and body["photo"]["position"] == 1
    assert body["photo"]["thumbnail_url"]
    assert 'data-photo-group="hazard"' in body["group_html"]


@pytest.mark.storage
def test_photo_upload_json_derivatives_ready_once_committed(client, worker, draft,
                                                            django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post_photo(client, draft, small_jpeg())
    photo = Photo.objects.get()
    assert photo.derivatives_ready
    thumb = client.get(reverse("files:download_variant", args=["photo", photo.pk, "thumbnail"]))
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg"


@pytest.mark.storage
def test_photo_upload_prefills_shooting_date_in_response(client, worker, draft):
    Entry.objects.filter(pk=draft.pk).update(taken_on=None)
    response = post_photo(client, draft, small_jpeg(exif=(("taken_at", "2025:06:03 09:15:00"),)))
    assert response.json()["entry"]["taken_on"] == "2025-06-03"


@pytest.mark.storage
def test_photo_upload_without_javascript_redirects_with_message(client, worker, draft):
    response = post_photo(client, draft, small_jpeg(), xhr=False, follow=True)
    assert response.redirect_chain[-1][0] == reverse("submissions:entry_edit", args=[draft.pk])
    assert "已上传1幅照片。" in messages_of(response)
    assert Photo.objects.count() == 1


@pytest.mark.storage
def test_photo_upload_without_javascript_refusal_shown_as_message(client, worker, draft, media_root):
    response = post_photo(client, draft, pf.other_format("PNG"), xhr=False, follow=True)
    assert any("不是 JPEG" in message for message in messages_of(response))
    assert not Photo.objects.exists() and stored_files(media_root) == set()


@pytest.mark.storage
def test_photo_upload_several_files_in_one_field_stop_at_the_cap(client, worker, draft):
    files = [upload(small_jpeg(n), f"p{n}.jpg") for n in range(6)]
    response = client.post(reverse("submissions:photo_upload", args=[draft.pk]),
                           {"kind": PhotoKind.HAZARD, "photo": files}, **XHR)
    assert response.status_code == 400
    assert Photo.objects.filter(kind=PhotoKind.HAZARD).count() == 4
    assert "每组照片不超过4幅" in response.json()["error"] and "p5.jpg" in response.json()["error"]
    assert len(response.json()["photos"]) == 4


@pytest.mark.storage
def test_photo_upload_double_click_creates_one_row(client, worker, draft):
    data = small_jpeg()
    assert post_photo(client, draft, data).status_code == 200
    second = post_photo(client, draft, data)
    assert second.status_code == 400 and "已经上传过" in second.json()["error"]
    assert Photo.objects.count() == 1


@pytest.mark.storage
def test_photo_upload_fifth_photo_refused(client, worker, draft):
    for n in range(4):
        assert post_photo(client, draft, small_jpeg(n)).status_code == 200
    response = post_photo(client, draft, small_jpeg(7))
    assert response.status_code == 400
    assert response.json() == {**response.json(), "ok": False}
    assert "每组照片不超过4幅" in response.json()["error"]


@pytest.mark.storage
def test_photo_upload_no_file_or_bad_kind_is_400(client, worker, draft):
    url = reverse("submissions:photo_upload", args=[draft.pk])
    assert client.post(url, {"kind": PhotoKind.HAZARD}, **XHR).status_code == 400
    response = client.post(url, {"kind": "../../x", "photo": upload(small_jpeg())}, **XHR)
    assert response.status_code == 400 and CJK.search(response.json()["error"])
    assert not Photo.objects.exists()


@pytest.mark.storage
def test_photo_upload_replace_keeps_position(client, worker, draft):
    post_photo(client, draft, small_jpeg(0))
    post_photo(client, draft, small_jpeg(1))
    first = Photo.objects.get(position=1)
    response = post_photo(client, draft, small_jpeg(2, size=(480, 360)), replace=first.pk)
    assert response.status_code == 200
    first.refresh_from_db()
    assert (first.position, first.width) == (1, 480)
    assert Photo.objects.count() == 2


@pytest.mark.storage
def test_photo_upload_rectification_after_submission_from_detail_page(client, worker, small_campaign):
    entry = make_entry(worker, campaign=small_campaign, state=EntryState.SUBMITTED)
    detail = client.get(reverse("submissions:entry_detail", args=[entry.pk])).content.decode()
    assert 'data-photo-group="rectified"' in detail and 'name="kind" value="rectified"' in detail
    assert 'name="kind" value="hazard"' not in detail
    response = post_photo(client, entry, small_jpeg(), kind=PhotoKind.RECTIFIED, xhr=False)
    assert response.url == reverse("submissions:entry_detail", args=[entry.pk])
    entry.refresh_from_db()
    assert entry.has_rectification_photos
    assert post_photo(client, entry, small_jpeg(1)).status_code == 400  # hazard group is closed


@pytest.mark.storage
def test_photo_delete_and_move_json(client, worker, draft):
    for n in range(3):
        post_photo(client, draft, small_jpeg(n))
    a, b, c = Photo.objects.order_by("position")
    response = client.post(reverse("submissions:photo_move", args=[c.pk]), {"direction": "up"}, **XHR)
    assert response.status_code == 200 and response.json()["ok"]
    assert list(Photo.objects.order_by("position").values_list("pk", flat=True)) == [a.pk, c.pk, b.pk]
    assert client.post(reverse("submissions:photo_move", args=[c.pk]), {"direction": "sideways"},
                       **XHR).status_code == 400
    response = client.post(reverse("submissions:photo_delete", args=[a.pk]), **XHR)
    assert response.status_code == 200
    assert list(Photo.objects.order_by("position").values_list("pk", "position")) == [(c.pk, 1), (b.pk, 2)]
    # Deleting again (a second click) is not an error, and an unknown photo is out of scope.
    assert client.post(reverse("submissions:photo_delete", args=[a.pk]), **XHR).status_code == 404


@pytest.mark.storage
def test_photo_delete_without_javascript_redirects(client, worker, draft):
    post_photo(client, draft, small_jpeg())
    photo = Photo.objects.get()
    response = client.post(reverse("submissions:photo_delete", args=[photo.pk]))
    assert response.status_code == 302 and response.url == reverse("submissions:entry_edit", args=[draft.pk])
    assert not Photo.objects.exists()


def test_post_only_endpoints_refuse_get(client, worker, draft):
    for name in ("photo_upload", "entry_submit", "entry_withdraw"):
        assert client.get(reverse(f"submissions:{name}", args=[draft.pk])).status_code == 405


# --- hostile files ----------------------------------------------------------------------------------------

# (label, bytes, file name) of files that must be refused, each with nothing left behind.
HOSTILE = [
    ("png renamed", lambda: pf.other_format("PNG"), "photo.jpg"),
    ("gif renamed", lambda: pf.other_format("GIF"), "photo.jpg"),
    ("webp renamed", lambda: pf.other_format("WEBP"), "photo.jpg"),
    ("svg with script", lambda: pf.SVG, "photo.jpg"),
    ("html", lambda: pf.HTML, "photo.jpg"),
    ("empty", lambda: b"", "photo.jpg"),
    ("truncated", lambda: small_jpeg()[: len(small_jpeg()) // 2], "photo.jpg"),
    ("pixel bomb header", lambda: pf.forge_dimensions(small_jpeg(), 65500, 65500), "bomb.jpg"),
    ("garbage", lambda: b"\xff\xd8\xff" + bytes(range(256)) * 40, "photo.jpg"),
    ("too small", lambda: pf.jpeg((300, 200)), "photo.jpg"),
    ("low dpi", lambda: small_jpeg(dpi=72), "photo.jpg"),
]


@pytest.mark.parametrize(("label", "make", "name"), HOSTILE, ids=[h[0] for h in HOSTILE])
@pytest.mark.storage
def test_photo_upload_hostile_file_refused_leaving_nothing(client, worker, draft, media_root, label, make, name):
    response = post_photo(client, draft, make(), name=name)
    assert response.status_code == 400, label
    body = response.json()
    assert body["ok"] is False and CJK.search(body["error"]), body
    assert not Photo.objects.exists()
    assert stored_files(media_root) == set()


@pytest.mark.storage
def test_photo_upload_oversize_refused_with_limit_named(client, worker, draft, small_campaign, media_root):
    small_campaign.max_file_mb = 1
    small_campaign.save()
    data = small_jpeg() + b"\x00" * (1024 * 1024)  # a valid photo padded over 1 MB
    response = post_photo(client, draft, data)
    assert response.status_code == 400
    assert "超过上限 1 MB" in response.json()["error"]
    assert not Photo.objects.exists() and stored_files(media_root) == set()


@pytest.mark.parametrize("name", [
    "../../../etc/passwd.jpg", "..\\..\\windows\\win.ini.jpg", "a\x00b.jpg", "\u202egpj.exe.jpg",
    "<script>alert(1)</script>.jpg", "照片" * 200 + ".jpg",
])
@pytest.mark.storage
def test_photo_upload_hostile_file_names_ignored(client, worker, draft, media_root, name):
    response = post_photo(client, draft, small_jpeg(), name=name)
    assert response.status_code == 200
    photo = Photo.objects.get()
    assert re.fullmatch(rf"originals/{draft.campaign_id}/[0-9a-f]{{32}}\.jpg", photo.original.name)
    assert stored_files(media_root) == {photo.original.name}


@pytest.mark.storage
def test_photo_upload_payload_after_end_of_image_accepted_and_dropped(client, worker, draft):
    data = small_jpeg() + b"<?php system($_GET['c']); ?>" + pf.other_format("PNG")
    assert post_photo(client, draft, data).status_code == 200
    stored = Photo.objects.get().original.read()
    assert stored.endswith(b"\xff\xd9") and b"<?php" not in stored and b"PNG" not in stored


@pytest.mark.storage
def test_photo_upload_script_in_exif_accepted_but_never_echoed(client, worker, draft,
                                                               django_capture_on_commit_callbacks):
    data = pf.insert_exif(small_jpeg(), pf.exif_block(description="<script>alert(1)</script>"))
    with django_capture_on_commit_callbacks(execute=True):
        response = post_photo(client, draft, data)
    assert response.status_code == 200 and "<script>" not in json.dumps(response.json())
    photo = Photo.objects.get()
    assert b"<script>" not in photo.thumbnail.read() and b"<script>" not in photo.preview.read()
    original = download(client, reverse("files:download_variant", args=["photo", photo.pk, "original"]))
    assert original["Content-Disposition"].startswith("attachment")
    assert original["Content-Type"] == "image/jpeg"
    if not original.redirected:  # the portal answered itself (on S3 the bucket does, as an attachment)
        assert original["X-Content-Type-Options"] == "nosniff"


@pytest.mark.storage
def test_photo_upload_real_size_photo_under_notice_rules(client, people, org,
                                                         django_capture_on_commit_callbacks):
    campaign = CampaignFactory()  # the notice's rules: 3000×2000, 300 dpi
    worker = make_user(RoleKind.WORKER, org.unit_a1a)
    client.force_login(worker)
    entry = make_entry(worker, campaign=campaign)
    with django_capture_on_commit_callbacks(execute=True):
        response = post_photo(client, entry, pf.jpeg())
    assert response.status_code == 200, response.json()
    photo = Photo.objects.get()
    assert (photo.width, photo.height) == (3000, 2000) and photo.derivatives_ready
    small = post_photo(client, entry, small_jpeg())
    assert "要求长边≥3000、短边≥2000像素" in small.json()["error"]


# --- submit and withdraw ----------------------------------------------------------------------------------


def test_entry_submit_complete_goes_to_detail(client, worker, draft):
    post_photo(client, draft, small_jpeg())
    response = client.post(reverse("submissions:entry_submit", args=[draft.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("submissions:entry_detail", args=[draft.pk])
    draft.refresh_from_db()
    assert draft.state == EntryState.SUBMITTED


def test_entry_submit_incomplete_lists_missing_items(client, worker, draft):
    response = client.post(reverse("submissions:entry_submit", args=[draft.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("submissions:entry_edit", args=[draft.pk])
    assert any("请上传至少1幅隐患照片" in message for message in messages_of(response))
    draft.refresh_from_db()
    assert draft.state == EntryState.DRAFT


def test_entry_submit_delete_and_withdraw_buttons_ask_for_confirmation(client, worker, draft, small_campaign):
    body = client.get(reverse("submissions:entry_edit", args=[draft.pk])).content.decode()

    def form_tag(page, entry, name):
        action = reverse(f"submissions:{name}", args=[entry.pk])
        return re.search(rf'<form[^>]*action="{action}"[^>]*>', page).group(0)

    submit = re.search(r'<button[^>]*value="submit"[^>]*>', body).group(0)
    assert 'form="entry-form"' in submit and "data-confirm-button" in submit
    assert "data-confirm" in form_tag(body, draft, "entry_delete")
    returned = make_entry(worker, campaign=small_campaign, state=EntryState.RETURNED)
    body = client.get(reverse("submissions:entry_edit", args=[returned.pk])).content.decode()
    assert "data-confirm" in form_tag(body, returned, "entry_withdraw")
    assert reverse("submissions:entry_delete", args=[returned.pk]) not in body


def test_entry_withdraw_submitted_entry(client, worker, small_campaign):
    entry = make_entry(worker, campaign=small_campaign, state=EntryState.SUBMITTED)
    response = client.post(reverse("submissions:entry_withdraw", args=[entry.pk]), follow=True)
    assert "作品已撤回，不再参加评选。" in messages_of(response)
    entry.refresh_from_db()
    assert entry.state == EntryState.WITHDRAWN
    again = client.post(reverse("submissions:entry_withdraw", args=[entry.pk]), follow=True)
    assert any("不能撤回" in message for message in messages_of(again))
