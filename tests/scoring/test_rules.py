"""The predicates of scoring.rules, asked directly and through rules.has_perm: who assesses at which tier,
who reads the scores, the ranking and the experts' names."""

from datetime import timedelta

import pytest
import rules
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from portal.accounts.enums import RoleKind
from portal.campaigns.enums import PhaseKind
from scoring import rules as scoring_rules
from submissions.enums import EntryState, Tier
from submissions.models import Entry, ExpertAssignment
from tests.factories import make_entry, make_user

pytestmark = pytest.mark.django_db

NAMES = ("worker", "unit", "unit_other", "county", "county_other", "city", "city_other", "committee",
         "expert", "expert_free", "superuser")
STATE_AT = {Tier.UNIT: EntryState.SUBMITTED, Tier.FIRST_REVIEW: EntryState.UNIT_RECOMMENDED,
            Tier.SELECTION: EntryState.FIRST_FORWARDED, Tier.PROVINCE: EntryState.PROVINCE_RECOMMENDED}


@pytest.fixture
def people(org):
    """One user per role in city A's channel, the same roles elsewhere, experts and a bare superuser."""
    return {**org.users(), "unit_other": make_user(RoleKind.UNIT, org.unit_a1b),
            "county_other": make_user(RoleKind.COUNTY, org.county_b1),
            "expert_free": make_user(RoleKind.EXPERT, None),
            "superuser": make_user(is_superuser=True, is_staff=True)}


def entry_at(people, campaign, tier, state=None):
    return make_entry(people["worker"], campaign=campaign, state=state or STATE_AT[tier], tier=tier)


def passing(test, people) -> set[str]:
    return {name for name in NAMES if test(people[name])}


@pytest.mark.parametrize(("state", "expected"), [
    (EntryState.SUBMITTED, True), (EntryState.RETURNED, True), (EntryState.REJECTED, True),
    (EntryState.DRAFT, False), (EntryState.WITHDRAWN, False)])
def test_entry_is_assessable_except_drafts_and_withdrawn(people, campaign, state, expected):
    entry = entry_at(people, campaign, Tier.UNIT, state)
    assert scoring_rules.entry_is_assessable.test(people["unit"], entry) is expected
    assert not scoring_rules.entry_is_assessable.test(people["unit"], None)


@pytest.mark.parametrize(("predicate", "below", "reached", "expected"), [
    ("is_entry_unit_coordinator", None, Tier.UNIT, {"unit"}),
    ("is_entry_first_reviewer", Tier.UNIT, Tier.FIRST_REVIEW, {"county"}),
    ("is_entry_selection_reviewer", Tier.FIRST_REVIEW, Tier.SELECTION, {"city"}),
])
def test_tier_reviewer_predicates_true_once_the_entry_reached_the_tier(people, campaign, predicate, below,
                                                                       reached, expected):
    test = getattr(scoring_rules, predicate).test
    entry = entry_at(people, campaign, reached)
    assert passing(lambda user: test(user, entry), people) == expected
    assert not test(AnonymousUser(), entry)
    if below is not None:
        early = entry_at(people, campaign, below)
        assert passing(lambda user: test(user, early), people) == set()


def test_entry_reached_province_true_at_the_province_only(people, campaign):
    assert scoring_rules.entry_reached_province.test(people["expert"], entry_at(people, campaign, Tier.PROVINCE))
    assert not scoring_rules.entry_reached_province.test(people["expert"],
                                                         entry_at(people, campaign, Tier.SELECTION))


def test_is_assigned_expert_true_for_an_active_assignment_only(people, campaign):
    entry = entry_at(people, campaign, Tier.PROVINCE)
    assert passing(lambda user: scoring_rules.is_assigned_expert.test(user, entry), people) == set()
    assignment = ExpertAssignment.objects.create(entry=entry, expert=people["expert"])
    assert passing(lambda user: scoring_rules.is_assigned_expert.test(user, entry), people) == {"expert"}
    assignment.conflict_declared_at = timezone.now()
    assignment.save()
    assert not scoring_rules.is_assigned_expert.test(people["expert"], entry)


def test_is_assigned_expert_fails_closed_without_a_registered_check(people, campaign, monkeypatch):
    entry = entry_at(people, campaign, Tier.PROVINCE)
    ExpertAssignment.objects.create(entry=entry, expert=people["expert"])
    assert scoring_rules.is_assigned_expert.test(people["expert"], entry)
    monkeypatch.setattr(scoring_rules, "_province_assessor_checks", [])
    assert not scoring_rules.is_assigned_expert.test(people["expert"], entry)
    assert not rules.has_perm("scoring.assess_at_province", people["expert"], entry)


