"""Tests for scoring.aggregation (expert score summaries) and scoring.ranking (tie-breaks)."""

import itertools
from datetime import UTC, datetime, timedelta
from decimal import Decimal, localcontext
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from scoring.aggregation import Summary, disagreement, summarise
from scoring.formula import SCALES, SCORE_MAX, SCORE_MIN, hazard_score
from scoring.ranking import Ranked, rank, rank_entries, ranking_key

# No example database: it would write a .hypothesis directory into the working tree.
property_test = hypothesis_settings(database=None, deadline=None, max_examples=200)

REACHABLE_SCORES = sorted({hazard_score(*combo) for combo in itertools.product(*(s.values for s in SCALES))})

# Either real scores or arbitrary decimals with as many places as a score can have.
scores = st.one_of(
    st.sampled_from(REACHABLE_SCORES),
    st.decimals(min_value=0, max_value=1000, places=5, allow_nan=False, allow_infinity=False),
)
score_lists = st.lists(scores, min_size=1, max_size=30)


def exact_sample_variance(values):
    points = [Fraction(value) for value in values]
    mean = sum(points) / len(points)
    return sum((point - mean) ** 2 for point in points) / (len(points) - 1)


# --- summarise: properties -------------------------------------------------------------------------


@property_test
@given(score_lists)
def test_summarise_any_values_count_is_length(values):
    assert summarise(values).count == len(values)


@property_test
@given(score_lists)
def test_summarise_any_values_mean_between_min_and_max(values):
    summary = summarise(values)
    assert summary.min == min(values)
    assert summary.max == max(values)
    assert summary.min <= summary.mean <= summary.max


@property_test
@given(score_lists)
def test_summarise_any_values_median_between_min_and_max(values):
    summary = summarise(values)
    assert summary.min <= summary.median <= summary.max


@property_test
@given(score_lists.filter(lambda values: len(values) % 2 == 1))
def test_summarise_odd_count_median_is_an_element(values):
    summary = summarise(values)
    assert summary.median in values
    # Half the values at or below it, half at or above.
    assert sum(value <= summary.median for value in values) >= len(values) // 2 + 1
    assert sum(value >= summary.median for value in values) >= len(values) // 2 + 1


@property_test
@given(score_lists)
def test_summarise_any_values_stdev_non_negative(values):
    assert summarise(values).stdev >= 0


@property_test
@given(scores, st.integers(min_value=1, max_value=20))
def test_summarise_equal_values_stdev_zero(value, count):
    summary = summarise([value] * count)
    assert summary.stdev == 0
    assert summary.mean == summary.median == summary.min == summary.max == value
    assert summary.spread == 0


@property_test
@given(st.lists(scores, min_size=2, max_size=30))
def test_summarise_several_values_stdev_squared_matches_exact_sample_variance(values):
    stdev = summarise(values).stdev
    variance = exact_sample_variance(values)
    # 28 significant digits of a square root; compare relative to the size of the numbers involved.
    assert abs(Fraction(stdev) ** 2 - variance) <= Fraction(1, 10**20) * max(variance, 1)


@property_test
@given(score_lists)
def test_summarise_any_values_mean_matches_exact_mean(values):
    exact = sum(Fraction(value) for value in values) / len(values)
    assert abs(Fraction(summarise(values).mean) - exact) <= Fraction(1, 10**20)


@property_test
@given(score_lists)
def test_summarise_any_values_all_fields_decimal(values):
    summary = summarise(values)
    for field in (summary.mean, summary.median, summary.min, summary.max, summary.stdev):
        assert isinstance(field, Decimal)


# --- summarise: examples ---------------------------------------------------------------------------


def test_summarise_no_values_gives_none_fields():
    assert summarise([]) == Summary(count=0, mean=None, median=None, min=None, max=None, stdev=None)
    assert summarise(iter(())).spread is None


def test_summarise_single_value_stdev_zero():
    summary = summarise([Decimal("57.62988")])
    assert summary == Summary(
        count=1,
        mean=Decimal("57.62988"),
        median=Decimal("57.62988"),
        min=Decimal("57.62988"),
        max=Decimal("57.62988"),
        stdev=Decimal(0),
    )


def test_summarise_bounds_gives_exact_mean_and_median():
    summary = summarise([SCORE_MIN, SCORE_MAX])
    assert summary.mean == Decimal("57.203")
    assert summary.median == Decimal("57.203")
    assert summary.spread == Decimal("85.594")


