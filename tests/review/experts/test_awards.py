"""Final work awards by rank and counts, adjustments by hand, 组织奖, and the lock."""

from decimal import Decimal

import pytest

from portal.accounts.enums import RoleKind
from portal.audit.models import AuditRecord
from portal.campaigns.enums import AwardKind
from portal.refusals import Refused
from review.experts import organisation, selectors, services
from review.experts.enums import AwardSource
from review.experts.models import FinalAward, OrganisationAward, ResultsLock
from submissions.enums import EntryState, Tier
from tests.factories import assign, at_province, make_entry, make_user, set_counts, work_level
from tests.factories.experts import score

pytestmark = pytest.mark.django_db


@pytest.fixture
def ranked(people, campaign):
    """Six entries of city A scored by two experts, means 100, 90, 80, 72, 60, 40 (pk order scrambled)."""
    means = ["72", "100", "40", "90", "60", "80"]
    entries = {}
    for key in means:
        entry = at_province(people["worker"], campaign)
        for who in ("expert_b", "expert_i"):
            assign(entry, people[who])
            score(entry, people[who], key)
        entries[key] = entry
    set_counts(campaign, {"一等奖": 1, "二等奖": 2, "三等奖": 1, "优秀奖": 1})
    campaign.experts_per_entry = 2  # every entry has its full panel: the checklist asks for nothing more
    campaign.save(update_fields=["experts_per_entry"])
    return entries


def levels_by_entry(campaign):
    return {award.entry_id: award.level.name if award.level else None
            for award in FinalAward.objects.filter(entry__campaign=campaign).select_related("level")}


def test_propose_awards_fills_the_levels_in_rank_order(people, campaign, ranked):
    proposed = services.propose_awards(campaign, actor=people["committee"])
    assert len(proposed) == 5
    assert levels_by_entry(campaign) == {
        ranked["100"].pk: "一等奖", ranked["90"].pk: "二等奖", ranked["80"].pk: "二等奖",
        ranked["72"].pk: "三等奖", ranked["60"].pk: "优秀奖"}
    award = FinalAward.objects.get(entry=ranked["100"])
    assert award.rank == 1 and award.source == AwardSource.RANK and award.decided_by == people["committee"]
    assert AuditRecord.objects.for_object(campaign).filter(action="experts.propose_awards").count() == 1


def test_ties_on_the_mean_are_broken_by_c_then_l_then_submission(people, campaign):
    # Both means are 50: 50 and 50 (C 25 each), against 60 and 40 (C 20 each).
    high_c = at_province(people["worker"], campaign)
    low_c = at_province(people["worker"], campaign)
    for entry, keys in ((high_c, ("50", "50")), (low_c, ("60", "40"))):
        for who, key in zip(("expert_b", "expert_i"), keys, strict=True):
            assign(entry, people[who])
            score(entry, people[who], key)
    rows = selectors.dashboard_rows(selectors.entries_in_review(campaign), campaign)
    assert [row.entry.pk for row in rows] == [high_c.pk, low_c.pk]  # both mean 50; C 25 beats C 20
    assert [row.rank for row in rows] == [1, 2]


def test_unscored_entries_get_no_award(people, campaign, ranked):
    unscored = at_province(people["worker"], campaign)
    set_counts(campaign, {"优秀奖": 10})
    services.propose_awards(campaign, actor=people["committee"])
    assert unscored.pk not in levels_by_entry(campaign)


def test_set_award_by_hand_needs_a_reason_and_is_kept_by_the_next_proposal(people, campaign, ranked):
    services.propose_awards(campaign, actor=people["committee"])
    first_prize = work_level(campaign, "一等奖")
    with pytest.raises(Refused) as refused:
        services.set_award(ranked["60"], first_prize, actor=people["committee"], reason="")
    assert refused.value.code == "reason_required"
    services.set_award(ranked["60"], first_prize, actor=people["committee"], reason="整改成效特别显著")
    record = AuditRecord.objects.for_object(ranked["60"]).get(action="experts.set_award")
    assert record.changes == {"level": ["优秀奖", "一等奖"], "reason": "整改成效特别显著"}
    services.propose_awards(campaign, actor=people["committee"])
    # The hand decision takes the only 一等奖; the ranking fills the rest around it.
    assert levels_by_entry(campaign) == {
        ranked["60"].pk: "一等奖", ranked["100"].pk: "二等奖", ranked["90"].pk: "二等奖",
        ranked["80"].pk: "三等奖", ranked["72"].pk: "优秀奖"}
    kept = FinalAward.objects.get(entry=ranked["60"])
    assert kept.source == AwardSource.MANUAL and kept.reason == "整改成效特别显著" and kept.rank == 5


