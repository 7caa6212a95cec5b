"""The admin shows what the site shows (issue 12.10): other people's drafts, their photos and their audit
records stay private, for the committee's superuser account too."""

import pytest
from django.urls import reverse

from portal.audit.models import AuditRecord
from submissions import services
from submissions.enums import EntryState, PhotoKind
from submissions.models import Entry
from tests.factories import SMALL, CampaignFactory, make_entry, make_user, small_jpeg, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries(org):
    people = org.users()
    worker = people["worker"]
    campaign = CampaignFactory(**SMALL)
    draft = make_entry(worker, campaign=campaign)
    Entry.objects.filter(pk=draft.pk).update(title="草稿里的隐患")
    services.add_photo(draft, PhotoKind.HAZARD, upload(small_jpeg(1)), actor=worker)
    submitted = make_entry(worker, campaign=campaign)
    services.add_photo(submitted, PhotoKind.HAZARD, upload(small_jpeg(2)), actor=worker)
    Entry.objects.filter(pk=submitted.pk).update(state=EntryState.SUBMITTED)
    return {"people": people, "draft": draft, "submitted": submitted}


def staff_client(client, user):
    user.is_staff = user.is_superuser = True
    user.save()
    client.force_login(user)
    return client


def listed(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    return set(response.context["cl"].result_list)


def test_admin_entry_list_hides_other_peoples_drafts_from_the_committee(client, entries):
    client = staff_client(client, entries["people"]["committee"])
    assert listed(client, "admin:submissions_entry_changelist") == {entries["submitted"]}
    page = client.get(reverse("admin:submissions_entry_change", args=[entries["draft"].pk]))
    assert page.status_code == 302  # "does not exist", as for any entry out of scope
    assert "草稿里的隐患" not in client.get(page["Location"], follow=True).content.decode()


def test_admin_photo_list_hides_the_photos_of_other_peoples_drafts(client, entries):
    client = staff_client(client, entries["people"]["committee"])
    photos = listed(client, "admin:submissions_photo_changelist")
    assert {photo.entry_id for photo in photos} == {entries["submitted"].pk}
    draft_photo = entries["draft"].photos.get()
    assert client.get(reverse("admin:submissions_photo_change", args=[draft_photo.pk])).status_code == 302


def test_admin_audit_log_hides_the_records_of_other_peoples_drafts(client, entries):
    client = staff_client(client, entries["people"]["committee"])
    records = listed(client, "admin:audit_auditrecord_changelist")
    draft_records = AuditRecord.objects.for_object(entries["draft"])
    assert draft_records.exists()
    assert not records & set(draft_records)
    assert set(AuditRecord.objects.for_object(entries["submitted"])) <= records
    hidden = draft_records.first()
    assert client.get(reverse("admin:audit_auditrecord_change", args=[hidden.pk])).status_code == 302


def test_admin_audit_log_keeps_records_about_other_things(client, entries, org):
    committee = entries["people"]["committee"]
    client = staff_client(client, committee)
    record = AuditRecord.objects.create(actor=committee, action="campaign.change", summary="改了截止日期")
    assert record in listed(client, "admin:audit_auditrecord_changelist")


def test_admin_superuser_without_a_role_sees_no_entries(client, entries):
    client = staff_client(client, make_user(username="root"))
    assert listed(client, "admin:submissions_entry_changelist") == set()
    assert listed(client, "admin:submissions_photo_changelist") == set()


def test_admin_author_who_is_staff_still_sees_their_own_draft(client, entries):
    client = staff_client(client, entries["people"]["worker"])
    assert listed(client, "admin:submissions_entry_changelist") == {entries["draft"], entries["submitted"]}
