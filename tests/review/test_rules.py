"""The predicates of review.rules, asked directly and through rules.has_perm: who acts at which tier.

The entry is city A's (unit A1a, county A1); each reviewer of its own node passes, the same role at
another node does not, and a superuser without roles passes nothing.
"""

import pytest
import rules
from django.contrib.auth.models import AnonymousUser

from portal.accounts.enums import RoleKind
from review import rules as review_rules
from submissions.enums import EntryState, Tier
from tests.factories import make_entry, make_user

pytestmark = pytest.mark.django_db

STAFF = ("unit", "unit_other", "county", "county_other", "city", "city_other", "committee", "expert",
         "worker", "superuser")


@pytest.fixture
def people(org):
    """One user per role in city A's channel, the same roles elsewhere, and a superuser without roles."""
    return {**org.users(), "unit_other": make_user(RoleKind.UNIT, org.unit_a1b),
            "county_other": make_user(RoleKind.COUNTY, org.county_b1),
            "superuser": make_user(is_superuser=True, is_staff=True)}


def entry_at(people, campaign, tier, state=None):
    states = {Tier.UNIT: EntryState.SUBMITTED, Tier.FIRST_REVIEW: EntryState.UNIT_RECOMMENDED,
              Tier.SELECTION: EntryState.FIRST_FORWARDED, Tier.PROVINCE: EntryState.PROVINCE_RECOMMENDED}
    return make_entry(people["worker"], campaign=campaign, state=state or states[tier], tier=tier)


def passing(predicate, people, *args) -> set[str]:
    return {name for name in STAFF if predicate.test(people[name], *args)}


def test_is_reviewer_true_for_reviewer_roles_only(people):
    assert passing(review_rules.is_reviewer, people) == {
        "unit", "unit_other", "county", "county_other", "city", "city_other", "committee"}
    assert not review_rules.is_reviewer.test(AnonymousUser())


@pytest.mark.parametrize(("predicate", "expected"), [
    ("is_entry_unit_coordinator", {"unit"}),
    ("is_entry_first_reviewer", {"county"}),
    ("is_entry_selection_reviewer", {"city"}),
    ("is_entry_reviewer", {"unit", "county", "city"}),
])
def test_entry_node_predicates_true_for_the_entrys_own_node_only(people, campaign, predicate, expected):
    entry = entry_at(people, campaign, Tier.SELECTION)
    assert passing(getattr(review_rules, predicate), people, entry) == expected
    assert not getattr(review_rules, predicate).test(AnonymousUser(), entry)
    assert not getattr(review_rules, predicate).test(people["unit"], None)


def test_industry_channel_reviewers_act_on_their_own_entries(people, campaign, org):
    worker = make_user(RoleKind.WORKER, org.unit_ga)
    entry = make_entry(worker, campaign=campaign, state=EntryState.FIRST_FORWARDED, tier=Tier.SELECTION)
    assert review_rules.is_entry_first_reviewer.test(people["group"], entry)
    assert review_rules.is_entry_selection_reviewer.test(people["industry"], entry)
    assert not review_rules.is_entry_first_reviewer.test(people["county"], entry)
    assert not review_rules.is_entry_selection_reviewer.test(people["city"], entry)


@pytest.mark.parametrize(("tier", "expected"), [
    (Tier.UNIT, {"unit"}), (Tier.FIRST_REVIEW, {"county"}), (Tier.SELECTION, {"city"}), (Tier.PROVINCE, set())])
def test_reviews_current_tier_true_for_the_reviewer_of_the_entrys_tier(people, campaign, tier, expected):
    entry = entry_at(people, campaign, tier)
    assert passing(review_rules.reviews_current_tier, people, entry) == expected


@pytest.mark.parametrize("tier", [Tier.UNIT, Tier.FIRST_REVIEW, Tier.SELECTION])
def test_reviews_at_tier_true_at_each_deciding_tier_for_its_reviewer(people, campaign, tier):
    entry = entry_at(people, campaign, Tier.SELECTION)
    reviewer = {Tier.UNIT: "unit", Tier.FIRST_REVIEW: "county", Tier.SELECTION: "city"}[tier]
    assert {name for name in STAFF if review_rules.reviews_at_tier(people[name], entry, tier)} == {reviewer}


def test_reviews_at_tier_false_at_the_province_and_without_entry(people, campaign):
    entry = entry_at(people, campaign, Tier.PROVINCE)
    assert not any(review_rules.reviews_at_tier(people[name], entry, Tier.PROVINCE) for name in STAFF)
    assert not review_rules.reviews_at_tier(people["unit"], None, Tier.UNIT)


# --- permissions ----------------------------------------------------------------------------------------------

PERMISSIONS = [
    # permission,                            entry tier,         who passes
    ("review.recommend_entry",               Tier.UNIT,          {"unit"}),
    ("review.forward_entry",                 Tier.FIRST_REVIEW,  {"county"}),
    ("review.recommend_entry_to_province",   Tier.SELECTION,     {"city"}),
    ("review.return_entry",                  Tier.UNIT,          {"unit"}),
    ("review.return_entry",                  Tier.FIRST_REVIEW,  {"county"}),
    ("review.return_entry",                  Tier.SELECTION,     {"city"}),
    ("review.reject_entry",                  Tier.FIRST_REVIEW,  {"county"}),
    ("review.reject_entry",                  Tier.SELECTION,     {"city"}),
    ("review.undo_transition",               Tier.SELECTION,     {"unit", "county", "city"}),
    ("review.grade_entry",                   Tier.SELECTION,     {"unit", "county", "city"}),
]


@pytest.mark.parametrize(("permission", "tier", "expected"), PERMISSIONS,
                         ids=[f"{p}@{t.name}" for p, t, _ in PERMISSIONS])
def test_review_permission_for_the_reviewers_of_the_entrys_node(people, campaign, permission, tier, expected):
    entry = entry_at(people, campaign, tier)
    assert {name for name in STAFF if rules.has_perm(permission, people[name], entry)} == expected
    assert not rules.has_perm(permission, AnonymousUser(), entry)


def test_view_queue_for_reviewers_not_for_workers_experts_or_a_superuser(people):
    assert rules.has_perm("review.view_queue", people["county"])
    assert rules.has_perm("review.view_queue", people["committee"])
    for name in ("worker", "expert", "superuser"):
        assert not rules.has_perm("review.view_queue", people[name]), name
    assert not rules.has_perm("review.view_queue", AnonymousUser())


def test_superuser_passes_django_has_perm_but_no_review_rule(people, campaign):
    entry = entry_at(people, campaign, Tier.UNIT)
    superuser = people["superuser"]
    assert superuser.has_perm("review.recommend_entry", entry)
    assert not any(rules.has_perm(permission, superuser, entry) for permission, _, _ in PERMISSIONS)
