"""returns.hints: the 自查表's hints, item 4's from whatever counts the activity records
(returns.hints_registry, filled by ankang); the grades' least counts are data of the criterion."""

from decimal import Decimal

import pytest

from returns import hints_registry, services
from returns.hints import checklist_hints
from returns.hints_registry import ActivityFigures, ActivityHooks
from returns.models import ChecklistCriterion
from tests.factories.returns import filer, period

pytestmark = pytest.mark.django_db


@pytest.fixture
def counting():
    """A stand-in for ankang's counting, for the length of the test; it records the windows asked."""
    saved = hints_registry.registered()
    asked = []

    def count(node, first, last):
        asked.append((node, first, last))
        return count.figures

    count.figures = None
    count.asked = asked
    hints_registry.register(ActivityHooks(figures=count))
    yield count
    hints_registry.unregister()
    if saved is not None:
        hints_registry.register(saved)


def hints_by_kind(report) -> dict[str, str]:
    criteria = [score.criterion for score in report.scores.select_related("criterion")]
    hints = checklist_hints(report, criteria)
    return {criterion.hint: hints[criterion.pk] for criterion in criteria if criterion.hint}


def test_hints_drills_from_the_registered_counting(org, programme, staff, counting):
    counting.figures = ActivityFigures(drills=1, trainings=0, trainees=0)
    report = services.start_return(period(programme), filer(programme, org.unit_a1a), actor=staff["unit"])
    assert hints_by_kind(report)["drills"] == "本期“安康杯”活动记录中应急演练1次，按评分档次可得1分。"
    node, first, last = counting.asked[-1]
    assert (node, first.isoformat(), last.isoformat()) == (org.unit_a1a, "2026-01-01", "2026-06-30")


def test_hints_drills_unknown_asks_for_evidence(org, programme, staff, counting):
    report = services.start_return(period(programme), filer(programme, org.unit_a1a), actor=staff["unit"])
    assert "没有本单位本期的“安康杯”活动记录" in hints_by_kind(report)["drills"]


def test_hints_drills_without_least_counts_give_the_count_only(org, programme, staff, counting):
    counting.figures = ActivityFigures(drills=4, trainings=0, trainees=0)
    ChecklistCriterion.objects.filter(hint="drills").update(grades=[["2次及以上", 2], ["1次", 1], ["没有", 0]])
    report = services.start_return(period(programme), filer(programme, org.unit_a1a), actor=staff["unit"])
    assert hints_by_kind(report)["drills"] == "本期“安康杯”活动记录中应急演练4次。"


def test_hints_every_hinted_criterion_has_its_text(org, programme, staff, counting):
    report = services.start_return(period(programme), filer(programme, org.unit_a1a), actor=staff["unit"])
    assert set(hints_by_kind(report)) == {"ledger_activity", "hazard_archive", "rewards", "drills"}


@pytest.mark.parametrize(("count", "points"), [(0, 0), (1, 1), (2, 2), (7, 2)])
def test_criterion_points_for_count_follow_the_grades(programme, count, points):
    criterion = ChecklistCriterion.objects.get(item__template=programme.checklist_template, hint="drills")
    assert criterion.points_for_count(count) == Decimal(points)
    assert criterion.allowed_scores() == [Decimal(2), Decimal(1), Decimal(0)]
