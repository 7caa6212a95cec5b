from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from portal.audit.models import AuditRecord
from portal.campaigns.enums import AwardKind, PhaseKind
from portal.campaigns.models import AwardLevel, Campaign, Phase
from portal.refusals import Refused
from review import phases, services
from review.enums import NotificationKind
from review.experts.services import remove_assignment
from review.models import Notification, RecommendationQuota, TierGrade, Transition
from scoring.services import assess_entry
from submissions.enums import EntryState, Tier, TransitionAction
from submissions.models import Entry
from tests.factories import CampaignFactory, ready

pytestmark = pytest.mark.django_db


def state_of(entry):
    entry.refresh_from_db()
    return entry.state, entry.tier


def set_phase(campaign, kind, *, days_from=-30, days_to=60):
    now = timezone.now()
    Phase.objects.filter(campaign=campaign, kind=kind).update(
        starts_at=now + timedelta(days=days_from), ends_at=now + timedelta(days=days_to))


def close_phase(campaign, kind):
    set_phase(campaign, kind, days_from=-60, days_to=-30)


def level(campaign, name="一等奖"):
    return AwardLevel.objects.get(campaign=campaign, kind=AwardKind.WORK, name=name)


# --- the climb ------------------------------------------------------------------------------------------

def test_entry_climbs_unit_county_city_province_with_history(people, campaign):
    entry = ready(people["worker"], campaign)
    services.recommend_entry(entry, actor=people["unit"], comment="画面清晰")
    assert state_of(entry) == (EntryState.UNIT_RECOMMENDED, Tier.FIRST_REVIEW)
    services.forward_entry(entry, actor=people["county"])
    assert state_of(entry) == (EntryState.FIRST_FORWARDED, Tier.SELECTION)
    services.recommend_entry_to_province(entry, actor=people["city"])
    assert state_of(entry) == (EntryState.PROVINCE_RECOMMENDED, Tier.PROVINCE)

    steps = list(Transition.objects.filter(entry=entry).values_list(
        "action", "from_state", "to_state", "from_tier", "to_tier", "actor"))
    assert steps == [
        (TransitionAction.RECOMMEND, EntryState.SUBMITTED, EntryState.UNIT_RECOMMENDED, Tier.UNIT,
         Tier.FIRST_REVIEW, people["unit"].pk),
        (TransitionAction.FORWARD, EntryState.UNIT_RECOMMENDED, EntryState.FIRST_FORWARDED, Tier.FIRST_REVIEW,
         Tier.SELECTION, people["county"].pk),
        (TransitionAction.RECOMMEND_PROVINCE, EntryState.FIRST_FORWARDED, EntryState.PROVINCE_RECOMMENDED,
         Tier.SELECTION, Tier.PROVINCE, people["city"].pk),
    ]
    assert Transition.objects.filter(entry=entry).first().reason == "画面清晰"
    actions = list(AuditRecord.objects.for_object(entry).order_by("id").values_list("action", flat=True))
    assert actions == ["review.recommend", "review.forward", "review.recommend_province"]
    assert RecommendationQuota.objects.get(campaign=campaign, union=people["city"].roles.get().node).used == 1
    assert Notification.objects.filter(user=people["worker"], kind=NotificationKind.ADVANCED).count() == 3


def test_recommend_unit_without_county_goes_to_selection(people, campaign, org):
    entry = ready(people["worker_a0"], campaign)
    assert entry.first_review_union is None
    services.recommend_entry(entry, actor=people["unit_a0"])
    assert state_of(entry) == (EntryState.UNIT_RECOMMENDED, Tier.SELECTION)
    services.recommend_entry_to_province(entry, actor=people["city"])
    assert state_of(entry) == (EntryState.PROVINCE_RECOMMENDED, Tier.PROVINCE)


def test_industry_channel_climbs_unit_group_industry_union(people, campaign, org):
    entry = ready(people["worker_ga"], campaign)
    services.recommend_entry(entry, actor=people["unit_ga"])
    assert state_of(entry) == (EntryState.UNIT_RECOMMENDED, Tier.FIRST_REVIEW)
    with pytest.raises(Refused, check=lambda exc: exc.denied):
        services.forward_entry(entry, actor=people["county"])
    services.forward_entry(entry, actor=people["group"])
    services.recommend_entry_to_province(entry, actor=people["industry"])
    assert state_of(entry) == (EntryState.PROVINCE_RECOMMENDED, Tier.PROVINCE)
    assert RecommendationQuota.objects.get(union=org.industry).used == 1


