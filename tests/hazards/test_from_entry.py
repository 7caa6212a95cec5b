"""A submitted 随手拍 entry joins its unit's ledger, referring to its photos."""

import pytest

from hazards.enums import HazardPhotoKind, HazardSource, HazardState
from hazards.models import Hazard
from hazards.scoping import hazards_for_user
from hazards.services import hazard_from_entry
from portal.accounts.enums import RoleKind
from submissions import services as submission_services
from submissions.enums import EntryState
from tests.factories import add_plain_photos, make_entry, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(org, people, small_campaign):
    entry = make_entry(people["worker"], campaign=small_campaign)
    add_plain_photos(entry, people["worker"])
    return entry


def test_submitted_entry_shows_up_in_its_units_ledger(entry, people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        submission_services.submit_entry(entry, actor=people["worker"])
    hazard = Hazard.objects.get(entry=entry)
    assert (hazard.source, hazard.unit, hazard.state) == (HazardSource.SNAPSHOT, entry.unit, HazardState.REGISTERED)
    assert hazard.finder == people["worker"] and not hazard.finder_named
    assert hazard.code.startswith("HZ-")
    assert hazard in hazards_for_user(people["safety"])
    assert hazard not in hazards_for_user(people["safety_other"])
    kinds = sorted(photo.kind for photo in hazard.photos.all())
    assert kinds == sorted([HazardPhotoKind.BEFORE, HazardPhotoKind.AFTER])
    assert {p.entry_photo_id for p in hazard.photos.all()} == set(entry.photos.values_list("pk", flat=True))
    assert all(not p.original for p in hazard.photos.all())  # referenced, not copied


def test_hazard_from_entry_idempotent_links_new_photos(entry, people):
    first = hazard_from_entry(entry)
    again = hazard_from_entry(entry)
    assert first.pk == again.pk and again.photos.count() == 2
    assert Hazard.objects.count() == 1


def test_hazard_from_entry_maps_category_by_name(entry):
    hazard = hazard_from_entry(entry)
    assert hazard.get_category_display() == entry.category.name


def test_submit_entry_not_broken_when_ledger_fails(entry, people, django_capture_on_commit_callbacks, monkeypatch):
    from hazards import receivers

    def boom(entry):
        raise RuntimeError("ledger down")

    monkeypatch.setattr(receivers, "hazard_from_entry", boom)
    with django_capture_on_commit_callbacks(execute=True):
        submitted = submission_services.submit_entry(entry, actor=people["worker"])
    assert submitted.state == EntryState.SUBMITTED
    assert not Hazard.objects.exists()


def test_draft_entry_not_in_ledger(entry, org):
    assert not Hazard.objects.exists()
    assert not hazards_for_user(make_user(RoleKind.SAFETY_OFFICER, org.unit_a1a)).exists()
