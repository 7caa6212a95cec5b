"""The tips' clocks: which clock runs, one reminder before and one escalation after each (to the level
above, or the committee), a new due date after an extension, lapsed claims, the daily task at fixed times,
and the escalation shown on the tip page and the list."""

import datetime
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.accounts.enums import RoleKind
from review.enums import NotificationKind
from review.models import Notification
from tests.factories.accounts import make_user
from tests.factories.tips import REAL_NAME, file_tip, walk_tip
from tips import services
from tips.clocks import RunningClock, check_tip_clocks, escalation_shown, running_clock
from tips.enums import AlertKind, Disclosure, RewardState, TipClock, TipState
from tips.models import TipClockAlert, TipProgramme
from tips.tasks import task_check_tip_clocks

pytestmark = pytest.mark.django_db


def _day(days: int) -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=days)


def _tip_notices(user):
    return list(Notification.objects.filter(user=user, kind=NotificationKind.TIP))


def test_running_clock_follows_the_state(org, people):
    tip, _ = file_tip(org)
    programme = tip.programme
    assert running_clock(tip) == RunningClock(TipClock.VERIFY, _day(programme.verify_days))
    tip = walk_tip(people, tip, TipState.VERIFYING)
    assert running_clock(tip).clock == TipClock.VERIFY and running_clock(tip).due == tip.verify_due
    tip = services.conclude_tip(tip, actor=people["handler"], result=TipState.UNFOUNDED, conclusion="不属实")
    assert running_clock(tip).clock == TipClock.NOTIFY and running_clock(tip).due == tip.notify_due
    tip = services.notify_result(tip, actor=people["handler"])
    assert running_clock(tip) is None
    tip = services.object_to_result(tip, text="核查不全面")
    assert running_clock(tip) == RunningClock(TipClock.REVIEW, _day(programme.review_days))


def test_reminder_once_to_the_handler_before_the_verify_due_date(org, people):
    tip = walk_tip(people, file_tip(org)[0], TipState.VERIFYING)
    far = tip.verify_due - datetime.timedelta(days=tip.programme.due_soon_days + 1)
    assert check_tip_clocks(far).reminders == 0
    near = tip.verify_due - datetime.timedelta(days=tip.programme.due_soon_days)
    assert check_tip_clocks(near).reminders == 1
    assert check_tip_clocks(near + datetime.timedelta(days=1)).reminders == 0  # once per clock
    [notice] = _tip_notices(people["handler"])
    assert tip.code in notice.message and notice.target_url == reverse("tips:detail", args=[tip.pk])
    assert _tip_notices(people["handler_city"]) == [] and _tip_notices(people["handler_other"]) == []
    assert TipClockAlert.objects.get().kind == AlertKind.REMINDER


def test_reminder_days_are_programme_data(org, people):
    tip = walk_tip(people, file_tip(org)[0], TipState.VERIFYING)
    TipProgramme.objects.filter(pk=tip.programme_id).update(due_soon_days=20)
    assert check_tip_clocks(tip.verify_due - datetime.timedelta(days=20)).reminders == 1


def test_missed_verify_clock_escalates_to_the_city_once(org, people):
    tip = walk_tip(people, file_tip(org)[0], TipState.VERIFYING)
    late = tip.verify_due + datetime.timedelta(days=1)
    report = check_tip_clocks(late)
    assert report.escalations == 1
    assert check_tip_clocks(late + datetime.timedelta(days=3)).escalations == 0
    [notice] = _tip_notices(people["handler_city"])
    assert "上报" in notice.message and tip.code in notice.subject
    assert _tip_notices(people["handler"]) == []  # the escalation goes above, not to the late handler
    tip.refresh_from_db()
    alert = escalation_shown(tip, tip.clock_alerts.all())
    assert alert is not None and alert.clock == TipClock.VERIFY


def test_unaccepted_tip_runs_the_verify_clock_from_filing(org, people):
    tip, _ = file_tip(org)
    check_tip_clocks(_day(tip.programme.verify_days + 1))
    assert _tip_notices(people["handler_city"])  # nobody accepted it: the city hears of it


def test_extension_gives_the_new_due_date_its_own_reminder(org, people):
    tip = walk_tip(people, file_tip(org)[0], TipState.VERIFYING)
    soon = tip.verify_due - datetime.timedelta(days=1)
    assert check_tip_clocks(soon).reminders == 1
    tip = services.extend_verification(tip, actor=people["handler"], days=10, reason="需调取监控")
    assert check_tip_clocks(soon).reminders == 0
    assert check_tip_clocks(tip.verify_due - datetime.timedelta(days=1)).reminders == 1
    assert TipClockAlert.objects.filter(kind=AlertKind.REMINDER).count() == 2


