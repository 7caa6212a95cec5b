"""demo.inspections.seed_inspections: the demo's 车间/班组, plans and rounds, a few missed and one finding."""

from io import StringIO

import pytest
from django.core.management import call_command

from demo import data as demo_data
from demo.inspections import seed_inspections
from hazards import inspections
from hazards.enums import HazardSource, InspectionLevel
from hazards.models import Hazard, InspectionPlan, InspectionRound
from portal.directory.enums import NodeKind
from portal.directory.models import OrgNode

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_directory():
    call_command("seed_demo", "--force", stdout=StringIO())


def test_seed_inspections_workplaces_plans_rounds_missed_and_one_finding(demo_directory):
    out = StringIO()
    added = seed_inspections(out)
    units = OrgNode.objects.units().count()
    assert OrgNode.objects.filter(kind=NodeKind.WORKSHOP).count() == 2 * units
    assert OrgNode.objects.filter(kind=NodeKind.TEAM).count() == 4 * units
    assert added["workplaces"] == 6 * units and "排查计划" in out.getvalue()
    xiaodian = OrgNode.objects.get(name=demo_data.county_union_name("太原市", "小店区"))
    plans = InspectionPlan.objects.filter(unit__path__startswith=xiaodian.path)
    assert plans.count() == added["plans"] == 7 * len(demo_data.UNIT_SUFFIXES)
    assert set(plans.values_list("level", flat=True)) == set(InspectionLevel.values)
    assert InspectionRound.objects.count() == added["rounds"] > 0
    found = Hazard.objects.get(source=HazardSource.INSPECTION)
    assert found.team is not None and found.inspection_finding.round.plan.node == found.team
    rows = inspections.compliance_rows(inspections.with_last_round(plans))
    assert any(row.flagged for row in rows) and not all(row.flagged for row in rows)
    assert all(row.done for row in rows)


def test_seed_inspections_again_adds_nothing(demo_directory):
    seed_inspections()
    counts = (OrgNode.objects.count(), InspectionPlan.objects.count(), InspectionRound.objects.count(),
              Hazard.objects.count())
    assert seed_inspections() == {"workplaces": 0, "plans": 0, "rounds": 0, "findings": 0}
    assert counts == (OrgNode.objects.count(), InspectionPlan.objects.count(), InspectionRound.objects.count(),
                      Hazard.objects.count())
