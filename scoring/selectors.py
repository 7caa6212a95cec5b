"""Read-side queries of the scoring app: the ranking tables, the province's among them."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from scoring.aggregation import Summary, summarise
from scoring.formula import format_score
from scoring.models import Assessment
from submissions.enums import Tier
from submissions.models import Entry, ExpertAssignment

BASIS_UNIT = "unit"
BASIS_EXPERTS = "experts"
BASIS_LABELS = {BASIS_UNIT: _("单位评价"), BASIS_EXPERTS: _("专家平均")}


@dataclass
class RankingRow:
    entry: Entry
    rank: int | None = None
    d: Decimal | None = None
    c: Decimal | None = None
    l: Decimal | None = None  # noqa: E741 - the notice names the factor L
    basis: str = ""
    experts: ExpertScores | None = None  # with basis "experts": the scores that count and their summary

    @property
    def expert_count(self) -> int:
        return self.experts.summary.count if self.experts else 0

    @property
    def basis_label(self):
        return BASIS_LABELS.get(self.basis, "")

    @property
    def d_display(self) -> str:
        return format_score(self.d) if self.d is not None else ""

    @property
    def c_display(self) -> str:
        return _factor_display(self.c)

    @property
    def l_display(self) -> str:
        return _factor_display(self.l)


def _factor_display(value: Decimal | None) -> str:
    # An option value as printed ("1.5"); a mean of several experts' options with 3 decimals.
    if value is None:
        return ""
    shown = value.normalize()
    return f"{shown:f}" if shown.as_tuple().exponent >= -2 else format_score(value)


def _active_assignments():
    """An expert's score counts only while their assignment is active (no conflict declared, not removed),
    on every page that shows the province's ranking."""
    return ExpertAssignment.objects.active().filter(entry=OuterRef("entry"), expert=OuterRef("assessor"))


@dataclass(frozen=True)
class ExpertScores:
    """The province-tier scores of one entry that count, and their means (exact Decimals)."""

    scores: tuple[tuple[int, Decimal, Decimal, Decimal], ...]  # (assessor id, D, C, L), as last saved
    summary: Summary  # of D: count, mean, median, min, max, spread
    mean_c: Decimal
    mean_l: Decimal

    @property
    def mean_d(self) -> Decimal:
        return self.summary.mean

    @classmethod
    def of(cls, scores: list[tuple[int, Decimal, Decimal, Decimal]]) -> ExpertScores:
        return cls(scores=tuple(scores), summary=summarise(d for _a, d, _c, _l in scores),
                   mean_c=summarise(c for _a, _d, c, _l in scores).mean,
                   mean_l=summarise(score[3] for score in scores).mean)


# What every ranking table shows of an entry; the committee's dashboard adds the city/industry union.
RANKING_RELATED = ("campaign", "unit", "category", "industry")

# The database orders by integer keys, so that both PostgreSQL and SQLite order exactly: D has 5 decimals
# and C and L 2, so a score times 10^5 (10^2) is an integer, and a mean of n of them is ordered by
# floor(sum * MEAN_SCALE / n). Equal means give equal keys (the floor of the same rational number); two
# different means of at most 848 scores each differ by at least 1/(n*m) ≥ 1/MEAN_SCALE of a unit, so
# their keys differ and keep their order. MEAN_SCALE = lcm(1..16): up to 16 experts the key is the mean
# itself, scaled. The exact Decimal means shown are still computed by scoring.aggregation, per page.
MEAN_SCALE = 720720
_CHUNK = 2000


def province_ranking(entries: QuerySet[Entry], *, unit_fallback: bool,
                     related: tuple[str, ...] = RANKING_RELATED) -> Ranking:
    """The province's ranking of `entries` (already scoped): the one computation behind every page that
    ranks by the experts' scores (the scoring ranking of the committee, the experts' dashboard and from
    it the award proposal and the pre-lock checklist).

    An entry with scores of active experts is ranked by their exact means of D, C and L (basis
    "experts", `row.experts` holding the scores and their summary). Without them, it is ranked by its
    unit assessment when `unit_fallback` (the latest one saved: D, C and L; basis "unit"), else left
    unranked. Ties are broken by scoring.ranking (C, L, submission time, id); unranked entries follow,
    oldest submission first. So the entries ranked by their experts come in the same order, with the
    same values, whether or not `unit_fallback` lets unit-scored entries in between them.

    The result is a lazy sequence (a `Ranking`): the database orders and cuts it, and only the rows
    asked for (a page, or everything when iterated) are loaded, three queries per slice whatever the
    number of entries.
    """
    tiers = (Tier.UNIT, Tier.PROVINCE) if unit_fallback else (Tier.PROVINCE,)
    return Ranking(entries, tiers, related)


