"""The periodic repair after an outage (issue 12.4): photos without derivatives are queued again."""

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from kombu.exceptions import OperationalError

from submissions import requeue, tasks
from submissions.enums import PhotoKind
from submissions.models import Photo
from submissions.services import add_photo
from tests.factories import make_entry, small_jpeg, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def lost_photos(people, small_campaign, django_capture_on_commit_callbacks):
    """Two photos uploaded while Redis was down: their derivative task never left (callbacks not run)."""
    author = people["worker"]
    entry = make_entry(author, campaign=small_campaign)
    with django_capture_on_commit_callbacks(execute=False):
        photos = [add_photo(entry, PhotoKind.HAZARD, upload(small_jpeg(n)), actor=author) for n in range(2)]
    assert not Photo.objects.exclude(thumbnail="").exists()
    return photos


def test_photos_without_derivatives_are_queued_again_after_the_grace_period(lost_photos, settings):
    assert requeue.photos_missing_derivatives() == []  # just uploaded: their task may still be on its way
    later = timezone.now() + timedelta(minutes=settings.PORTAL_REQUEUE_AFTER_MINUTES + 1)
    assert requeue.photos_missing_derivatives(at=later) == [photo.pk for photo in lost_photos]
    assert requeue.requeue_missing_derivatives(at=later) == 2  # tasks run inline in tests
    assert not Photo.objects.filter(thumbnail="").exists() and not Photo.objects.filter(preview="").exists()
    assert requeue.requeue_missing_derivatives(at=later) == 0


def test_the_command_and_the_periodic_task_requeue(lost_photos, settings, capsys):
    settings.PORTAL_REQUEUE_AFTER_MINUTES = 0
    call_command("requeue_stranded")
    assert "照片 2 幅" in capsys.readouterr().out
    assert not Photo.objects.filter(thumbnail="").exists()
    assert tasks.task_requeue_stranded.delay().get() == {"photos": 0, "exports": 0}


def test_the_command_says_so_while_redis_is_still_down(lost_photos, settings, monkeypatch):
    settings.PORTAL_REQUEUE_AFTER_MINUTES = 0

    def refused(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.task_make_photo_derivatives, "apply_async", refused)
    with pytest.raises(CommandError, match="无法连接任务队列"):
        call_command("requeue_stranded")
