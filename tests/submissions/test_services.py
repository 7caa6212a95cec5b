import hashlib
from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.utils import timezone

from portal.audit.models import AuditRecord
from portal.campaigns.enums import DpiPolicy, PhaseKind
from portal.refusals import Refused
from submissions import services
from submissions.enums import EntryState, PhotoKind, Tier
from submissions.models import Entry, Photo
from submissions.photos import PhotoRules, validate_photo
from tests.factories import SMALL, make_entry, small_jpeg, stored_files, upload
from tests.factories import photos as pf
from tests.storage_helpers import age_all

pytestmark = pytest.mark.django_db

HAZARD, RECTIFIED = PhotoKind.HAZARD, PhotoKind.RECTIFIED


def form_data(entry_or_user, org, campaign, **overrides):
    data = {
        "title": "配电箱门未上锁", "author_name": "张三", "unit": org.unit_a1a,
        "contact_address": "某某路1号", "contact_phone": "13900000000", "contact_email": "",
        "industry": campaign.industries.first(), "category": campaign.hazard_categories.first(),
        "taken_on": timezone.localdate(), "location": "一号车间", "hazard": "门未上锁",
        "suggestion": "加锁", "rectification_note": "", "description": "配电箱门未上锁",
        "declaration_accepted": True, "declaration_name": "张三", "declaration_date": timezone.localdate(),
    }
    return {**data, **overrides}


def close_submission(campaign):
    phase = campaign.phases.get(kind=PhaseKind.SUBMISSION)
    phase.starts_at = timezone.now() - timedelta(days=60)
    phase.ends_at = timezone.now() - timedelta(days=1)
    phase.save()
    campaign.refresh_from_db()


def add(entry, user, kind=HAZARD, n=0, **options):
    return services.add_photo(entry, kind, upload(small_jpeg(n, **options)), actor=user)


# --- entries ---------------------------------------------------------------------------------------------


def test_create_entry_draft_placed_in_directory_and_audited(org, people, small_campaign):
    worker = people["worker"]
    entry = services.create_entry(small_campaign, form_data(worker, org, small_campaign), actor=worker)
    assert entry.state == EntryState.DRAFT and entry.tier == Tier.UNIT
    assert entry.author == worker
    assert entry.selection_union == org.city_a and entry.first_review_union == org.county_a1
    assert AuditRecord.objects.for_object(entry).filter(action="entry.create").count() == 1


def test_create_entry_incomplete_draft_is_saved(org, people, small_campaign):
    worker = people["worker"]
    entry = services.create_entry(small_campaign, {"author_name": "张三", "unit": org.unit_a1a}, actor=worker)
    assert entry.pk and entry.title == ""


def test_create_entry_phase_closed_refused(org, people, small_campaign):
    close_submission(small_campaign)
    with pytest.raises(Refused, match="提交阶段"):
        services.create_entry(small_campaign, form_data(None, org, small_campaign), actor=people["worker"])
    assert not Entry.objects.exists()


def test_update_entry_new_unit_rederives_unions_and_audits_fields(org, people, small_campaign):
    worker = people["worker"]
    entry = make_entry(worker, campaign=small_campaign)
    services.update_entry(entry, {"unit": org.unit_ga, "title": "新名称"}, actor=worker)
    entry.refresh_from_db()
    assert entry.selection_union == org.industry and entry.first_review_union == org.group
    record = AuditRecord.objects.for_object(entry).get(action="entry.update")
    assert sorted(record.changes["fields"]) == ["title", "unit"]


def test_update_entry_submitted_refused(people, small_campaign):
    worker = people["worker"]
    entry = make_entry(worker, campaign=small_campaign, state=EntryState.SUBMITTED)
    with pytest.raises(Refused, match="不能修改"):
        services.update_entry(entry, {"title": "x"}, actor=worker)


def test_update_entry_other_user_permission_denied(people, small_campaign):
    entry = make_entry(people["worker"], campaign=small_campaign)
    with pytest.raises(PermissionDenied):
        services.update_entry(entry, {"title": "x"}, actor=people["worker_peer"])


def test_submit_entry_complete_is_submitted_and_audited(people, small_campaign):
    worker = people["worker"]
    entry = make_entry(worker, campaign=small_campaign)
    add(entry, worker)
    entry = services.submit_entry(entry, actor=worker)
    entry.refresh_from_db()
    assert entry.state == EntryState.SUBMITTED and entry.submitted_at is not None
    record = AuditRecord.objects.for_object(entry).get(action="entry.submit")
    assert record.changes == {"state": ["draft", "submitted"]}


