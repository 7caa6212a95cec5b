"""The predicates of submissions.rules, asked through rules.has_perm: true and false cases for each."""

from datetime import timedelta

import pytest
import rules
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from portal.accounts.enums import RoleKind
from portal.campaigns.enums import PhaseKind
from submissions import rules as submission_rules
from submissions.enums import EntryState, Tier
from submissions.models import Entry
from tests.factories import make_entry, make_user

pytestmark = pytest.mark.django_db


def close_submission(campaign):
    phase = campaign.phases.get(kind=PhaseKind.SUBMISSION)
    now = timezone.now()
    phase.starts_at, phase.ends_at = now - timedelta(days=30), now - timedelta(days=1)
    phase.save()


def fresh(entry) -> Entry:
    return Entry.objects.select_related("campaign").get(pk=entry.pk)


@pytest.fixture
def superuser(db):
    return make_user(is_superuser=True, is_staff=True)


@pytest.fixture
def people(org):
    """Built here (this folder's conftest has its own `people`): one user per role in city A, and peers."""
    return {**org.users(), "unit_other": make_user(RoleKind.UNIT, org.unit_a1b)}


# --- predicates -----------------------------------------------------------------------------------------------


def test_is_author_true_for_the_author_false_for_others(people, campaign):
    entry = make_entry(people["worker"], campaign=campaign)
    assert submission_rules.is_author.test(people["worker"], entry)
    assert not submission_rules.is_author.test(people["worker_peer"], entry)
    assert not submission_rules.is_author.test(AnonymousUser(), entry)
    assert not submission_rules.is_author.test(people["worker"], None)


@pytest.mark.parametrize(("state", "expected"), [
    (EntryState.DRAFT, True), (EntryState.RETURNED, True), (EntryState.SUBMITTED, False),
    (EntryState.WITHDRAWN, False), (EntryState.UNIT_RECOMMENDED, False)])
def test_is_editable_follows_the_state(people, campaign, state, expected):
    entry = make_entry(people["worker"], campaign=campaign, state=state)
    assert submission_rules.is_editable.test(people["worker"], entry) is expected


def test_submission_phase_open_true_while_open_false_after(people, campaign):
    entry = make_entry(people["worker"], campaign=campaign)
    assert submission_rules.submission_phase_open.test(people["worker"], fresh(entry))
    close_submission(campaign)
    assert not submission_rules.submission_phase_open.test(people["worker"], fresh(entry))


@pytest.mark.parametrize(("state", "tier", "expected"), [
    (EntryState.SUBMITTED, Tier.UNIT, True), (EntryState.DRAFT, Tier.UNIT, False),
    (EntryState.UNIT_RECOMMENDED, Tier.FIRST_REVIEW, False), (EntryState.RETURNED, Tier.UNIT, False)])
def test_awaits_unit_only_submitted_at_unit(people, campaign, state, tier, expected):
    entry = make_entry(people["worker"], campaign=campaign, state=state, tier=tier)
    assert submission_rules.awaits_unit.test(people["worker"], entry) is expected


@pytest.mark.parametrize(("state", "tier", "expected"), [
    (EntryState.DRAFT, Tier.UNIT, True), (EntryState.SUBMITTED, Tier.UNIT, True),
    (EntryState.RETURNED, Tier.UNIT, True), (EntryState.UNIT_RECOMMENDED, Tier.FIRST_REVIEW, False),
    (EntryState.WITHDRAWN, Tier.UNIT, False)])
def test_is_withdrawable_until_the_unit_acts(people, campaign, state, tier, expected):
    entry = make_entry(people["worker"], campaign=campaign, state=state, tier=tier)
    assert submission_rules.is_withdrawable.test(people["worker"], entry) is expected


def test_is_deletable_only_a_never_submitted_draft(people, campaign):
    draft = make_entry(people["worker"], campaign=campaign)
    assert submission_rules.is_deletable.test(people["worker"], draft)
    returned_to_draft = make_entry(people["worker"], campaign=campaign, submitted_at=timezone.now())
    assert not submission_rules.is_deletable.test(people["worker"], returned_to_draft)
    submitted = make_entry(people["worker"], campaign=campaign, state=EntryState.SUBMITTED)
    assert not submission_rules.is_deletable.test(people["worker"], submitted)


@pytest.mark.parametrize(("role", "expected"), [
    ("worker", True), ("unit", True), ("committee", True), ("worker_peer", False), ("unit_other", False),
    ("county", False), ("city", False), ("expert", False)])
def test_is_visible_follows_the_scope_of_a_submitted_entry_at_unit(people, campaign, role, expected):
    entry = make_entry(people["worker"], campaign=campaign, state=EntryState.SUBMITTED)
    assert submission_rules.is_visible.test(people[role], entry) is expected


def test_is_visible_false_for_anonymous_and_superuser(people, campaign, superuser):
    entry = make_entry(people["worker"], campaign=campaign, state=EntryState.SUBMITTED)
    assert not submission_rules.is_visible.test(AnonymousUser(), entry)
    assert not submission_rules.is_visible.test(superuser, entry)