def test_service_updates_the_callers_object(people, campaign):
    entry = ready(people["worker"], campaign)
    services.recommend_entry(entry, actor=people["unit"])
    assert (entry.state, entry.tier) == (EntryState.UNIT_RECOMMENDED, Tier.FIRST_REVIEW)


def test_recommend_wrong_tier_is_refused_with_message(people, campaign):
    entry = ready(people["worker"], campaign, state=EntryState.UNIT_RECOMMENDED, tier=Tier.FIRST_REVIEW)
    with pytest.raises(Refused) as refused:
        services.recommend_entry(entry, actor=people["unit"])
    assert refused.value.code == "wrong_tier"
    assert "县级/集团初评" in refused.value.message


def test_recommend_by_another_unit_is_denied(people, campaign):
    entry = ready(people["worker"], campaign)
    with pytest.raises(Refused, check=lambda exc: exc.denied):
        services.recommend_entry(entry, actor=people["unit_other"])
    assert state_of(entry) == (EntryState.SUBMITTED, Tier.UNIT)


def test_superuser_without_role_cannot_forward(people, campaign):
    boss = people["committee"]
    boss.is_superuser = boss.is_staff = True
    boss.save()
    entry = ready(people["worker"], campaign)
    with pytest.raises(Refused, check=lambda exc: exc.denied):
        services.recommend_entry(entry, actor=boss)


# --- forwarding rules ---------------------------------------------------------------------------------

def test_forward_without_rectification_photos_is_refused(people, campaign):
    entry = ready(people["worker"], campaign, has_rectification_photos=False)
    with pytest.raises(Refused) as refused:
        services.recommend_entry(entry, actor=people["unit"])
    assert refused.value.code == "no_rectification"
    assert "整改后的照片" in refused.value.message
    assert state_of(entry) == (EntryState.SUBMITTED, Tier.UNIT)
    assert not Transition.objects.exists()


def test_forward_without_unit_assessment_is_refused(people, campaign):
    entry = ready(people["worker"], campaign, score=None)
    with pytest.raises(Refused) as refused:
        services.recommend_entry(entry, actor=people["unit"])
    assert refused.value.code == "no_unit_assessment"
    assert "价值评价" in refused.value.message


def test_forward_rules_follow_campaign_configuration(people):
    campaign = CampaignFactory(require_rectification_to_forward=False, require_unit_assessment_to_forward=False)
    entry = ready(people["worker"], campaign, score=None, has_rectification_photos=False)
    services.recommend_entry(entry, actor=people["unit"])
    assert state_of(entry) == (EntryState.UNIT_RECOMMENDED, Tier.FIRST_REVIEW)


def test_forward_after_scoring_assessment_uses_unit_score(people, campaign):
    entry = ready(people["worker"], campaign, score=None)
    assess_entry(entry, actor=people["unit"], tier=Tier.UNIT,
                 values={"l": "2", "e": "1.8", "c": "25", "x": "1", "y": "1"})
    services.recommend_entry(entry, actor=people["unit"])
    entry.refresh_from_db()
    assert entry.unit_score == Decimal("90")


# --- phases and deadlines -----------------------------------------------------------------------------

def test_unit_acts_during_first_review_when_submission_closed(people, campaign):
    close_phase(campaign, PhaseKind.SUBMISSION)
    entry = ready(people["worker"], campaign)
    services.recommend_entry(entry, actor=people["unit"])
    assert state_of(entry)[0] == EntryState.UNIT_RECOMMENDED


def test_unit_refused_when_submission_and_first_review_closed(people, campaign):
    close_phase(campaign, PhaseKind.SUBMISSION)
    close_phase(campaign, PhaseKind.FIRST_REVIEW)
    entry = ready(people["worker"], campaign)
    with pytest.raises(Refused) as refused:
        services.recommend_entry(entry, actor=people["unit"])
    assert refused.value.code == "phase_closed"
    assert "作品提交阶段" in refused.value.message