def test_city_handlers_missed_clock_goes_to_the_committee_who_can_read_it(client, org, people):
    handler = people["handler_city"]
    tip, _ = file_tip(org)
    tip = services.accept_tip(tip, actor=handler)
    check_tip_clocks(tip.verify_due + datetime.timedelta(days=1))
    [notice] = _tip_notices(people["committee"])
    assert _tip_notices(handler) == []
    client.force_login(people["committee"])
    page = client.get(notice.target_url).content.decode()
    assert 'data-escalated="verify"' in page and 'action="/tips/cases/' not in page  # read-only


def test_unanswered_objection_reminds_the_reviewer_then_escalates(org, people):
    tip = walk_tip(people, file_tip(org)[0], TipState.OBJECTED)
    due = running_clock(tip).due
    check_tip_clocks(due - datetime.timedelta(days=1))
    assert _tip_notices(people["handler_city"]) and _tip_notices(people["handler"]) == []
    check_tip_clocks(due + datetime.timedelta(days=1))
    assert _tip_notices(people["committee"])  # nobody above the city


def test_notify_clock_reminds_and_escalates(org, people):
    tip = walk_tip(people, file_tip(org)[0], TipState.CONFIRMED)
    check_tip_clocks(tip.notify_due)
    check_tip_clocks(tip.notify_due + datetime.timedelta(days=1))
    kinds = set(TipClockAlert.objects.filter(clock=TipClock.NOTIFY).values_list("kind", flat=True))
    assert kinds == {AlertKind.REMINDER, AlertKind.ESCALATION}


def test_claim_window_reminds_then_lapses_without_escalation(org, people):
    tip, _ = file_tip(org, disclosure=Disclosure.REAL_NAME)
    tip = walk_tip(people, tip, TipState.NOTIFIED)
    reward = services.propose_reward(tip, actor=people["handler"])
    services.approve_reward(reward, actor=people["rewards1"])
    reward = services.approve_reward(reward, actor=people["rewards2"])
    assert check_tip_clocks(reward.claim_due).reminders == 1
    report = check_tip_clocks(reward.claim_due + datetime.timedelta(days=1))
    assert report.escalations == 0 and report.lapsed == 1
    reward.refresh_from_db()
    assert reward.state == RewardState.LAPSED


def test_notices_name_the_tip_never_the_reporter(org, people):
    tip, _ = file_tip(org, disclosure=Disclosure.REAL_NAME, identifying="我是三号仓库的保管员")
    tip = services.accept_tip(tip, actor=people["handler"])
    check_tip_clocks(tip.verify_due)
    check_tip_clocks(tip.verify_due + datetime.timedelta(days=1))
    for notice in Notification.objects.filter(kind=NotificationKind.TIP):
        for secret in (REAL_NAME["name"], REAL_NAME["phone"], "保管员"):
            assert secret not in notice.message + notice.subject


def test_inactive_handler_is_skipped_for_the_areas_other_handlers(org, people):
    tip, _ = file_tip(org)
    tip = services.accept_tip(tip, actor=people["handler"])
    other = make_user(RoleKind.TIP_HANDLER, org.county_a1, full_name="县受理员二")
    people["handler"].is_active = False
    people["handler"].save()
    check_tip_clocks(tip.verify_due)
    assert _tip_notices(other) and _tip_notices(people["handler"]) == []


def test_task_at_fixed_times(org, people):
    tip = walk_tip(people, file_tip(org)[0], TipState.VERIFYING)
    zone = timezone.get_default_timezone()
    before = datetime.datetime.combine(tip.verify_due - datetime.timedelta(days=2), datetime.time(7, 30), zone)
    after = datetime.datetime.combine(tip.verify_due + datetime.timedelta(days=1), datetime.time(7, 30), zone)
    with mock.patch("django.utils.timezone.now", return_value=before):
        assert task_check_tip_clocks() == {"reminders": 1, "escalations": 0, "lapsed": 0}
        assert task_check_tip_clocks()["reminders"] == 0
    with mock.patch("django.utils.timezone.now", return_value=after):
        assert task_check_tip_clocks()["escalations"] == 1


def test_task_is_in_the_beat_schedule(settings):
    names = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "tips.tasks.task_check_tip_clocks" in names


def test_escalation_shows_on_the_page_and_the_list(client, org, people):
    tip = walk_tip(people, file_tip(org)[0], TipState.VERIFYING)
    check_tip_clocks(tip.verify_due + datetime.timedelta(days=1))
    client.force_login(people["handler_city"])
    page = client.get(reverse("tips:detail", args=[tip.pk])).content.decode()
    assert 'data-escalated="verify"' in page and 'data-alert="escalation"' in page
    listing = client.get(reverse("tips:cases")).content.decode()
    assert 'data-escalated="verify"' in listing
    # Once the clock moves on (a result), the list no longer shows it as escalated; the page keeps the history.
    services.conclude_tip(tip, actor=people["handler"], result=TipState.UNFOUNDED, conclusion="不属实")
    assert 'data-escalated=' not in client.get(reverse("tips:cases")).content.decode()
    assert 'data-alert="escalation"' in client.get(reverse("tips:detail", args=[tip.pk])).content.decode()