def test_no_award_by_hand_frees_the_place(people, campaign, ranked):
    services.set_award(ranked["100"], None, actor=people["committee"], reason="涉嫌摆拍，经核实非原创")
    services.propose_awards(campaign, actor=people["committee"])
    levels = levels_by_entry(campaign)
    assert levels[ranked["100"].pk] is None
    assert levels[ranked["90"].pk] == "一等奖" and levels[ranked["40"].pk] == "优秀奖"


def test_set_award_refuses_a_level_of_another_kind_or_campaign(people, campaign, ranked):
    organisation_level = campaign.award_levels.get(kind=AwardKind.ORGANISATION)
    with pytest.raises(Refused) as refused:
        services.set_award(ranked["100"], organisation_level, actor=people["committee"], reason="x")
    assert refused.value.code == "bad_level"


def test_set_award_refuses_an_entry_outside_the_provincial_review(people, campaign):
    city_level = make_entry(people["worker"], campaign=campaign, state=EntryState.FIRST_FORWARDED,
                            tier=Tier.SELECTION)
    with pytest.raises(Refused) as refused:
        services.set_award(city_level, work_level(campaign, "一等奖"), actor=people["committee"], reason="x")
    assert refused.value.code == "not_in_review"


def test_only_the_committee_decides_awards(people, campaign, ranked):
    for who in ("expert_b", "city"):
        with pytest.raises(Refused, check=lambda exc: exc.denied):
            services.propose_awards(campaign, actor=people[who])
        with pytest.raises(Refused, check=lambda exc: exc.denied):
            services.set_award(ranked["100"], None, actor=people[who], reason="x")
        with pytest.raises(Refused, check=lambda exc: exc.denied):
            services.confirm_results(campaign, actor=people[who])


# --- 组织奖 --------------------------------------------------------------------------------------------


def test_union_scores_follow_the_documented_weights(org, people, campaign, ranked):
    services.propose_awards(campaign, actor=people["committee"])
    # City A: the 6 ranked entries (unit A1a) + 1 withdrawn (not counted) + 1 submitted at unit A1b.
    make_entry(people["worker"], campaign=campaign, state=EntryState.WITHDRAWN)
    other = make_user(RoleKind.WORKER, org.unit_a1b)
    make_entry(other, campaign=campaign, state=EntryState.SUBMITTED)
    # City B: two submitted entries, one unit, no award.
    make_entry(people["worker_b"], campaign=campaign, state=EntryState.SUBMITTED)
    make_entry(people["worker_b"], campaign=campaign, state=EntryState.SUBMITTED)
    scores = {score.union.pk: score for score in organisation.union_scores(campaign)}
    a, b, industry = scores[org.city_a.pk], scores[org.city_b.pk], scores[org.industry.pk]
    assert (a.entries_submitted, a.units_taking_part, a.entries_recommended, a.awards_won) == (7, 2, 6, 5)
    # Awards: 一等 10 + 二等 6×2 + 三等 3 + 优秀 1 = 26.
    assert a.award_points == Decimal("26")
    assert a.score == Decimal("0.1") * 7 + Decimal("0.5") * 2 + Decimal("0.2") * 6 + 26
    assert b.score == Decimal("0.1") * 2 + Decimal("0.5") * 1
    assert industry.score == 0
    assert [s.union.pk for s in organisation.union_scores(campaign)][:2] == [org.city_a.pk, org.city_b.pk]