def test_county_refused_outside_first_review(people, campaign):
    close_phase(campaign, PhaseKind.FIRST_REVIEW)
    entry = ready(people["worker"], campaign, state=EntryState.UNIT_RECOMMENDED, tier=Tier.FIRST_REVIEW)
    for act in (lambda: services.forward_entry(entry, actor=people["county"]),
                lambda: services.return_entry(entry, actor=people["county"], reason="补充说明"),
                lambda: services.reject_entry(entry, actor=people["county"], reason="不符合"),
                lambda: services.grade_entry(entry, actor=people["county"], tier=Tier.FIRST_REVIEW,
                                             award_level=level(campaign))):
        with pytest.raises(Refused) as refused:
            act()
        assert "初评" in refused.value.message
    assert state_of(entry) == (EntryState.UNIT_RECOMMENDED, Tier.FIRST_REVIEW)


def test_city_recommend_needs_recommendation_phase(people, campaign):
    set_phase(campaign, PhaseKind.RECOMMENDATION, days_from=5, days_to=30)
    entry = ready(people["worker"], campaign, state=EntryState.FIRST_FORWARDED, tier=Tier.SELECTION)
    with pytest.raises(Refused) as refused:
        services.recommend_entry_to_province(entry, actor=people["city"])
    assert refused.value.code == "phase_closed"
    # Grading is the selection phase's business and still open.
    services.grade_entry(entry, actor=people["city"], tier=Tier.SELECTION, award_level=level(campaign))


def test_city_grade_needs_selection_phase(people, campaign):
    close_phase(campaign, PhaseKind.SELECTION)
    entry = ready(people["worker"], campaign, state=EntryState.FIRST_FORWARDED, tier=Tier.SELECTION)
    with pytest.raises(Refused) as refused:
        services.grade_entry(entry, actor=people["city"], tier=Tier.SELECTION, award_level=level(campaign))
    assert "甄选阶段" in refused.value.message
    services.recommend_entry_to_province(entry, actor=people["city"])


def test_city_read_only_after_recommendation_deadline(people, campaign):
    # The selection phase still open on paper: the deadline wins.
    close_phase(campaign, PhaseKind.RECOMMENDATION)
    entry = ready(people["worker"], campaign, state=EntryState.FIRST_FORWARDED, tier=Tier.SELECTION)
    for act in (lambda: services.recommend_entry_to_province(entry, actor=people["city"]),
                lambda: services.return_entry(entry, actor=people["city"], reason="请补充"),
                lambda: services.reject_entry(entry, actor=people["city"], reason="不符合"),
                lambda: services.grade_entry(entry, actor=people["city"], tier=Tier.SELECTION,
                                             award_level=level(campaign))):
        with pytest.raises(Refused) as refused:
            act()
        assert refused.value.code == "deadline_passed"
        assert "截止" in refused.value.message and "只读" in refused.value.message


def test_deadline_text_names_the_last_day():
    from datetime import datetime

    from portal.campaigns.notice import TZ

    assert phases.deadline_text(datetime(2025, 10, 1, tzinfo=TZ)) == "2025年9月30日"
    assert phases.deadline_text(datetime(2025, 9, 30, 17, 30, tzinfo=TZ)) == "2025年9月30日 17:30"


def test_notice_calendar_closes_city_after_30_september(people):
    campaign = Campaign.objects.get(pk=CampaignFactory().pk)
    from portal.campaigns.notice import notice_phases

    for kind, (start, end) in notice_phases(2025).items():
        Phase.objects.filter(campaign=campaign, kind=kind).update(starts_at=start, ends_at=end)
    campaign = Campaign.objects.prefetch_related("phases").get(pk=campaign.pk)
    from datetime import datetime

    from portal.campaigns.notice import TZ

    assert not phases.selection_read_only(campaign, datetime(2025, 9, 30, 23, 59, tzinfo=TZ))
    phases.check_window(campaign, Tier.SELECTION, phases.RECOMMEND, datetime(2025, 9, 30, 23, 59, tzinfo=TZ))
    assert phases.selection_read_only(campaign, datetime(2025, 10, 1, 0, 0, tzinfo=TZ))
    with pytest.raises(Refused, match="2025年9月30日"):
        phases.check_window(campaign, Tier.SELECTION, phases.RECOMMEND, datetime(2025, 10, 1, tzinfo=TZ))


