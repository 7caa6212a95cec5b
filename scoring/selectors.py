"""Read-side queries of the scoring app: the ranking tables, the province's among them."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from portal.campaigns.models import Campaign
from portal.db_tuning import tuned_cursor
from portal.text_search import text_contains
from scoring.aggregation import Summary, summarise
from scoring.formula import format_score
from scoring.models import Assessment, RankingKey
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

# The integer keys and why they order exactly: scoring.keys (MEAN_SCALE). Rows are loaded in chunks of:
_CHUNK = 2000


def province_ranking(entries: QuerySet[Entry], *, unit_fallback: bool,
                     related: tuple[str, ...] = RANKING_RELATED, campaign: Campaign | None = None) -> Ranking:
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
    number of entries. The order comes from the stored keys (scoring.models.RankingKey); `campaign`,
    when the scope is of that one campaign, lets a page be read from their index in order.
    """
    tiers = (Tier.UNIT, Tier.PROVINCE) if unit_fallback else (Tier.PROVINCE,)
    return Ranking(entries, tiers, related, campaign=campaign)


def ranking_rows(entries: QuerySet[Entry], *, use_experts: bool, campaign: Campaign | None = None) -> Ranking:
    """Rank `entries` (already scoped) by D with scoring.ranking's tie-breaks; unscored ones follow.

    The score of an entry is its unit assessment (tier 0: D, C and L of the latest one saved, which
    is also what entry.unit_score holds).  With `use_experts` (the province's view) this is
    `province_ranking` with the unit fallback: an entry that has expert assessments is ranked by their
    exact means of D, C and L instead.
    """
    if use_experts:
        return province_ranking(entries, unit_fallback=True, campaign=campaign)
    return Ranking(entries, (Tier.UNIT,), RANKING_RELATED, campaign=campaign)


_CODE = re.compile(r"^(?:\d{4}-)?0*(\d{1,9})$")


def search_entries(entries: QuerySet[Entry], query: str) -> QuerySet[Entry]:
    """`entries` whose code (e.g. 2025-000123, or the number alone) or title matches `query`."""
    query = query.strip()
    match = text_contains("title", query)  # from a trigram index on PostgreSQL (submissions 0006)
    code = _CODE.match(query)
    if code:
        match |= Q(pk=int(code.group(1)))
    return entries.filter(match)


def _time(value):
    """A submission time read by raw SQL, as a parameter comparing equal to the column (SQLite keeps text)."""
    if value is None or isinstance(value, str):
        return value
    return connection.ops.adapt_datetimefield_value(value)


def _sql(queryset: QuerySet, *fields: str) -> tuple[str, tuple]:
    """The SQL and parameters of `queryset` selecting `fields` (the pk alone by default), unordered."""
    sql, params = queryset.order_by().values(*(fields or ("pk",))).query.sql_with_params()
    return sql, tuple(params)


