"""Issue 11 (workers) and 12.11/12.2: save-and-submit, deleting drafts, wording, free-text limits."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from portal.audit.models import AuditRecord
from submissions import services
from submissions.completeness import missing_items
from submissions.enums import EntryState, PhotoKind
from submissions.forms import EntryFieldsForm
from submissions.models import Entry, Photo
from tests.factories import make_entry, small_jpeg, stored_files, upload
from tests.storage_helpers import age_all

pytestmark = pytest.mark.django_db


def form_data(entry, **changes):
    """What the 报名表 on the edit page posts for `entry`, with `changes`."""
    data = {
        "title": entry.title, "author_name": entry.author_name, "unit": entry.unit_id,
        "contact_address": entry.contact_address, "contact_phone": entry.contact_phone,
        "contact_email": entry.contact_email, "industry": entry.industry_id, "category": entry.category_id,
        "taken_on": entry.taken_on.isoformat() if entry.taken_on else "", "location": entry.location,
        "hazard": entry.hazard, "suggestion": entry.suggestion, "rectification_note": entry.rectification_note,
        "description": entry.description, "declaration_accepted": "on" if entry.declaration_accepted else "",
        "declaration_name": entry.declaration_name,
        "declaration_date": entry.declaration_date.isoformat() if entry.declaration_date else "",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


# --- 11.1 保存并提交 ---------------------------------------------------------------------------------------


def test_save_and_submit_keeps_the_edits_typed_on_the_page(client, worker, draft):
    services.add_photo(draft, PhotoKind.HAZARD, upload(small_jpeg()), actor=worker)
    response = client.post(reverse("submissions:entry_edit", args=[draft.pk]),
                           form_data(draft, title="改过的名称", action="submit"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("submissions:entry_detail", args=[draft.pk])
    draft.refresh_from_db()
    assert (draft.state, draft.title) == (EntryState.SUBMITTED, "改过的名称")
    actions = list(AuditRecord.objects.for_object(draft).values_list("action", flat=True).order_by("id"))
    assert actions[-2:] == ["entry.update", "entry.submit"]


def test_save_and_submit_incomplete_saves_the_edits_and_lists_what_is_missing(client, worker, draft):
    response = client.post(reverse("submissions:entry_edit", args=[draft.pk]),
                           form_data(draft, title="保存了", action="submit"), follow=True)
    assert response.redirect_chain[-1][0] == reverse("submissions:entry_edit", args=[draft.pk])
    assert any("修改已保存" in m and "请上传至少1幅隐患照片" in m for m in messages_of(response))
    draft.refresh_from_db()
    assert (draft.state, draft.title) == (EntryState.DRAFT, "保存了")


def test_save_and_submit_with_invalid_field_saves_nothing_and_names_the_field(client, worker, draft):
    services.add_photo(draft, PhotoKind.HAZARD, upload(small_jpeg()), actor=worker)
    response = client.post(reverse("submissions:entry_edit", args=[draft.pk]),
                           form_data(draft, title="不会保存", contact_phone="abc", action="submit"))
    assert response.status_code == 200
    message = " ".join(messages_of(response))
    assert "作品未提交" in message and "联系电话" in message
    body = response.content.decode()
    assert 'value="不会保存"' in body  # the typed text stays on the page
    draft.refresh_from_db()
    assert (draft.state, draft.title) == (EntryState.DRAFT, "配电箱门未上锁")


def test_save_and_submit_service_returns_missing_items_after_saving(worker, draft):
    entry, missing = services.save_and_submit_entry(draft, {"title": "服务保存"}, actor=worker)
    assert entry.state == EntryState.DRAFT and "请上传至少1幅隐患照片" in missing
    assert Entry.objects.get(pk=draft.pk).title == "服务保存"


# --- 11.5 deleting a draft ---------------------------------------------------------------------------------


def test_delete_draft_removes_entry_and_photos_and_its_files_go_with_the_purge(client, worker, draft, media_root,
                                                                  django_capture_on_commit_callbacks):
    before = stored_files(media_root)
    with django_capture_on_commit_callbacks(execute=True):
        services.add_photo(draft, PhotoKind.HAZARD, upload(small_jpeg()), actor=worker)
    assert len(stored_files(media_root) - before) == 3  # original, thumbnail, preview
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("submissions:entry_delete", args=[draft.pk]), follow=True)
    assert response.redirect_chain[-1][0] == reverse("submissions:my_entries")
    assert "草稿已删除。" in messages_of(response)
    assert not Entry.objects.filter(pk=draft.pk).exists() and not Photo.objects.exists()
    # The files wait for the orphan purge (a backup running now must still find them); it removes them all.
    assert len(stored_files(media_root) - before) == 3
    age_all(media_root, minutes=2 * 1440)
    call_command("purge_orphan_files", "--delete", stdout=StringIO())
    assert stored_files(media_root) == before
    record = AuditRecord.objects.get(action="entry.delete")
    assert record.target_id == str(draft.pk) and record.actor == worker


def test_delete_is_refused_for_a_submitted_or_returned_entry(client, worker, small_campaign):
    for state in (EntryState.SUBMITTED, EntryState.RETURNED, EntryState.WITHDRAWN):
        entry = make_entry(worker, campaign=small_campaign, state=state)
        response = client.post(reverse("submissions:entry_delete", args=[entry.pk]), follow=True)
        assert any("只能删除未提交过的草稿" in m for m in messages_of(response))
        assert Entry.objects.filter(pk=entry.pk).exists()


def test_delete_of_someone_elses_draft_is_404(client, worker, people, small_campaign):
    theirs = make_entry(people["worker_peer"], campaign=small_campaign)
    assert client.post(reverse("submissions:entry_delete", args=[theirs.pk])).status_code == 404
    assert Entry.objects.filter(pk=theirs.pk).exists()


def test_delete_clears_the_duplicate_flag_of_the_other_entry(worker, small_campaign):
    first, second = (make_entry(worker, campaign=small_campaign) for _ in range(2))
    for entry in (first, second):
        services.add_photo(entry, PhotoKind.HAZARD, upload(small_jpeg(7)), actor=worker)
    assert Entry.objects.get(pk=second.pk).has_duplicate_photo
    services.delete_entry(first, actor=worker)
    assert not Entry.objects.get(pk=second.pk).has_duplicate_photo


def test_my_entries_shows_no_processing_placeholder_for_an_entry_without_photos(client, worker, small_campaign):
    make_entry(worker, campaign=small_campaign, state=EntryState.WITHDRAWN)
    body = client.get(reverse("submissions:my_entries")).content.decode()
    assert "data-no-photo" in body and "placeholder.svg" not in body


# --- 11.6 wording --------------------------------------------------------------------------------------------


def test_missing_list_says_choose_for_selects_and_radios(worker, small_campaign):
    entry = make_entry(worker, campaign=small_campaign)
    Entry.objects.filter(pk=entry.pk).update(industry=None, category=None, title="")
    entry.refresh_from_db()
    missing = missing_items(entry)
    assert "请选择“所属行业”" in missing and "请选择“隐患类别”" in missing
    assert "请填写“照片名称”" in missing
    assert not any(item.startswith("请填写“所属行业") or item.startswith("请填写“隐患类别") for item in missing)


def test_empty_select_option_reads_please_choose(client, worker, small_campaign):
    body = client.get(reverse("submissions:entry_create")).content.decode()
    assert "请选择…" in body and "---------" not in body


# --- 12.11 free-text limits, 12.2 the blind-review note ---------------------------------------------------


@pytest.mark.parametrize("name,label", [("hazard", "存在隐患"), ("suggestion", "整改建议"),
                                        ("rectification_note", "整改后说明")])
def test_free_text_over_the_campaign_limit_is_refused_in_chinese(worker, draft, name, label):
    limit = getattr(draft.campaign, f"{name}_max_chars")
    assert limit == 100  # the default chosen to fit 附件1's boxes
    ok = EntryFieldsForm(form_data(draft, **{name: "隐" * limit}), instance=draft, campaign=draft.campaign, user=worker)
    assert ok.is_valid(), ok.errors
    too_long = EntryFieldsForm(form_data(draft, **{name: "隐" * (limit + 1)}), instance=draft,
                         campaign=draft.campaign, user=worker)
    assert not too_long.is_valid()
    assert too_long.errors[name] == [f"{label}不超过{limit}字（现为{limit + 1}字）。"]


def test_free_text_limits_are_campaign_data_and_counted_live(client, worker, draft):
    campaign = draft.campaign
    campaign.hazard_max_chars = 30
    campaign.save()
    body = client.get(reverse("submissions:entry_edit", args=[draft.pk])).content.decode()
    hazard = re.search(r'<textarea[^>]*name="hazard"[^>]*>', body).group(0)
    assert 'data-char-limit="30"' in hazard and "data-char-counter" in hazard
    response = client.post(reverse("submissions:entry_edit", args=[draft.pk]),
                           form_data(draft, hazard="隐" * 31, action="save"))
    assert "存在隐患不超过30字（现为31字）" in response.content.decode()
    draft.refresh_from_db()
    assert draft.hazard == "配电箱门未上锁"


def test_text_saved_before_a_limit_was_lowered_blocks_submission(worker, draft):
    Entry.objects.filter(pk=draft.pk).update(suggestion="建" * 150)
    draft.refresh_from_db()
    assert "整改建议不超过100字（现为150字）" in missing_items(draft)


def test_entry_form_tells_authors_that_experts_review_blind(client, worker, draft):
    body = client.get(reverse("submissions:entry_edit", args=[draft.pk])).content.decode()
    assert "data-blind-review-note" in body and "匿名评审" in body
    draft.campaign.blind_review = False
    draft.campaign.save()
    assert "data-blind-review-note" not in client.get(
        reverse("submissions:entry_edit", args=[draft.pk])).content.decode()


def test_campaign_admin_explains_the_dpi_policies_with_phone_dpi(admin_client, small_campaign):
    body = admin_client.get(reverse("admin:campaigns_campaign_change", args=[small_campaign.pk])).content.decode()
    assert "72 dpi" in body and "hazard_max_chars" in body
