"""Assigning experts: automatic (k per entry, balanced, never the entry's own union), by hand, removal,
conflicts of interest with replacement, and the lock."""

from collections import Counter

import pytest
from django.core import mail

from portal.audit.models import AuditRecord
from portal.refusals import Refused
from review.experts import selectors, services
from review.experts.models import ResultsLock
from submissions.enums import AssignmentOrigin, EntryState, Tier
from submissions.models import ExpertAssignment
from tests.factories import assign, at_province, make_entry, make_expert
from tests.factories.experts import score

pytestmark = pytest.mark.django_db


def active(entry):
    return sorted(ExpertAssignment.objects.active().filter(entry=entry).values_list("expert_id", flat=True))


def test_auto_assign_gives_k_experts_never_of_the_entrys_own_union(people, campaign, entry):
    report = services.auto_assign_experts(campaign, actor=people["committee"])
    chosen = active(entry)
    assert len(chosen) == campaign.experts_per_entry == 3
    assert people["expert_a"].pk not in chosen  # tied to city A, the entry's union
    assert report.created == 3 and report.shortfalls == []
    assert set(chosen) == {people["expert_b"].pk, people["expert_i"].pk, people["expert_free"].pk}
    assert all(a.origin == AssignmentOrigin.AUTO and a.assigned_by == people["committee"]
               for a in ExpertAssignment.objects.filter(entry=entry))
    assert AuditRecord.objects.for_object(entry).filter(action="experts.assign").count() == 1
    assert AuditRecord.objects.for_object(campaign).filter(action="experts.auto_assign").count() == 1


def test_auto_assign_reports_a_shortfall_when_too_few_experts_are_eligible(people, campaign, entry):
    campaign.experts_per_entry = 5
    campaign.save()
    report = services.auto_assign_experts(campaign, actor=people["committee"])
    assert len(active(entry)) == 3  # as many as possible: expert_a is never eligible
    assert report.shortfalls == [(entry, 2)] and report.missing == 2
    row = selectors.dashboard_rows(selectors.entries_in_review(campaign), campaign)[0]
    assert row.shortfall == 2


def test_auto_assign_balances_the_load_with_a_deterministic_tie_break(org, people, campaign):
    # Four experts eligible for every entry of city B's neighbours: tie to nothing or to other unions.
    experts = [make_expert(None) for _ in range(4)]
    for expert in (people["expert_b"], people["expert_i"], people["expert_free"], people["expert_a"]):
        expert.is_active = False
        expert.save()
    entries = [at_province(people["worker"], campaign) for _ in range(6)]
    campaign.experts_per_entry = 2
    campaign.save()
    services.auto_assign_experts(campaign, actor=people["committee"])
    loads = Counter(ExpertAssignment.objects.values_list("expert_id", flat=True))
    assert sorted(loads.values()) == [3, 3, 3, 3]
    assert all(len(active(entry)) == 2 for entry in entries)
    # Fewest assignments first, then the smaller id: the first entry gets the two smallest ids.
    assert active(entries[0]) == sorted(e.pk for e in experts)[:2]


def test_auto_assign_serves_the_most_constrained_entries_first(org, people, campaign):
    # City A entries cannot go to expert_a; city B entries cannot go to expert_b.
    for expert in (people["expert_i"], people["expert_free"]):
        expert.is_active = False
        expert.save()
    neutral = make_expert(None)
    a_entry = at_province(people["worker"], campaign)
    b_entry = at_province(people["worker_b"], campaign)
    campaign.experts_per_entry = 2
    campaign.save()
    report = services.auto_assign_experts(campaign, actor=people["committee"])
    assert set(active(a_entry)) == {people["expert_b"].pk, neutral.pk}
    assert set(active(b_entry)) == {people["expert_a"].pk, neutral.pk}
    assert report.shortfalls == []


def test_auto_assign_tops_up_and_is_idempotent(people, campaign, entry):
    assign(entry, people["expert_b"])
    first = services.auto_assign_experts(campaign, actor=people["committee"])
    assert first.created == 2
    again = services.auto_assign_experts(campaign, actor=people["committee"])
    assert again.created == 0 and len(active(entry)) == 3