def test_current_campaign_accepts_entries_only_while_submission_is_open(people, campaign):
    assert submission_rules.current_campaign_accepts_entries.test(people["worker"])
    close_submission(campaign)
    assert not submission_rules.current_campaign_accepts_entries.test(people["worker"])


# --- permissions ----------------------------------------------------------------------------------------------


def test_open_entry_form_for_any_worker_whatever_the_phase(people, campaign, superuser):
    close_submission(campaign)
    assert rules.has_perm("submissions.open_entry_form", people["worker"])
    for user in (people["unit"], people["committee"], people["expert"], superuser, AnonymousUser()):
        assert not rules.has_perm("submissions.open_entry_form", user)


def test_add_entry_for_a_worker_while_submission_is_open(people, campaign, superuser):
    assert rules.has_perm("submissions.add_entry", people["worker"])
    for role in ("unit", "county", "city", "expert", "committee"):
        assert not rules.has_perm("submissions.add_entry", people[role]), role
    assert not rules.has_perm("submissions.add_entry", superuser)
    close_submission(campaign)
    assert not rules.has_perm("submissions.add_entry", people["worker"])


@pytest.mark.parametrize("permission", ["submissions.change_entry", "submissions.submit_entry"])
def test_change_and_submit_for_the_author_of_an_editable_entry_while_open(people, campaign, superuser,
                                                                          permission):
    draft = make_entry(people["worker"], campaign=campaign)
    assert rules.has_perm(permission, people["worker"], draft)
    for user in (people["worker_peer"], people["unit"], people["committee"], superuser):
        assert not rules.has_perm(permission, user, draft)
    submitted = make_entry(people["worker"], campaign=campaign, state=EntryState.SUBMITTED)
    assert not rules.has_perm(permission, people["worker"], submitted)
    close_submission(campaign)
    assert not rules.has_perm(permission, people["worker"], fresh(draft))


def test_withdraw_entry_for_the_author_whatever_the_phase(people, campaign, superuser):
    entry = make_entry(people["worker"], campaign=campaign, state=EntryState.SUBMITTED)
    close_submission(campaign)
    assert rules.has_perm("submissions.withdraw_entry", people["worker"], fresh(entry))
    assert not rules.has_perm("submissions.withdraw_entry", people["unit"], entry)
    assert not rules.has_perm("submissions.withdraw_entry", superuser, entry)
    forwarded = make_entry(people["worker"], campaign=campaign, state=EntryState.UNIT_RECOMMENDED,
                           tier=Tier.FIRST_REVIEW)
    assert not rules.has_perm("submissions.withdraw_entry", people["worker"], forwarded)


def test_delete_entry_for_the_author_of_a_draft_only(people, campaign, superuser):
    draft = make_entry(people["worker"], campaign=campaign)
    assert rules.has_perm("submissions.delete_entry", people["worker"], draft)
    assert not rules.has_perm("submissions.delete_entry", people["worker_peer"], draft)
    assert not rules.has_perm("submissions.delete_entry", superuser, draft)
    submitted = make_entry(people["worker"], campaign=campaign, state=EntryState.SUBMITTED)
    assert not rules.has_perm("submissions.delete_entry", people["worker"], submitted)


def test_add_rectification_photo_while_the_unit_has_the_entry_even_after_submission_closes(people, campaign):
    submitted = make_entry(people["worker"], campaign=campaign, state=EntryState.SUBMITTED)
    close_submission(campaign)
    assert rules.has_perm("submissions.add_rectification_photo", people["worker"], fresh(submitted))
    assert not rules.has_perm("submissions.add_rectification_photo", people["unit"], submitted)
    forwarded = make_entry(people["worker"], campaign=campaign, state=EntryState.UNIT_RECOMMENDED,
                           tier=Tier.FIRST_REVIEW)
    assert not rules.has_perm("submissions.add_rectification_photo", people["worker"], forwarded)


@pytest.mark.parametrize(("role", "expected"), [
    ("worker", True), ("unit", True), ("committee", True), ("worker_peer", False), ("unit_other", False),
    ("expert", False)])
def test_download_original_for_the_author_and_staff_in_scope(people, campaign, role, expected):
    entry = make_entry(people["worker"], campaign=campaign, state=EntryState.SUBMITTED)
    assert rules.has_perm("submissions.download_original", people[role], entry) is expected


def test_download_original_not_for_a_superuser_or_a_worker_who_also_sees_it_as_author_of_another(
        people, campaign, superuser):
    entry = make_entry(people["worker"], campaign=campaign, state=EntryState.SUBMITTED)
    assert not rules.has_perm("submissions.download_original", superuser, entry)
    # A worker of the same unit is not staff: they see neither the entry nor its original.
    assert not rules.has_perm("submissions.download_original", make_user(RoleKind.WORKER, entry.unit), entry)


def test_view_entry_follows_the_scope(people, campaign, superuser):
    entry = make_entry(people["worker"], campaign=campaign, state=EntryState.SUBMITTED)
    assert rules.has_perm("submissions.view_entry", people["unit"], entry)
    assert not rules.has_perm("submissions.view_entry", people["unit_other"], entry)
    assert not rules.has_perm("submissions.view_entry", superuser, entry)
