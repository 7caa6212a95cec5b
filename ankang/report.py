"""The year's 活动开展情况 report of each union (seed 003: "请于12月15日前报"; the date is the competition's
report_due_on): the figures drawn from the data (activities by type and month, participation, hazards found
and fixed in the ledger, 随手拍 results), a draft of plain-text sections the union edits (HTML is stripped:
the sections are shown escaped, so no markup, script or style gets through), its Word export (python-docx),
the reminders before the deadline, and the nomination list as xlsx through the one xlsx base."""

from __future__ import annotations

import datetime
import io
from collections import Counter
from collections.abc import Iterator

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from docx import Document

from ankang import indicators
from ankang.enums import EnrolmentState
from ankang.models import ActivityRecord, Competition, Enrolment
from ankang.nomination_enums import ReportState
from ankang.nomination_models import AnnualReport, Nomination, ReportReminder
from portal.accounts.enums import RoleKind
from portal.audit.services import record_audit
from portal.directory.models import OrgNode
from portal.exports.base import Exporter
from portal.refusals import Refused
from returns.selectors import Window, hazards_found, hazards_rectified
from review.enums import NotificationKind
from review.notifications import notify_users

User = get_user_model()
SECTIONS = ("overview", "activities", "hazards", "snapshots", "highlights", "plans")
MAX_SECTION = 5000
MAX_HIGHLIGHTS = 10
# Who writes a union's report: the union's own staff (the committee reads, it does not write).
WRITER_ROLES = (RoleKind.UNIT, RoleKind.COUNTY, RoleKind.CITY)


def writes_report(user, union: OrgNode) -> bool:
    return user.is_authenticated and any(role.kind in WRITER_ROLES and role.node_id == union.pk
                                         for role in user.role_list)


def _window(competition: Competition, today) -> Window:
    last = min(today or timezone.localdate(), competition.ends_on)
    return Window(competition.starts_on, max(competition.starts_on, last))


def figures(competition: Competition, union: OrgNode, today=None) -> dict:
    """The year's figures of `union`'s subtree, JSON-ready (kept on the report as generated)."""
    records = ActivityRecord.objects.filter(competition=competition, unit__path__startswith=union.path)
    by_type = Counter()
    people = Counter()
    by_month = Counter()
    for name, month, participants in records.values_list("activity_type__name", "held_on__month", "participants"):
        by_type[name] += 1
        people[name] += participants
        by_month[month] += 1
    window = _window(competition, today)
    found = hazards_found(union, window).order_by().count()
    fixed = hazards_rectified(union, window).order_by().count()
    return {
        "records": sum(by_type.values()),
        "participants": records.aggregate(n=Sum("participants"))["n"] or 0,
        "units": records.values("unit").distinct().count(),
        "enrolled": Enrolment.objects.filter(competition=competition, unit__path__startswith=union.path,
                                             state=EnrolmentState.CONFIRMED).count(),
        "by_type": [[name, count, people[name]] for name, count in by_type.most_common()],
        "by_month": [[month, by_month[month]] for month in sorted(by_month)],
        "hazards_found": found,
        "hazards_fixed": fixed,
        "entries": indicators.entries(union, competition, today).value,
        "awards": indicators.awards(union, competition, today).value,
    }


def _draft_texts(competition: Competition, union: OrgNode, data: dict) -> dict[str, str]:
    types = "；".join(_("%(t)s%(n)s次（%(p)s人次）") % {"t": name, "n": count, "p": people}
                     for name, count, people in data["by_type"]) or _("暂无活动记录")
    months = "、".join(_("%(m)s月%(n)s次") % {"m": month, "n": count} for month, count in data["by_month"])
    return {
        "overview": _("%(u)s围绕“%(theme)s”主题开展“安康杯”竞赛，确认参赛单位和班组%(e)s个，%(n)s个单位登记活动%(r)s次，"
                      "参加职工%(p)s人次。") % {"u": union.name, "theme": competition.theme, "e": data["enrolled"],
                                          "n": data["units"], "r": data["records"], "p": data["participants"]},
        "activities": _("按活动类型：%(types)s。按月份：%(months)s。") % {"types": types, "months": months or _("无")},
        "hazards": _("竞赛期间排查发现隐患%(f)s项，整改验收%(x)s项。") % {"f": data["hazards_found"],
                                                           "x": data["hazards_fixed"]},
        "snapshots": _("职工报送“随手拍”作品%(e)s件，获评等次%(a)s件。") % {"e": data["entries"], "a": data["awards"]},
        "highlights": "",
        "plans": "",
    }


