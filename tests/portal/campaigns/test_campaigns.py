from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from portal.audit.models import AuditRecord
from portal.campaigns.enums import AwardKind, DpiPolicy, PhaseKind
from portal.campaigns.models import AwardLevel, Campaign, HazardCategory, Industry, Phase
from portal.campaigns.notice import ensure_notice_campaign, notice_phases
from portal.campaigns.services import make_campaign_current
from submissions.photos import photo_rules_for
from tests.factories import make_user

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def other_campaign(**fields) -> Campaign:
    return Campaign.objects.create(**{"slug": "suishoupai-5", "title": "第五届随手拍", "year": 2026, **fields})


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count()
            for model in (Campaign, Phase, HazardCategory, Industry, AwardLevel)}


# --- the notice as data ---------------------------------------------------------------------------------

def test_ensure_notice_campaign_has_the_notice_rules():
    campaign = ensure_notice_campaign()
    assert campaign.is_current
    assert campaign.year == 2025
    assert campaign.notice_reference == "晋工发〔2025〕17号"
    assert (campaign.min_long_side, campaign.min_short_side, campaign.min_dpi) == (3000, 2000, 300)
    assert campaign.dpi_policy == DpiPolicy.REJECT
    assert campaign.max_photos_per_group == 4
    assert campaign.description_max_chars == 50
    assert campaign.recommend_cap == 50
    assert campaign.blind_review is True
    assert Campaign.objects.current() == campaign


def test_ensure_notice_campaign_hazard_categories_in_order():
    campaign = ensure_notice_campaign()
    assert [c.name for c in campaign.hazard_categories.all()] == [
        "人的不安全行为", "物的不安全状态", "环境的不安全因素", "危害职业健康的因素"]


def test_ensure_notice_campaign_industries():
    campaign = ensure_notice_campaign()
    labels = [str(industry) for industry in campaign.industries.all()]
    assert labels[:13] == ["煤矿", "危化", "非煤矿山", "电力", "冶金", "有色", "建材", "机械", "轻工", "纺织",
                           "烟草", "商贸", "学校"]
    for label in ("新业态（快递员）", "新业态（网约车）", "新业态（货车司机）",
                  "民生安全（消防）", "民生安全（燃气）", "民生安全（住房）"):
        assert label in labels
    assert labels[-1] == "其他"
    assert len(labels) == len(set(labels))


def test_ensure_notice_campaign_award_levels():
    campaign = ensure_notice_campaign()
    work = campaign.award_levels.filter(kind=AwardKind.WORK).order_by("rank")
    assert [(level.name, level.rank) for level in work] == [("一等奖", 1), ("二等奖", 2), ("三等奖", 3), ("优秀奖", 4)]
    organisation = campaign.award_levels.filter(kind=AwardKind.ORGANISATION)
    assert [level.name for level in organisation] == ["组织奖"]


def test_ensure_notice_campaign_phases_follow_the_notice():
    campaign = ensure_notice_campaign()
    phases = {phase.kind: phase for phase in campaign.phases.all()}
    assert set(phases) == set(PhaseKind.values)
    assert phases[PhaseKind.RECOMMENDATION].ends_at == datetime(2025, 10, 1, tzinfo=SHANGHAI)
    assert phases[PhaseKind.SUBMISSION].starts_at == datetime(2025, 5, 1, tzinfo=SHANGHAI)


def test_ensure_notice_campaign_is_idempotent():
    first = ensure_notice_campaign()
    before = counts()
    assert before == {"Campaign": 1, "Phase": 6, "HazardCategory": 4, "Industry": before["Industry"],
                      "AwardLevel": 5}
    again = ensure_notice_campaign()
    assert again.pk == first.pk
    assert counts() == before


def test_ensure_notice_campaign_keeps_the_committees_edits():
    campaign = ensure_notice_campaign()
    Campaign.objects.filter(pk=campaign.pk).update(recommend_cap=40, dpi_policy=DpiPolicy.FIX)
    HazardCategory.objects.filter(campaign=campaign, name="人的不安全行为").update(order=9)
    ensure_notice_campaign()
    campaign.refresh_from_db()
    assert campaign.recommend_cap == 40
    assert campaign.dpi_policy == DpiPolicy.FIX
    assert HazardCategory.objects.get(campaign=campaign, name="人的不安全行为").order == 9


def test_ensure_notice_campaign_takes_over_as_current():
    previous = other_campaign(is_current=True)
    campaign = ensure_notice_campaign()
    previous.refresh_from_db()
    assert not previous.is_current
    assert Campaign.objects.current() == campaign


def test_notice_recommendation_deadline_is_end_of_30_september_in_shanghai():
    start, end = notice_phases(2025)[PhaseKind.RECOMMENDATION]
    assert end == datetime(2025, 10, 1, 0, 0, tzinfo=SHANGHAI)
    assert end.astimezone(ZoneInfo("UTC")) == datetime(2025, 9, 30, 16, 0, tzinfo=ZoneInfo("UTC"))
    assert start < end


def test_notice_phases_each_end_after_they_start():
    for kind, (start, end) in notice_phases(2026).items():
        assert start < end, kind
        assert start.year == 2026


# --- one current campaign -------------------------------------------------------------------------------

