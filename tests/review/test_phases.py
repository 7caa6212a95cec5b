from datetime import datetime

import pytest

from portal.campaigns.enums import PhaseKind
from portal.campaigns.models import Campaign, Phase
from portal.campaigns.notice import TZ, notice_phases
from review import phases
from tests.factories import CampaignFactory

pytestmark = pytest.mark.django_db


def _notice_campaign() -> Campaign:
    campaign = CampaignFactory()
    for kind, (start, end) in notice_phases(2025).items():
        Phase.objects.filter(campaign=campaign, kind=kind).update(starts_at=start, ends_at=end)
    return Campaign.objects.prefetch_related("phases").get(pk=campaign.pk)


def test_phase_end_is_the_phase_deadline():
    campaign = _notice_campaign()
    assert phases.phase_end(campaign, PhaseKind.RECOMMENDATION) == datetime(2025, 10, 1, tzinfo=TZ)


def test_phase_end_without_the_phase_is_none():
    campaign = _notice_campaign()
    Phase.objects.filter(campaign=campaign, kind=PhaseKind.EXPERT_REVIEW).delete()
    campaign = Campaign.objects.prefetch_related("phases").get(pk=campaign.pk)
    assert phases.phase_end(campaign, PhaseKind.EXPERT_REVIEW) is None
    assert not phases.phase_ended(campaign, PhaseKind.EXPERT_REVIEW, datetime(2099, 1, 1, tzinfo=TZ))


def test_phase_ended_from_the_deadline_on():
    campaign = _notice_campaign()
    assert not phases.phase_ended(campaign, PhaseKind.RECOMMENDATION, datetime(2025, 9, 30, 23, 59, tzinfo=TZ))
    assert phases.phase_ended(campaign, PhaseKind.RECOMMENDATION, datetime(2025, 10, 1, tzinfo=TZ))
