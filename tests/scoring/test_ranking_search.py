"""A search in the ranking (`Ranking.within`) yields its hits with the positions they hold in the whole
ranking, page by page, without numbering the whole ranking: the positions are counted per stretch of the
keys' index (scoring.selectors.Ranking._positions_within). Checked against the whole ranking filtered."""

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from scoring.models import RankingKey
from scoring.selectors import RANKING_RELATED, Ranking
from submissions.enums import Tier
from submissions.models import Entry

pytestmark = pytest.mark.django_db

T0 = timezone.now() - timedelta(days=10)
TIERS = {"unit": (Tier.UNIT,), "province": (Tier.PROVINCE,), "both": (Tier.UNIT, Tier.PROVINCE)}


def _spread(rng, entry_at, campaign, count=36):
    """Entries with few distinct key values (ties on D, C and L), submission times shared in threes and
    some missing, a third unranked, some with unit keys only and some with expert keys only."""
    entries = [entry_at(Tier.PROVINCE, title=rng.choice(["配电箱", "消防通道", "脚手架"]) + str(n),
                        submitted_at=T0 + timedelta(minutes=n // 3)) for n in range(count)]
    # The factory gives a submitted entry a time: a quarter lose it here (NULLS LAST in both orders).
    Entry.objects.filter(pk__in=[entry.pk for n, entry in enumerate(entries) if n % 4 == 1]).update(submitted_at=None)
    entries = list(Entry.objects.filter(pk__in=[entry.pk for entry in entries]).order_by("pk"))
    keys = []
    for entry in entries:
        if rng.random() < 0.33:
            continue
        unit = [rng.choice([2, 3]) * 10, rng.choice([1, 2]), rng.choice([1, 2])] if rng.random() < 0.8 else [None] * 3
        experts = rng.choice([0, 0, 1, 2])
        if unit[0] is None and not experts:
            experts = 1
        key = [rng.choice([20, 30]), rng.choice([1, 2]), rng.choice([1, 2])] if experts else unit
        keys.append(RankingKey(entry=entry, campaign=campaign, submitted_at=entry.submitted_at, unit_d=unit[0],
                               unit_c=unit[1], unit_l=unit[2], experts=experts, sum_d=0, sum_c=0, sum_l=0,
                               key_d=key[0], key_c=key[1], key_l=key[2]))
    RankingKey.objects.bulk_create(keys)
    return entries


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("tiers", sorted(TIERS))
def test_search_positions_equal_the_whole_ranking_filtered_at_every_page(seed, tiers, campaign, entry_at):
    rng = random.Random(seed)
    entries = _spread(rng, entry_at, campaign)
    scope = Entry.objects.filter(campaign=campaign).exclude(pk=entries[0].pk)
    for known in (campaign, None):  # the campaign's index, or the campaigns of the scope
        ranking = Ranking(scope, TIERS[tiers], RANKING_RELATED, campaign=known)
        whole = ranking.positions()
        assert len(whole) == len(entries) - 1
        for hits in (scope.filter(title__startswith="配电箱"), scope.filter(pk__in=rng.sample(
                [e.pk for e in entries[1:]], 7)), scope.filter(pk=entries[-1].pk), scope.none(), scope):
            ids = set(hits.values_list("pk", flat=True))
            expected = [row for row in whole if row[0] in ids]
            found = ranking.within(hits)
            assert found.count() == len(expected)
            assert found.ranked_count == sum(1 for row in expected if row[2])
            for limit in (1, 2, 5, None):
                for offset in range(len(expected) + 1):
                    assert found._positions(offset, limit) == expected[offset:None if limit is None
                                                                      else offset + limit], (offset, limit)


def test_search_rows_carry_their_rank_in_the_whole_ranking(campaign, entry_at):
    rng = random.Random(7)
    entries = _spread(rng, entry_at, campaign, count=20)
    scope = Entry.objects.filter(campaign=campaign)
    ranking = Ranking(scope, TIERS["both"], RANKING_RELATED, campaign=campaign)
    ranks = {row.entry.pk: row.rank for row in ranking}
    hits = scope.filter(pk__in=[entry.pk for entry in entries[::3]])
    rows = ranking.within(hits)[0:4]
    assert [row.entry.pk for row in rows] == [pk for pk, _p, _r in ranking.positions() if pk in
                                             {e.pk for e in entries[::3]}][:4]
    assert [row.rank for row in rows] == [ranks[row.entry.pk] for row in rows]


def test_search_page_loads_the_whole_rankings_counts_in_its_pass(campaign, entry_at, django_assert_num_queries):
    rng = random.Random(11)
    entries = _spread(rng, entry_at, campaign, count=24)
    scope = Entry.objects.filter(campaign=campaign).exclude(pk=entries[3].pk)
    fresh = Ranking(scope, TIERS["both"], RANKING_RELATED, campaign=campaign)
    expected = (fresh.count(), fresh.ranked_count)
    assert expected[0] == 23 and 0 < expected[1] < 23
    ranking = Ranking(scope, TIERS["both"], RANKING_RELATED, campaign=campaign)
    ranking.within(scope.filter(title__startswith="配电箱"))._positions(0, 5)
    with django_assert_num_queries(0):
        assert (ranking.count(), ranking.ranked_count) == expected
