"""What the pages and the xlsx show: the score sheet grouped by section with the figure beside each item,
the coverage table (who ran which activity, who has none) and the calendar view (activities by month)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef
from django.utils.translation import gettext as _

from ankang import indicators
from ankang.eligibility import Outcome, evaluate
from ankang.enums import SHEET_EDITABLE_STATES, ActivityGroup, EnrolmentKind, EnrolmentState, ScoreItemKind
from ankang.models import ActivityRecord, ActivityType, Competition, ScoreSheet


@dataclass
class ScoreRow:
    score: object  # SheetScore
    figure: indicators.Figure | None
    first_in_section: bool = False
    section_size: int = 1

    @property
    def item(self):
        return self.score.item


@dataclass
class SheetView:
    sheet: ScoreSheet
    scored: list[ScoreRow]
    bonus: list[ScoreRow]
    marks: list
    self_outcome: Outcome
    review_outcome: Outcome | None
    live: bool  # figures computed now (still self-scoring) rather than kept at submission


def _snapshot(sheet: ScoreSheet, code: str) -> indicators.Figure | None:
    kept = sheet.indicators.get(code)
    if not kept:
        return None
    return indicators.Figure(kept.get("value"), kept.get("text", ""))


def sheet_view(sheet: ScoreSheet, today: datetime.date | None = None) -> SheetView:
    rows = list(sheet.scores.select_related("item__section").order_by("item__kind", "item__number"))
    marks = list(sheet.veto_marks.select_related("veto").order_by("veto__number"))
    live = sheet.state in SHEET_EDITABLE_STATES
    codes = [row.item.indicator for row in rows if row.item.indicator]
    figures = indicators.figures_for(sheet.unit, sheet.competition, codes, today) if live else {}
    scored, bonus = [], []
    for row in rows:
        code = row.item.indicator
        figure = (figures.get(code) if live else _snapshot(sheet, code)) if code else None
        (bonus if row.item.kind == ScoreItemKind.BONUS else scored).append(ScoreRow(row, figure))
    previous = None
    for view in scored:
        if view.item.section_id != previous:
            view.first_in_section = True
            view.section_size = sum(1 for other in scored if other.item.section_id == view.item.section_id)
            previous = view.item.section_id
    conditions = list(sheet.template.conditions.all())
    reviewed = any(row.review_score is not None for row in rows)
    return SheetView(sheet=sheet, scored=scored, bonus=bonus, marks=marks,
                     self_outcome=evaluate(rows, marks, conditions, review=False),
                     review_outcome=evaluate(rows, marks, conditions, review=True) if reviewed else None, live=live)


# --- coverage --------------------------------------------------------------------------------------------

def series_types(competition: Competition) -> list[ActivityType]:
    return list(ActivityType.objects.filter(template=competition.calendar_id, group=ActivityGroup.SERIES)
                .order_by("number"))


def enrolled_units(enrolments, competition: Competition, *, none_only: bool = False):
    """The confirmed unit enrolments of `enrolments` (already scoped), flagged with whether the unit has any
    record; `none_only` keeps the units without any."""
    has_record = Exists(ActivityRecord.objects.filter(competition=competition, unit=OuterRef("unit")))
    queryset = (enrolments.filter(competition=competition, kind=EnrolmentKind.UNIT,
                                  state=EnrolmentState.CONFIRMED)
                .annotate(has_record=has_record).select_related("unit").order_by("unit__path"))
    return queryset.filter(has_record=False) if none_only else queryset


@dataclass
class CoverageRow:
    enrolment: object
    counts: list[int]
    ten_ones: int
    total: int


def coverage_rows(competition: Competition, enrolments, types: list[ActivityType]) -> list[CoverageRow]:
    """One row per enrolment of the page: records per series activity type, 十个一 types run, all records."""
    unit_ids = [e.unit_id for e in enrolments]
    counts: dict[tuple[int, int], int] = {}
    groups: dict[int, str] = {}
    for unit_id, type_id, group, n in (ActivityRecord.objects.filter(competition=competition, unit_id__in=unit_ids)
                                       .values_list("unit_id", "activity_type_id", "activity_type__group")
                                       .annotate(n=Count("id")).order_by()):
        counts[(unit_id, type_id)] = n
        groups[type_id] = group
    rows = []
    for enrolment in enrolments:
        mine = {type_id: n for (unit_id, type_id), n in counts.items() if unit_id == enrolment.unit_id}
        rows.append(CoverageRow(
            enrolment=enrolment, counts=[mine.get(t.pk, 0) for t in types],
            ten_ones=sum(1 for type_id in mine if groups[type_id] == ActivityGroup.TEN_ONES),
            total=sum(mine.values())))
    return rows


@dataclass
class CalendarCell:
    planned: bool
    records: int = 0
    units: int = 0


@dataclass
class CalendarRow:
    activity: ActivityType
    cells: list[CalendarCell] = field(default_factory=list)


def window_months(competition: Competition) -> list[tuple[int, int]]:
    months, day = [], competition.starts_on.replace(day=1)
    while day <= competition.ends_on:
        months.append((day.year, day.month))
        day = (day + datetime.timedelta(days=32)).replace(day=1)
    return months


def calendar_rows(competition: Competition, records) -> tuple[list[tuple[int, int]], list[CalendarRow]]:
    """The window's months across, the series activities down (the 十个一 as one row): planned months marked,
    each cell with the records and units of `records` (already scoped) in that month."""
    months = window_months(competition)
    types = list(ActivityType.objects.filter(template=competition.calendar_id).order_by("group", "number"))
    found: dict[tuple[int | str, int, int], tuple[int, int]] = {}
    for type_id, group, year, month, n, units in (
            records.filter(competition=competition)
            .values_list("activity_type_id", "activity_type__group", "held_on__year", "held_on__month")
            .annotate(n=Count("id"), units=Count("unit", distinct=True)).order_by()):
        key = ActivityGroup.TEN_ONES if group == ActivityGroup.TEN_ONES else type_id
        before = found.get((key, year, month), (0, 0))
        found[(key, year, month)] = (before[0] + n, before[1] + units)
    rows = []
    for activity in types:
        if activity.group == ActivityGroup.TEN_ONES:
            continue
        row = CalendarRow(activity)
        for year, month in months:
            n, units = found.get((activity.pk, year, month), (0, 0))
            row.cells.append(CalendarCell(planned=month in activity.months or not activity.months, records=n,
                                          units=units))
        rows.append(row)
    tens = [t for t in types if t.group == ActivityGroup.TEN_ONES]
    if tens:
        row = CalendarRow(ActivityType(name=_("“十个一”活动"), short_name=_("十个一"), group=ActivityGroup.TEN_ONES))
        for year, month in months:
            n, units = found.get((ActivityGroup.TEN_ONES, year, month), (0, 0))
            row.cells.append(CalendarCell(planned=True, records=n, units=units))
        rows.append(row)
    return months, rows
