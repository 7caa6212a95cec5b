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

from portal.campaigns.models import Campaign
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

    The order is that of the stored keys (scoring.models.RankingKey, one row per ranked entry, kept by
    the services): the entries of the scope with a row come first, by their keys, then the others,
    oldest submission first. len() and count() give the number of entries, `ranked_count` those with a
    rank; a slice (what Django's Paginator takes) runs three queries: the ids in order with their
    positions, the entries, and their scores. `within(queryset)` keeps the ranks of the whole ranking
    but yields only the rows of entries in `queryset` (a search).
    """

    def __init__(self, entries: QuerySet[Entry], tiers: tuple[int, ...], related: tuple[str, ...],
                 within: QuerySet[Entry] | None = None, campaign: Campaign | None = None):
        self.entries, self.tiers, self.related, self._within = entries, tiers, related, within
        self.campaign = campaign
        self._counts: tuple[int, int] | None = None

    def within(self, queryset: QuerySet[Entry]) -> Ranking:
        return Ranking(self.entries, self.tiers, self.related, within=queryset, campaign=self.campaign)

    # --- the SQL ---

    def _keys(self) -> tuple[tuple[str, str, str], str]:
        """The key columns this ranking orders by, and the condition of a row that ranks an entry."""
        if Tier.PROVINCE not in self.tiers:
            return ("unit_d", "unit_c", "unit_l"), " AND k.unit_d IS NOT NULL"
        return ("key_d", "key_c", "key_l"), "" if Tier.UNIT in self.tiers else " AND k.experts > 0"

    def _ranks(self) -> tuple[str, tuple]:
        """The condition of a key row (alias k) that ranks an entry of this ranking. With the campaign
        known, the rows are read from the index in the ranking's order (scoring 0003)."""
        _columns, condition = self._keys()
        if self.campaign is not None:
            return f"k.campaign_id = %s{condition}", (self.campaign.pk,)
        sql, params = self.entries.order_by().values("campaign_id").query.sql_with_params()
        return f"k.campaign_id IN ({sql}){condition}", tuple(params)

    def _ranked_from(self) -> tuple[str, tuple]:
        """FROM and WHERE of the key rows (alias k) of the scope's entries that rank them."""
        ranks, ranks_params = self._ranks()
        scope, scope_params = _sql(self.entries)
        return (f"{RankingKey._meta.db_table} k WHERE {ranks} AND k.entry_id IN ({scope})",
                (*ranks_params, *scope_params))

    def _unranked(self) -> tuple[str, tuple]:
        """The scope's entries without a key row that ranks them: (id, t = submitted_at)."""
        ranks, ranks_params = self._ranks()
        rows, row_params = self.entries.order_by().values("pk", "submitted_at").query.sql_with_params()
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
        ranked one) are read only when the page reaches them. A search numbers the whole ranking (the
        index order, no sort) and keeps its rows."""
        if self._within is not None:
            return self._positions_within(offset, limit)
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

    def _positions_within(self, offset: int, limit: int | None) -> list[tuple[int, int, bool]]:
        ranked, ranked_params = self._ranked_from()
        unranked, unranked_params = self._unranked()
        within, within_params = _sql(self._within)
        sql = f"""
            WITH ranked AS (SELECT k.entry_id AS id, ROW_NUMBER() OVER (ORDER BY {self._order()}) AS pos
                            FROM {ranked}),
                 unranked AS (SELECT u.id, (SELECT COUNT(*) FROM ranked)
                                     + ROW_NUMBER() OVER (ORDER BY u.t ASC NULLS LAST, u.id ASC) AS pos
                              FROM ({unranked}) u)
            SELECT id, pos, 1 FROM ranked WHERE id IN ({within})
            UNION ALL
            SELECT id, pos, 0 FROM unranked WHERE id IN ({within})
            ORDER BY 2{self._cut(limit, int(offset))}"""  # noqa: S608
        # The numbering reads the index in order; the working memory keeps a large scope's joins in memory.
        with transaction.atomic(), connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET LOCAL work_mem = '32MB'")
            cursor.execute(sql, (*ranked_params, *unranked_params, *within_params, *within_params))
            return [(pk, pos, bool(scored)) for pk, pos, scored in cursor.fetchall()]

    def _load_counts(self) -> tuple[int, int]:
        if self._counts is None:
            # One pass over the scope with its key rows joined: the entries, and those a row ranks.
            rows, row_params = _sql(self.entries)
            ranks, ranks_params = self._ranks()
            sql = (f"SELECT COUNT(*), COUNT(k.entry_id) FROM ({rows}) s "  # noqa: S608
                   f"LEFT JOIN {RankingKey._meta.db_table} k ON k.entry_id = s.pk AND {ranks}")
            params = (*row_params, *ranks_params)
            if self._within is not None:
                within, within_params = _sql(self._within)
                sql += f" WHERE s.pk IN ({within})"
                params = (*params, *within_params)
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                self._counts = cursor.fetchone()
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

