"""The figures of the other programmes shown beside the score items they inform, one function per
indicator (ankang.enums.Indicator), each `f(unit, competition, today) -> Figure` for the unit's subtree and
the competition window (up to today while it runs). They read the other programmes through their own
selectors and scoping: hazards through returns.selectors (the ledger by subtree and period), tips through
tips.statistics.tip_figures, 随手拍 entries and awards of the unit, 查保促 returns of the unit's filer, and
the competition's own activity records.

A figure informs the evaluator; it never sets a score by itself (the score stays the evaluator's)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ankang.enums import ActivityGroup, Indicator
from ankang.models import ActivityRecord, ActivityType, Competition
from hazards import dashboards
from hazards.enums import HazardSource, HazardState
from portal.directory.models import OrgNode
from returns.enums import FILED_STATES
from returns.models import Filer, Return
from returns.selectors import Window, hazards_found, subtree_hazards
from submissions.enums import NOT_TAKING_PART
from submissions.models import Entry
from tips.statistics import Period, tip_figures

CLOSED_HAZARD_STATES = (HazardState.CLOSED, HazardState.REVIEWED)
INSPECTION_SOURCES = (HazardSource.INSPECTION, HazardSource.UNION_CHECK)


@dataclass(frozen=True)
class Figure:
    """An indicator's value (None: nothing to count) and the sentence shown beside the item."""

    value: Decimal | int | None
    text: str


def _last_day(competition: Competition, today: datetime.date | None) -> datetime.date:
    today = today or timezone.localdate()
    return min(today, competition.ends_on)


def _window(competition: Competition, today: datetime.date | None) -> Window:
    return Window(competition.starts_on, max(competition.starts_on, _last_day(competition, today)))


def _entries(unit: OrgNode, competition: Competition, today):
    window = _window(competition, today)
    return (Entry.objects.filter(unit__path__startswith=unit.path, submitted_at__gte=window.start,
                                 submitted_at__lt=window.end).exclude(state__in=NOT_TAKING_PART))


def entries(unit: OrgNode, competition: Competition, today=None) -> Figure:
    """随手拍作品数: entries of the unit's workers submitted in the window (drafts and withdrawn ones left out)."""
    count = _entries(unit, competition, today).count()
    return Figure(count, _("本单位职工报送“随手拍”作品%(n)s件") % {"n": count})


def awards(unit: OrgNode, competition: Competition, today=None) -> Figure:
    """随手拍获奖作品数: of those entries, the ones given a 等次 at any tier or a provincial award."""
    found = _entries(unit, competition, today)
    graded = found.filter(Q(tier_grades__isnull=False) | Q(final_award__level__isnull=False)).distinct().count()
    provincial = found.filter(final_award__level__isnull=False).count()
    return Figure(graded, _("获评等次作品%(n)s件，其中省级获奖%(p)s件") % {"n": graded, "p": provincial})


def ledger_closure(unit: OrgNode, competition: Competition, today=None) -> Figure:
    """隐患台账销号率: of the hazards found in the window, the share closed (销号 or 复查)."""
    found = hazards_found(unit, _window(competition, today)).order_by()
    total = found.count()
    if not total:
        return Figure(None, _("竞赛期间台账无隐患记录"))
    closed = found.filter(state__in=CLOSED_HAZARD_STATES).count()
    rate = (Decimal(closed) * 100 / total).quantize(Decimal("0.1"))
    return Figure(rate, _("发现隐患%(t)s项，已销号%(c)s项，销号率%(r)s%%") % {"t": total, "c": closed, "r": rate})


def overdue_hazards(unit: OrgNode, competition: Competition, today=None) -> Figure:
    """逾期未整改隐患数: hazards whose rectification deadline passed (as of the last day counted) still due."""
    count = subtree_hazards(unit).overdue(_last_day(competition, today)).count()
    return Figure(count, _("逾期未整改隐患%(n)s项") % {"n": count})


def inspection_findings(unit: OrgNode, competition: Competition, today=None) -> Figure:
    """巡查及工会检查发现隐患数: hazards of the window found by an inspection round or a union check."""
    count = hazards_found(unit, _window(competition, today)).filter(source__in=INSPECTION_SOURCES).count()
    return Figure(count, _("巡查和工会检查发现隐患%(n)s项") % {"n": count})


def inspection_compliance(unit: OrgNode, competition: Competition, today=None) -> Figure:
    """四级巡查计划执行率: of the inspection rounds the plans under the unit were due to hold (hazards.inspections,
    through the dashboards' inspection_compliance, as of the last day counted), the share held; the
    findings of those rounds and of the union's checks follow in the text."""
    compliance = dashboards.inspection_compliance(None, unit, _last_day(competition, today))
    findings = hazards_found(unit, _window(competition, today)).filter(source__in=INSPECTION_SOURCES).count()
    if compliance is None:
        return Figure(None, _("未建立巡查计划；巡查和工会检查发现隐患%(f)s项") % {"f": findings})
    planned, done = compliance["planned"], compliance["done"]
    rate = (Decimal(done) * 100 / planned).quantize(Decimal("0.1")) if planned else None
    text = _("巡查计划%(p)s个，应巡查%(d)s次，已巡查%(n)s次，漏查%(m)s次%(r)s；发现隐患%(f)s项") % {
        "p": compliance["plans"], "d": planned, "n": done, "m": compliance["missed"], "f": findings,
        "r": _("（执行率%(r)s%%）") % {"r": rate} if rate is not None else ""}
    return Figure(rate, text)