class Ranking(Sequence[RankingRow]):
    """A ranking ordered and cut in the database; `RankingRow`s are made for the rows asked for only.

    The order is that of the stored keys (scoring.models.RankingKey, one row per ranked entry, kept by
    the services): the entries of the scope with a row come first, by their keys, then the others,
    oldest submission first. len() and count() give the number of entries, `ranked_count` those with a
    rank; a slice (what Django's Paginator takes) runs three queries: the ids in order with their
    positions, the entries, and their scores. `within(queryset)` keeps the ranks of the whole ranking
    but yields only the rows of entries in `queryset`, a part of the scope (a search: `entries.filter(...)`).
    """

    def __init__(self, entries: QuerySet[Entry], tiers: tuple[int, ...], related: tuple[str, ...],
                 within: QuerySet[Entry] | None = None, campaign: Campaign | None = None):
        self.entries, self.tiers, self.related, self._within = entries, tiers, related, within
        self.campaign = campaign
        self._counts: tuple[int, int] | None = None
        self._parent: Ranking | None = None
        self._hits: int | None = None

    def within(self, queryset: QuerySet[Entry]) -> Ranking:
        found = Ranking(self.entries, self.tiers, self.related, within=queryset, campaign=self.campaign)
        found._parent = self
        return found

    # --- the SQL ---

    def _keys(self, alias: str = "k") -> tuple[tuple[str, str, str], str]:
        """The key columns this ranking orders by, and the condition of a row that ranks an entry."""
        if Tier.PROVINCE not in self.tiers:
            return ("unit_d", "unit_c", "unit_l"), f" AND {alias}.unit_d IS NOT NULL"
        return ("key_d", "key_c", "key_l"), "" if Tier.UNIT in self.tiers else f" AND {alias}.experts > 0"

    def _ranks(self, alias: str = "k") -> tuple[str, tuple]:
        """The condition of a key row (`alias`) that ranks an entry of this ranking. With the campaign
        known, the rows are read from the index in the ranking's order (scoring 0003)."""
        _columns, condition = self._keys(alias)
        if self.campaign is not None:
            return f"{alias}.campaign_id = %s{condition}", (self.campaign.pk,)
        sql, params = _sql(self.entries, "campaign_id")
        return f"{alias}.campaign_id IN ({sql}){condition}", params

    def _ranked_from(self) -> tuple[str, tuple]:
        """FROM and WHERE of the key rows (alias k) of the scope's entries that rank them."""
        ranks, ranks_params = self._ranks()
        scope, scope_params = _sql(self.entries)
        return (f"{RankingKey._meta.db_table} k WHERE {ranks} AND k.entry_id IN ({scope})",
                (*ranks_params, *scope_params))

    def _unranked(self) -> tuple[str, tuple]:
        """The scope's entries without a key row that ranks them: (id, t = submitted_at)."""
        ranks, ranks_params = self._ranks()
        rows, row_params = _sql(self.entries, "pk", "submitted_at")
        return (f"SELECT e.pk AS id, e.submitted_at AS t FROM ({rows}) e WHERE NOT EXISTS "  # noqa: S608
                f"(SELECT 1 FROM {RankingKey._meta.db_table} k WHERE k.entry_id = e.pk AND {ranks})",
                (*row_params, *ranks_params))

    def _order(self, prefix: str = "k.") -> str:
        a, b, c = self._keys()[0]
        entry = "entry_id" if prefix else "id"
        submitted = "submitted_at" if prefix else "t"
        return (f"{prefix}{a} DESC, {prefix}{b} DESC, {prefix}{c} DESC, {prefix}{submitted} ASC NULLS LAST, "
                f"{prefix}{entry} ASC")

    @staticmethod
    def _cut(limit: int | str | None, offset: int | str) -> str:
        if limit is not None:
            return f" LIMIT {limit} OFFSET {offset}"
        return f" OFFSET {offset}" if connection.vendor == "postgresql" else f" LIMIT -1 OFFSET {offset}"

    def _positions(self, offset: int, limit: int | None) -> list[tuple[int, int, bool]]:
        """(entry id, 1-based position in the ranking, has a key) of the rows offset..offset+limit.

        The ranked rows of the page come from the keys' index in order; the unranked ones (after every
        ranked one) are read only when the page reaches them. A search counts its hits' positions
        (`_positions_within`)."""
        try:
            if self._within is not None:
                return self._positions_within(offset, limit)
            return self._positions_all(offset, limit)
        except EmptyResultSet:  # the scope or the search is `.none()`: no SQL to run, no rows
            return []

    def _positions_all(self, offset: int, limit: int | None) -> list[tuple[int, int, bool]]:
        offset, limit = int(offset), None if limit is None else int(limit)
        ranked, ranked_params = self._ranked_from()
        unranked, unranked_params = self._unranked()
        a, b, c = self._keys()[0]
        on_page = "(SELECT COUNT(*) FROM page)"
        # The unranked rows start after the last ranked one: at offset 0 of theirs when the page holds
        # ranked rows, else at the page's offset less the number of ranked rows (only then counted).
        skipped = f"CASE WHEN {on_page} > 0 THEN 0 ELSE {offset} - (SELECT COUNT(*) FROM {ranked}) END"  # noqa: S608
        sql = f"""
            WITH page AS (SELECT k.entry_id AS id, k.{a} AS ka, k.{b} AS kb, k.{c} AS kc, k.submitted_at AS t
                          FROM {ranked} ORDER BY {self._order()}{self._cut(limit, offset)})
            SELECT id, {offset} + ROW_NUMBER() OVER (ORDER BY ka DESC, kb DESC, kc DESC, t ASC NULLS LAST, id ASC),
                   1 FROM page
            UNION ALL
            SELECT id, {offset} + {on_page} + ROW_NUMBER() OVER (ORDER BY t ASC NULLS LAST, id ASC), 0
            FROM ({unranked} ORDER BY e.submitted_at ASC NULLS LAST, e.pk ASC
                  {self._cut(None if limit is None else f"{limit} - {on_page}", skipped)}) u"""  # noqa: S608
        with connection.cursor() as cursor:
            cursor.execute(sql, (*ranked_params, *unranked_params, *ranked_params))  # in the order of the text
            found = cursor.fetchall()
        return [(pk, position, bool(scored)) for pk, position, scored in sorted(found, key=lambda row: row[1])]

    def _at_or_before(self, key: tuple) -> tuple[str, tuple]:
        """SQL: the key row k comes at or before `key` (a, b, c, submitted_at, entry id) in this ranking's
        order (that of _order()), with the key's values as parameters."""
        a, b, c = self._keys()[0]
        ka, kb, kc, t, pk = key
        if t is None:  # NULLS LAST: any row with a time comes before, a row without one ties
            t_before, t_same, t_params = "k.submitted_at IS NOT NULL", "k.submitted_at IS NULL", ()
        else:
            t_before, t_same, t_params = "k.submitted_at < %s", "k.submitted_at = %s", (t,)
        return (f"(k.{a} > %s OR (k.{a} = %s AND (k.{b} > %s OR (k.{b} = %s AND (k.{c} > %s OR (k.{c} = %s "
                f"AND ({t_before} OR ({t_same} AND k.entry_id <= %s))))))))",
                (ka, ka, kb, kb, kc, kc, *t_params, *t_params, pk))

    @staticmethod
    def _unranked_at_or_before(key: tuple) -> tuple[str, tuple]:
        """SQL: the scope's row s (an unranked entry) comes at or before `key` (t, id): oldest first."""
        t, pk = key
        if t is None:
            return "(s.submitted_at IS NOT NULL OR s.pk <= %s)", (pk,)
        return "(s.submitted_at < %s OR (s.submitted_at = %s AND s.pk <= %s))", (t, t, pk)

    @staticmethod
    def _stretches(conditions: list[tuple[str, tuple]]) -> tuple[str, tuple]:
        """CASE giving the 1-based number of the first of `conditions` (each "at or before the page's hit
        number i") that holds, 0 when none does. The last one is asked first: most rows of a page near the
        top come after its last hit and are done with one comparison."""
        if not conditions:
            return "0", ()
        last, last_params = conditions[-1]
        whens = " ".join(f"WHEN {condition} THEN {number}" for number, (condition, _p) in enumerate(conditions, 1))
        return (f"CASE WHEN NOT {last} THEN 0 {whens} ELSE 0 END",
                (*last_params, *(param for _c, params in conditions for param in params)))

    def _positions_within(self, offset: int, limit: int | None) -> list[tuple[int, int, bool]]:
        """The rows offset..offset+limit of a search (`within`, a part of the scope), with the positions
        they hold in the whole ranking, without numbering the whole ranking (a sort of every ranked row of
        the scope: most of the time of a search at 100,000 entries before).

        Two queries. The hits are few: they are ordered with their key rows and cut to the page. Then one
        pass over the scope with its key rows puts each row in the stretch of the first hit of the page it
        comes at or before (ranked rows by their keys, unranked ones by submission time); a hit's position
        is the number of rows in its stretch and those above it, the unranked ones after every ranked row.
        The same pass counts the whole ranking, which the page shows too (its counts are then loaded)."""
        table = RankingKey._meta.db_table
        hit_ranks, hit_ranks_params = self._ranks("h")
        within, within_params = _sql(self._within, "pk", "submitted_at")
        hit_order = (f"CASE WHEN h.entry_id IS NULL THEN 1 ELSE 0 END, {self._order('h.')}, "
                     "w.t ASC NULLS LAST, w.id ASC")
        a, b, c = self._keys()[0]
        page_sql = (f"SELECT w.id, h.entry_id, h.{a}, h.{b}, h.{c}, h.submitted_at, w.t "  # noqa: S608
                    f"FROM (SELECT s.pk AS id, s.submitted_at AS t FROM ({within}) s) w "
                    f"LEFT JOIN {table} h ON h.entry_id = w.id AND {hit_ranks} "
                    f"ORDER BY {hit_order}{self._cut(limit, int(offset))}")
        with connection.cursor() as cursor:
            cursor.execute(page_sql, (*within_params, *hit_ranks_params))
            page = cursor.fetchall()
        if not page:
            return []
        ranked = [(pk, (ka, kb, kc, _time(t), pk)) for pk, key_id, ka, kb, kc, t, _t in page if key_id is not None]
        unranked = [(pk, (_time(t), pk)) for pk, key_id, _a, _b, _c, _kt, t in page if key_id is None]
        ranks, ranks_params = self._ranks()
        rows, rows_params = _sql(self.entries, "pk", "submitted_at")
        in_ranked, in_ranked_params = self._stretches([self._at_or_before(key) for _pk, key in ranked])
        in_unranked, in_unranked_params = self._stretches([self._unranked_at_or_before(key) for _pk, key in unranked])
        sql = (f"SELECT r.ranked, r.n, COUNT(*) FROM (SELECT CASE WHEN k.entry_id IS NULL THEN 0 ELSE 1 END AS ranked, "  # noqa: S608
               f"CASE WHEN k.entry_id IS NULL THEN {in_unranked} ELSE {in_ranked} END AS n "
               f"FROM ({rows}) s LEFT JOIN {table} k ON k.entry_id = s.pk AND {ranks}) r GROUP BY r.ranked, r.n")
        # The CASEs of up to 50 stretches are long expressions: PostgreSQL's JIT compiled them for 200-400 ms
        # to save a few (docs/perf/scale.md). The working memory keeps the join's hash in memory; at the
        # random page cost of an SSD the scope is read from the entries' covering index, in parallel
        # (160 → 80 ms at 100,000 entries).
        with tuned_cursor(jit=False) as cursor:
            cursor.execute(sql, (*in_unranked_params, *in_ranked_params, *rows_params, *ranks_params))  # text order
            counts = {(bool(is_ranked), n): count for is_ranked, n, count in cursor.fetchall()}
        whole = self._whole()
        total = sum(counts.values())
        whole_ranked = sum(count for (is_ranked, _n), count in counts.items() if is_ranked)
        if whole._counts is None:
            whole._counts = (total, whole_ranked)
        positions, position = [], 0
        for number, (pk, _key) in enumerate(ranked, 1):
            position += counts.get((True, number), 0)
            positions.append((pk, position, True))
        position = whole_ranked
        for number, (pk, _key) in enumerate(unranked, 1):
            position += counts.get((False, number), 0)
            positions.append((pk, position, False))
        return positions

    def _whole(self) -> Ranking:
        """The ranking this search is within (its counts are the page's too: loaded once)."""
        if self._parent is None:
            self._parent = Ranking(self.entries, self.tiers, self.related, campaign=self.campaign)
        return self._parent

    def _load_counts(self) -> tuple[int, int]:
        if self._counts is None:
            # One pass over the entries yielded (the scope, or a search in it) with their key rows joined:
            # the entries, and those a row ranks.
            try:
                rows, row_params = _sql(self.entries if self._within is None else self._within)
                ranks, ranks_params = self._ranks()
            except EmptyResultSet:
                self._counts = (0, 0)
                return self._counts
            sql = (f"SELECT COUNT(*), COUNT(k.entry_id) FROM ({rows}) s "  # noqa: S608
                   f"LEFT JOIN {RankingKey._meta.db_table} k ON k.entry_id = s.pk AND {ranks}")
            params = (*row_params, *ranks_params)
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                self._counts = cursor.fetchone()
        return self._counts

    # --- the sequence ---

    def count(self) -> int:
        if self._within is not None and self._counts is None:
            # A search's count (what the paginator asks) needs no key rows: the hits only.
            if self._hits is None:
                self._hits = self._within.order_by().count()
            return self._hits
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

