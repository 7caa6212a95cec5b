"""The expert branch of entries_for_user, scoring.rules.is_assigned_expert, the submitted mark and the
independence of the experts' scores."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from portal.refusals import Refused
from review.experts import services
from review.experts.models import ResultsLock
from scoring.rules import can_assess
from submissions.enums import EntryState, Tier
from submissions.models import Entry, ExpertAssignment
from submissions.scoping import entries_for_user
from tests.factories import assign, at_province, close_expert_review, make_entry
from tests.factories.experts import score

pytestmark = pytest.mark.django_db


def visible(user, include_assigned=True):
    return set(entries_for_user(user, include_assigned=include_assigned).values_list("pk", flat=True))


def test_an_expert_sees_only_the_entries_actively_assigned_to_them(people, campaign, entry):
    other = at_province(people["worker"], campaign)
    assert visible(people["expert_b"]) == set()
    assign(entry, people["expert_b"])
    assert visible(people["expert_b"]) == {entry.pk}
    assert other.pk not in visible(people["expert_i"])
    services.declare_conflict(entry, actor=people["expert_b"], reason="x")
    assert visible(people["expert_b"]) == set()


def test_a_removed_assignment_hides_the_entry(people, entry):
    row = assign(entry, people["expert_b"])
    services.remove_assignment(row, actor=people["committee"], reason="x")
    assert visible(people["expert_b"]) == set()


def test_an_expert_never_sees_an_entry_of_their_own_union_even_with_a_stale_assignment(people, entry):
    # Made behind the services' back, as if the expert's role had been moved to city A afterwards.
    assign(entry, people["expert_a"])
    assert visible(people["expert_a"]) == set()
    assert not can_assess(people["expert_a"], entry, Tier.PROVINCE)


def test_an_entry_sent_back_below_the_province_disappears_for_the_expert(people, entry):
    assign(entry, people["expert_b"])
    Entry.objects.filter(pk=entry.pk).update(state=EntryState.FIRST_FORWARDED, tier=Tier.SELECTION)
    assert visible(people["expert_b"]) == set()


def test_assigned_entries_are_left_out_unless_asked_for(people, entry):
    # Safe by default: only the blind pages ask for assigned entries.
    assign(entry, people["expert_b"])
    assert set(entries_for_user(people["expert_b"]).values_list("pk", flat=True)) == set()
    assert visible(people["expert_b"], include_assigned=False) == set()
    assert entry.pk in visible(people["committee"], include_assigned=False)


def test_entries_for_user_stays_one_query_for_an_expert(people, campaign, entry):
    assign(entry, people["expert_b"])
    user = people["expert_b"]
    user.role_list  # noqa: B018 - loaded once per request, like the middleware's user
    with CaptureQueriesContext(connection) as queries:
        assert list(entries_for_user(user, campaign, include_assigned=True).values_list("pk", flat=True)) == [entry.pk]
    assert len(queries) == 1


def test_is_assigned_expert_follows_the_assignment_the_phase_and_the_lock(people, campaign, entry):
    assert not can_assess(people["expert_b"], entry, Tier.PROVINCE)
    assign(entry, people["expert_b"])
    assert can_assess(people["expert_b"], entry, Tier.PROVINCE)
    assert not can_assess(people["expert_i"], entry, Tier.PROVINCE)
    assert not can_assess(people["committee"], entry, Tier.PROVINCE)
    close_expert_review(campaign, timezone.now())
    entry.refresh_from_db()
    assert not can_assess(people["expert_b"], entry, Tier.PROVINCE)


def test_scoring_closes_when_the_results_are_locked(people, campaign, entry):
    assign(entry, people["expert_b"])
    ResultsLock.objects.create(campaign=campaign)
    assert not can_assess(people["expert_b"], entry, Tier.PROVINCE)


def test_saving_a_province_assessment_marks_the_assignment_submitted(people, entry):
    row = assign(entry, people["expert_b"])
    score(entry, people["expert_b"], "60")
    row.refresh_from_db()
    first = row.submitted_at
    assert first is not None
    with pytest.raises(Refused) as refused:  # the saved score is frozen (issue 12.3)
        score(entry, people["expert_b"], "80")
    assert refused.value.code == "score_frozen"
    row.refresh_from_db()
    assert row.submitted_at == first


def test_a_refused_assessment_leaves_the_assignment_unsubmitted(people, campaign):
    draft = make_entry(people["worker"], campaign=campaign)
    row = assign(draft, people["expert_b"])
    with pytest.raises(Refused):
        score(draft, people["expert_b"], "60")
    row.refresh_from_db()
    assert row.submitted_at is None


def test_reassigning_an_expert_who_had_scored_keeps_their_submission(people, entry):
    row = services.assign_expert(entry, people["expert_b"], actor=people["committee"], reason="x")
    score(entry, people["expert_b"], "60")
    services.remove_assignment(row, actor=people["committee"], reason="x")
    again = services.assign_expert(entry, people["expert_b"], actor=people["committee"], reason="恢复")
    assert again.pk == row.pk and again.submitted_at is not None


def test_unit_tier_assessments_do_not_mark_anything(people, campaign):
    from portal.accounts.enums import RoleKind
    from scoring.services import assess_entry
    from tests.factories import make_user

    unit = make_user(RoleKind.UNIT, people["worker"].worker_unit)
    entry = at_province(people["worker"], campaign)
    row = assign(entry, people["expert_b"])
    assess_entry(entry, actor=unit, tier=Tier.UNIT, values={"l": "1", "e": "1", "c": "15", "x": "1", "y": "1"})
    row.refresh_from_db()
    assert row.submitted_at is None
    assert ExpertAssignment.objects.filter(submitted_at__isnull=False).count() == 0


def test_expert_review_open_window(campaign):
    from review.experts.selectors import expert_review_open

    now = timezone.now()
    assert expert_review_open(campaign, now)
    assert not expert_review_open(campaign, now + timedelta(days=365))