def test_summarise_textbook_example_uses_sample_stdev():
    # Population stdev of this classic set is exactly 2; the sample one is sqrt(32/7).
    summary = summarise([Decimal(v) for v in (2, 4, 4, 4, 5, 5, 7, 9)])
    assert summary.mean == 5
    assert summary.median == Decimal("4.5")
    # sqrt(32/7) = 2.13808993529939507747642784703..., correctly rounded to 28 digits.
    assert summary.stdev == Decimal("2.138089935299395077476427847")


def test_summarise_generator_is_consumed_once():
    summary = summarise(Decimal(v) for v in ("20", "30", "40"))
    assert (summary.count, summary.mean, summary.median, summary.stdev) == (3, 30, 30, 10)


def test_summarise_caller_decimal_context_does_not_change_result():
    values = [Decimal("14.406"), Decimal("100"), Decimal("77.62392")]
    expected = summarise(values)
    with localcontext() as ctx:
        ctx.prec = 3
        assert summarise(values) == expected


def test_summarise_mean_of_thirds_is_rounded_to_28_digits():
    assert summarise([0, 0, 1]).mean == Decimal("0.3333333333333333333333333333")


def test_summarise_float_raises_type_error():
    with pytest.raises(TypeError):
        summarise([Decimal("14.406"), 100.0])


def test_summarise_nan_raises_value_error():
    with pytest.raises(ValueError):
        summarise([Decimal("NaN")])


# --- disagreement ----------------------------------------------------------------------------------


def test_disagreement_spread_above_threshold_is_true():
    assert disagreement(summarise(["40", "60.5"]), 20) is True


def test_disagreement_spread_equal_to_threshold_is_false():
    assert disagreement(summarise(["40", "60"]), Decimal("20")) is False


def test_disagreement_spread_below_threshold_is_false():
    assert disagreement(summarise(["40", "59.99999"]), "20") is False


def test_disagreement_no_values_is_false():
    assert disagreement(summarise([]), 0) is False


def test_disagreement_single_value_zero_threshold_is_false():
    assert disagreement(summarise(["55"]), 0) is False


def test_disagreement_negative_threshold_raises_value_error():
    with pytest.raises(ValueError):
        disagreement(summarise(["55"]), -1)


def test_disagreement_float_threshold_raises_type_error():
    with pytest.raises(TypeError):
        disagreement(summarise(["55"]), 20.0)


@property_test
@given(score_lists, st.decimals(min_value=0, max_value=100, places=3))
def test_disagreement_any_values_matches_spread(values, threshold):
    summary = summarise(values)
    assert disagreement(summary, threshold) == (max(values) - min(values) > threshold)


# --- ranking ---------------------------------------------------------------------------------------

T0 = datetime(2025, 5, 1, 9, 0, tzinfo=UTC)


def entry(pk, l, e, c, x="1", y="1", submitted_at=T0):  # noqa: E741 - the notice names the factor L
    return {
        "pk": pk,
        "d": hazard_score(l, e, c, x, y),
        "c": Decimal(c),
        "l": Decimal(l),
        "submitted_at": submitted_at,
    }


def ranked_pks(rows):
    return [row["pk"] for row in rank_entries(rows)]


def test_rank_entries_higher_d_first():
    rows = [entry(1, "1", "1", "15"), entry(2, "2", "2", "25"), entry(3, "1.5", "1.8", "20")]
    assert ranked_pks(rows) == [2, 3, 1]


def test_rank_entries_equal_d_higher_c_first():
    low_c = entry(1, "1.5", "2", "20")  # 1.5 × 2 × 20 = 60
    high_c = entry(2, "2", "1.2", "25")  # 2 × 1.2 × 25 = 60
    assert low_c["d"] == high_c["d"] == 60
    assert ranked_pks([low_c, high_c]) == [2, 1]


def test_rank_entries_equal_d_and_c_higher_l_first():
    low_l = entry(1, "1.5", "1.6", "25")  # 1.5 × 1.6 × 25 = 60
    high_l = entry(2, "2", "1.2", "25")  # 2 × 1.2 × 25 = 60
    assert low_l["d"] == high_l["d"]
    assert ranked_pks([low_l, high_l]) == [2, 1]


def test_rank_entries_equal_d_c_l_earlier_submission_first():
    late = entry(1, "2", "1.2", "25", submitted_at=T0 + timedelta(seconds=1))
    early = entry(2, "2", "1.2", "25", submitted_at=T0)
    assert ranked_pks([late, early]) == [2, 1]


def test_rank_entries_all_equal_distinct_ranks_by_pk():
    rows = [entry(pk, "2", "1.2", "25") for pk in (30, 10, 20)]
    ranked = rank_entries(rows)
    assert [(row["pk"], row["rank"]) for row in ranked] == [(10, 1), (20, 2), (30, 3)]


