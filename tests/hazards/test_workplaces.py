"""车间/班组 of a hazard (hazards.workplaces) and the 车间负责人/班组长 held at them: what they see and may do."""

import pytest
import rules
from django.urls import reverse

from hazards import services
from hazards.forms import ReportForm
from hazards.roles import manages_unit, report_units
from hazards.scoping import hazards_for_user
from hazards.workplaces import check_workplace
from portal.accounts.enums import RoleKind
from portal.refusals import Refused
from tests.factories import HazardFactory
from tests.factories.accounts import make_user
from tests.factories.hazards import accept, in_days, photo_upload, report
from tests.factories.inspections import workplace_people, workplaces

pytestmark = pytest.mark.django_db


@pytest.fixture
def places(org):
    return workplaces(org)


@pytest.fixture
def crew(places):
    return workplace_people(places)


def test_check_workplace_team_brings_its_workshop(org, places):
    assert check_workplace(org.unit_a1a, None, places["team_a"]) == (places["machining"], places["team_a"])
    assert check_workplace(org.unit_a1a, places["assembly"], None) == (places["assembly"], None)
    assert check_workplace(org.unit_a1a) == (None, None)


@pytest.mark.parametrize(("workshop", "team"), [("storage", None), (None, "team_d"), ("assembly", "team_a"),
                                                ("team_a", None), (None, "machining")])
def test_check_workplace_outside_unit_or_mismatched_refused(org, places, workshop, team):
    with pytest.raises(Refused):
        check_workplace(org.unit_a1a, places.get(workshop), places.get(team))


def test_report_hazard_with_team_links_nodes_and_prints_names(people, org, places):
    hazard = report(people, org, team=places["team_b"])
    hazard.refresh_from_db()
    assert hazard.workshop == places["machining"] and hazard.team == places["team_b"]
    assert str(hazard.workshop) == "机加工车间" and str(hazard.team) == "乙班"


def test_report_hazard_with_other_units_team_refused_nothing_stored(people, org, places):
    with pytest.raises(Refused):
        report(people, org, team=places["team_d"])
    assert not hazards_for_user(people["safety"]).exists()


def test_report_form_offers_only_the_units_workplaces(people, places):
    form = ReportForm(units=report_units(people["worker"]))
    assert set(form.fields["workshop"].queryset) == {places["machining"], places["assembly"]}
    assert set(form.fields["team"].queryset) == {places["team_a"], places["team_b"], places["team_c"]}


def test_report_form_without_workplaces_hides_the_fields(org):
    worker = make_user(RoleKind.WORKER, org.unit_b1a)
    assert "workshop" not in ReportForm(units=report_units(worker)).fields


def test_team_leader_at_team_sees_only_his_teams_hazards(org, places, crew):
    own = HazardFactory(unit=org.unit_a1a, workshop=places["machining"], team=places["team_a"])
    sibling = HazardFactory(unit=org.unit_a1a, workshop=places["machining"], team=places["team_b"])
    unplaced = HazardFactory(unit=org.unit_a1a)
    assert set(hazards_for_user(crew["leader_a"])) == {own}
    assert rules.has_perm("hazards.view_hazard", crew["leader_a"], own)
    assert not rules.has_perm("hazards.view_hazard", crew["leader_a"], sibling)
    assert not rules.has_perm("hazards.view_hazard", crew["leader_a"], unplaced)


def test_workshop_head_at_workshop_sees_its_teams_hazards(org, places, crew):
    team_a = HazardFactory(unit=org.unit_a1a, workshop=places["machining"], team=places["team_a"])
    workshop = HazardFactory(unit=org.unit_a1a, workshop=places["machining"])
    HazardFactory(unit=org.unit_a1a, workshop=places["assembly"], team=places["team_c"])
    assert set(hazards_for_user(crew["head_machining"])) == {team_a, workshop}
    assert not hazards_for_user(crew["head_storage"]).exists()


def test_unit_roles_still_see_every_hazard_of_the_unit(people, org, places):
    hazards = {HazardFactory(unit=org.unit_a1a, workshop=places["machining"], team=places["team_a"]),
               HazardFactory(unit=org.unit_a1a, workshop=places["assembly"]), HazardFactory(unit=org.unit_a1a)}
    for who in ("team_leader", "workshop", "safety", "head", "inspector", "unit", "county"):
        assert set(hazards_for_user(people[who])) == hazards, who


def test_team_leader_at_team_reports_at_his_unit(people, org, places, crew):
    assert report_units(crew["leader_a"]) == [org.unit_a1a]
    hazard = services.report_hazard(actor=crew["leader_a"], unit=org.unit_a1a, category="unsafe_act",
                                    description="未戴安全帽", location="甲班工位", team=places["team_a"],
                                    photos=[photo_upload()])
    assert hazard in hazards_for_user(crew["leader_a"])


def test_workshop_head_at_workshop_may_be_made_responsible(people, org, crew):
    assert manages_unit(crew["head_machining"], org.unit_a1a)
    assert not manages_unit(crew["head_storage"], org.unit_a1a)
    hazard = accept(report(people, org), people)
    assert hazard.responsible == people["workshop"]
    other = services.accept_hazard(report(people, org), actor=people["safety"], level="general",
                                   responsible=crew["head_machining"], deadline=in_days(3))
    assert other.responsible == crew["head_machining"]
    with pytest.raises(Refused):
        services.accept_hazard(report(people, org), actor=people["safety"], level="general",
                               responsible=crew["head_storage"], deadline=in_days(3))


def test_ledger_filters_by_workshop_and_finds_team_names(client, people, org, places):
    machining = HazardFactory(unit=org.unit_a1a, workshop=places["machining"], team=places["team_a"])
    assembly = HazardFactory(unit=org.unit_a1a, workshop=places["assembly"])
    client.force_login(people["safety"])
    page = client.get(reverse("hazards:ledger"), {"workshop": places["machining"].pk}).content.decode()
    assert machining.code in page and assembly.code not in page
    assert f'value="{places["machining"].pk}" selected' in page and "装配车间" in page  # the choices
    page = client.get(reverse("hazards:ledger"), {"q": "甲班"}).content.decode()
    assert machining.code in page and assembly.code not in page
    outside = client.get(reverse("hazards:ledger"), {"workshop": places["storage"].pk}).content.decode()
    assert machining.code in outside  # a workshop outside the user's hazards is no valid choice: ignored
