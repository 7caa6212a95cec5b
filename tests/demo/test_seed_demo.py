"""`manage.py seed_demo` on an empty database (the rest, on the shared seed: tests/demo/seeded)."""

import io

import pytest
from django.core.management import CommandError, call_command

from portal.accounts.models import User
from portal.campaigns.models import Campaign
from portal.directory.models import OrgNode

pytestmark = pytest.mark.django_db


def test_seed_demo_refuses_in_production_without_force(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="PORTAL_DEBUG=0"):
        call_command("seed_demo", stdout=io.StringIO())
    assert not OrgNode.objects.exists()
    assert not User.objects.exists()
    call_command("seed_demo", "--force", stdout=io.StringIO())
    assert User.objects.filter(username="committee").exists()


def test_seed_demo_notice_dates_use_the_notice_calendar(settings):
    settings.DEBUG = True
    call_command("seed_demo", "--notice-dates", stdout=io.StringIO())
    recommendation = Campaign.objects.current().phase("recommendation")
    assert recommendation.ends_at.isoformat() == "2025-09-30T16:00:00+00:00"
