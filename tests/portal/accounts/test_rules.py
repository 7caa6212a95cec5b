"""The role predicates of portal.accounts.rules: each role kind passes its own and no other's."""

import pytest
import rules
from django.contrib.auth.models import AnonymousUser

from portal.accounts import rules as account_rules
from portal.accounts.enums import RoleKind
from tests.factories import make_user

pytestmark = pytest.mark.django_db

STAFF_KINDS = {RoleKind.UNIT, RoleKind.COUNTY, RoleKind.CITY, RoleKind.COMMITTEE}
NODE_OF = {RoleKind.WORKER: "unit_a1a", RoleKind.UNIT: "unit_a1a", RoleKind.COUNTY: "county_a1",
           RoleKind.CITY: "city_a", RoleKind.EXPERT: "city_b", RoleKind.COMMITTEE: "province",
           RoleKind.TEAM_LEADER: "unit_a1a", RoleKind.WORKSHOP_HEAD: "unit_a1a", RoleKind.SAFETY_OFFICER: "unit_a1a",
           RoleKind.UNIT_HEAD: "unit_a1a", RoleKind.UNION_INSPECTOR: "unit_a1a", RoleKind.REGULATOR: "city_a",
           RoleKind.TIP_HANDLER: "county_a1", RoleKind.CUSTODIAN: "city_a", RoleKind.REWARD_REVIEWER: "city_a"}


def holder(org, kind):
    return make_user(kind, getattr(org, NODE_OF[kind]))


def test_role_predicates_cover_every_role_kind():
    assert set(account_rules.ROLE_PREDICATES) == set(RoleKind.values)


@pytest.mark.parametrize("kind", RoleKind.values)
def test_role_predicate_true_for_its_own_kind_only(org, kind):
    user = holder(org, kind)
    held = {other for other, predicate in account_rules.ROLE_PREDICATES.items() if predicate.test(user)}
    assert held == {kind}


@pytest.mark.parametrize("kind", RoleKind.values)
def test_is_staff_reviewer_true_for_staff_kinds_only(org, kind):
    assert account_rules.is_staff_reviewer.test(holder(org, kind)) is (kind in STAFF_KINDS)


def test_role_predicates_false_for_anonymous():
    anonymous = AnonymousUser()
    assert not any(predicate.test(anonymous) for predicate in account_rules.ROLE_PREDICATES.values())
    assert not account_rules.is_staff_reviewer.test(anonymous)


def test_role_predicates_false_for_superuser_without_roles(db):
    superuser = make_user(is_superuser=True, is_staff=True)
    assert not any(predicate.test(superuser) for predicate in account_rules.ROLE_PREDICATES.values())
    assert not account_rules.is_staff_reviewer.test(superuser)
    # Django's own has_perm lets a superuser through everything; the rules do not.
    assert superuser.has_perm("scoring.view_ranking")
    assert not rules.has_perm("scoring.view_ranking", superuser)


def test_user_with_two_roles_passes_both_predicates(org):
    user = make_user(RoleKind.WORKER, org.unit_a1a)
    user.roles.create(kind=RoleKind.EXPERT, node=org.city_b)
    user = type(user).objects.get(pk=user.pk)  # role_list is read once per user object
    assert account_rules.is_worker.test(user) and account_rules.is_expert.test(user)
    assert not account_rules.is_staff_reviewer.test(user)


@pytest.mark.parametrize("kind", RoleKind.values)
def test_view_role_home_true_for_the_kinds_the_user_holds(org, kind):
    user = holder(org, kind)
    homes = {other for other in RoleKind.values if rules.has_perm("accounts.view_role_home", user, other)}
    assert homes == {kind}


def test_view_role_home_false_for_anonymous_superuser_and_no_kind(org):
    for kind in RoleKind.values:
        assert not rules.has_perm("accounts.view_role_home", AnonymousUser(), kind)
        assert not rules.has_perm("accounts.view_role_home", make_user(is_superuser=True), kind)
    assert not rules.has_perm("accounts.view_role_home", holder(org, RoleKind.WORKER), None)
