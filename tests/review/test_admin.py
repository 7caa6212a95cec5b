import pytest
from django.urls import reverse

from review import services
from review.models import Notification, RecommendationQuota, TierGrade, Transition
from submissions.enums import EntryState, Tier
from tests.factories import make_user, ready

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, people):
    admin = make_user(is_staff=True, is_superuser=True)
    client.force_login(admin)
    return client


@pytest.fixture
def history(people, campaign):
    from portal.campaigns.models import AwardLevel

    entry = ready(people["worker"], campaign, state=EntryState.FIRST_FORWARDED, tier=Tier.SELECTION)
    services.grade_entry(entry, actor=people["city"], tier=Tier.SELECTION,
                         award_level=AwardLevel.objects.filter(campaign=campaign, kind="work").first())
    services.recommend_entry_to_province(entry, actor=people["city"])
    return entry


@pytest.mark.parametrize("model", [Transition, TierGrade, RecommendationQuota, Notification])
def test_admin_changelist_and_change_pages_render(admin_client, history, model):
    meta = model._meta
    assert admin_client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_changelist")).status_code == 200
    obj = model.objects.first()
    assert admin_client.get(reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])).status_code == 200


def test_admin_transitions_are_read_only(admin_client, history):
    step = Transition.objects.first()
    url = reverse("admin:review_transition_change", args=[step.pk])
    admin_client.post(url, {"reason": "改写"})
    step.refresh_from_db()
    assert step.reason != "改写"
    assert admin_client.get(reverse("admin:review_transition_add")).status_code == 403


def test_admin_quota_cap_is_read_only_and_follows_the_campaign(admin_client, history):
    quota = RecommendationQuota.objects.get()
    url = reverse("admin:review_recommendationquota_change", args=[quota.pk])
    page = admin_client.get(url).content.decode()
    assert 'name="cap"' not in page
    admin_client.post(url, {"cap": "1"})
    quota.refresh_from_db()
    assert quota.cap == quota.campaign.recommend_cap == 50


def test_admin_quota_recount_action(admin_client, history):
    quota = RecommendationQuota.objects.get()
    RecommendationQuota.objects.filter(pk=quota.pk).update(used=0)
    admin_client.post(reverse("admin:review_recommendationquota_changelist"),
                      {"action": "recount", "_selected_action": [quota.pk]})
    quota.refresh_from_db()
    assert quota.used == 1