# --- return, reject -------------------------------------------------------------------------------------

def test_return_sends_entry_back_to_unit_tier_and_it_climbs_again(people, campaign):
    from submissions.services import submit_entry

    entry = ready(people["worker"], campaign, state=EntryState.FIRST_FORWARDED, tier=Tier.SELECTION)
    services.return_entry(entry, actor=people["city"], reason="请补充整改后说明")
    entry.refresh_from_db()
    assert (entry.state, entry.tier) == (EntryState.RETURNED, Tier.UNIT)
    audit = AuditRecord.objects.for_object(entry).get(action="review.return")
    assert audit.changes["reason"] == "请补充整改后说明"  # what the author's page shows
    step = Transition.objects.get(entry=entry)
    assert (step.action, step.acting_tier, step.reason) == (TransitionAction.RETURN, Tier.SELECTION, "请补充整改后说明")
    notification = Notification.objects.get(user=people["worker"], kind=NotificationKind.RETURNED)
    assert "请补充整改后说明" in notification.message

    # The author resubmits (the submissions app needs photos for that): the entry starts again at the unit.
    from submissions.enums import PhotoKind
    from submissions.models import Photo

    Photo.objects.create(entry=entry, kind=PhotoKind.HAZARD, position=1, original="x.jpg", sha256="a" * 64,
                         size=1, width=3000, height=2000)
    submit_entry(entry, actor=people["worker"])
    assert state_of(entry) == (EntryState.SUBMITTED, Tier.UNIT)
    services.recommend_entry(entry, actor=people["unit"])
    assert state_of(entry) == (EntryState.UNIT_RECOMMENDED, Tier.FIRST_REVIEW)


def test_return_requires_reason(people, campaign):
    entry = ready(people["worker"], campaign)
    for reason in ("", "   ", None):
        with pytest.raises(Refused) as refused:
            services.return_entry(entry, actor=people["unit"], reason=reason)
        assert refused.value.code == "reason_required"
        assert "退回原因" in refused.value.message
    assert state_of(entry) == (EntryState.SUBMITTED, Tier.UNIT)


def test_reason_longer_than_limit_is_refused(people, campaign):
    entry = ready(people["worker"], campaign)
    with pytest.raises(Refused) as refused:
        services.reject_entry(entry, actor=people["unit"], reason="长" * 501)
    assert refused.value.code == "reason_too_long"


def test_reject_keeps_tier_and_reason_is_internal(people, campaign):
    entry = ready(people["worker"], campaign, state=EntryState.UNIT_RECOMMENDED, tier=Tier.FIRST_REVIEW)
    services.reject_entry(entry, actor=people["county"], reason="内部：画面模糊")
    assert state_of(entry) == (EntryState.REJECTED, Tier.FIRST_REVIEW)
    notification = Notification.objects.get(user=people["worker"], kind=NotificationKind.REJECTED)
    assert "画面模糊" not in notification.message
    assert "未入选" in notification.message


def test_return_with_stale_tier_is_refused(people, campaign):
    entry = ready(people["worker"], campaign, state=EntryState.UNIT_RECOMMENDED, tier=Tier.FIRST_REVIEW)
    with pytest.raises(Refused) as refused:
        services.return_entry(entry, actor=people["county"], reason="请修改", tier=Tier.UNIT)
    assert refused.value.code == "stale"
    with pytest.raises(Refused) as refused:
        services.return_entry(entry, actor=people["county"], reason="请修改", tier="abc")
    assert refused.value.code == "invalid"


def test_return_of_entry_not_pending_is_refused(people, campaign):
    entry = ready(people["worker"], campaign, state=EntryState.REJECTED, tier=Tier.UNIT)
    with pytest.raises(Refused) as refused:
        services.return_entry(entry, actor=people["unit"], reason="请修改")
    assert refused.value.code == "wrong_state"