def _highlight_lines(report: AnnualReport) -> list[str]:
    return [_("%(d)s %(u)s：%(t)s，%(p)s人参加。%(desc)s") % {
        "d": record.held_on.isoformat(), "u": record.unit.name, "t": record.activity_type.name,
        "p": record.participants, "desc": record.description[:200]}
        for record in report.highlight_records.select_related("unit", "activity_type").order_by("held_on")]


@transaction.atomic
def draft_report(competition: Competition, union: OrgNode, *, actor, today=None, request=None) -> AnnualReport:
    """生成草稿: (re)writes the sections from the data; the highlights and plans the union wrote are kept."""
    if not writes_report(actor, union) or not union.path.startswith(competition.place.path):
        raise Refused.permission_denied()
    report, _created = AnnualReport.objects.select_for_update().get_or_create(
        competition=competition, union=union, defaults={"created_by": actor})
    if report.state == ReportState.SUBMITTED:
        raise Refused(_("报告已报送，不能重新生成。"), code="submitted")
    data = figures(competition, union, today)
    for name, text in _draft_texts(competition, union, data).items():
        if text or not getattr(report, name):
            setattr(report, name, text)
    report.figures = data
    report.save()
    record_audit(actor, "ankang.report.draft", report, summary=_("生成报告草稿"), request=request)
    return report


def _clean_section(label, raw) -> str:
    text = strip_tags(str(raw or "")).replace("\r\n", "\n").strip()
    if len(text) > MAX_SECTION:
        raise Refused(_("“%(s)s”不能超过%(n)s字。") % {"s": label, "n": MAX_SECTION}, code="too_long")
    return text


@transaction.atomic
def save_report(report: AnnualReport, sections: dict, highlight_ids, *, actor, request=None) -> AnnualReport:
    """编辑: the union's own text per section and the activity records it picks as highlights (only records
    of its own subtree and competition)."""
    report = AnnualReport.objects.select_for_update().select_related("competition", "union").get(pk=report.pk)
    if not writes_report(actor, report.union):
        raise Refused.permission_denied()
    if report.state == ReportState.SUBMITTED:
        raise Refused(_("报告已报送，不能修改。"), code="submitted")
    cleaned = {name: _clean_section(AnnualReport._meta.get_field(name).verbose_name, sections.get(name))
               for name in SECTIONS}
    try:
        ids = sorted({int(pk) for pk in highlight_ids})
    except (TypeError, ValueError):
        raise Refused(_("亮点活动选择有误。"), code="bad_highlight") from None
    if len(ids) > MAX_HIGHLIGHTS:
        raise Refused(_("亮点活动最多选择%(n)s项。") % {"n": MAX_HIGHLIGHTS}, code="too_many")
    records = list(ActivityRecord.objects.filter(pk__in=ids, competition=report.competition,
                                                 unit__path__startswith=report.union.path))
    if len(records) != len(ids):
        raise Refused(_("亮点活动选择有误。"), code="bad_highlight")
    for name, text in cleaned.items():
        setattr(report, name, text)
    report.save()
    report.highlight_records.set(records)
    record_audit(actor, "ankang.report.save", report, summary=_("编辑报告"), request=request)
    return report


@transaction.atomic
def submit_report(report: AnnualReport, *, actor, request=None) -> AnnualReport:
    """报送 (after it, the report is read-only; it may be submitted after the due date, shown as late)."""
    report = AnnualReport.objects.select_for_update().select_related("union").get(pk=report.pk)
    if not writes_report(actor, report.union):
        raise Refused.permission_denied()
    if report.state == ReportState.SUBMITTED:
        raise Refused(_("报告已报送。"), code="submitted")
    if not report.overview.strip():
        raise Refused(_("请先填写总体情况。"), code="empty")
    report.state, report.submitted_at = ReportState.SUBMITTED, timezone.now()
    report.save(update_fields=["state", "submitted_at", "updated_at"])
    record_audit(actor, "ankang.report.submit", report, summary=_("报送报告"), request=request)
    return report


def report_docx(report: AnnualReport) -> bytes:
    """The report as a Word document: title, the sections as paragraphs, the figures as a table."""
    document = Document()
    competition = report.competition
    document.add_heading(_("%(u)s%(y)s年度“安康杯”竞赛活动开展情况") % {"u": report.union.name, "y": competition.year}, 0)
    for name in SECTIONS:
        text = getattr(report, name)
        lines = [line for line in text.splitlines() if line.strip()]
        if name == "highlights":
            lines += _highlight_lines(report)
        if not lines:
            continue
        document.add_heading(str(AnnualReport._meta.get_field(name).verbose_name), 1)
        for line in lines:
            document.add_paragraph(line)
    data = report.figures or {}
    if data.get("by_type"):
        document.add_heading(_("活动统计"), 1)
        table = document.add_table(rows=1, cols=3)
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, (_("活动类型"), _("次数"), _("参加人次")), strict=True):
            cell.text = text
        for name, count, people in data["by_type"]:
            cells = table.add_row().cells
            cells[0].text, cells[1].text, cells[2].text = name, str(count), str(people)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# --- reminders -----------------------------------------------------------------------------------------------

