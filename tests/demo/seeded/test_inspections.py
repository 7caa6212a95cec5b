"""demo.inspections.seed_inspections: the demo's 车间/班组, plans and rounds, a few missed and one finding."""

import pytest

from demo import data as demo_data
from demo.inspections import WORKPLACES, seed_inspections
from hazards import inspections
from hazards.enums import HazardSource, InspectionLevel
from hazards.models import Hazard, InspectionPlan, InspectionRound
from portal.directory.enums import NodeKind
from portal.directory.models import OrgNode

pytestmark = pytest.mark.django_db


def test_seed_demo_adds_workplaces_plans_rounds_missed_and_one_finding(demo_db):
    # seed_demo runs seed_inspections: every unit has its kind's 车间 and 班组 (the ledger demo's hazards may
    # name a few more at the demo unit), and 小店区's units have their plans and past rounds.
    for unit in OrgNode.objects.units():
        expected = WORKPLACES[next(word for word in WORKPLACES if word in unit.name)]
        workshops = set(OrgNode.objects.filter(parent=unit, kind=NodeKind.WORKSHOP).values_list("short_name", flat=True))
        assert set(expected) <= workshops
        for workshop_name, teams in expected.items():
            workshop = OrgNode.objects.get(parent=unit, kind=NodeKind.WORKSHOP, short_name=workshop_name)
            assert set(teams) <= set(workshop.children.filter(kind=NodeKind.TEAM).values_list("short_name", flat=True))
    xiaodian = OrgNode.objects.get(name=demo_data.county_union_name("太原市", "小店区"))
    plans = InspectionPlan.objects.filter(unit__path__startswith=xiaodian.path)
    # One plan per unit, 车间 and 班组 of 小店区's demo units, none elsewhere.
    places = OrgNode.objects.filter(path__startswith=xiaodian.path,
                                    kind__in=[NodeKind.UNIT, NodeKind.WORKSHOP, NodeKind.TEAM])
    assert plans.count() == InspectionPlan.objects.count() == places.count() >= 7 * len(demo_data.UNIT_SUFFIXES)
    assert set(plans.values_list("level", flat=True)) == set(InspectionLevel.values)
    assert InspectionRound.objects.filter(plan__in=plans).exists()
    found = Hazard.objects.get(source=HazardSource.INSPECTION, inspection_finding__isnull=False)
    assert found.team is not None and found.inspection_finding.round.plan.node == found.team
    rows = inspections.compliance_rows(inspections.with_last_round(plans))
    assert any(row.flagged for row in rows) and not all(row.flagged for row in rows)
    assert all(row.done for row in rows)


def test_seed_inspections_again_adds_nothing(demo_db):
    seed_inspections()
    counts = (OrgNode.objects.count(), InspectionPlan.objects.count(), InspectionRound.objects.count(),
              Hazard.objects.count())
    assert seed_inspections() == {"workplaces": 0, "plans": 0, "rounds": 0, "findings": 0}
    assert counts == (OrgNode.objects.count(), InspectionPlan.objects.count(), InspectionRound.objects.count(),
                      Hazard.objects.count())
