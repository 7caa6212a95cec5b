"""The stored ranking keys (scoring.models.RankingKey): computed from the assessments and the active
expert assignments, written only by the services that change those (and by the rebuild).

Every writer calls `refresh_ranking_keys` with the entries it touched, inside its transaction; the
rebuild (`rebuild_ranking_keys`, the management command of the same name, the backfill migration) runs
the same computation over every entry, so a maintained row and a rebuilt one cannot differ in method.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from types import SimpleNamespace

from django.apps import apps as global_apps
from django.db import transaction

from submissions.enums import Tier

# The database orders by integer keys, so that both PostgreSQL and SQLite order exactly: D has 5 decimals
# and C and L 2, so a score times 10^5 (10^2) is an integer, and a mean of n of them is ordered by
# floor(sum * MEAN_SCALE / n). Equal means give equal keys (the floor of the same rational number); two
# different means of at most 848 scores each differ by at least 1/(n*m) ≥ 1/MEAN_SCALE of a unit, so
# their keys differ and keep their order. MEAN_SCALE = lcm(1..16): up to 16 experts the key is the mean
# itself, scaled. The exact Decimal means shown are still computed by scoring.aggregation, per page.
MEAN_SCALE = 720720
D_SCALE, FACTOR_SCALE = 100000, 100
_CHUNK = 2000

KEY_FIELDS = ("campaign_id", "submitted_at", "unit_d", "unit_c", "unit_l", "experts", "sum_d", "sum_c", "sum_l",
              "min_d", "max_d", "key_d", "key_c", "key_l")


def _models(apps) -> SimpleNamespace:
    # The backfill migration passes its historical app registry; everything else the current one.
    apps = apps or global_apps
    return SimpleNamespace(entry=apps.get_model("submissions", "Entry"),
                           assessment=apps.get_model("scoring", "Assessment"),
                           assignment=apps.get_model("submissions", "ExpertAssignment"),
                           key=apps.get_model("scoring", "RankingKey"))


def _integer(value: Decimal, scale: int) -> int:
    return int((value * scale).to_integral_value())


def compute_keys(entry_ids: list[int], *, apps=None) -> dict[int, dict]:
    """{entry id: the RankingKey fields} of the entries in `entry_ids` that have a score that ranks
    them; three queries."""
    m = _models(apps)
    entries = {pk: (campaign_id, submitted_at) for pk, campaign_id, submitted_at
               in m.entry.objects.filter(pk__in=entry_ids).values_list("pk", "campaign_id", "submitted_at")}
    unit: dict[int, tuple[int, int, int]] = {}
    for entry_id, d, c, l in (m.assessment.objects.filter(entry_id__in=entry_ids, tier=Tier.UNIT)  # noqa: E741
                              .order_by("updated_at", "id").values_list("entry_id", "d", "c", "l")):
        unit[entry_id] = (_integer(d, D_SCALE), _integer(c, FACTOR_SCALE), _integer(l, FACTOR_SCALE))  # last wins
    active = set(m.assignment.objects.filter(entry_id__in=entry_ids, conflict_declared_at__isnull=True,
                                             removed_at__isnull=True).values_list("entry_id", "expert_id"))
    sums: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    low_high: dict[int, tuple[int, int]] = {}
    for entry_id, assessor_id, d, c, l in (m.assessment.objects  # noqa: E741
                                           .filter(entry_id__in=entry_ids, tier=Tier.PROVINCE)
                                           .values_list("entry_id", "assessor_id", "d", "c", "l")):
        if (entry_id, assessor_id) in active:
            total, key = sums[entry_id], _integer(d, D_SCALE)
            total[0] += 1
            total[1] += key
            low, high = low_high.get(entry_id, (key, key))
            low_high[entry_id] = (min(low, key), max(high, key))
            total[2] += _integer(c, FACTOR_SCALE)
            total[3] += _integer(l, FACTOR_SCALE)
    rows = {}
    for pk, (campaign_id, submitted_at) in entries.items():
        n, sd, sc, sl = sums.get(pk, (0, 0, 0, 0))
        low, high = low_high.get(pk, (None, None))
        ud, uc, ul = unit.get(pk, (None, None, None))
        if n:
            keys = (sd * MEAN_SCALE // n, sc * MEAN_SCALE // n, sl * MEAN_SCALE // n)
        elif ud is not None:
            keys = (ud * MEAN_SCALE, uc * MEAN_SCALE, ul * MEAN_SCALE)
        else:
            continue
        rows[pk] = dict(zip(KEY_FIELDS, (campaign_id, submitted_at, ud, uc, ul, n, sd, sc, sl, low, high, *keys), strict=True))
    return rows


def refresh_ranking_keys(entry_ids: Iterable[int], *, apps=None) -> None:
    """Bring the RankingKey rows of `entry_ids` up to date: written, changed, or deleted when nothing
    ranks the entry any more. Called inside the caller's transaction, after its change."""
    m = _models(apps)
    ids = sorted(set(entry_ids))
    with transaction.atomic():
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start:start + _CHUNK]
            rows = compute_keys(chunk, apps=apps)
            m.key.objects.filter(entry_id__in=[pk for pk in chunk if pk not in rows]).delete()
            if rows:
                m.key.objects.bulk_create([m.key(entry_id=pk, **fields) for pk, fields in rows.items()],
                                          update_conflicts=True, unique_fields=["entry"],
                                          update_fields=list(KEY_FIELDS))


def rebuild_ranking_keys(*, campaign_id: int | None = None, apps=None) -> int:
    """Recompute every row (of one campaign, or all) from scratch; returns the number of rows kept."""
    m = _models(apps)
    entries = m.entry.objects.all() if campaign_id is None else m.entry.objects.filter(campaign_id=campaign_id)
    keys = m.key.objects.all() if campaign_id is None else m.key.objects.filter(campaign_id=campaign_id)
    with transaction.atomic():
        keys.delete()
        refresh_ranking_keys(entries.order_by("pk").values_list("pk", flat=True), apps=apps)
    return keys.count()
