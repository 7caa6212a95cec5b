"""The 安康杯 activity records as the 查保促 returns read them (returns.hints_registry), registered on import
by AnkangConfig.ready: returns sits below ankang and never imports it.

The activity types that count are flagged on the calendar (ActivityType.counts_as: 应急演练, 安全生产培训;
seeded for seed 003's 组织一次应急演练 and 安全生产知识和技能培训). A unit whose subtree had no confirmed
enrolment in a competition running during the period keeps no records to count from: None, so the
returns fall back to what the filer types."""

import datetime

from django.db.models import Count, Q, Sum
from django.urls import reverse

from ankang.enums import ActivityCount, EnrolmentState
from ankang.models import ActivityRecord, Enrolment
from returns.hints_registry import ActivityFigures, ActivityHooks, ActivityRow, register


def activity_figures(node, first: datetime.date, last: datetime.date) -> ActivityFigures | None:
    """Drills, trainings and training participants recorded by the units of `node`'s subtree, held from
    `first` to `last`; None when none of them was enrolled in a competition running then."""
    enrolled = Enrolment.objects.filter(unit__path__startswith=node.path, state=EnrolmentState.CONFIRMED,
                                        competition__starts_on__lte=last, competition__ends_on__gte=first)
    if not enrolled.exists():
        return None
    training = Q(activity_type__counts_as=ActivityCount.TRAINING)
    figures = (ActivityRecord.objects.filter(unit__path__startswith=node.path, held_on__gte=first, held_on__lte=last)
               .aggregate(drills=Count("id", filter=Q(activity_type__counts_as=ActivityCount.DRILL)),
                          trainings=Count("id", filter=training),
                          trainees=Sum("participants", filter=training)))
    return ActivityFigures(drills=figures["drills"], trainings=figures["trainings"],
                           trainees=figures["trainees"] or 0)


def training_records(node, first: datetime.date, last: datetime.date) -> list[ActivityRow]:
    """The training records counted by `activity_figures`, in date order (a training cell's drill-down)."""
    records = (ActivityRecord.objects.filter(unit__path__startswith=node.path, held_on__gte=first, held_on__lte=last,
                                             activity_type__counts_as=ActivityCount.TRAINING)
               .select_related("unit", "activity_type").order_by("held_on", "id"))
    return [ActivityRow(held_on=record.held_on, unit=record.unit.name, activity=record.activity_type.name,
                        participants=record.participants, url=reverse("ankang:record", args=[record.pk]))
            for record in records]


register(ActivityHooks(figures=activity_figures, trainings=training_records))
