"""A campaign other than the notice's (another year, cap, phase windows and award levels) carries one entry
from creation to the province, and its own cap of 1 refuses the next recommendation."""

from datetime import timedelta

import pytest
from django.utils import timezone

from portal.campaigns.enums import AwardKind, PhaseKind
from portal.refusals import Refused
from review import services
from review.models import RecommendationQuota
from scoring.services import assess_entry
from submissions import services as submission_services
from submissions.enums import EntryState, PhotoKind, Tier
from tests.factories import DEFAULT_VALUES, SMALL, CampaignFactory, ready, small_jpeg, upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def other(campaign):
    """The 2026 campaign, taking over from the notice's (`campaign`): a cap of 1, its own categories,
    industries and award levels, and phases of its own (the expert review and publication still ahead)."""
    now = timezone.now()
    open_now = (now - timedelta(days=3), now + timedelta(days=10))
    ahead = (now + timedelta(days=20), now + timedelta(days=40))
    return CampaignFactory(
        slug="suishoupai-5", title="第五届测试活动", year=2026, recommend_cap=1, experts_per_entry=1, **SMALL,
        phases={PhaseKind.SUBMISSION: open_now, PhaseKind.FIRST_REVIEW: open_now, PhaseKind.SELECTION: open_now,
                PhaseKind.RECOMMENDATION: open_now, PhaseKind.EXPERT_REVIEW: ahead, PhaseKind.PUBLICATION: ahead},
        hazard_categories=["设备设施隐患"], industries=[("", "仓储物流")],
        work_awards=[("金奖", 1), ("银奖", 2)], organisation_awards=[],
    )


def test_campaign_factory_other_campaign_has_its_own_rules(campaign, other):
    campaign.refresh_from_db()
    assert other.pk != campaign.pk
    assert (other.is_current, campaign.is_current) == (True, False)
    assert other.recommend_cap == 1 and campaign.recommend_cap == 50
    assert [level.name for level in other.award_levels.all()] == ["金奖", "银奖"]
    assert not other.award_levels.filter(kind=AwardKind.ORGANISATION).exists()
    assert [category.name for category in other.hazard_categories.all()] == ["设备设施隐患"]
    assert other.phase_open(PhaseKind.RECOMMENDATION) and not other.phase_open(PhaseKind.EXPERT_REVIEW)


def test_other_campaign_entry_created_submitted_and_recommended_to_province(org, people, other):
    worker, unit, county, city = people["worker"], people["unit"], people["county"], people["city"]
    data = {
        "title": "仓库货架超载", "author_name": worker.get_full_name(), "unit": org.unit_a1a,
        "contact_address": "某某路1号", "contact_phone": "13900000000", "contact_email": "",
        "industry": other.industries.get(), "category": other.hazard_categories.get(),
        "taken_on": timezone.localdate(), "location": "二号仓库", "hazard": "货架超载",
        "suggestion": "限载并张贴标识", "rectification_note": "已卸货", "description": "仓库货架超载",
        "declaration_accepted": True, "declaration_name": worker.get_full_name(),
        "declaration_date": timezone.localdate(),
    }
    entry = submission_services.create_entry(other, data, actor=worker)
    for n, kind in enumerate((PhotoKind.HAZARD, PhotoKind.RECTIFIED)):
        submission_services.add_photo(entry, kind, upload(small_jpeg(n)), actor=worker)
    entry = submission_services.submit_entry(entry, actor=worker)
    assert entry.state == EntryState.SUBMITTED

    assess_entry(entry, actor=unit, tier=Tier.UNIT, values=DEFAULT_VALUES)
    entry.refresh_from_db()
    services.recommend_entry(entry, actor=unit)
    services.forward_entry(entry, actor=county)
    services.recommend_entry_to_province(entry, actor=city)

    entry.refresh_from_db()
    assert (entry.campaign_id, entry.state, entry.tier) == (other.pk, EntryState.PROVINCE_RECOMMENDED, Tier.PROVINCE)
    quota = RecommendationQuota.objects.get(campaign=other, union=org.city_a)
    assert (quota.used, quota.cap) == (1, 1)
    # Its cap is 1, not the notice's 50: the city's next recommendation is refused.
    second = ready(worker, other, state=EntryState.FIRST_FORWARDED, tier=Tier.SELECTION)
    with pytest.raises(Refused) as refused:
        services.recommend_entry_to_province(second, actor=city)
    assert refused.value.code == "cap_reached"
    assert "已推荐 1/1" in refused.value.message
