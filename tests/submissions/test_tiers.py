"""The tier table: its rows are consistent with the permissions, URLs and states the rest reads from it."""

import pytest
import rules
from django.urls import reverse

from portal.accounts.enums import RoleKind
from submissions.enums import NOT_TAKING_PART, EntryState, Tier
from submissions.models import Entry
from submissions.tiers import (
    DECIDING_TIERS,
    GRADEABLE_STATES,
    REVIEWER_ROLE_KINDS,
    TIERS,
    acts_at,
    next_tier,
    spec_for,
    tier_of_role,
)
from tests.factories import make_entry, make_user


def test_tier_table_covers_every_tier_once():
    assert list(TIERS) == list(Tier)
    assert [spec.tier for spec in TIERS.values()] == list(Tier)


def test_tier_table_permissions_are_registered_with_rules():
    for spec in TIERS.values():
        assert rules.perm_exists(spec.assess_permission), spec.assess_permission
        if spec.decides:
            assert rules.perm_exists(spec.forward_permission), spec.forward_permission


def test_tier_table_queue_urls_resolve():
    for spec in TIERS.values():
        assert reverse(spec.queue_url).startswith("/")


def test_tier_table_forward_states_are_pending_at_the_next_tier():
    for tier in DECIDING_TIERS:
        spec = TIERS[tier]
        assert spec.forward_state in TIERS[spec.next_tier].pending_states


def test_tier_table_deciding_tiers_are_below_the_province():
    assert DECIDING_TIERS == (Tier.UNIT, Tier.FIRST_REVIEW, Tier.SELECTION)
    assert not TIERS[Tier.PROVINCE].decides


def test_tier_of_role_maps_reviewer_roles_only():
    assert tier_of_role(RoleKind.COUNTY) == Tier.FIRST_REVIEW
    assert tier_of_role(RoleKind.COMMITTEE) == Tier.PROVINCE
    assert tier_of_role(RoleKind.WORKER) is None
    assert tier_of_role(RoleKind.EXPERT) is None
    assert set(REVIEWER_ROLE_KINDS) == {RoleKind.UNIT, RoleKind.COUNTY, RoleKind.CITY, RoleKind.COMMITTEE}


def test_spec_for_unknown_tier_is_none():
    assert spec_for(7) is None
    assert spec_for("x") is None
    assert spec_for(Tier.SELECTION).role_kind == RoleKind.CITY


def test_gradeable_states_are_all_taking_part():
    assert not set(GRADEABLE_STATES) & set(NOT_TAKING_PART)
    assert set(NOT_TAKING_PART) == {EntryState.DRAFT, EntryState.WITHDRAWN}


@pytest.mark.django_db
def test_next_tier_goes_through_the_county_when_the_unit_has_one(org, people, campaign):
    entry = make_entry(people["worker"], campaign=campaign, state=EntryState.SUBMITTED)
    assert entry.first_review_union_id is not None
    assert next_tier(entry, Tier.UNIT) == Tier.FIRST_REVIEW
    assert next_tier(entry, Tier.SELECTION) == Tier.PROVINCE
    assert next_tier(entry, Tier.PROVINCE) is None


@pytest.mark.django_db
def test_next_tier_skips_the_county_when_the_unit_has_none(org, people, campaign):
    entry = make_entry(make_user(RoleKind.WORKER, org.unit_a0), campaign=campaign, state=EntryState.SUBMITTED)
    assert entry.first_review_union_id is None
    assert next_tier(entry, Tier.UNIT) == Tier.SELECTION


@pytest.mark.django_db
def test_acts_at_needs_the_role_at_the_entrys_node(org, people, campaign):
    entry = make_entry(people["worker"], campaign=campaign, state=EntryState.SUBMITTED)
    assert acts_at(people["unit"], entry, Tier.UNIT)
    assert not acts_at(make_user(RoleKind.UNIT, org.unit_a1b), entry, Tier.UNIT)
    assert acts_at(people["county"], entry, Tier.FIRST_REVIEW)
    assert not acts_at(make_user(RoleKind.COUNTY, org.county_b1), entry, Tier.FIRST_REVIEW)
    # The county's role does not make it the unit's reviewer, nor does the committee decide below.
    assert not acts_at(people["county"], entry, Tier.UNIT)
    assert not acts_at(people["committee"], entry, Tier.PROVINCE)


@pytest.mark.django_db
def test_reached_q_selects_entries_of_the_node_from_the_tier_up(org, people, campaign):
    low = make_entry(people["worker"], campaign=campaign, state=EntryState.SUBMITTED)
    high = make_entry(people["worker"], campaign=campaign, state=EntryState.UNIT_RECOMMENDED,
                      tier=Tier.FIRST_REVIEW)
    county_q = TIERS[Tier.FIRST_REVIEW].reached_q(org.county_a1.pk)
    assert list(Entry.objects.filter(county_q)) == [high]
    assert set(Entry.objects.filter(TIERS[Tier.UNIT].reached_q(org.unit_a1a.pk))) == {low, high}
    assert not Entry.objects.filter(TIERS[Tier.FIRST_REVIEW].reached_q(org.county_b1.pk)).exists()
