import datetime

import pytest
from django.conf import settings

from returns import tasks
from returns.models import ReturnReminder
from tests.factories.returns import YEAR

pytestmark = pytest.mark.django_db


def test_task_remind_returns_is_in_the_beat_schedule():
    assert settings.CELERY_BEAT_SCHEDULE["remind-returns"]["task"] == tasks.task_remind_returns.name


def test_task_remind_returns_reminds(programme, staff, monkeypatch):
    monkeypatch.setattr("returns.services.timezone.localdate", lambda: datetime.date(YEAR, 11, 28))
    assert tasks.task_remind_returns.delay().get() == 5
    assert ReturnReminder.objects.filter(period__number=2).count() == 5