def test_lower_tier_cannot_return_entry_at_higher_tier(people, campaign):
    entry = ready(people["worker"], campaign, state=EntryState.FIRST_FORWARDED, tier=Tier.SELECTION)
    with pytest.raises(Refused, check=lambda exc: exc.denied):
        services.return_entry(entry, actor=people["county"], reason="请修改")


# --- undo -----------------------------------------------------------------------------------------------

def test_undo_forward_goes_back_to_previous_state(people, campaign):
    entry = ready(people["worker"], campaign)
    services.recommend_entry(entry, actor=people["unit"])
    services.undo_transition(entry, actor=people["unit"], reason="误点")
    assert state_of(entry) == (EntryState.SUBMITTED, Tier.UNIT)
    undo = Transition.objects.filter(entry=entry).last()
    assert (undo.action, undo.acting_tier, undo.reason) == (TransitionAction.UNDO, Tier.UNIT, "误点")
    assert Notification.objects.filter(kind=NotificationKind.UNDONE).count() == 1
    with pytest.raises(Refused) as refused:
        services.undo_transition(entry, actor=people["unit"])
    assert refused.value.code == "nothing_to_undo"


def test_undo_province_recommendation_frees_quota(people, campaign, org):
    entry = ready(people["worker"], campaign, state=EntryState.FIRST_FORWARDED, tier=Tier.SELECTION)
    services.recommend_entry_to_province(entry, actor=people["city"])
    assert RecommendationQuota.objects.get(union=org.city_a).used == 1
    services.undo_transition(entry, actor=people["city"])
    assert state_of(entry) == (EntryState.FIRST_FORWARDED, Tier.SELECTION)
    assert RecommendationQuota.objects.get(union=org.city_a).used == 0


def test_undo_reject_restores_previous_state(people, campaign):
    entry = ready(people["worker"], campaign, state=EntryState.UNIT_RECOMMENDED, tier=Tier.FIRST_REVIEW)
    services.reject_entry(entry, actor=people["county"], reason="不符合")
    services.undo_transition(entry, actor=people["county"])
    assert state_of(entry) == (EntryState.UNIT_RECOMMENDED, Tier.FIRST_REVIEW)


def test_undo_refused_after_next_tier_acted(people, campaign):
    entry = ready(people["worker"], campaign)
    services.recommend_entry(entry, actor=people["unit"])
    services.forward_entry(entry, actor=people["county"])
    with pytest.raises(Refused) as refused:
        services.undo_transition(entry, actor=people["unit"])
    assert refused.value.code == "permission_denied"  # the last step is the county's


def test_undo_refused_after_next_tier_graded(people, campaign):
    entry = ready(people["worker"], campaign)
    services.recommend_entry(entry, actor=people["unit"])
    services.grade_entry(entry, actor=people["county"], tier=Tier.FIRST_REVIEW, award_level=level(campaign))
    with pytest.raises(Refused) as refused:
        services.undo_transition(entry, actor=people["unit"])
    assert refused.value.code == "next_tier_acted"
    assert state_of(entry) == (EntryState.UNIT_RECOMMENDED, Tier.FIRST_REVIEW)


def test_undo_refused_after_next_tier_assessed(people, campaign):
    entry = ready(people["worker"], campaign)
    services.recommend_entry(entry, actor=people["unit"])
    assess_entry(entry, actor=people["county"], tier=Tier.FIRST_REVIEW,
                 values={"l": "1", "e": "1", "c": "15", "x": "1", "y": "1"})
    with pytest.raises(Refused) as refused:
        services.undo_transition(entry, actor=people["unit"])
    assert refused.value.code == "next_tier_acted"


def test_undo_province_recommendation_refused_once_experts_assigned(people, campaign, org):
    from submissions.models import ExpertAssignment

    entry = ready(people["worker"], campaign, state=EntryState.FIRST_FORWARDED, tier=Tier.SELECTION)
    services.recommend_entry_to_province(entry, actor=people["city"])
    assignment = ExpertAssignment.objects.create(entry=entry, expert=people["expert"])
    with pytest.raises(Refused) as refused:
        services.undo_transition(entry, actor=people["city"])
    assert refused.value.code == "next_tier_acted"
    assert RecommendationQuota.objects.get(union=org.city_a).used == 1
    # A removed assignment no longer counts.
    remove_assignment(assignment, actor=people["committee"], reason="改派其他专家")
    services.undo_transition(entry, actor=people["city"])
    assert RecommendationQuota.objects.get(union=org.city_a).used == 0


