import pytest
from django.urls import reverse

from submissions import services
from submissions.enums import EntryState, PhotoKind
from submissions.models import Entry
from tests.factories import make_entry, small_jpeg, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def photo(people, small_campaign):
    worker = people["worker"]
    # Submitted: the admin shows what the site shows, and a draft is its author's alone (issue 12.10).
    entry = make_entry(worker, campaign=small_campaign)
    photo = services.add_photo(entry, PhotoKind.HAZARD, upload(small_jpeg()), actor=worker)
    Entry.objects.filter(pk=entry.pk).update(state=EntryState.SUBMITTED)
    return photo


@pytest.fixture
def admin_client(client, people):
    """The committee's account, a superuser as in the demo."""
    committee = people["committee"]
    committee.is_staff = committee.is_superuser = True
    committee.save()
    client.force_login(committee)
    return client


def test_entry_admin_is_read_only_and_links_files_only_through_the_checked_view(admin_client, photo):
    entry = photo.entry
    assert admin_client.get(reverse("admin:submissions_entry_changelist") + "?q=配电箱").status_code == 200
    page = admin_client.get(reverse("admin:submissions_entry_change", args=[entry.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    assert reverse("files:download_variant", args=["photo", photo.pk, "original"]) in body
    assert photo.original.name not in body and "/private-not-served/" not in body
    assert admin_client.get(reverse("admin:submissions_entry_add")).status_code == 403
    assert admin_client.post(reverse("admin:submissions_entry_delete", args=[entry.pk])).status_code == 403


def test_photo_admin_lists_and_searches(admin_client, photo):
    assert admin_client.get(reverse("admin:submissions_photo_changelist") + f"?q={photo.sha256}").status_code == 200
    body = admin_client.get(reverse("admin:submissions_photo_change", args=[photo.pk])).content.decode()
    assert photo.original.name not in body
