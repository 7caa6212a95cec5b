"""The predicates of review.experts.rules: the assigned expert's own pages, and the committee's."""

import pytest
import rules
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from portal.accounts.enums import RoleKind
from review.experts import rules as expert_rules
from submissions.enums import EntryState, Tier
from submissions.models import ExpertAssignment
from tests.factories import make_entry, make_user

pytestmark = pytest.mark.django_db

NAMES = ("worker", "unit", "county", "city", "committee", "expert", "expert_other", "expert_tied", "superuser")
ENTRY_PERMISSIONS = ("experts.view_assigned_entry", "experts.declare_conflict")
COMMITTEE_PERMISSIONS = ("experts.view_panel", "experts.manage_assignments", "experts.view_dashboard",
                         "experts.decide_awards")


@pytest.fixture
def people(org):
    """City A's staff, an expert tied to city B (assigned below), another expert, an expert tied to city A
    (the entry's own union) and a superuser without roles."""
    return {**org.users(), "expert_other": make_user(RoleKind.EXPERT, None),
            "expert_tied": make_user(RoleKind.EXPERT, org.city_a),
            "superuser": make_user(is_superuser=True, is_staff=True)}


@pytest.fixture
def entry(people, campaign):
    """City A's entry in the provincial review, assigned to `expert` and to `expert_tied`."""
    entry = make_entry(people["worker"], campaign=campaign, state=EntryState.PROVINCE_RECOMMENDED,
                       tier=Tier.PROVINCE)
    ExpertAssignment.objects.create(entry=entry, expert=people["expert"])
    ExpertAssignment.objects.create(entry=entry, expert=people["expert_tied"])
    return entry


def passing(test, people) -> set[str]:
    return {name for name in NAMES if test(people[name])}


def test_has_active_assignment_true_for_the_assigned_untied_expert_only(people, entry):
    assert passing(lambda user: expert_rules.has_active_assignment.test(user, entry), people) == {"expert"}
    assert not expert_rules.has_active_assignment.test(AnonymousUser(), entry)
    assert not expert_rules.has_active_assignment.test(people["expert"], None)


@pytest.mark.parametrize("ended", ["conflict_declared_at", "removed_at"])
def test_has_active_assignment_false_after_a_conflict_or_a_removal(people, entry, ended):
    ExpertAssignment.objects.filter(entry=entry, expert=people["expert"]).update(**{ended: timezone.now()})
    assert not expert_rules.has_active_assignment.test(people["expert"], entry)


@pytest.mark.parametrize("permission", ENTRY_PERMISSIONS)
def test_entry_permissions_for_the_assigned_expert_only(people, entry, permission):
    assert passing(lambda user: rules.has_perm(permission, user, entry), people) == {"expert"}


def test_view_my_assignments_for_every_expert(people):
    assert passing(lambda user: rules.has_perm("experts.view_my_assignments", user), people) == {
        "expert", "expert_other", "expert_tied"}
    assert not rules.has_perm("experts.view_my_assignments", AnonymousUser())


def test_download_blind_original_for_the_assigned_expert_and_the_committee(people, entry):
    assert passing(lambda user: rules.has_perm("experts.download_blind_original", user, entry), people) == {
        "expert", "committee"}


@pytest.mark.parametrize("permission", COMMITTEE_PERMISSIONS)
def test_committee_permissions_for_the_committee_only(people, permission):
    assert passing(lambda user: rules.has_perm(permission, user), people) == {"committee"}
    assert not rules.has_perm(permission, AnonymousUser())


def test_superuser_passes_django_has_perm_but_no_expert_rule(people, entry):
    superuser = people["superuser"]
    assert superuser.has_perm("experts.decide_awards")
    assert not any(rules.has_perm(permission, superuser, entry) for permission in ENTRY_PERMISSIONS)
    assert not any(rules.has_perm(permission, superuser) for permission in COMMITTEE_PERMISSIONS)