def ranking_rows(entries: QuerySet[Entry], *, use_experts: bool) -> Ranking:
    """Rank `entries` (already scoped) by D with scoring.ranking's tie-breaks; unscored ones follow.

    The score of an entry is its unit assessment (tier 0: D, C and L of the latest one saved, which
    is also what entry.unit_score holds).  With `use_experts` (the province's view) this is
    `province_ranking` with the unit fallback: an entry that has expert assessments is ranked by their
    exact means of D, C and L instead.
    """
    if use_experts:
        return province_ranking(entries, unit_fallback=True)
    return Ranking(entries, (Tier.UNIT,), RANKING_RELATED)


_CODE = re.compile(r"^(?:\d{4}-)?0*(\d{1,9})$")


def search_entries(entries: QuerySet[Entry], query: str) -> QuerySet[Entry]:
    """`entries` whose code (e.g. 2025-000123, or the number alone) or title matches `query`."""
    query = query.strip()
    match = Q(title__icontains=query)
    code = _CODE.match(query)
    if code:
        match |= Q(pk=int(code.group(1)))
    return entries.filter(match)


def _sql(queryset: QuerySet) -> tuple[str, tuple]:
    sql, params = queryset.order_by().values("pk").query.sql_with_params()
    return sql, tuple(params)


