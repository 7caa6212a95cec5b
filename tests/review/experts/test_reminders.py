"""Reminders to experts with unscored entries before the review deadline (command, task, service)."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from portal.campaigns.enums import PhaseKind
from review.experts import services, tasks
from review.experts.models import ResultsLock
from tests.factories import assign, at_province, set_phase
from tests.factories.experts import score

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(people, campaign, entry):
    """expert_b has two entries, one scored; expert_i one, unscored; expert_free one, scored."""
    second = at_province(people["worker"], campaign)
    for item, who in ((entry, "expert_b"), (second, "expert_b"), (entry, "expert_i"), (second, "expert_free")):
        assign(item, people[who])
    score(second, people["expert_b"], "60")
    score(second, people["expert_free"], "60")
    return campaign


def ends_in(campaign, delta):
    now = timezone.now()
    set_phase(campaign, PhaseKind.EXPERT_REVIEW, starts_at=now - timedelta(days=20), ends_at=now + delta)


def test_reminders_go_to_experts_with_unscored_entries_when_the_deadline_is_near(people, pending):
    ends_in(pending, timedelta(days=2))
    assert services.send_expert_reminders() == 2
    recipients = sorted(message.to[0] for message in mail.outbox)
    assert recipients == sorted([people["expert_b"].email, people["expert_i"].email])
    body = next(m for m in mail.outbox if m.to == [people["expert_b"].email]).body
    assert "1 件作品尚未评分" in body and "/experts/" in body
    assert people["worker"].get_full_name() not in body


@pytest.mark.parametrize("delta", [timedelta(days=5), timedelta(days=-1)])
def test_no_reminder_outside_the_window(pending, delta):
    ends_in(pending, delta)
    assert services.send_expert_reminders() == 0
    assert mail.outbox == []


def test_no_reminder_once_the_results_are_locked(pending):
    ends_in(pending, timedelta(days=1))
    ResultsLock.objects.create(campaign=pending)
    assert services.send_expert_reminders() == 0


def test_the_window_is_configurable(pending):
    ends_in(pending, timedelta(days=5))
    assert services.send_expert_reminders(days=7) == 2


def test_the_command_and_the_task(pending):
    ends_in(pending, timedelta(days=6))
    out = StringIO()
    call_command("send_expert_reminders", "--days", "7", stdout=out)
    assert "已发送 2 封" in out.getvalue()
    mail.outbox.clear()
    assert tasks.task_send_expert_reminders.delay(7).get() == 2
    assert tasks.task_send_expert_reminders.delay().get() == 0  # default 3 days
    with pytest.raises(CommandError):
        call_command("send_expert_reminders", "--days", "-1")


def test_no_campaign_no_reminder(db):
    assert services.send_expert_reminders() == 0
