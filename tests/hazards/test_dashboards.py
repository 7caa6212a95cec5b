"""The dashboards' figures (hazards/dashboards.py) and their SVG charts (hazards/charts.py)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hazards.charts import LABEL_WIDTH, WIDTH, bar_chart
from hazards.dashboards import dashboard, inspection_compliance
from hazards.enums import HazardCategory, HazardLevel, HazardState
from hazards.models import Hazard, InspectionPlan
from hazards.scoping import hazards_for_user
from tests.factories import HazardFactory
from tests.factories.inspections import plans_for, workplaces

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 6, 15)


def at(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(day.year, day.month, day.day, hour))


@pytest.fixture
def ledger(org, people):
    """Unit A1a: two open (one overdue, 重大), three closed (two this month after 2 and 4 days, one in
    May after 10), two at the same place and category; unit A0 (city A) one open; unit B1a one open."""
    a1a = org.unit_a1a
    made = {
        "overdue": HazardFactory(unit=a1a, state=HazardState.RECTIFYING, deadline=TODAY - datetime.timedelta(days=1),
                                 level=HazardLevel.MAJOR, found_at=at(TODAY - datetime.timedelta(days=20)),
                                 location="冲压线"),
        "open": HazardFactory(unit=a1a, state=HazardState.ACCEPTED, deadline=TODAY + datetime.timedelta(days=5),
                              found_at=at(TODAY), location="仓库", category=HazardCategory.ENVIRONMENT),
        "closed2": HazardFactory(unit=a1a, state=HazardState.CLOSED, found_at=at(datetime.date(2026, 6, 1)),
                                 closed_at=at(datetime.date(2026, 6, 3)), location="仓库",
                                 category=HazardCategory.ENVIRONMENT),
        "closed4": HazardFactory(unit=a1a, state=HazardState.CLOSED, found_at=at(datetime.date(2026, 6, 2)),
                                 closed_at=at(datetime.date(2026, 6, 6)), location="配电室"),
        "closed10": HazardFactory(unit=a1a, state=HazardState.REVIEWED, found_at=at(datetime.date(2026, 5, 1)),
                                  closed_at=at(datetime.date(2026, 5, 11)), location="食堂"),
        "a0": HazardFactory(unit=org.unit_a0, state=HazardState.REGISTERED, found_at=at(TODAY)),
        "b1a": HazardFactory(unit=org.unit_b1a, state=HazardState.REGISTERED, found_at=at(TODAY)),
    }
    return made


def figures(user, node):
    return dashboard(hazards_for_user(user), node, today=TODAY)


def test_unit_dashboard_totals(ledger, people, org):
    totals = figures(people["safety"], org.unit_a1a)["totals"]
    assert totals == {"total": 5, "open": 2, "overdue": 1, "closed_month": 2, "major_open": 1,
                      "median_days": pytest.approx(4.0)}


def test_repeat_hazards_same_place_and_category(ledger, people, org):
    repeats = figures(people["safety"], org.unit_a1a)["repeats"]
    assert [(r["location"], r["category_label"], r["count"]) for r in repeats] == [("仓库", "环境的不安全因素", 2)]


def test_city_dashboard_counts_its_subtree_with_children(ledger, people, org):
    result = figures(people["city"], org.city_a)
    assert result["totals"]["total"] == 6 and result["totals"]["open"] == 3
    children = {row["node"].name: (row["total"], row["open"], row["overdue"], row["closed"])
                for row in result["children"]}
    assert children == {org.county_a1.name: (5, 2, 1, 2), org.unit_a0.name: (1, 1, 0, 0)}
    assert len(result["charts"]) == 4  # states, categories, months, children


def test_regulator_dashboard_sees_only_major_hazards(ledger, people, org):
    assert figures(people["regulator"], org.city_a)["totals"]["total"] == 1


def test_dashboard_months_chart_counts_found_and_closed(ledger, people, org):
    months = next(chart for chart in figures(people["safety"], org.unit_a1a)["charts"] if chart["series"])
    assert len(months["bars"]) == 12 and months["bars"][-1]["label"] == "2026-06"
    june = [part["value"] for part in months["bars"][-1]["parts"]]
    may = [part["value"] for part in months["bars"][-2]["parts"]]
    assert june == [3, 2] and may == [2, 1]  # the overdue one was found on 26 May


def test_unit_dashboard_without_plans_has_no_children_and_no_compliance(ledger, people, org):
    result = figures(people["safety"], org.unit_a1a)
    assert result["children"] == [] and result["compliance"] is None
    assert inspection_compliance(Hazard.objects.none(), org.unit_a1a) is None


def test_dashboard_compliance_counts_the_rounds_due_and_missed_under_the_node(people, org):
    plans = plans_for(org, workplaces(org), people)
    # 甲班's daily plan started ten days before TODAY with no round since; the other plans start later.
    InspectionPlan.objects.filter(pk=plans["team_a"].pk).update(starts_on=TODAY - datetime.timedelta(days=10))
    InspectionPlan.objects.exclude(pk=plans["team_a"].pk).update(starts_on=TODAY + datetime.timedelta(days=1))
    compliance = figures(people["safety"], org.unit_a1a)["compliance"]
    assert compliance == {"plans": 4, "planned": 10, "done": 0, "missed": 10, "flagged": 1}


def test_empty_dashboard(people, org):
    result = figures(people["safety"], org.unit_a1a)
    assert result["totals"]["total"] == 0 and result["totals"]["median_days"] is None and result["repeats"] == []


def test_dashboard_constant_queries(people, org, django_assert_num_queries):
    HazardFactory(unit=org.unit_a1a, state=HazardState.CLOSED, found_at=at(TODAY), closed_at=at(TODAY))
    figures(people["city"], org.city_a)  # warm up (the user's roles)
    with CaptureQueriesContext(connection) as one:
        figures(people["city"], org.city_a)
    for _index in range(2):
        HazardFactory(unit=org.unit_a0, state=HazardState.CLOSED, found_at=at(TODAY), closed_at=at(TODAY))
    with django_assert_num_queries(len(one)):
        figures(people["city"], org.city_a)


def test_bar_chart_geometry():
    chart = bar_chart([("甲", 10), ("乙", 5), ("丙", 0)], title="t")
    lengths = [bar["parts"][0]["width"] for bar in chart["bars"]]
    assert lengths[0] > 0 and lengths[1] == pytest.approx(lengths[0] / 2) and lengths[2] == 0
    assert all(LABEL_WIDTH + width < WIDTH for width in lengths)
    pairs = bar_chart([("a", 1, 3)], title="t", series=("x", "y"))
    assert [part["series"] for part in pairs["bars"][0]["parts"]] == [0, 1]
    assert bar_chart([], title="t")["height"] > 0