def test_undo_refused_when_phase_closed(people, campaign):
    entry = ready(people["worker"], campaign, state=EntryState.FIRST_FORWARDED, tier=Tier.SELECTION)
    services.recommend_entry_to_province(entry, actor=people["city"])
    close_phase(campaign, PhaseKind.RECOMMENDATION)
    with pytest.raises(Refused) as refused:
        services.undo_transition(entry, actor=people["city"])
    assert refused.value.code == "deadline_passed"


def test_undo_of_return_is_not_possible(people, campaign):
    entry = ready(people["worker"], campaign)
    services.return_entry(entry, actor=people["unit"], reason="请修改")
    with pytest.raises(Refused) as refused:
        services.undo_transition(entry, actor=people["unit"])
    assert refused.value.code == "nothing_to_undo"


# --- grades -----------------------------------------------------------------------------------------

def test_grade_set_change_and_clear(people, campaign):
    entry = ready(people["worker"], campaign, state=EntryState.UNIT_RECOMMENDED, tier=Tier.FIRST_REVIEW)
    services.grade_entry(entry, actor=people["county"], tier=Tier.FIRST_REVIEW, award_level=level(campaign))
    services.grade_entry(entry, actor=people["county"], tier=Tier.FIRST_REVIEW,
                         award_level=level(campaign, "二等奖"))
    grade = TierGrade.objects.get(entry=entry, tier=Tier.FIRST_REVIEW)
    assert (grade.award_level.name, grade.graded_by) == ("二等奖", people["county"])
    # Saving the same grade again changes nothing and records nothing.
    services.grade_entry(entry, actor=people["county"], tier=Tier.FIRST_REVIEW,
                         award_level=level(campaign, "二等奖"))
    assert AuditRecord.objects.filter(action="review.grade").count() == 2
    services.grade_entry(entry, actor=people["county"], tier=Tier.FIRST_REVIEW, award_level=None)
    assert not TierGrade.objects.filter(entry=entry).exists()
    assert AuditRecord.objects.filter(action="review.grade").count() == 3


def test_grades_at_each_tier_are_separate(people, campaign):
    entry = ready(people["worker"], campaign)
    services.grade_entry(entry, actor=people["unit"], tier=Tier.UNIT, award_level=level(campaign, "三等奖"))
    services.recommend_entry(entry, actor=people["unit"])
    services.grade_entry(entry, actor=people["county"], tier=Tier.FIRST_REVIEW, award_level=level(campaign, "二等奖"))
    services.forward_entry(entry, actor=people["county"])
    services.grade_entry(entry, actor=people["city"], tier=Tier.SELECTION, award_level=level(campaign))
    grades = dict(TierGrade.objects.filter(entry=entry).values_list("tier", "award_level__name"))
    assert grades == {Tier.UNIT: "三等奖", Tier.FIRST_REVIEW: "二等奖", Tier.SELECTION: "一等奖"}


def test_grade_refuses_other_campaign_or_organisation_award(people, campaign):
    entry = ready(people["worker"], campaign)
    organisation = AwardLevel.objects.get(campaign=campaign, kind=AwardKind.ORGANISATION)
    with pytest.raises(Refused) as refused:
        services.grade_entry(entry, actor=people["unit"], tier=Tier.UNIT, award_level=organisation)
    assert refused.value.code == "invalid_level"
    other = Campaign.objects.create(slug="other", title="往届", year=2024)
    foreign = AwardLevel.objects.create(campaign=other, name="一等奖", rank=1)
    with pytest.raises(Refused):
        services.grade_entry(entry, actor=people["unit"], tier=Tier.UNIT, award_level=foreign)


def test_grade_refused_before_entry_reaches_tier(people, campaign):
    entry = ready(people["worker"], campaign)
    with pytest.raises(Refused):
        services.grade_entry(entry, actor=people["county"], tier=Tier.FIRST_REVIEW, award_level=level(campaign))


