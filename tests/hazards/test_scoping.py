import pytest

from hazards.enums import HazardLevel
from hazards.presenters import finder_display
from hazards.scoping import hazards_for_user
from portal.accounts.enums import RoleKind
from tests.factories import HazardFactory, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def hazards(org, people):
    return {
        "a1a": HazardFactory(unit=org.unit_a1a, finder=people["worker"]),
        "a1a_major": HazardFactory(unit=org.unit_a1a, finder=people["worker_peer"], level=HazardLevel.MAJOR),
        "a1b": HazardFactory(unit=org.unit_a1b, finder=None),
        "a0_major": HazardFactory(unit=org.unit_a0, level=HazardLevel.MAJOR),
        "b1a": HazardFactory(unit=org.unit_b1a, finder=people["worker_other"]),
        "b1a_major": HazardFactory(unit=org.unit_b1a, level=HazardLevel.MAJOR),
    }


EXPECTED = {
    "worker": {"a1a"},
    "worker_peer": {"a1a_major"},
    "team_leader": {"a1a", "a1a_major"},
    "workshop": {"a1a", "a1a_major"},
    "safety": {"a1a", "a1a_major"},
    "head": {"a1a", "a1a_major"},
    "inspector": {"a1a", "a1a_major"},
    "unit": {"a1a", "a1a_major"},
    "county": {"a1a", "a1a_major", "a1b"},
    "city": {"a1a", "a1a_major", "a1b", "a0_major"},
    "committee": {"a1a", "a1a_major", "a1b", "a0_major", "b1a", "b1a_major"},
    "regulator": {"a1a_major", "a0_major"},
    "safety_other": {"a1b"},
    "inspector_other": {"a1b"},
    "county_other": {"b1a", "b1a_major"},
    "regulator_other": {"b1a_major"},
    "worker_other": {"b1a"},
}


@pytest.mark.parametrize("who", list(EXPECTED))
def test_hazards_for_user_scope_by_role(people, hazards, who):
    seen = set(hazards_for_user(people[who]))
    assert seen == {hazards[name] for name in EXPECTED[who]}


def test_hazards_for_user_anonymous_and_roleless_see_nothing(hazards):
    from django.contrib.auth.models import AnonymousUser
    assert not hazards_for_user(AnonymousUser()).exists()
    assert not hazards_for_user(make_user()).exists()
    assert not hazards_for_user(make_user(is_superuser=True, is_staff=True)).exists()


def test_hazards_for_user_expert_sees_nothing(org, hazards):
    assert not hazards_for_user(make_user(RoleKind.EXPERT, org.city_a)).exists()


def test_hazards_for_user_two_roles_union_of_scopes(org, people, hazards):
    user = people["safety"]
    user.roles.create(kind=RoleKind.REGULATOR, node=org.city_b)
    user = type(user).objects.get(pk=user.pk)
    assert set(hazards_for_user(user)) == {hazards["a1a"], hazards["a1a_major"], hazards["b1a_major"]}


# --- the finder's identity ----------------------------------------------------------------------------------

NAME_SHOWN = {"worker": True, "team_leader": False, "workshop": False, "safety": False, "head": False,
              "inspector": True, "unit": True, "county": True, "city": True, "committee": True}


@pytest.mark.parametrize(("who", "shown"), list(NAME_SHOWN.items()))
def test_finder_display_hides_name_from_management(people, hazards, who, shown):
    hazard = hazards["a1a"]
    expected = people["worker"].get_full_name() if shown else "职工上报"
    assert finder_display(hazard, people[who]) == expected


def test_finder_display_named_finder_shown_to_management(people, hazards):
    hazard = hazards["a1a"]
    hazard.finder_named = True
    assert finder_display(hazard, people["safety"]) == people["worker"].get_full_name()


def test_finder_display_union_staff_of_another_area_not_given_name(people, hazards):
    assert finder_display(hazards["a1a"], people["county_other"]) == "职工上报"
    assert finder_display(hazards["a1a"], people["inspector_other"]) == "职工上报"


@pytest.mark.parametrize("who", ["county", "city", "committee", "regulator", "county_other"])
def test_hazards_for_user_big_area_by_subquery_sees_the_same(people, hazards, who, monkeypatch):
    # Above AREA_ID_LIST_MAX nodes the area's units are a subquery instead of a list of ids: same scope.
    import hazards.scoping as scoping

    monkeypatch.setattr(scoping, "AREA_ID_LIST_MAX", 1)
    query = str(hazards_for_user(people[who]).query)
    assert "directory_orgnode" in query
    assert set(hazards_for_user(people[who])) == {hazards[name] for name in EXPECTED[who]}


def test_hazards_for_user_area_by_ids_reads_no_directory_in_the_hazard_query(people, hazards):
    assert "directory_orgnode" not in str(hazards_for_user(people["county"]).query)