def test_submit_entry_blank_draft_lists_every_missing_item(org, people, small_campaign):
    worker = people["worker"]
    entry = services.create_entry(small_campaign, {"author_name": "张三", "unit": org.unit_a1a}, actor=worker)
    with pytest.raises(Refused) as caught:
        services.submit_entry(entry, actor=worker)
    text = "\n".join(caught.value.messages)
    for item in ("照片名称", "联系地址", "联系电话", "所属行业", "隐患类别", "文字说明", "拍摄时间", "隐患地点",
                 "存在隐患", "整改建议", "请勾选原创申明", "申明人姓名", "申明日期", "至少1幅隐患照片"):
        assert item in text, item
    assert Entry.objects.get(pk=entry.pk).state == EntryState.DRAFT


def test_submit_entry_declaration_signed_by_someone_else_refused(people, small_campaign):
    worker = people["worker"]
    entry = make_entry(worker, campaign=small_campaign)
    Entry.objects.filter(pk=entry.pk).update(declaration_name="李四")
    add(entry, worker)
    with pytest.raises(Refused, match="须与作者姓名"):
        services.submit_entry(entry, actor=worker)


def test_submit_entry_phase_closed_refused(people, small_campaign):
    worker = people["worker"]
    entry = make_entry(worker, campaign=small_campaign)
    add(entry, worker)
    close_submission(small_campaign)
    entry = Entry.objects.get(pk=entry.pk)
    with pytest.raises(Refused, match="不在作品提交阶段"):
        services.submit_entry(entry, actor=worker)


def test_submit_entry_returned_can_be_resubmitted(people, small_campaign):
    worker = people["worker"]
    entry = make_entry(worker, campaign=small_campaign, state=EntryState.RETURNED)
    add(entry, worker)
    assert services.submit_entry(entry, actor=worker).state == EntryState.SUBMITTED


def test_withdraw_entry_submitted_is_withdrawn_and_audited(people, small_campaign):
    worker = people["worker"]
    entry = make_entry(worker, campaign=small_campaign, state=EntryState.SUBMITTED)
    assert services.withdraw_entry(entry, actor=worker).state == EntryState.WITHDRAWN
    assert AuditRecord.objects.for_object(entry).filter(action="entry.withdraw").exists()


def test_withdraw_entry_forwarded_refused(people, small_campaign):
    worker = people["worker"]
    entry = make_entry(worker, campaign=small_campaign, state=EntryState.UNIT_RECOMMENDED,
                       tier=Tier.FIRST_REVIEW)
    with pytest.raises(Refused, match="不能撤回"):
        services.withdraw_entry(entry, actor=worker)


# --- photos ----------------------------------------------------------------------------------------------


@pytest.mark.storage
def test_add_photo_stores_cleaned_original_under_generated_name(people, small_campaign, media_root):
    worker = people["worker"]
    entry = make_entry(worker, campaign=small_campaign)
    data = pf.insert_comment(small_jpeg(), b"secret comment") + b"<?php echo 1; ?>"
    photo = services.add_photo(entry, HAZARD, upload(data, "../../etc/passwd.jpg"), actor=worker)
    stored = photo.original.read()
    assert stored.endswith(b"\xff\xd9") and b"secret comment" not in stored and b"<?php" not in stored
    assert photo.sha256 == hashlib.sha256(stored).hexdigest()
    assert photo.size == len(stored)
    assert (photo.width, photo.height, photo.position) == (400, 300, 1)
    assert photo.original.name.startswith(f"originals/{small_campaign.pk}/")
    assert "passwd" not in photo.original.name
    assert stored_files(media_root) == {photo.original.name}


@pytest.mark.storage
def test_add_photo_fifth_refused_and_leaves_nothing(people, small_campaign, media_root):
    worker = people["worker"]
    entry = make_entry(worker, campaign=small_campaign)
    for n in range(4):
        add(entry, worker, n=n)
    before = stored_files(media_root)
    with pytest.raises(Refused, match="每组照片不超过4幅"):
        add(entry, worker, n=9)
    assert entry.photos.count() == 4
    assert stored_files(media_root) == before
    # The other group has its own cap.
    add(entry, worker, RECTIFIED, n=10)


