"""The province's ranking is computed once (scoring.selectors.province_ranking): the committee's dashboard
and the committee's scoring ranking (`ranking_rows(use_experts=True)`) agree on it.

Both rank the entries their active experts scored by the exact means of D, C and L with the same
tie-breaks. They differ in one stated way: the scoring ranking falls back on the unit assessment for an
entry no expert has scored (basis "unit"), where the dashboard leaves it unranked.
"""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from portal.accounts.enums import RoleKind
from review.experts.selectors import dashboard_rows, entries_in_review
from review.experts.services import declare_conflict
from scoring.selectors import BASIS_EXPERTS, BASIS_UNIT, province_ranking, ranking_rows
from submissions.enums import Tier
from submissions.models import ExpertAssignment
from tests.factories import make_user
from tests.factories.scoring import score

pytestmark = pytest.mark.django_db

T0 = timezone.now() - timedelta(days=10)
# Factors (L, E, C, X, Y) by the D they give.
D100, D90 = ("2", "2", "25", "1", "1"), ("2", "1.8", "25", "1", "1")
D80, D40 = ("2", "2", "20", "1", "1"), ("1", "2", "20", "1", "1")
D60_C25_L2, D60_C20, D60_C15 = ("2", "1.2", "25", "1", "1"), ("1.5", "2", "20", "1", "1"), ("2", "2", "15", "1", "1")
D15 = ("1", "1", "15", "1", "1")
UNIT_D60 = ("1.5", "1.6", "25", "1", "1")
# The province's order of the entries its experts scored, and the ones they did not.
RANKED = ["top", "c25_l2_early", "c25_l2_late", "c25_l2_same_time", "c20", "c20_by_mean", "c15", "half_scored"]
UNRANKED = ["conflict", "unit_only", "unscored"]


@pytest.fixture
def review(users, org, entry_at):
    """Entries of the provincial review made in an order unrelated to their rank, with ties on the means,
    an entry one of its two experts has not scored yet, one whose only expert declared a conflict, one
    with a unit assessment only, and one without any score. Returns {name: entry} and a function that
    adds the unit assessments (of every entry)."""
    experts = [make_user(RoleKind.EXPERT, org.industry, full_name=f"专家{n}") for n in range(3)]

    def entry(minutes, *scores):
        made = entry_at(Tier.PROVINCE, submitted_at=T0 + timedelta(minutes=minutes))
        for expert, factors in zip(experts, scores, strict=False):
            score(made, expert, Tier.PROVINCE, *factors)
        return made

    made = {
        "unscored": entry(5),
        "c15": entry(1, D60_C15, D60_C15),
        "c25_l2_late": entry(50, D60_C25_L2, D60_C25_L2),
        "c25_l2_same_time": entry(50, D60_C25_L2, D60_C25_L2),
        "c20_by_mean": entry(30, D40, D80),               # mean D 60, C 20, L 1.5: ties with c20 ...
        "c20": entry(20, D60_C20, D60_C20),               # ... which was submitted earlier
        "c25_l2_early": entry(40, D60_C25_L2, D60_C25_L2),
        "top": entry(99, D100, D90),                      # mean 95
        "half_scored": entry(2, D15),
        "conflict": entry(3, D100),
        "unit_only": entry(4),
    }
    ExpertAssignment.objects.get_or_create(entry=made["half_scored"], expert=experts[1])  # not scored yet
    declare_conflict(made["conflict"], actor=experts[0], reason="与申报单位有利害关系")

    def add_unit_scores():
        for name in ("unit_only", "conflict", "top", "c15"):
            score(made[name], users["unit"], Tier.UNIT, *UNIT_D60)

    return made, add_unit_scores


def names(made, pks):
    by_pk = {entry.pk: name for name, entry in made.items()}
    return [by_pk[pk] for pk in pks]


def expert_ranked(rows):
    """(entry pk, mean D, mean C, mean L, number of experts) of the rows ranked by their experts."""
    return [(row.entry.pk, row.d, row.c, row.l, row.expert_count) for row in rows if row.basis == BASIS_EXPERTS]


def dashboard_ranked(rows):
    return [(row.entry.pk, row.summary.mean, row.mean_c, row.mean_l, row.count) for row in rows if row.rank]


def test_province_ranking_dashboard_and_ranking_rows_agree_with_ties_and_missing_scores(campaign, review):
    made, add_unit_scores = review
    add_unit_scores()
    entries = entries_in_review(campaign)
    dashboard = dashboard_rows(entries, campaign)
    ranking = ranking_rows(entries, use_experts=True)

    assert names(made, [row.entry.pk for row in dashboard]) == RANKED + UNRANKED
    assert [row.rank for row in dashboard] == [1, 2, 3, 4, 5, 6, 7, 8, None, None, None]
    assert expert_ranked(ranking) == dashboard_ranked(dashboard)
    # The scoring ranking adds the entries no expert scored, by their unit assessment, and says so.
    assert names(made, [row.entry.pk for row in ranking if row.basis == BASIS_UNIT]) == ["conflict", "unit_only"]
    assert names(made, [row.entry.pk for row in ranking if not row.basis]) == ["unscored"]


def test_province_ranking_without_unit_scores_ranks_are_identical(campaign, review):
    made, _add_unit_scores = review
    entries = entries_in_review(campaign)
    dashboard = [(row.entry.pk, row.rank) for row in dashboard_rows(entries, campaign)]
    ranking = [(row.entry.pk, row.rank) for row in ranking_rows(entries, use_experts=True)]
    assert dashboard == ranking
    assert names(made, [pk for pk, _rank in ranking]) == RANKED + UNRANKED  # unranked: oldest first


def test_province_ranking_unit_fallback_only_adds_unit_rows_between_the_expert_rows(campaign, review):
    _made, add_unit_scores = review
    add_unit_scores()
    entries = entries_in_review(campaign)
    with_fallback = province_ranking(entries, unit_fallback=True)
    without = province_ranking(entries, unit_fallback=False)
    assert expert_ranked(with_fallback) == expert_ranked(without)
    assert [row for row in with_fallback if row.basis == BASIS_UNIT]
    assert not [row for row in without if row.basis == BASIS_UNIT]


def test_province_ranking_committee_pages_agree(client, users, campaign, review):
    made, add_unit_scores = review
    add_unit_scores()
    client.force_login(users["committee"])
    dashboard = client.get(reverse("experts:dashboard")).context["page"].object_list
    ranking = client.get(reverse("scoring:ranking")).context["page"].object_list
    assert dashboard_ranked(dashboard) == expert_ranked(ranking)
    assert names(made, [row[0] for row in dashboard_ranked(dashboard)]) == RANKED


def test_province_ranking_of_part_of_the_entries_reads_only_their_scores(campaign, review):
    made, add_unit_scores = review
    add_unit_scores()
    # Entries scored higher lie between these two (by id): the ranking of the part holds only its own.
    part = entries_in_review(campaign).filter(pk__in=[made["c15"].pk, made["unit_only"].pk, made["top"].pk])
    rows = list(province_ranking(part, unit_fallback=True))
    assert names(made, [row.entry.pk for row in rows]) == ["top", "unit_only", "c15"]  # D 60: C 25 before C 15
    assert [row.rank for row in rows] == [1, 2, 3]
    assert [row.basis for row in rows] == [BASIS_EXPERTS, BASIS_UNIT, BASIS_EXPERTS]
