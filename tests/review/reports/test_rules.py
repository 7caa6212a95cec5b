"""The predicates of review.reports.rules (object: a city/industry union) and review.exhibition.rules."""

import pytest
import rules
from django.contrib.auth.models import AnonymousUser

from review.reports import rules as report_rules
from tests.factories import make_user

pytestmark = pytest.mark.django_db

NAMES = ("worker", "unit", "county", "city", "city_other", "industry", "committee", "expert", "superuser")


@pytest.fixture
def people(org):
    return {**org.users(), "superuser": make_user(is_superuser=True, is_staff=True)}


def passing(test, people) -> set[str]:
    return {name for name in NAMES if test(people[name])}


def test_city_union_ids_are_the_unions_of_the_users_city_roles(people, org):
    assert report_rules.city_union_ids(people["city"]) == {org.city_a.pk}
    assert report_rules.city_union_ids(people["industry"]) == {org.industry.pk}
    for name in ("worker", "unit", "county", "committee", "expert", "superuser"):
        assert report_rules.city_union_ids(people[name]) == set(), name
    assert report_rules.city_union_ids(AnonymousUser()) == set()


def test_contact_union_ids_every_union_for_the_committee_own_for_city_staff_none_else(people, org):
    assert report_rules.contact_union_ids(people["committee"]) is None
    assert report_rules.contact_union_ids(people["city"]) == {org.city_a.pk}
    assert report_rules.contact_union_ids(people["expert"]) == set()
    assert report_rules.contact_union_ids(people["superuser"]) == set()


def test_is_union_staff_true_for_the_unions_own_city_staff_only(people, org):
    assert passing(lambda user: report_rules.is_union_staff.test(user, org.city_a), people) == {"city"}
    assert passing(lambda user: report_rules.is_union_staff.test(user, org.industry), people) == {"industry"}
    assert not report_rules.is_union_staff.test(people["city"], None)


@pytest.mark.parametrize(("permission", "expected"), [
    ("reports.view_dashboard", {"unit", "county", "city", "city_other", "industry", "committee"}),
    ("reports.export", {"city", "city_other", "industry", "committee"}),
    ("reports.list_statistics", {"city", "city_other", "industry", "committee"}),
    ("reports.export_province", {"committee"}),
    ("reports.view_statistics_rollup", {"committee"}),
])
def test_report_page_permissions(people, permission, expected):
    assert passing(lambda user: rules.has_perm(permission, user), people) == expected
    assert not rules.has_perm(permission, AnonymousUser())


@pytest.mark.parametrize(("permission", "expected"), [
    ("reports.export_union", {"city", "committee"}),
    ("reports.view_contacts", {"city", "committee"}),
    ("reports.view_statistics", {"city", "committee"}),
    ("reports.submit_statistics", {"city"}),
])
def test_union_permissions_for_its_own_staff_and_the_committee(people, org, permission, expected):
    assert passing(lambda user: rules.has_perm(permission, user, org.city_a), people) == expected


def test_manage_publication_for_the_committee_only(people):
    assert passing(lambda user: rules.has_perm("exhibition.manage_publication", user), people) == {"committee"}
    assert not rules.has_perm("exhibition.manage_publication", AnonymousUser())


def test_superuser_passes_django_has_perm_but_no_report_rule(people, org):
    superuser = people["superuser"]
    assert superuser.has_perm("reports.export")
    assert not rules.has_perm("reports.export", superuser)
    assert not rules.has_perm("reports.view_statistics", superuser, org.city_a)
    assert not rules.has_perm("exhibition.manage_publication", superuser)