def reporting_unions(competition: Competition) -> list[int]:
    """The unions expected to report: every confirmed unit and the county/city unions above it (inside the
    organising union's subtree, the organiser itself left out)."""
    ids: set[int] = set()
    for path in (Enrolment.objects.filter(competition=competition, state=EnrolmentState.CONFIRMED)
                 .values_list("unit__path", flat=True)):
        ids.update(int(part) for part in path.strip("/").split("/") if part)
    return sorted(OrgNode.objects.filter(pk__in=ids, path__startswith=competition.place.path)
                  .exclude(pk=competition.place_id).values_list("pk", flat=True))


def reminder_day(competition: Competition, today: datetime.date) -> datetime.date | None:
    """The latest of the competition's reminder days (reminder_days before report_due_on) on or before
    `today`, None before the first one or after the due date: a day the task missed is caught up once."""
    if today > competition.report_due_on:
        return None
    days = [competition.report_due_on - datetime.timedelta(days=n) for n in competition.reminder_offsets]
    return max((day for day in days if day <= today), default=None)


def remind_reports(today: datetime.date | None = None) -> int:
    """Notify (kind ANKANG) the staff of every union without a submitted report, once per union and
    configured reminder day (ReportReminder); returns how many people were notified."""
    today = today or timezone.localdate()
    sent = 0
    for competition in Competition.objects.filter(report_due_on__gte=today).select_related("place"):
        day = reminder_day(competition, today)
        if day is None:
            continue
        skip = set(AnnualReport.objects.filter(competition=competition, state=ReportState.SUBMITTED)
                   .values_list("union_id", flat=True))
        skip.update(ReportReminder.objects.filter(competition=competition, scheduled_on=day)
                    .values_list("union_id", flat=True))
        for union_id in reporting_unions(competition):
            if union_id not in skip:
                sent += _remind_union(competition, union_id, day)
    return sent


@transaction.atomic
def _remind_union(competition: Competition, union_id: int, day: datetime.date) -> int:
    reminder, created = ReportReminder.objects.get_or_create(competition=competition, union_id=union_id,
                                                             scheduled_on=day)
    if not created:  # a concurrent run has reminded this union for this day
        return 0
    staff = list(User.objects.filter(is_active=True, roles__kind__in=WRITER_ROLES, roles__node_id=union_id)
                 .distinct().values_list("pk", flat=True))
    message = _("“安康杯”竞赛活动开展情况报告请于%(d)s前报送。") % {"d": competition.report_due_on.isoformat()}
    if staff:
        notify_users([(pk, message) for pk in staff], NotificationKind.ANKANG, subject=competition.name,
                     target_url=reverse("ankang:reports", args=[competition.pk]))
    reminder.recipients = len(staff)
    reminder.save(update_fields=["recipients"])
    return len(staff)


# --- the nomination list as xlsx -------------------------------------------------------------------------------

class NominationListExporter(Exporter):
    """推荐表彰名单: one row per nomination in the user's scope (no contact data)."""

    sheet_title = gettext_lazy("表彰推荐名单")
    headers = [gettext_lazy("序号"), gettext_lazy("表彰类别"), gettext_lazy("单位"), gettext_lazy("班组"),
               gettext_lazy("姓名"), gettext_lazy("职务/岗位"), gettext_lazy("主要事迹"), gettext_lazy("所在层级"),
               gettext_lazy("状态"), gettext_lazy("等次")]
    column_widths = [6, 12, 24, 14, 10, 12, 40, 8, 12, 8]

    def __init__(self, competition: Competition, nominations):
        self.competition = competition
        self.nominations = nominations

    def title_rows(self) -> list[str]:
        return [_("%(c)s表彰推荐名单") % {"c": self.competition.name}]

    def total(self) -> int:
        return len(self.nominations)

    def rows(self) -> Iterator[list]:
        for number, item in enumerate(self.nominations, start=1):
            nomination: Nomination = item
            yield [number, nomination.get_kind_display(), nomination.unit.name, str(nomination.team or ""),
                   nomination.person_name, nomination.person_post, nomination.deeds,
                   nomination.get_level_display(), nomination.get_state_display(),
                   nomination.grade.name if nomination.grade else ""]