def _tips(unit: OrgNode, competition: Competition, today):
    window = _window(competition, today)
    return tip_figures(unit, Period(window.first, window.last)).total


def tips_verified(unit: OrgNode, competition: Competition, today=None) -> Figure:
    """举报核查属实数: tips about the unit accepted, verified and found true in the window."""
    figures = _tips(unit, competition, today)
    return Figure(figures.confirmed, _("受理举报%(a)s件，已核查%(v)s件，属实%(c)s件") % {
        "a": figures.accepted, "v": figures.verified, "c": figures.confirmed})


def tip_rewards(unit: OrgNode, competition: Competition, today=None) -> Figure:
    """举报奖励发放: rewards paid in the window for tips about the unit (count and amount in 元)."""
    figures = _tips(unit, competition, today)
    return Figure(figures.rewards_paid, _("发放举报奖励%(n)s件，共%(a)s元") % {
        "n": figures.rewards_paid, "a": figures.rewards_amount})


def _returns(unit: OrgNode, competition: Competition):
    return (Return.objects.filter(filer__node=unit, period__programme__year=competition.year)
            .select_related("period__programme__checklist_template").order_by("period__number"))


def returns_on_time(unit: OrgNode, competition: Competition, today=None) -> Figure:
    """查保促报表按时报送: of the unit's periods of the year already due, the returns filed by their deadline."""
    today = today or timezone.localdate()
    filer = Filer.objects.filter(node=unit, programme__year=competition.year).select_related("programme").first()
    if filer is None:
        return Figure(None, _("本单位不在本年度“查保促”填报名单中"))
    reports = {r.period_id: r for r in filer.returns.all()}
    due = [p for p in filer.programme.periods.all() if p.deadline(competition.year) <= today or p.pk in reports]
    on_time = sum(1 for p in due if p.pk in reports and reports[p.pk].filed_on_time())
    return Figure(on_time, _("应报%(d)s期，按时报送%(o)s期") % {"d": len(due), "o": on_time})


def return_self_score(unit: OrgNode, competition: Competition, today=None) -> Figure:
    """查保促自查表得分: the latest filed return's score (the review's when reviewed) of the 自查表's points."""
    filed = [r for r in _returns(unit, competition) if r.state in FILED_STATES and r.self_total is not None]
    if not filed:
        return Figure(None, _("本年度尚未报送“查保促”自查表"))
    latest = filed[-1]
    score = latest.review_total if latest.review_total is not None else latest.self_total
    points = latest.period.programme.checklist_template.max_points
    return Figure(score, _("%(p)s自查表得分%(s)s分（满分%(m)s分）") % {"p": latest.period.name, "s": score,
                                                                     "m": points})


def activity_coverage(unit: OrgNode, competition: Competition, today=None) -> Figure:
    """系列活动覆盖: of the calendar's 系列活动 whose months have begun, how many the unit ran (and how many of
    the "十个一")."""
    last = _last_day(competition, today)
    types = list(ActivityType.objects.filter(template=competition.calendar_id).order_by())
    ran = set(ActivityRecord.objects.filter(competition=competition, unit__path__startswith=unit.path)
              .values_list("activity_type_id", flat=True).distinct())
    series = [t for t in types if t.group == ActivityGroup.SERIES and _begun(t, competition, last)]
    tens = [t for t in types if t.group == ActivityGroup.TEN_ONES]
    done = sum(1 for t in series if t.pk in ran)
    return Figure(done, _("已开展系列活动%(d)s/%(s)s项，“十个一”活动%(t)s/%(n)s项") % {
        "d": done, "s": len(series), "t": sum(1 for t in tens if t.pk in ran), "n": len(tens)})


def _begun(activity: ActivityType, competition: Competition, last: datetime.date) -> bool:
    """The activity's first month has begun by `last` in some year of the window (no months: always)."""
    months = activity.months
    if not months:
        return True
    day = competition.starts_on.replace(day=1)
    while day <= last:
        if day.month == months[0]:
            return True
        day = (day + datetime.timedelta(days=32)).replace(day=1)
    return False


INDICATORS: dict[str, Callable[..., Figure]] = {
    Indicator.ENTRIES: entries,
    Indicator.AWARDS: awards,
    Indicator.LEDGER_CLOSURE: ledger_closure,
    Indicator.OVERDUE_HAZARDS: overdue_hazards,
    Indicator.INSPECTION_FINDINGS: inspection_findings,
    Indicator.INSPECTION_COMPLIANCE: inspection_compliance,
    Indicator.TIPS_VERIFIED: tips_verified,
    Indicator.TIP_REWARDS: tip_rewards,
    Indicator.RETURNS_ON_TIME: returns_on_time,
    Indicator.RETURN_SELF_SCORE: return_self_score,
    Indicator.ACTIVITY_COVERAGE: activity_coverage,
}


def figures_for(unit: OrgNode, competition: Competition, codes, today=None) -> dict[str, Figure]:
    """The figures of the indicators named in `codes` (each computed once)."""
    return {code: INDICATORS[code](unit, competition, today) for code in dict.fromkeys(codes) if code in INDICATORS}