def test_auto_assign_ignores_entries_outside_the_provincial_review(people, campaign):
    draft = make_entry(people["worker"], campaign=campaign)
    city_level = make_entry(people["worker"], campaign=campaign, state=EntryState.FIRST_FORWARDED,
                            tier=Tier.SELECTION)
    services.auto_assign_experts(campaign, actor=people["committee"])
    assert not ExpertAssignment.objects.filter(entry__in=[draft, city_level]).exists()


def test_auto_assign_mails_each_new_expert_a_count_without_entry_details(people, campaign, entry,
                                                                          django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        services.auto_assign_experts(campaign, actor=people["committee"])
    assert len(mail.outbox) == 3
    for message in mail.outbox:
        assert "1 件" in message.subject
        assert entry.author_name not in message.body and entry.unit.name not in message.body


def test_only_the_committee_assigns(people, campaign, entry):
    for who in ("expert_b", "city", "worker"):
        with pytest.raises(Refused, check=lambda exc: exc.denied):
            services.auto_assign_experts(campaign, actor=people[who])
        with pytest.raises(Refused, check=lambda exc: exc.denied):
            services.assign_expert(entry, people["expert_b"], actor=people[who], reason="x")


# --- by hand ----------------------------------------------------------------------------------------------


def test_assign_by_hand_needs_a_reason_and_is_audited(people, entry):
    with pytest.raises(Refused) as refused:
        services.assign_expert(entry, people["expert_b"], actor=people["committee"], reason="  ")
    assert refused.value.code == "reason_required"
    row = services.assign_expert(entry, people["expert_b"], actor=people["committee"], reason="熟悉煤矿")
    assert row.origin == AssignmentOrigin.MANUAL and row.reason == "熟悉煤矿"
    record = AuditRecord.objects.for_object(entry).get(action="experts.assign")
    assert record.changes["reason"] == "熟悉煤矿" and record.actor == people["committee"]


@pytest.mark.parametrize(("who", "code"), [("expert_a", "tied"), ("city", "not_expert")])
def test_assign_by_hand_refuses_a_tied_expert_or_a_non_expert(people, entry, who, code):
    with pytest.raises(Refused) as refused:
        services.assign_expert(entry, people[who], actor=people["committee"], reason="x")
    assert refused.value.code == code
    assert not ExpertAssignment.objects.exists()


def test_assign_by_hand_refuses_twice_and_after_a_conflict(people, entry):
    services.assign_expert(entry, people["expert_b"], actor=people["committee"], reason="x")
    with pytest.raises(Refused) as refused:
        services.assign_expert(entry, people["expert_b"], actor=people["committee"], reason="x")
    assert refused.value.code == "already"
    services.declare_conflict(entry, actor=people["expert_b"], reason="作者是我同事")
    with pytest.raises(Refused) as refused:
        services.assign_expert(entry, people["expert_b"], actor=people["committee"], reason="x")
    assert refused.value.code == "conflict"


def test_assign_by_hand_refuses_an_entry_outside_the_review(people, campaign):
    city_level = make_entry(people["worker"], campaign=campaign, state=EntryState.FIRST_FORWARDED,
                            tier=Tier.SELECTION)
    with pytest.raises(Refused) as refused:
        services.assign_expert(city_level, people["expert_b"], actor=people["committee"], reason="x")
    assert refused.value.code == "not_in_review"


def test_remove_by_hand_keeps_the_row_and_auto_assign_never_brings_the_expert_back(people, campaign, entry):
    row = services.assign_expert(entry, people["expert_b"], actor=people["committee"], reason="x")
    with pytest.raises(Refused):
        services.remove_assignment(row, actor=people["committee"], reason="")
    services.remove_assignment(row, actor=people["committee"], reason="评分明显失当")
    row.refresh_from_db()
    assert row.removed_at is not None and row.removal_reason == "评分明显失当"
    assert AuditRecord.objects.for_object(entry).filter(action="experts.unassign").count() == 1
    services.auto_assign_experts(campaign, actor=people["committee"])
    assert people["expert_b"].pk not in active(entry)
    assert len(active(entry)) == 2  # expert_i and expert_free; the entry is short of one
    # The committee may bring a removed expert back by hand.
    services.assign_expert(entry, people["expert_b"], actor=people["committee"], reason="复核后恢复")
    assert people["expert_b"].pk in active(entry)


def test_a_removed_experts_score_stops_counting(people, campaign, entry):
    row = assign(entry, people["expert_b"])
    assign(entry, people["expert_i"])
    score(entry, people["expert_b"], "100")
    score(entry, people["expert_i"], "40")
    services.remove_assignment(row, actor=people["committee"], reason="x")
    summary = selectors.dashboard_rows(selectors.entries_in_review(campaign), campaign)[0].summary
    assert summary.count == 1 and summary.mean == 40


# --- conflicts of interest --------------------------------------------------------------------------------


def test_declaring_a_conflict_removes_the_assignment_and_assigns_a_replacement(people, campaign, entry):
    for who in ("expert_b", "expert_i"):
        assign(entry, people[who])
    spare = make_expert(people["expert_b"].roles.first().node)  # also city B: eligible for city A's entry
    result = services.declare_conflict(entry, actor=people["expert_b"], reason="作者是我的学生")
    row = result.assignment
    assert row.conflict_declared_at is not None and row.conflict_reason == "作者是我的学生"
    assert result.replacement is not None and result.replacement.origin == AssignmentOrigin.REPLACEMENT
    # Fewest assignments first (both 0), then the smaller id: expert_free before the spare.
    assert result.replacement.expert == people["expert_free"]
    assert set(active(entry)) == {people["expert_i"].pk, people["expert_free"].pk}
    actions = list(AuditRecord.objects.for_object(entry).values_list("action", flat=True))
    assert "experts.conflict" in actions and "experts.assign" in actions
    assert spare.pk not in active(entry)


def test_declaring_a_conflict_with_no_expert_left_flags_the_entry(people, campaign, entry):
    people["expert_free"].is_active = False
    people["expert_free"].save()
    for who in ("expert_b", "expert_i"):
        assign(entry, people[who])
    result = services.declare_conflict(entry, actor=people["expert_b"], reason="回避")
    assert result.needs_replacement
    row = selectors.dashboard_rows(selectors.entries_in_review(campaign), campaign)[0]
    assert row.shortfall == 2 and [a.expert for a in row.conflicts] == [people["expert_b"]]


def test_declaring_a_conflict_needs_an_active_assignment_and_a_reason(people, entry):
    with pytest.raises(Refused, check=lambda exc: exc.denied):
        services.declare_conflict(entry, actor=people["expert_b"], reason="x")
    assign(entry, people["expert_b"])
    with pytest.raises(Refused) as refused:
        services.declare_conflict(entry, actor=people["expert_b"], reason="")
    assert refused.value.code == "reason_required"
    services.declare_conflict(entry, actor=people["expert_b"], reason="x")
    with pytest.raises(Refused, check=lambda exc: exc.denied):  # a second time: the assignment is no longer active
        services.declare_conflict(entry, actor=people["expert_b"], reason="x")


def test_an_experts_score_stops_counting_after_their_conflict(people, campaign, entry):
    assign(entry, people["expert_b"])
    assign(entry, people["expert_i"])
    score(entry, people["expert_b"], "100")
    services.declare_conflict(entry, actor=people["expert_b"], reason="x")
    row = selectors.dashboard_rows(selectors.entries_in_review(campaign), campaign)[0]
    assert row.count == 0 and row.rank is None


# --- the lock ---------------------------------------------------------------------------------------------


def test_no_assignment_change_once_the_results_are_locked(people, campaign, entry):
    row = assign(entry, people["expert_b"])
    ResultsLock.objects.create(campaign=campaign, confirmed_by=people["committee"])
    for attempt in (
        lambda: services.auto_assign_experts(campaign, actor=people["committee"]),
        lambda: services.assign_expert(entry, people["expert_i"], actor=people["committee"], reason="x"),
        lambda: services.remove_assignment(row, actor=people["committee"], reason="x"),
        lambda: services.declare_conflict(entry, actor=people["expert_b"], reason="x"),
    ):
        with pytest.raises(Refused) as refused:
            attempt()
        assert refused.value.code == "locked"
    assert active(entry) == [people["expert_b"].pk]