class Ranking(Sequence[RankingRow]):
    """A ranking ordered and cut in the database; `RankingRow`s are made for the rows asked for only.

    len() and count() give the number of entries, `ranked_count` those with a rank; a slice (what
    Django's Paginator takes) runs three queries: the ids in order with their positions, the entries,
    and their scores. `within(queryset)` keeps the ranks of the whole ranking but yields only the rows
    of entries in `queryset` (a search).
    """

    def __init__(self, entries: QuerySet[Entry], tiers: tuple[int, ...], related: tuple[str, ...],
                 within: QuerySet[Entry] | None = None):
        self.entries, self.tiers, self.related, self._within = entries, tiers, related, within
        self._counts: tuple[int, int] | None = None

    def within(self, queryset: QuerySet[Entry]) -> Ranking:
        return Ranking(self.entries, self.tiers, self.related, within=queryset)

    # --- the SQL ---

    def _keyed(self, *, keys: bool = True) -> tuple[str, tuple]:
        """A WITH clause naming `keyed` (id, submitted_at, kd, kc, kl): the integer keys of each entry
        (without `keys`, kd only says whether the entry has a score: enough to count)."""
        scope, scope_params = _sql(self.entries)
        rows, row_params = self.entries.order_by().values("pk", "submitted_at").query.sql_with_params()
        params: tuple = ()
        experts = unit = ""
        # The scores of the scope's entries only, by their id range (a superset: the joins below keep the
        # scope's): a province keeps several years of assessments, and the range keeps the index order.
        low, low_params = self.entries.order_by("pk").values("pk")[:1].query.sql_with_params()
        high, high_params = self.entries.order_by("-pk").values("pk")[:1].query.sql_with_params()
        in_range = f"a.entry_id BETWEEN ({low}) AND ({high})"
        range_params = (*low_params, *high_params)
        if Tier.PROVINCE in self.tiers:
            params = (*params, *range_params)
            experts = f"""
            experts AS (
                SELECT a.entry_id, COUNT(*) AS n, CAST(SUM(CAST(ROUND(a.d * 100000) AS BIGINT)) AS BIGINT) AS sd,
                       CAST(SUM(CAST(ROUND(a.c * 100) AS BIGINT)) AS BIGINT) AS sc,
                       CAST(SUM(CAST(ROUND(a.l * 100) AS BIGINT)) AS BIGINT) AS sl
                FROM scoring_assessment a
                JOIN {ExpertAssignment._meta.db_table} x ON x.entry_id = a.entry_id AND x.expert_id = a.assessor_id
                     AND x.conflict_declared_at IS NULL AND x.removed_at IS NULL
                WHERE a.tier = {int(Tier.PROVINCE)} AND {in_range}
                GROUP BY a.entry_id),"""  # noqa: S608 - a table name and integers
        if Tier.UNIT in self.tiers:
            # The latest unit assessment of each entry (updated_at, then id). PostgreSQL reads it from the
            # partial index scoring 0002 adds (index only, in entry order); elsewhere no later one exists.
            columns = ("a.entry_id, CAST(ROUND(a.d * 100000) AS BIGINT) AS ud, CAST(ROUND(a.c * 100) AS BIGINT) AS uc, "
                       "CAST(ROUND(a.l * 100) AS BIGINT) AS ul") if keys else "a.entry_id, 1 AS ud, 1 AS uc, 1 AS ul"
            # A union's ranking covers a part of the campaign: its unit scores are looked up by its entries.
            # The province's covers all of it: every unit score of its campaign is read once, in entry order.
            if Tier.PROVINCE not in self.tiers:
                within = f" AND a.entry_id IN ({scope})"
                params = (*params, *scope_params)
            else:
                within = f" AND {in_range}"
                params = (*params, *range_params)
            if connection.vendor == "postgresql":
                unit = f"""
                unit AS (SELECT DISTINCT ON (a.entry_id) {columns} FROM scoring_assessment a
                         WHERE a.tier = {int(Tier.UNIT)}{within} ORDER BY a.entry_id, a.updated_at DESC, a.id DESC),"""  # noqa: S608
            else:
                unit = f"""
                unit AS (SELECT {columns} FROM scoring_assessment a WHERE a.tier = {int(Tier.UNIT)}{within}
                         AND NOT EXISTS (SELECT 1 FROM scoring_assessment b WHERE b.entry_id = a.entry_id
                                         AND b.tier = {int(Tier.UNIT)} AND (b.updated_at > a.updated_at
                                         OR (b.updated_at = a.updated_at AND b.id > a.id)))),"""  # noqa: S608

        def key(expert_sum: str, unit_value: str) -> str:
            parts = []
            if experts:
                parts.append(f"WHEN x.n IS NOT NULL THEN x.{expert_sum} * {MEAN_SCALE} / x.n" if keys
                             else "WHEN x.n IS NOT NULL THEN 1")
            if unit:
                parts.append(f"WHEN u.ud IS NOT NULL THEN u.{unit_value} * {MEAN_SCALE}" if keys
                             else "WHEN u.ud IS NOT NULL THEN 1")
            return f"CASE {' '.join(parts)} END"

        joins = (" LEFT JOIN experts x ON x.entry_id = s.pk" if experts else "") + (
            " LEFT JOIN unit u ON u.entry_id = s.pk" if unit else "")
        # The scope (a compiled queryset) restricts the scores by the joins: every score of a tier is
        # read once, in entry order, rather than probed entry by entry.
        sql = f"""
            WITH {experts} {unit} keyed AS (
                SELECT s.pk AS id, s.submitted_at, {key("sd", "ud")} AS kd, {key("sc", "uc")} AS kc,
                       {key("sl", "ul")} AS kl
                FROM ({rows}) s {joins})"""  # noqa: S608 - the scope: a compiled queryset, its parameters apart
        return sql, (*params, *row_params)

    _ORDER = "kd DESC NULLS LAST, kc DESC, kl DESC, submitted_at ASC NULLS LAST, id ASC"

    def _positions(self, offset: int, limit: int | None) -> list[tuple[int, int, bool]]:
        """(entry id, 1-based position in the ranking, has a key) of the rows offset..offset+limit: a
        top-N sort in memory for a page (a search numbers the whole ranking first, then keeps its rows)."""
        keyed, params = self._keyed()
        cut = f" LIMIT {int(limit)} OFFSET {int(offset)}" if limit is not None else f" LIMIT -1 OFFSET {int(offset)}"
        if connection.vendor == "postgresql" and limit is None:
            cut = f" OFFSET {int(offset)}"
        if self._within is None:
            sql = f"{keyed} SELECT id, kd IS NOT NULL FROM keyed ORDER BY {self._ORDER}{cut}"  # noqa: S608
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return [(pk, offset + index, bool(scored))
                        for index, (pk, scored) in enumerate(cursor.fetchall(), start=1)]
        within, within_params = _sql(self._within)
        # The positions are those of the whole ranking; only then are the rows of `within` kept.
        ranked = f"ranked AS (SELECT id, kd, ROW_NUMBER() OVER (ORDER BY {self._ORDER}) AS pos FROM keyed)"  # noqa: S608
        sql = f"{keyed}, {ranked} SELECT id, pos, kd IS NOT NULL FROM ranked WHERE id IN ({within}) ORDER BY pos{cut}"  # noqa: S608
        # Numbering the whole ranking sorts every entry (~5 MB at 100,000): in memory, not on disk.
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL work_mem = '32MB'")
            cursor.execute(sql, params + within_params)
            return [(pk, pos, bool(scored)) for pk, pos, scored in cursor.fetchall()]

    def _load_counts(self) -> tuple[int, int]:
        if self._counts is None:
            keyed, params = self._keyed(keys=False)
            sql = f"{keyed} SELECT COUNT(*), COUNT(kd) FROM keyed"  # noqa: S608
            if self._within is not None:
                within, within_params = _sql(self._within)
                sql += f" WHERE id IN ({within})"
                params += within_params
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                total, ranked = cursor.fetchone()
            self._counts = (total, ranked)
        return self._counts

    # --- the sequence ---

    def count(self) -> int:
        return self._load_counts()[0]

    @property
    def ranked_count(self) -> int:
        """Entries with a rank (scored), among those this ranking yields."""
        return self._load_counts()[1]

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if isinstance(index, slice):
            if index.step not in (None, 1) or (index.start or 0) < 0 or (index.stop is not None and index.stop < 0):
                return list(self)[index]
            start = index.start or 0
            if index.stop is not None and index.stop <= start:
                return []
            return self._rows(start, None if index.stop is None else index.stop - start)
        if index < 0:
            index += len(self)
        rows = self._rows(index, 1)
        if not rows:
            raise IndexError(index)
        return rows[0]

    def __iter__(self) -> Iterator[RankingRow]:
        offset = 0
        while True:
            rows = self._rows(offset, _CHUNK)
            yield from rows
            if len(rows) < _CHUNK:
                return
            offset += _CHUNK

    def positions(self) -> list[tuple[int, int, bool]]:
        """(entry id, position, ranked) of every row in order: one query, no model loaded."""
        return self._positions(0, None)

    def _rows(self, offset: int, limit: int | None) -> list[RankingRow]:
        return self.materialize(self._positions(offset, limit))

    def materialize(self, positions: list[tuple[int, int, bool]]) -> list[RankingRow]:
        """The RankingRows of `positions` (from positions(), possibly a part of them), in their order:
        the entries and their scores in two queries, the exact means computed here."""
        if not positions:
            return []
        ids = [pk for pk, _pos, _scored in positions]
        loaded = Entry.objects.select_related(*self.related).in_bulk(ids)
        rows = {pk: RankingRow(entry=loaded[pk]) for pk in ids}
        scores = (Assessment.objects.filter(entry_id__in=ids, tier__in=self.tiers)
                  .filter(Q(tier=Tier.UNIT) | Exists(_active_assignments()))
                  .order_by("updated_at", "id").values_list("entry_id", "tier", "assessor_id", "d", "c", "l"))
        unit_scores: dict[int, tuple] = {}
        expert_scores: dict[int, list[tuple]] = defaultdict(list)
        for entry_id, tier, assessor_id, d, c, l in scores:  # noqa: E741
            if tier == Tier.UNIT:
                unit_scores[entry_id] = (d, c, l)  # ordered by updated_at: the last one wins
            else:
                expert_scores[entry_id].append((assessor_id, d, c, l))
        for pk, position, scored in positions:
            row = rows[pk]
            experts = expert_scores.get(pk)
            if experts:
                row.experts = ExpertScores.of(experts)
                row.d, row.c, row.l = row.experts.mean_d, row.experts.mean_c, row.experts.mean_l
                row.basis = BASIS_EXPERTS
            elif pk in unit_scores:
                row.d, row.c, row.l = unit_scores[pk]
                row.basis = BASIS_UNIT
            row.rank = position if scored else None
        return [rows[pk] for pk in ids]