def test_grade_refused_for_rejected_or_returned(people, campaign):
    entry = ready(people["worker"], campaign, state=EntryState.REJECTED, tier=Tier.FIRST_REVIEW)
    with pytest.raises(Refused) as refused:
        services.grade_entry(entry, actor=people["county"], tier=Tier.FIRST_REVIEW, award_level=level(campaign))
    assert refused.value.code == "not_gradeable"


@pytest.mark.parametrize("tier", ["x", None, 3, 9])
def test_grade_invalid_tier_is_refused(people, campaign, tier):
    entry = ready(people["worker"], campaign)
    with pytest.raises(Refused):
        services.grade_entry(entry, actor=people["unit"], tier=tier, award_level=level(campaign))


# --- the cap ------------------------------------------------------------------------------------------

def test_cap_refuses_the_51st(people, campaign, org):
    RecommendationQuota.objects.create(campaign=campaign, union=org.city_a, cap=50, used=49)
    first, second = (ready(people["worker"], campaign, state=EntryState.FIRST_FORWARDED, tier=Tier.SELECTION)
                     for _ in range(2))
    services.recommend_entry_to_province(first, actor=people["city"])
    with pytest.raises(Refused) as refused:
        services.recommend_entry_to_province(second, actor=people["city"])
    assert refused.value.code == "cap_reached"
    assert "已推荐 50/50" in refused.value.message
    assert state_of(second) == (EntryState.FIRST_FORWARDED, Tier.SELECTION)
    # Another union's quota is its own.
    other = ready(people["worker_ga"], campaign, state=EntryState.FIRST_FORWARDED, tier=Tier.SELECTION)
    services.recommend_entry_to_province(other, actor=people["industry"])


def test_cap_follows_campaign_configuration(people, org):
    campaign = CampaignFactory(recommend_cap=2)
    entries = [ready(people["worker"], campaign, state=EntryState.FIRST_FORWARDED, tier=Tier.SELECTION)
               for _ in range(3)]
    services.recommend_entry_to_province(entries[0], actor=people["city"])
    services.recommend_entry_to_province(entries[1], actor=people["city"])
    with pytest.raises(Refused, match="2/2"):
        services.recommend_entry_to_province(entries[2], actor=people["city"])
    # The committee raises the cap: the quota row follows.
    Campaign.objects.filter(pk=campaign.pk).update(recommend_cap=3)
    services.recommend_entry_to_province(entries[2], actor=people["city"])
    assert RecommendationQuota.objects.get(union=org.city_a).cap == 3


def test_lowered_cap_below_used_refuses_without_breaking_constraint(people, org):
    campaign = CampaignFactory(recommend_cap=3)
    entries = [ready(people["worker"], campaign, state=EntryState.FIRST_FORWARDED, tier=Tier.SELECTION)
               for _ in range(3)]
    services.recommend_entry_to_province(entries[0], actor=people["city"])
    services.recommend_entry_to_province(entries[1], actor=people["city"])
    Campaign.objects.filter(pk=campaign.pk).update(recommend_cap=1)
    with pytest.raises(Refused) as refused:
        services.recommend_entry_to_province(entries[2], actor=people["city"])
    assert refused.value.code == "cap_reached"


def test_sync_recommendation_quota_recounts(people, campaign, org):
    for _ in range(3):
        ready(people["worker"], campaign, state=EntryState.PROVINCE_RECOMMENDED, tier=Tier.PROVINCE)
    quota = services.sync_recommendation_quota(campaign, org.city_a)
    assert (quota.used, quota.cap) == (3, 50)


def test_quota_clean_refuses_cap_below_used(campaign, org):
    from django.core.exceptions import ValidationError

    quota = RecommendationQuota(campaign=campaign, union=org.city_a, cap=3, used=4)
    with pytest.raises(ValidationError):
        quota.clean()


def test_withdrawn_entry_cannot_be_recommended(people, campaign):
    entry = ready(people["worker"], campaign, state=EntryState.WITHDRAWN)
    with pytest.raises(Refused):
        services.recommend_entry(entry, actor=people["unit"])
    assert Entry.objects.get(pk=entry.pk).state == EntryState.WITHDRAWN