def test_make_campaign_current_unsets_the_previous(org):
    first = ensure_notice_campaign()
    second = other_campaign()
    actor = make_user()
    make_campaign_current(second, actor=actor)
    first.refresh_from_db()
    second.refresh_from_db()
    assert second.is_current and not first.is_current
    assert Campaign.objects.current() == second
    assert Campaign.objects.filter(is_current=True).count() == 1
    # The past campaign stays, with its configuration, readable.
    past = Campaign.objects.get(pk=first.pk)
    assert past.phases.count() == 6 and past.industries.exists()
    record = AuditRecord.objects.get(action="campaign.make_current")
    assert record.actor == actor and record.target_id == str(second.pk)


def test_make_campaign_current_on_the_current_one_changes_nothing():
    campaign = ensure_notice_campaign()
    make_campaign_current(campaign, actor=None)
    assert list(Campaign.objects.filter(is_current=True)) == [campaign]


def test_database_refuses_two_current_campaigns():
    ensure_notice_campaign()
    with pytest.raises(IntegrityError), transaction.atomic():
        other_campaign(is_current=True)
    assert Campaign.objects.filter(is_current=True).count() == 1
    with pytest.raises(IntegrityError), transaction.atomic():
        Campaign.objects.filter(slug="suishoupai-4").update(is_current=True)
        other_campaign(slug="x", is_current=True)


def test_many_past_campaigns_are_allowed():
    other_campaign(slug="a")
    other_campaign(slug="b")
    assert Campaign.objects.filter(is_current=False).count() == 2
    assert Campaign.objects.current() is None


def test_admin_making_a_campaign_current_goes_through_the_service(client):
    first = ensure_notice_campaign()
    client.force_login(make_user(username="root", is_staff=True, is_superuser=True))
    data = {
        "slug": "suishoupai-5", "title": "第五届随手拍", "year": "2026", "theme": "", "notice_reference": "",
        "is_current": "on", "contact": "",
        "min_long_side": "3000", "min_short_side": "2000", "min_dpi": "300", "dpi_policy": "reject",
        "max_photos_per_group": "4", "max_file_mb": "20", "max_megapixels": "200",
        "description_max_chars": "50", "hazard_max_chars": "100", "suggestion_max_chars": "100",
        "rectification_note_max_chars": "100", "recommend_cap": "50", "require_rectification_to_forward": "on",
        "require_unit_assessment_to_forward": "on", "experts_per_entry": "3", "blind_review": "on",
    }
    for prefix in ("phases", "award_levels", "hazard_categories", "industries"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0",
                     f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"})
    response = client.post("/admin/campaigns/campaign/add/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    new = Campaign.objects.get(slug="suishoupai-5")
    first.refresh_from_db()
    assert new.is_current and not first.is_current
    assert AuditRecord.objects.filter(action="campaign.make_current", target_id=str(new.pk)).exists()


# --- phases ---------------------------------------------------------------------------------------------

def test_phase_is_open_start_inclusive_end_exclusive():
    campaign = ensure_notice_campaign()
    phase = campaign.phase(PhaseKind.RECOMMENDATION)
    start, end = phase.starts_at, phase.ends_at
    second = timedelta(microseconds=1)
    assert not phase.is_open(start - second)
    assert phase.is_open(start)
    assert phase.is_open(end - second)
    assert not phase.is_open(end)
    assert not phase.is_open(end + timedelta(days=1))
    # 23:59:59 on 30 September in Shanghai is still in time; midnight is too late.
    assert phase.is_open(datetime(2025, 9, 30, 23, 59, 59, tzinfo=SHANGHAI))
    assert not phase.is_open(datetime(2025, 10, 1, 0, 0, tzinfo=SHANGHAI))
    assert campaign.phase_open(PhaseKind.RECOMMENDATION, datetime(2025, 9, 15, tzinfo=SHANGHAI))
    assert not campaign.phase_open(PhaseKind.RECOMMENDATION, datetime(2025, 10, 15, tzinfo=SHANGHAI))


def test_phase_is_open_defaults_to_now(campaign):
    # tests.factories.CampaignFactory opens every phase around now.
    assert all(phase.is_open() for phase in campaign.phases.all())
    assert campaign.phase_open(PhaseKind.SUBMISSION)
    assert not campaign.phase_open("no-such-phase")


def test_phase_must_end_after_it_starts():
    campaign = ensure_notice_campaign()
    now = timezone.now()
    Phase.objects.filter(campaign=campaign, kind=PhaseKind.PUBLICATION).delete()
    with pytest.raises(IntegrityError), transaction.atomic():
        Phase.objects.create(campaign=campaign, kind=PhaseKind.PUBLICATION, starts_at=now, ends_at=now)


def test_one_phase_per_kind():
    campaign = ensure_notice_campaign()
    now = timezone.now()
    with pytest.raises(IntegrityError), transaction.atomic():
        Phase.objects.create(campaign=campaign, kind=PhaseKind.SUBMISSION, starts_at=now,
                             ends_at=now + timedelta(days=1))


# --- photo rules ----------------------------------------------------------------------------------------

def test_photo_rules_come_from_the_campaign():
    campaign = ensure_notice_campaign()
    Campaign.objects.filter(pk=campaign.pk).update(dpi_policy=DpiPolicy.FIX, max_file_mb=15, min_dpi=240)
    campaign.refresh_from_db()
    rules = photo_rules_for(campaign)
    assert (rules.min_long_side, rules.min_short_side, rules.min_dpi) == (3000, 2000, 240)
    assert rules.dpi_policy == "fix"
    assert rules.max_file_bytes == 15 * 1024 * 1024
    assert rules.max_megapixels == 200