@pytest.mark.storage
def test_add_photo_cap_follows_campaign_setting(people, small_campaign):
    small_campaign.max_photos_per_group = 2
    small_campaign.save()
    worker = people["worker"]
    entry = make_entry(worker, campaign=small_campaign)
    add(entry, worker, n=0)
    add(entry, worker, n=1)
    with pytest.raises(Refused, match="不超过2幅"):
        add(entry, worker, n=2)


@pytest.mark.storage
def test_add_photo_same_file_twice_in_one_entry_refused(people, small_campaign):
    worker = people["worker"]
    entry = make_entry(worker, campaign=small_campaign)
    add(entry, worker, n=0)
    with pytest.raises(Refused, match="已经上传过"):
        add(entry, worker, RECTIFIED, n=0)
    assert entry.photos.count() == 1


@pytest.mark.storage
def test_add_photo_invalid_leaves_no_row_and_no_file(people, small_campaign, media_root):
    worker = people["worker"]
    entry = make_entry(worker, campaign=small_campaign)
    with pytest.raises(Refused, match="不是 JPEG"):
        services.add_photo(entry, HAZARD, upload(pf.other_format("PNG")), actor=worker)
    assert not Photo.objects.exists()
    assert stored_files(media_root) == set()


@pytest.mark.storage
def test_add_photo_database_failure_deletes_stored_file(people, small_campaign, media_root, monkeypatch):
    worker = people["worker"]
    entry = make_entry(worker, campaign=small_campaign)

    def broken_audit(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(services, "record_audit", broken_audit)
    with pytest.raises(RuntimeError):
        add(entry, worker)
    assert not Photo.objects.exists()
    assert stored_files(media_root) == set()


@pytest.mark.storage
def test_add_photo_rectification_after_submission_allowed_at_unit(people, small_campaign):
    worker = people["worker"]
    entry = make_entry(worker, campaign=small_campaign, state=EntryState.SUBMITTED)
    add(entry, worker, RECTIFIED)
    entry.refresh_from_db()
    assert entry.has_rectification_photos


@pytest.mark.storage
def test_add_photo_rectification_after_forwarding_refused(people, small_campaign):
    worker = people["worker"]
    entry = make_entry(worker, campaign=small_campaign, state=EntryState.UNIT_RECOMMENDED,
                       tier=Tier.FIRST_REVIEW)
    with pytest.raises(Refused):
        add(entry, worker, RECTIFIED)
    entry = make_entry(worker, campaign=small_campaign, state=EntryState.SUBMITTED, tier=Tier.FIRST_REVIEW)
    with pytest.raises(Refused, match="报送上级"):
        add(entry, worker, RECTIFIED)


@pytest.mark.storage
def test_add_photo_hazard_after_submission_refused(people, small_campaign):
    worker = people["worker"]
    entry = make_entry(worker, campaign=small_campaign, state=EntryState.SUBMITTED)
    with pytest.raises(Refused, match="不能修改"):
        add(entry, worker, HAZARD)


@pytest.mark.storage
def test_add_photo_other_user_permission_denied(people, small_campaign, media_root):
    entry = make_entry(people["worker"], campaign=small_campaign)
    with pytest.raises(PermissionDenied):
        add(entry, people["worker_peer"])
    assert stored_files(media_root) == set()


@pytest.mark.storage
def test_add_photo_same_file_in_two_entries_flags_both_and_delete_clears(people, small_campaign,
                                                                         django_capture_on_commit_callbacks):
    worker, peer = people["worker"], people["worker_peer"]
    first = make_entry(worker, campaign=small_campaign)
    second = make_entry(peer, campaign=small_campaign)
    add(first, worker, n=3)
    photo = add(second, peer, n=3)
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.has_duplicate_photo and second.has_duplicate_photo
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_photo(photo, actor=peer)
    first.refresh_from_db()
    second.refresh_from_db()
    assert not first.has_duplicate_photo and not second.has_duplicate_photo


@pytest.mark.storage
def test_add_photo_same_file_in_another_campaign_not_flagged(people, small_campaign):
    from portal.campaigns.notice import ensure_notice_campaign, open_phases

    other = ensure_notice_campaign(slug="suishoupai-5", year=2026, make_current=False,
                                   phases=open_phases(timezone.now()))
    other.min_long_side, other.min_short_side = SMALL["min_long_side"], SMALL["min_short_side"]
    other.save()
    worker = people["worker"]
    first = make_entry(worker, campaign=small_campaign)
    second = make_entry(worker, campaign=other)
    add(first, worker, n=4)
    add(second, worker, n=4)
    assert not Entry.objects.filter(has_duplicate_photo=True).exists()


@pytest.mark.storage
def test_add_photo_low_dpi_rejected_under_reject_policy(people, small_campaign):
    worker = people["worker"]
    entry = make_entry(worker, campaign=small_campaign)
    with pytest.raises(Refused) as caught:
        add(entry, worker, dpi=72)
    assert "72" in caught.value.messages[0] and "300" in caught.value.messages[0]


@pytest.mark.storage
def test_add_photo_fix_policy_stores_relabelled_copy_and_original_value(people, small_campaign):
    small_campaign.dpi_policy = DpiPolicy.FIX
    small_campaign.save()
    worker = people["worker"]
    entry = make_entry(worker, campaign=small_campaign)
    photo = add(entry, worker, dpi=72)
    assert photo.dpi_relabelled and photo.original_dpi == 72
    stored = photo.original.read()
    strict = PhotoRules(**SMALL, min_dpi=300, dpi_policy="reject")
    assert validate_photo(stored, strict).dpi == 300
    # Lossless: the scan data is unchanged, so the pixels decode identically.
    assert pf.decode(stored).tobytes() == pf.decode(small_jpeg(dpi=72)).tobytes()


@pytest.mark.storage
def test_add_photo_fix_policy_missing_dpi_recorded_as_none(people, small_campaign):
    small_campaign.dpi_policy = DpiPolicy.FIX
    small_campaign.save()
    worker = people["worker"]
    photo = add(make_entry(worker, campaign=small_campaign), worker, dpi=None)
    assert photo.dpi_relabelled and photo.original_dpi is None


@pytest.mark.storage
def test_add_photo_good_dpi_not_relabelled(people, small_campaign):
    worker = people["worker"]
    photo = add(make_entry(worker, campaign=small_campaign), worker)
    assert not photo.dpi_relabelled and photo.original_dpi == 300


@pytest.mark.storage
def test_add_photo_prefills_empty_shooting_date_from_exif(people, small_campaign):
    worker = people["worker"]
    entry = make_entry(worker, campaign=small_campaign)
    Entry.objects.filter(pk=entry.pk).update(taken_on=None)
    entry.refresh_from_db()
    add(entry, worker, exif=(("taken_at", "2025:06:03 09:15:00"),))
    entry.refresh_from_db()
    assert entry.taken_on == date(2025, 6, 3)


@pytest.mark.storage
def test_add_photo_keeps_shooting_date_already_filled(people, small_campaign):
    worker = people["worker"]
    entry = make_entry(worker, campaign=small_campaign)
    filled = entry.taken_on
    add(entry, worker, exif=(("taken_at", "2025:06:03 09:15:00"),))
    entry.refresh_from_db()
    assert entry.taken_on == filled


@pytest.mark.storage
def test_delete_photo_renumbers_group_and_leaves_files_to_the_orphan_purge(people, small_campaign, media_root,
                                                                           django_capture_on_commit_callbacks):
    worker = people["worker"]
    entry = make_entry(worker, campaign=small_campaign)
    with django_capture_on_commit_callbacks(execute=True):
        photos = [add(entry, worker, n=n) for n in range(3)]
    for photo in photos:
        photo.refresh_from_db()
    assert photos[0].thumbnail  # derivatives made once committed
    with django_capture_on_commit_callbacks(execute=True):
        services.delete_photo(photos[0], actor=worker)
    assert list(entry.photos.order_by("position").values_list("pk", "position")) == [
        (photos[1].pk, 1), (photos[2].pk, 2)]
    # The row goes, its files stay for purge_orphan_files (a running backup may still copy them).
    remaining = stored_files(media_root)
    assert {photos[0].original.name, photos[0].thumbnail.name, photos[0].preview.name} <= set(remaining)
    assert Photo.objects.get(pk=photos[1].pk).original.name in remaining
    from portal.backups.orphans import referenced_names
    assert photos[0].original.name not in referenced_names()
    assert AuditRecord.objects.for_object(entry).filter(action="entry.photo_delete").count() == 1


@pytest.mark.storage
def test_delete_photo_last_rectification_clears_flag(people, small_campaign):
    worker = people["worker"]
    entry = make_entry(worker, campaign=small_campaign)
    photo = add(entry, worker, RECTIFIED)
    entry.refresh_from_db()
    assert entry.has_rectification_photos
    services.delete_photo(photo, actor=worker)
    entry.refresh_from_db()
    assert not entry.has_rectification_photos


@pytest.mark.storage
def test_delete_photo_submitted_entry_refused(people, small_campaign):
    worker = people["worker"]
    entry = make_entry(worker, campaign=small_campaign)
    photo = add(entry, worker)
    Entry.objects.filter(pk=entry.pk).update(state=EntryState.SUBMITTED)
    photo.refresh_from_db()
    with pytest.raises(Refused):
        services.delete_photo(photo, actor=worker)
    assert Photo.objects.filter(pk=photo.pk).exists()


def test_move_photo_up_and_down_reorders_group(people, small_campaign):
    worker = people["worker"]
    entry = make_entry(worker, campaign=small_campaign)
    a, b, c = (add(entry, worker, n=n) for n in range(3))

    def order():
        return list(entry.photos.filter(kind=HAZARD).order_by("position").values_list("pk", flat=True))

    services.move_photo(c, "up", actor=worker)
    assert order() == [a.pk, c.pk, b.pk]
    services.move_photo(a, "down", actor=worker)
    assert order() == [c.pk, a.pk, b.pk]
    services.move_photo(c, "up", actor=worker)  # already first: nothing happens
    assert order() == [c.pk, a.pk, b.pk]
    assert AuditRecord.objects.for_object(entry).filter(action="entry.photo_move").count() == 2


@pytest.mark.storage
def test_replace_photo_keeps_place_and_leaves_old_files_to_the_purge(people, small_campaign, media_root,
                                                         django_capture_on_commit_callbacks):
    worker = people["worker"]
    entry = make_entry(worker, campaign=small_campaign)
    with django_capture_on_commit_callbacks(execute=True):
        add(entry, worker, n=0)
        photo = add(entry, worker, n=1)
    photo.refresh_from_db()
    assert photo.thumbnail
    old = {photo.original.name, photo.thumbnail.name, photo.preview.name}
    with django_capture_on_commit_callbacks(execute=True):
        replaced = services.replace_photo(photo, upload(small_jpeg(5, size=(480, 320))), actor=worker)
    replaced.refresh_from_db()
    assert (replaced.pk, replaced.position, replaced.kind) == (photo.pk, 2, HAZARD)
    assert (replaced.width, replaced.height) == (480, 320)
    assert replaced.thumbnail and replaced.preview
    assert old <= stored_files(media_root)  # a backup running now still finds them
    age_all(media_root, minutes=2 * 1440)
    call_command("purge_orphan_files", "--delete", stdout=StringIO())
    assert not old & stored_files(media_root)
    assert AuditRecord.objects.for_object(entry).filter(action="entry.photo_replace").exists()


@pytest.mark.storage
def test_replace_photo_invalid_keeps_old_photo(people, small_campaign, media_root):
    worker = people["worker"]
    entry = make_entry(worker, campaign=small_campaign)
    photo = add(entry, worker)
    before = stored_files(media_root)
    with pytest.raises(Refused):
        services.replace_photo(photo, upload(b"\xff\xd8\xff" + b"\x00" * 500), actor=worker)
    assert Photo.objects.get(pk=photo.pk).sha256 == photo.sha256
    assert stored_files(media_root) == before


@pytest.mark.storage
def test_add_photo_audit_record_names_group_and_hash(people, small_campaign):
    worker = people["worker"]
    entry = make_entry(worker, campaign=small_campaign)
    photo = add(entry, worker, RECTIFIED)
    record = AuditRecord.objects.for_object(entry).get(action="entry.photo_add")
    assert record.summary == "整改后照片1"
    assert record.changes["sha256"] == photo.sha256 and record.actor == worker


def test_create_entry_by_a_non_worker_permission_denied(org, people, small_campaign):
    with pytest.raises(PermissionDenied):
        services.create_entry(small_campaign, form_data(None, org, small_campaign), actor=people["unit"])
    assert not Entry.objects.exists()