def test_organisation_awards_are_proposed_by_rank_then_confirmed_by_hand(org, people, campaign, ranked):
    services.propose_awards(campaign, actor=people["committee"])
    make_entry(people["worker_b"], campaign=campaign, state=EntryState.SUBMITTED)
    set_counts(campaign, {"组织奖": 1}, kind=AwardKind.ORGANISATION)
    rows = services.propose_organisation_awards(campaign, actor=people["committee"])
    by_union = {row.union_id: row for row in rows}
    assert by_union[org.city_a.pk].level.name == "组织奖" and by_union[org.city_a.pk].rank == 1
    assert by_union[org.city_b.pk].level is None
    assert by_union[org.industry.pk].level is None  # a score of 0 never gets an award
    assert not any(row.confirmed for row in rows)

    level = campaign.award_levels.get(kind=AwardKind.ORGANISATION)
    with pytest.raises(Refused) as refused:  # changing the proposal needs a reason
        services.confirm_organisation_award(by_union[org.city_b.pk], actor=people["committee"], level=level)
    assert refused.value.code == "reason_required"
    confirmed = services.confirm_organisation_award(by_union[org.city_b.pk], actor=people["committee"],
                                                    level=level, reason="组织发动工作突出")
    assert confirmed.confirmed and confirmed.level == level and confirmed.reason == "组织发动工作突出"
    unchanged = services.confirm_organisation_award(by_union[org.city_a.pk], actor=people["committee"], level=level)
    assert unchanged.confirmed and unchanged.reason == ""
    assert services.confirm_all_organisation_awards(campaign, actor=people["committee"]) == \
        OrganisationAward.objects.filter(campaign=campaign).count() - 2
    assert not OrganisationAward.objects.filter(campaign=campaign, confirmed=False).exists()


def test_recomputing_organisation_awards_clears_the_confirmations(people, campaign, ranked):
    services.propose_awards(campaign, actor=people["committee"])
    services.propose_organisation_awards(campaign, actor=people["committee"])
    services.confirm_all_organisation_awards(campaign, actor=people["committee"])
    services.propose_organisation_awards(campaign, actor=people["committee"])
    assert not OrganisationAward.objects.filter(campaign=campaign, confirmed=True).exists()


# --- confirming and locking -------------------------------------------------------------------------------


def test_confirm_results_needs_awards_and_confirmed_organisation_awards(people, campaign, ranked):
    with pytest.raises(Refused) as refused:
        services.confirm_results(campaign, actor=people["committee"])
    assert refused.value.code == "no_awards"
    services.propose_awards(campaign, actor=people["committee"])
    with pytest.raises(Refused) as refused:
        services.confirm_results(campaign, actor=people["committee"])
    assert refused.value.code == "checklist_open" and "组织奖未确认" in refused.value.message
    services.propose_organisation_awards(campaign, actor=people["committee"])
    with pytest.raises(Refused) as refused:
        services.confirm_results(campaign, actor=people["committee"])
    assert refused.value.code == "checklist_open" and "组织奖未确认" in refused.value.message
    assert not ResultsLock.objects.filter(campaign=campaign).exists()
    services.confirm_all_organisation_awards(campaign, actor=people["committee"])
    lock = services.confirm_results(campaign, actor=people["committee"])
    assert lock.confirmed_by == people["committee"]
    record = AuditRecord.objects.for_object(campaign).get(action="experts.confirm_results")
    assert record.changes["awards"]["一等奖"] == 1


def test_without_organisation_award_levels_no_organisation_award_is_needed(people, campaign, ranked):
    set_counts(campaign, {"组织奖": 0}, kind=AwardKind.ORGANISATION)
    services.propose_awards(campaign, actor=people["committee"])
    services.confirm_results(campaign, actor=people["committee"])
    assert ResultsLock.objects.filter(campaign=campaign).exists()


def test_the_lock_refuses_every_award_change(people, campaign, ranked):
    services.propose_awards(campaign, actor=people["committee"])
    services.propose_organisation_awards(campaign, actor=people["committee"])
    services.confirm_all_organisation_awards(campaign, actor=people["committee"])
    services.confirm_results(campaign, actor=people["committee"])
    before = levels_by_entry(campaign)
    award = OrganisationAward.objects.filter(campaign=campaign).first()
    for attempt in (
        lambda: services.propose_awards(campaign, actor=people["committee"]),
        lambda: services.set_award(ranked["40"], work_level(campaign, "一等奖"), actor=people["committee"],
                                   reason="x"),
        lambda: services.propose_organisation_awards(campaign, actor=people["committee"]),
        lambda: services.confirm_organisation_award(award, actor=people["committee"], level=None, reason="x"),
        lambda: services.confirm_all_organisation_awards(campaign, actor=people["committee"]),
        lambda: services.confirm_results(campaign, actor=people["committee"]),
    ):
        with pytest.raises(Refused) as refused:
            attempt()
        assert refused.value.code == "locked"
    assert levels_by_entry(campaign) == before
