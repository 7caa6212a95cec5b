"""The stored ranking keys (scoring.keys, scoring.models.RankingKey) stay what a full rebuild computes,
whatever sequence of service calls changed the scores and the assignments, and order the ranking exactly."""

import random
from contextlib import suppress
from datetime import timedelta
from fractions import Fraction

import pytest
from django.core.management import call_command
from django.utils import timezone

from portal.refusals import Refused
from review.experts.selectors import entries_in_review
from review.experts.services import assign_expert, auto_assign_experts, declare_conflict, remove_assignment
from scoring.keys import rebuild_ranking_keys
from scoring.models import Assessment, RankingKey
from scoring.selectors import province_ranking
from scoring.services import assess_entry
from submissions.enums import Tier
from submissions.models import Entry, ExpertAssignment
from submissions.signals import entry_submitted
from tests.factories.accounts import make_expert
from tests.factories.experts import FACTORS

pytestmark = pytest.mark.django_db

FIELDS = ("entry_id", "campaign_id", "submitted_at", "unit_d", "unit_c", "unit_l", "experts", "sum_d", "sum_c",
          "sum_l", "min_d", "max_d", "key_d", "key_c", "key_l")
T0 = timezone.now() - timedelta(days=10)


def stored():
    return list(RankingKey.objects.order_by("entry_id").values_list(*FIELDS))


def values(rng):
    return dict(zip("lecxy", FACTORS[rng.choice(sorted(FACTORS))], strict=True))


def expected_order(entries):
    """The province's order computed here with exact fractions: active experts' means, else the unit's."""
    active = set(ExpertAssignment.objects.active().values_list("entry_id", "expert_id"))
    experts, unit = {}, {}
    for assessment in Assessment.objects.order_by("updated_at", "id"):
        triple = (Fraction(assessment.d), Fraction(assessment.c), Fraction(assessment.l))
        if assessment.tier == Tier.UNIT:
            unit[assessment.entry_id] = triple
        elif (assessment.entry_id, assessment.assessor_id) in active:
            experts.setdefault(assessment.entry_id, []).append(triple)
    keys = {}
    for entry in entries:
        if entry.pk in experts:
            scores = experts[entry.pk]
            keys[entry.pk] = tuple(sum(score[i] for score in scores) / len(scores) for i in range(3))
        elif entry.pk in unit:
            keys[entry.pk] = unit[entry.pk]
    ranked = sorted((entry for entry in entries if entry.pk in keys),
                    key=lambda entry: (tuple(-value for value in keys[entry.pk]), entry.submitted_at, entry.pk))
    unranked = sorted((entry for entry in entries if entry.pk not in keys), key=lambda entry: (entry.submitted_at,
                                                                                               entry.pk))
    return [entry.pk for entry in ranked + unranked]


def _active(rng, entry):
    active = list(ExpertAssignment.objects.active().filter(entry=entry).select_related("expert").order_by("pk"))
    return rng.choice(active) if active else None


def _unit_score(rng, entry, users, experts):
    assess_entry(entry, actor=users["unit"], tier=Tier.UNIT, values=values(rng))


def _expert_score(rng, entry, users, experts):
    assignment = _active(rng, entry)
    if assignment is not None:
        assess_entry(entry, actor=assignment.expert, tier=Tier.PROVINCE, values=values(rng))


def _assign(rng, entry, users, experts):
    assign_expert(entry, rng.choice(experts), actor=users["committee"], reason="调整")


def _auto(rng, entry, users, experts):
    auto_assign_experts(entry.campaign, actor=users["committee"])


def _remove(rng, entry, users, experts):
    assignment = _active(rng, entry)
    if assignment is not None:
        remove_assignment(assignment, actor=users["committee"], reason="改派")


def _conflict(rng, entry, users, experts):
    assignment = _active(rng, entry)
    if assignment is not None:
        declare_conflict(entry, actor=assignment.expert, reason="利害关系")


STEPS = (_unit_score, _expert_score, _expert_score, _expert_score, _assign, _auto, _remove, _remove, _conflict)


@pytest.mark.parametrize("seed", [1, 2, 3, 4])
def test_ranking_keys_kept_by_services_equal_a_rebuild_after_random_changes(seed, users, campaign, entry_at):
    rng = random.Random(seed)
    experts = [make_expert(None, full_name=f"专家{n}") for n in range(5)]
    # Equal submission times in pairs, so the tie-breaks by time and id both show.
    entries = [entry_at(Tier.PROVINCE, submitted_at=T0 + timedelta(minutes=n // 2)) for n in range(7)]
    for step in range(75):
        with suppress(Refused):  # an assignment the rules refuse: nothing changed
            rng.choice(STEPS)(rng, rng.choice(entries), users, experts)
        if step % 15 == 14:
            maintained = stored()
            rebuild_ranking_keys()
            assert stored() == maintained
            ids = [pk for pk, _position, _ranked in province_ranking(
                entries_in_review(campaign), unit_fallback=True, campaign=campaign).positions()]
            assert ids == expected_order(list(Entry.objects.filter(pk__in=[e.pk for e in entries])))
    assert RankingKey.objects.exists()


def test_ranking_key_follows_a_new_submission_time(users, entry_at):
    entry = entry_at(Tier.PROVINCE)
    assess_entry(entry, actor=users["unit"], tier=Tier.UNIT, values=values(random.Random(0)))
    later = timezone.now()
    Entry.objects.filter(pk=entry.pk).update(submitted_at=later)
    entry_submitted.send(sender=Entry, entry=entry)
    assert RankingKey.objects.get(entry=entry).submitted_at == later


def test_ranking_key_removed_when_no_score_counts(users, entry_at):
    expert = make_expert(None)
    entry = entry_at(Tier.PROVINCE)
    ExpertAssignment.objects.create(entry=entry, expert=expert)
    assess_entry(entry, actor=expert, tier=Tier.PROVINCE, values=values(random.Random(0)))
    assert RankingKey.objects.get(entry=entry).experts == 1
    remove_assignment(ExpertAssignment.objects.get(entry=entry), actor=users["committee"], reason="改派")
    assert not RankingKey.objects.filter(entry=entry).exists()
    assign_expert(entry, expert, actor=users["committee"], reason="恢复")  # the score counts again
    assert RankingKey.objects.get(entry=entry).experts == 1


def test_rebuild_ranking_keys_command_restores_deleted_rows(users, campaign, entry_at):
    entry = entry_at(Tier.UNIT)
    assess_entry(entry, actor=users["unit"], tier=Tier.UNIT, values=values(random.Random(0)))
    row = stored()
    RankingKey.objects.all().delete()
    call_command("rebuild_ranking_keys", "--campaign", campaign.slug)
    assert stored() == row
