"""ankang.report: the draft from the data, editing (markup stripped, highlights only from the union's own
records), submitting, the Word export read back with python-docx, the reminders before the due date and
the nomination list xlsx read back."""

import io

import pytest
from django.core.exceptions import ValidationError
from docx import Document
from openpyxl import load_workbook

from ankang import nominations, report
from ankang.models import parse_reminder_days, validate_reminder_days
from ankang.nomination_enums import ReportState
from ankang.nomination_models import Nomination
from portal.refusals import Refused
from review.enums import NotificationKind
from review.models import Notification
from tests.factories.ankang import confirmed, days, record
from tests.factories.ankang_nominations import propose_person, set_quotas


@pytest.fixture
def records(competition, org, people):
    enrolment = confirmed(competition, org.unit_a1a, people["unit"], people["county"])
    return [record(competition, enrolment, people["unit"], code="training", participants=30),
            record(competition, enrolment, people["unit"], code="training", participants=12, held_on=days(-40))]


def test_draft_report_counts_the_year(competition, org, people, records):
    draft = report.draft_report(competition, org.county_a1, actor=people["county"])
    assert draft.figures["records"] == 2 and draft.figures["participants"] == 42
    assert draft.figures["by_type"][0][1:] == [2, 42]
    assert "42" in draft.overview and draft.state == ReportState.DRAFT


def test_draft_by_wrong_union_refused(competition, org, people):
    for who in ("unit", "city", "committee"):
        with pytest.raises(Refused):
            report.draft_report(competition, org.county_a1, actor=people[who])


def test_save_strips_markup_and_keeps_highlights(competition, org, people, records):
    draft = report.draft_report(competition, org.county_a1, actor=people["county"])
    sections = {"overview": "<script>alert(1)</script>总体<b>良好</b>", "plans": "明年继续"}
    saved = report.save_report(draft, sections, [records[0].pk], actor=people["county"])
    assert saved.overview == "alert(1)总体良好" and "<" not in saved.overview
    assert list(saved.highlight_records.all()) == [records[0]]


def test_highlight_outside_the_union_refused(competition, org, people, records):
    other = confirmed(competition, org.unit_b1a, people["unit_other"], people["county_other"])
    outside = record(competition, other, people["unit_other"])
    draft = report.draft_report(competition, org.county_a1, actor=people["county"])
    with pytest.raises(Refused) as caught:
        report.save_report(draft, {"overview": "x"}, [outside.pk], actor=people["county"])
    assert caught.value.code == "bad_highlight"
    draft.refresh_from_db()
    assert draft.overview != "x"


def test_submitted_report_is_read_only(competition, org, people, records):
    draft = report.draft_report(competition, org.county_a1, actor=people["county"])
    report.submit_report(draft, actor=people["county"])
    with pytest.raises(Refused):
        report.save_report(draft, {"overview": "改"}, [], actor=people["county"])


def test_report_docx_reads_back(competition, org, people, records):
    draft = report.draft_report(competition, org.county_a1, actor=people["county"])
    draft = report.save_report(draft, {"overview": draft.overview, "highlights": "班组安全活动扎实"},
                               [records[1].pk], actor=people["county"])
    document = Document(io.BytesIO(report.report_docx(draft)))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "活动开展情况" in text and "班组安全活动扎实" in text and "42" in text
    assert document.tables[0].rows[1].cells[1].text == "2"


def test_reminders_reach_unions_without_a_report(competition, org, people, records):
    competition.report_due_on = days(3)
    competition.save()
    report.submit_report(report.draft_report(competition, org.county_a1, actor=people["county"]),
                         actor=people["county"])
    assert report.remind_reports() > 0
    notified = set(Notification.objects.filter(kind=NotificationKind.ANKANG, subject=competition.name,
                                               message__contains="报送").values_list("user_id", flat=True))
    assert people["unit"].pk in notified and people["city"].pk in notified
    assert people["county"].pk not in notified


def test_no_reminder_long_before_the_due_date(competition, people, records):
    competition.report_due_on = days(60)
    competition.save()
    assert report.remind_reports() == 0


def _reminders(user):
    return Notification.objects.filter(user=user, kind=NotificationKind.ANKANG, message__contains="报送").count()


def test_reminders_once_per_configured_day_not_every_day(competition, org, people, records):
    competition.report_due_on, competition.reminder_days = days(7), "7,3,1"
    competition.save()
    sent_per_day = [report.remind_reports(today=days(offset)) for offset in range(8)]
    # due in 7 days: reminded on days 0 (7 before), 4 (3 before) and 6 (1 before) only, by the daily runs
    assert [n > 0 for n in sent_per_day] == [True, False, False, False, True, False, True, False]
    assert _reminders(people["unit"]) == 3
    assert report.remind_reports(today=days(6)) == 0  # the task run twice on a day reminds no one again
    assert _reminders(people["unit"]) == 3


def test_a_missed_reminder_day_is_caught_up_once(competition, org, people, records):
    competition.report_due_on, competition.reminder_days = days(7), "7,3"
    competition.save()
    assert report.remind_reports(today=days(5)) > 0  # the task did not run on days 0 and 4
    assert report.remind_reports(today=days(6)) == 0
    assert _reminders(people["unit"]) == 1
    assert report.remind_reports(today=days(8)) == 0  # after the due date


def test_reminder_days_must_be_numbers():
    with pytest.raises(ValidationError):
        validate_reminder_days("7,三")
    assert parse_reminder_days("1，7,3,7") == [7, 3, 1]


def test_nomination_list_xlsx_reads_back(competition, org, people):
    set_quotas(competition)
    confirmed(competition, org.unit_a1a, people["unit"], people["county"])
    nominations.forward_nomination(propose_person(competition, org.unit_a1a, people["unit"]), actor=people["county"])
    out = io.BytesIO()
    report.NominationListExporter(competition, list(Nomination.objects.all())).write_xlsx(out)
    sheet = load_workbook(io.BytesIO(out.getvalue())).active
    values = [cell for row in sheet.iter_rows(values_only=True) for cell in row if cell]
    assert "张安全" in values and "先进个人" in values and "市级" in values