def test_rank_entries_missing_submission_time_sorts_after_submitted():
    unsubmitted = entry(1, "2", "1.2", "25", submitted_at=None)
    submitted = entry(2, "2", "1.2", "25", submitted_at=T0 + timedelta(days=30))
    other_unsubmitted = entry(3, "2", "1.2", "25", submitted_at=None)
    assert ranked_pks([unsubmitted, other_unsubmitted, submitted]) == [2, 1, 3]


def test_rank_entries_ranks_are_one_based_and_consecutive():
    rows = [entry(pk, "1", "1", "15") for pk in range(5)]
    assert [row["rank"] for row in rank_entries(rows)] == [1, 2, 3, 4, 5]


def test_rank_entries_does_not_modify_input():
    rows = [entry(1, "1", "1", "15"), entry(2, "2", "2", "25")]
    before = [dict(row) for row in rows]
    rank_entries(rows)
    assert rows == before


def test_rank_entries_custom_key_names():
    rows = [
        {"id": 7, "score": Decimal("60"), "consequence": 20, "likelihood": "1.5", "at": T0},
        {"id": 8, "score": Decimal("60"), "consequence": 25, "likelihood": "2", "at": T0},
    ]
    ranked = rank_entries(rows, d="score", c="consequence", l="likelihood", submitted_at="at", pk="id")
    assert [(row["id"], row["rank"]) for row in ranked] == [(8, 1), (7, 2)]


def test_rank_entries_empty_gives_empty():
    assert rank_entries([]) == []


def test_rank_entries_duplicate_pk_raises_value_error():
    with pytest.raises(ValueError, match="duplicate id 1"):
        rank_entries([entry(1, "1", "1", "15"), entry(1, "2", "2", "25")])


def test_rank_entries_unscored_raises_type_error():
    row = entry(1, "1", "1", "15")
    row["d"] = None
    with pytest.raises(TypeError):
        rank_entries([row])


def test_rank_entries_float_score_raises_type_error():
    row = entry(1, "1", "1", "15")
    row["d"] = 15.0
    with pytest.raises(TypeError):
        rank_entries([row])


def test_rank_objects_wraps_items_with_rank():
    class Report:
        def __init__(self, pk, d):
            self.pk, self.d = pk, d

    reports = [Report(1, Decimal("20")), Report(2, Decimal("90"))]
    ranked = rank(
        reports,
        key_d=lambda r: r.d,
        key_c=lambda r: 15,
        key_l=lambda r: 1,
        key_submitted_at=lambda r: T0,
        key_id=lambda r: r.pk,
    )
    assert ranked == [Ranked(rank=1, item=reports[1]), Ranked(rank=2, item=reports[0])]


def test_ranking_key_orders_by_d_c_l_time_pk():
    best = ranking_key(Decimal("60"), 25, "2", T0, 5)
    assert best < ranking_key(Decimal("60"), 25, "2", T0, 6)
    assert best < ranking_key(Decimal("60"), 25, "2", T0 + timedelta(microseconds=1), 1)
    assert best < ranking_key(Decimal("60"), 25, "1.5", T0, 1)
    assert best < ranking_key(Decimal("60"), 20, "2", T0, 1)
    assert best < ranking_key(Decimal("59.99999"), 25, "2", T0, 1)
    assert best < ranking_key(Decimal("60"), 25, "2", None, 1)


rank_rows = st.lists(
    st.tuples(
        st.sampled_from(REACHABLE_SCORES[:5] + REACHABLE_SCORES[-5:]),
        st.sampled_from(["15", "25"]),
        st.sampled_from(["1", "2"]),
        st.one_of(st.none(), st.integers(min_value=0, max_value=3).map(lambda s: T0 + timedelta(seconds=s))),
    ),
    max_size=15,
).map(
    lambda tuples: [
        {"pk": pk, "d": d, "c": Decimal(c), "l": Decimal(l), "submitted_at": at}
        for pk, (d, c, l, at) in enumerate(tuples)  # noqa: E741
    ]
)


@property_test
@given(rank_rows, st.randoms(use_true_random=False))
def test_rank_entries_any_input_order_gives_same_ranking(rows, random):
    shuffled = list(rows)
    random.shuffle(shuffled)
    assert rank_entries(shuffled) == rank_entries(rows)


@property_test
@given(rank_rows)
def test_rank_entries_any_rows_adjacent_pairs_respect_tie_breaks(rows):
    ranked = rank_entries(rows)
    assert [row["rank"] for row in ranked] == list(range(1, len(rows) + 1))
    for better, worse in itertools.pairwise(ranked):
        assert better["d"] >= worse["d"]
        if better["d"] == worse["d"]:
            assert better["c"] >= worse["c"]
            if better["c"] == worse["c"]:
                assert better["l"] >= worse["l"]