def test_is_assigned_expert_false_once_the_expert_review_closed(people, campaign):
    entry = entry_at(people, campaign, Tier.PROVINCE)
    ExpertAssignment.objects.create(entry=entry, expert=people["expert"])
    phase = campaign.phases.get(kind=PhaseKind.EXPERT_REVIEW)
    phase.ends_at = timezone.now() - timedelta(days=1)
    phase.starts_at = phase.ends_at - timedelta(days=10)
    phase.save()
    assert not scoring_rules.is_assigned_expert.test(people["expert"], Entry.objects.get(pk=entry.pk))


def test_is_assigned_expert_false_for_an_expert_tied_to_the_entrys_union(people, campaign, org):
    entry = entry_at(people, campaign, Tier.PROVINCE)
    tied = make_user(RoleKind.EXPERT, org.city_a)
    ExpertAssignment.objects.create(entry=entry, expert=tied)
    assert not scoring_rules.is_assigned_expert.test(tied, entry)


# --- permissions ----------------------------------------------------------------------------------------------

ASSESS = [
    # tier,              entry at,           who may assess
    (Tier.UNIT,          Tier.UNIT,          {"unit"}),
    (Tier.UNIT,          Tier.SELECTION,     {"unit"}),
    (Tier.FIRST_REVIEW,  Tier.UNIT,          set()),
    (Tier.FIRST_REVIEW,  Tier.FIRST_REVIEW,  {"county"}),
    (Tier.SELECTION,     Tier.FIRST_REVIEW,  set()),
    (Tier.SELECTION,     Tier.SELECTION,     {"city"}),
    (Tier.SELECTION,     Tier.PROVINCE,      {"city"}),
    (Tier.PROVINCE,      Tier.PROVINCE,      set()),  # no assignment yet
]


@pytest.mark.parametrize(("tier", "entry_tier", "expected"), ASSESS,
                         ids=[f"{t.name}-at-{e.name}" for t, e, _ in ASSESS])
def test_assess_permission_for_the_reviewer_of_that_tier(people, campaign, tier, entry_tier, expected):
    entry = entry_at(people, campaign, entry_tier)
    permission = scoring_rules.ASSESS_PERMISSIONS[tier]
    assert passing(lambda user: rules.has_perm(permission, user, entry), people) == expected
    assert passing(lambda user: scoring_rules.can_assess(user, entry, tier), people) == expected


def test_assess_at_province_for_the_assigned_expert(people, campaign):
    entry = entry_at(people, campaign, Tier.PROVINCE)
    ExpertAssignment.objects.create(entry=entry, expert=people["expert"])
    assert passing(lambda user: rules.has_perm("scoring.assess_at_province", user, entry), people) == {"expert"}


@pytest.mark.parametrize("state", [EntryState.DRAFT, EntryState.WITHDRAWN])
def test_assess_refused_for_draft_or_withdrawn_even_to_the_unit(people, campaign, state):
    entry = entry_at(people, campaign, Tier.UNIT, state)
    assert not rules.has_perm("scoring.assess_at_unit", people["unit"], entry)
    assert not scoring_rules.can_view_scores(people["unit"], entry)


def test_can_assess_false_for_an_unknown_tier(people, campaign):
    assert not scoring_rules.can_assess(people["unit"], entry_at(people, campaign, Tier.UNIT), 99)


@pytest.mark.parametrize(("entry_tier", "expected"), [
    (Tier.UNIT, {"unit", "committee"}),
    (Tier.FIRST_REVIEW, {"unit", "county", "committee"}),
    (Tier.SELECTION, {"unit", "county", "city", "committee"}),
])
def test_view_entry_scores_for_the_entrys_reviewers_and_the_committee(people, campaign, entry_tier, expected):
    entry = entry_at(people, campaign, entry_tier)
    assert passing(lambda user: rules.has_perm("scoring.view_entry_scores", user, entry), people) == expected
    assert passing(lambda user: scoring_rules.can_view_scores(user, entry), people) == expected


def test_view_ranking_for_staff_reviewers_only(people):
    assert passing(lambda user: rules.has_perm("scoring.view_ranking", user), people) == {
        "unit", "unit_other", "county", "county_other", "city", "city_other", "committee"}
    assert not rules.has_perm("scoring.view_ranking", AnonymousUser())


def test_view_expert_identity_for_the_committee_only(people):
    assert passing(lambda user: rules.has_perm("scoring.view_expert_identity", user), people) == {"committee"}


def test_superuser_passes_django_has_perm_but_no_scoring_rule(people, campaign):
    entry = entry_at(people, campaign, Tier.UNIT)
    superuser = people["superuser"]
    assert superuser.has_perm("scoring.assess_at_unit", entry)
    assert not any(scoring_rules.can_assess(superuser, entry, tier) for tier in Tier)
    assert not scoring_rules.can_view_scores(superuser, entry)
