"""The quarterly and yearly 事故隐患排查治理统计分析表 of a unit (原安监总局令第16号 §14): counted from the
ledger, signed by the 主要负责人, due before the programme's day of the next quarter / of the next year
(HazardProgramme.quarterly_report_day, yearly_report_month/day: 15 and 1月31日 by default).

What is counted, for the hazards of the unit found in the period (不予受理 left out):
- 排查一般/重大事故隐患: hazards graded 一般/重大 (尚未定级: not yet accepted, counted apart);
- 已整改: verified (已验收 or later) by the end of the period; 重大 已整改销号: closed by then;
- 未整改销号的重大事故隐患 with a 治理方案 (列入治理计划), and with it approved (its six parts 落实);
- 落实隐患治理资金: the cost of the hazards counted as 已整改.
"""

from __future__ import annotations

import calendar
import datetime
from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from hazards.enums import (
    CLOSED_STATES,
    DEADLINE_STATES,
    RECTIFIED_STATES,
    HazardCategory,
    HazardLevel,
    HazardState,
)
from hazards.exports.layout import BLANK_DATE, LABEL, NUMBER, FormSheet, chinese_date
from portal.exports.base import FormExporter, SheetLayout, local_date

QUARTER_NAMES = {1: "一", 2: "二", 3: "三", 4: "四"}
COLUMN_WIDTHS = [46, 14, 36]


@dataclass(frozen=True)
class Period:
    """A quarter (1–4) of a year, or the whole year (quarter None)."""

    year: int
    quarter: int | None = None

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.year, 1 if self.quarter is None else self.quarter * 3 - 2, 1)

    @property
    def end(self) -> datetime.date:
        """The last day of the period."""
        month = 12 if self.quarter is None else self.quarter * 3
        return datetime.date(self.year, month, calendar.monthrange(self.year, month)[1])

    @property
    def label(self) -> str:
        if self.quarter is None:
            return _("%(year)d年度") % {"year": self.year}
        return _("%(year)d年第%(quarter)s季度") % {"year": self.year, "quarter": QUARTER_NAMES[self.quarter]}

    @property
    def slug(self) -> str:
        return f"{self.year}" if self.quarter is None else f"{self.year}Q{self.quarter}"

    def bounds(self) -> tuple[datetime.datetime, datetime.datetime]:
        """[start, end) as aware datetimes in the portal's time zone."""
        zone = timezone.get_default_timezone()
        start = datetime.datetime.combine(self.start, datetime.time(), zone)
        end = datetime.datetime.combine(self.end + datetime.timedelta(days=1), datetime.time(), zone)
        return start, end

    def due(self, programme) -> datetime.date:
        """The day before which the table is sent (the programme's rule, §14 by default)."""
        if self.quarter is not None:
            month = self.quarter * 3 + 1
            year = self.year + (month > 12)
            month = (month - 1) % 12 + 1
            return datetime.date(year, month, min(programme.quarterly_report_day,
                                                  calendar.monthrange(year, month)[1]))
        month = programme.yearly_report_month
        return datetime.date(self.year + 1, month, min(programme.yearly_report_day,
                                                       calendar.monthrange(self.year + 1, month)[1]))


def recent_periods(today: datetime.date | None = None) -> list[Period]:
    """The periods a unit reports on now: the quarter just ended (and, in the first quarter, the year
    just ended), then the current quarter."""
    today = today or local_date()
    quarter = (today.month - 1) // 3 + 1
    previous = Period(today.year, quarter - 1) if quarter > 1 else Period(today.year - 1, 4)
    periods = [previous]
    if quarter == 1:
        periods.append(Period(today.year - 1))
    periods.append(Period(today.year, quarter))
    return periods


def due_status(due: datetime.date, today: datetime.date | None = None) -> str:
    today = today or local_date()
    days = (due - today).days
    if days < 0:
        return _("已过报送期限")
    return _("还剩 %(days)d 天") % {"days": days}


def statistics_figures(hazards, period: Period) -> dict:
    """The figures of the table for `hazards` (the unit's, through hazards_for_user). Two queries."""
    start, end = period.bounds()
    found = hazards.filter(found_at__gte=start, found_at__lt=end).exclude(state=HazardState.DECLINED).order_by()
    general, major = Q(level=HazardLevel.GENERAL), Q(level=HazardLevel.MAJOR)
    rectified = Q(state__in=RECTIFIED_STATES, verified_at__lt=end)
    closed = Q(state__in=CLOSED_STATES, closed_at__lt=end)
    open_major = major & ~closed
    figures = found.aggregate(
        general=Count("id", filter=general), general_rectified=Count("id", filter=general & rectified),
        major=Count("id", filter=major), major_closed=Count("id", filter=major & closed),
        major_planned=Count("id", filter=open_major & Q(plan__isnull=False)),
        major_plan_approved=Count("id", filter=open_major & Q(plan__approved_at__isnull=False)),
        major_listed=Count("id", filter=major & Q(regulator_listed=True)),
        ungraded=Count("id", filter=Q(level="")),
        overdue=Count("id", filter=Q(state__in=DEADLINE_STATES, deadline__lt=period_end_or_today(period))),
        funds=Sum("cost", filter=rectified))
    figures["general_rate"] = _rate(figures["general_rectified"], figures["general"])
    figures["major_rate"] = _rate(figures["major_closed"], figures["major"])
    by_category = {row["category"]: row for row in found.values("category").annotate(
        found=Count("id"), rectified=Count("id", filter=rectified))}
    figures["categories"] = [(str(label), by_category.get(value, {}).get("found", 0),
                              by_category.get(value, {}).get("rectified", 0))
                             for value, label in HazardCategory.choices]
    return figures


def period_end_or_today(period: Period) -> datetime.date:
    """Overdue as of the period's end (or today, while it runs)."""
    return min(period.end, local_date())


def _rate(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}" if whole else "—"


class StatisticsTableExporter(FormExporter):
    """事故隐患排查治理统计分析表 of one unit for one period, with the 主要负责人's signature block."""

    def __init__(self, unit, period: Period, figures: dict, programme):
        self.unit, self.period, self.figures, self.programme = unit, period, figures, programme

    def total(self) -> int:
        return 1

    def _line(self, form: FormSheet, label: str, value, note: str = "") -> None:
        layout = form.layout
        layout.put(form.row, 1, label, LABEL)
        layout.put(form.row, 2, value, NUMBER)
        layout.put(form.row, 3, note, NUMBER)
        layout.height(form.row, 22)
        form.row += 1

    def sheets(self) -> Iterator[SheetLayout]:
        f, period, programme = self.figures, self.period, self.programme
        form = FormSheet(_("统计分析表"), widths=COLUMN_WIDTHS)
        form.layout.one_page = True
        form.title(_("事故隐患排查治理统计分析表"), subtitle=f"（{period.label}）")
        self._line(form, _("填报单位"), "", "")
        form.layout.put(form.row - 1, 2, self.unit.name, NUMBER, columns=2)
        self._line(form, _("统计期间"), "", "")
        form.layout.put(form.row - 1, 2, _("%(start)s至%(end)s") % {
            "start": chinese_date(period.start), "end": chinese_date(period.end)}, NUMBER, columns=2)
        self._line(form, _("报送期限"), "", "")
        form.layout.put(form.row - 1, 2, _("%(date)s前") % {"date": chinese_date(period.due(programme))}, NUMBER,
                        columns=2)
        self._line(form, _("项目"), _("数量"), _("说明"))
        form.section(_("一、一般事故隐患"))
        self._line(form, _("排查一般事故隐患（项）"), f["general"], _("本期发现、受理定为一般的隐患"))
        self._line(form, _("其中：已整改（项）"), f["general_rectified"], _("期末前验收通过"))
        self._line(form, _("整改率（%）"), f["general_rate"])
        form.section(_("二、重大事故隐患"))
        self._line(form, _("排查重大事故隐患（项）"), f["major"])
        self._line(form, _("其中：已整改销号（项）"), f["major_closed"], _("期末前销号"))
        self._line(form, _("整改率（%）"), f["major_rate"])
        self._line(form, _("未整改销号的重大事故隐患中：列入治理计划（项）"), f["major_planned"], _("已提交治理方案"))
        for part in (_("落实治理目标任务（项）"), _("落实治理经费物资（项）"), _("落实治理机构人员（项）"),
                     _("落实治理时间要求（项）"), _("落实安全措施应急预案（项）")):
            self._line(form, part, f["major_plan_approved"], _("治理方案经主要负责人批准"))
        self._line(form, _("挂牌督办（项）"), f["major_listed"])
        form.section(_("三、其他"))
        self._line(form, _("尚未受理定级的隐患（项）"), f["ungraded"])
        self._line(form, _("逾期未整改（项）"), f["overdue"], _("截至%(date)s") % {
            "date": chinese_date(period_end_or_today(period))})
        self._line(form, _("落实隐患治理资金（元）"), f"{f['funds'] or 0:.2f}", _("已整改隐患的整改资金"))
        form.section(_("四、按隐患类别"))
        self._line(form, _("类别"), _("排查（项）"), _("已整改（项）"))
        for label, found, rectified in f["categories"]:
            self._line(form, label, found, rectified)
        form.section(_("五、统计分析（隐患排查治理工作情况、存在的问题和下一步措施）"))
        form.layout.put(form.row, 1, "", LABEL, columns=3)
        form.layout.height(form.row, 110)
        form.row += 1
        form.signatures(_("签字"), [_("单位主要负责人（签字）：________"), _("填表人：________"),
                                    _("（单位盖章）"), _("填报日期：%(date)s") % {"date": BLANK_DATE}], minimum=24)
        form.note(_("注：依据原国家安全生产监督管理总局令第16号第十四条，季度统计分析表于下一季度%(day)d日前、"
                    "年度统计分析表于下一年%(month)d月%(yday)d日前报送安全监管监察部门和有关部门，"
                    "并由单位主要负责人签字。") % {"day": programme.quarterly_report_day,
                                               "month": programme.yearly_report_month,
                                               "yday": programme.yearly_report_day})
        yield form.layout
