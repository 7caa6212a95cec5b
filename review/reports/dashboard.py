"""The statistics dashboard's figures, aggregated in the database: one query per chart whatever the
number of entries, all starting from entries_for_user."""

from __future__ import annotations

from datetime import datetime

from django.db import connection
from django.db.models import BooleanField, Count, DecimalField, ExpressionWrapper, F, Q, QuerySet, Value
from django.db.models.functions import Floor, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.campaigns.enums import PhaseKind
from portal.campaigns.models import HazardCategory, Industry
from portal.db_tuning import tuned_cursor
from portal.directory.models import OrgNode
from review.reports.hazard_counts import rectified_condition, rectified_label
from submissions.enums import NOT_TAKING_PART, EntryState, Tier
from submissions.models import Entry

HISTOGRAM_WIDTH = 5
# D runs from 14.406 to 100: bins 10–15 … 95–100 (100 itself joins the last bin).
HISTOGRAM_FIRST, HISTOGRAM_LAST = 2, 19

# The phase whose end closes each tier's work.
TIER_PHASE = {
    Tier.UNIT: PhaseKind.SUBMISSION,
    Tier.FIRST_REVIEW: PhaseKind.FIRST_REVIEW,
    Tier.SELECTION: PhaseKind.RECOMMENDATION,
    Tier.PROVINCE: PhaseKind.EXPERT_REVIEW,
}
# Withdrawn entries are no longer part of the campaign: the tier chart and table leave them out, so that
# their totals add up to the 作品数 card; the page says how many were withdrawn.
STATE_ORDER = [state for state in EntryState.values if state not in NOT_TAKING_PART]


def _label(value, fallback) -> str:
    return str(value) if value not in (None, "") else str(fallback)


def _deadline(campaign, tier, now: datetime) -> dict:
    phase = campaign.phase(TIER_PHASE[tier]) if campaign is not None else None
    if phase is None:
        return {"ends_at": None, "status": _("未设置"), "days_left": None, "open": False}
    if now < phase.starts_at:
        status, days_left = _("未开始"), None
    elif now < phase.ends_at:
        days_left = (timezone.localdate(phase.ends_at) - timezone.localdate(now)).days
        status = _("进行中，还剩 %(days)d 天") % {"days": days_left}
    else:
        status, days_left = _("已截止"), 0
    return {"ends_at": phase.ends_at, "status": status, "days_left": days_left,
            "open": phase.starts_at <= now < phase.ends_at, "phase": phase.get_kind_display()}


def dashboard(visible: QuerySet[Entry], campaign, now: datetime | None = None) -> dict:
    """Every figure of the dashboard for `visible` (entries_for_user, drafts excluded).

    Seven queries: totals, entries per day, per union, per industry, per category, the D histogram
    and the count per tier and state; on PostgreSQL four, with one pass over the entries for the totals
    and all the grouped counts (_grouped_postgresql). Withdrawn entries count nowhere but in `withdrawn`.
    """
    now = now or timezone.now()
    visible = visible.order_by()
    entries = visible.exclude(state=EntryState.WITHDRAWN)

    if connection.vendor == "postgresql":
        totals, grouped = _grouped_postgresql(visible)
    else:
        totals = entries.aggregate(
            entries=Count("id"), units=Count("unit", distinct=True), authors=Count("author", distinct=True),
            rectified=Count("id", filter=rectified_condition()), scored=Count("unit_score"),
            recommended=Count("id", filter=Q(tier__gte=Tier.PROVINCE)))
        grouped = _grouped(visible, entries)
    total = totals["entries"]
    totals["rectification_rate"] = round(100 * totals["rectified"] / total, 1) if total else None
    days = grouped["days"]
    running, cumulative = 0, []
    for row in days:
        running += row["count"]
        cumulative.append(running)

    unions = grouped["unions"]
    for row in unions:
        row["rate"] = round(100 * row["rectified"] / row["count"], 1) if row["count"] else None

    industries = [
        {"label": f"{row['industry__group']}（{row['industry__name']}）" if row["industry__group"]
         else _label(row["industry__name"], _("未填写")), "count": row["count"]} for row in grouped["industries"]]
    categories = [{"label": _label(row["category__name"], _("未填写")), "count": row["count"]}
                  for row in grouped["categories"]]

    counted = {HISTOGRAM_FIRST + offset: 0 for offset in range(HISTOGRAM_LAST - HISTOGRAM_FIRST + 1)}
    for row in grouped["buckets"]:
        index = min(max(int(row["bucket"]), HISTOGRAM_FIRST), HISTOGRAM_LAST)
        counted[index] += row["count"]
    histogram = [{"label": f"{index * HISTOGRAM_WIDTH}–{(index + 1) * HISTOGRAM_WIDTH}", "count": count}
                 for index, count in counted.items()]

    per_tier_state: dict[int, dict[str, int]] = {tier: {} for tier in Tier.values}
    withdrawn = 0
    for row in grouped["tier_states"]:
        if row["state"] == EntryState.WITHDRAWN:
            withdrawn += row["count"]
        elif row["state"] in STATE_ORDER:
            per_tier_state.setdefault(row["tier"], {})[row["state"]] = row["count"]
    states = [state for state in STATE_ORDER if any(state in counts for counts in per_tier_state.values())]
    progress = [{"tier": Tier(tier), "label": Tier(tier).label, "total": sum(per_tier_state[tier].values()),
                 "counts": [per_tier_state[tier].get(state, 0) for state in states],
                 "deadline": _deadline(campaign, tier, now)} for tier in Tier.values]
    for row in progress:
        # (state label, count) pairs: on a phone each count is shown under its own label.
        row["cells"] = [(EntryState(state).label, count) for state, count in zip(states, row["counts"], strict=True)]

    return {
        "totals": totals,
        "days": [{"day": row["day"], "count": row["count"], "cumulative": total_so_far}
                 for row, total_so_far in zip(days, cumulative, strict=True)],
        "unions": unions,
        "industries": industries,
        "categories": categories,
        "histogram": histogram,
        "states": [(state, EntryState(state).label) for state in states],
        "progress": progress,
        "withdrawn": withdrawn,
        "rectified_label": rectified_label(),
    }


def _grouped(visible: QuerySet[Entry], entries: QuerySet[Entry]) -> dict:
    """The grouped counts, one query per chart (any database)."""
    bucket = Floor(ExpressionWrapper(F("unit_score") / Value(HISTOGRAM_WIDTH),
                                     output_field=DecimalField(max_digits=10, decimal_places=5)))
    return {
        "days": list(entries.exclude(submitted_at=None).annotate(day=TruncDate("submitted_at"))
                     .values("day").annotate(count=Count("id")).order_by("day")),
        "unions": list(entries.values("selection_union_id", "selection_union__name").annotate(
            count=Count("id"), rectified=Count("id", filter=rectified_condition()),
            recommended=Count("id", filter=Q(tier__gte=Tier.PROVINCE)),
        ).order_by("-count", "selection_union__name")),
        "industries": list(entries.values("industry__name", "industry__group", "industry__order").annotate(
            count=Count("id")).order_by("-count", "industry__order")),
        "categories": list(entries.values("category__name", "category__order").annotate(count=Count("id"))
                           .order_by("category__order", "category__name")),
        "buckets": list(entries.exclude(unit_score=None).annotate(bucket=bucket).values("bucket")
                        .annotate(count=Count("id"))),
        "tier_states": list(visible.values("tier", "state").annotate(count=Count("id"))),
    }


def _grouped_postgresql(visible: QuerySet[Entry]) -> tuple[dict, dict]:
    """The totals and the same grouped counts as _grouped in one pass over the entries (GROUPING SETS),
    then the names of the unions, industries and categories counted: four queries instead of seven, one
    scan instead of seven.

    The distinct units and authors are counted as the groups of their own grouping sets (hashed with the
    others) instead of COUNT(DISTINCT), which would need a second scan and a sort. Rows are ordered as
    _grouped orders them (PostgreSQL puts NULLs last in ascending order).
    """
    # 已整改 as the hazard counting says (the ledger's verification when installed), one column per entry.
    base, params = visible.order_by().annotate(
        counted_rectified=ExpressionWrapper(rectified_condition(), output_field=BooleanField())).values(
        "selection_union_id", "industry_id", "category_id", "tier", "state", "submitted_at", "unit_score",
        "unit_id", "author_id", "counted_rectified").query.sql_with_params()
    kept = f"state <> '{EntryState.WITHDRAWN.value}'"
    sets = "(selection_union_id), (industry_id), (category_id), (bucket), (tier, state), (day), (unit_id), (author_id), ()"
    sql = f"""
        WITH g AS (
            SELECT GROUPING(selection_union_id) AS g_union, GROUPING(industry_id) AS g_industry,
                   GROUPING(category_id) AS g_category, GROUPING(bucket) AS g_bucket,
                   GROUPING(tier, state) AS g_tier_state, GROUPING(day) AS g_day, GROUPING(unit_id) AS g_unit,
                   GROUPING(author_id) AS g_author, selection_union_id, industry_id, category_id, bucket, tier,
                   state, day, unit_id, author_id, COUNT(*) FILTER (WHERE {kept}) AS kept,
                   COUNT(*) FILTER (WHERE {kept} AND counted_rectified) AS rectified,
                   COUNT(*) FILTER (WHERE {kept} AND tier >= {int(Tier.PROVINCE)}) AS recommended,
                   COUNT(unit_score) FILTER (WHERE {kept}) AS scored, COUNT(*) AS everything
            FROM (SELECT b.*, FLOOR(b.unit_score / {HISTOGRAM_WIDTH}) AS bucket,
                         (b.submitted_at AT TIME ZONE %s)::date AS day FROM ({base}) b) e
            GROUP BY GROUPING SETS ({sets}))
        SELECT g_union, g_industry, g_category, g_bucket, g_tier_state, g_day, selection_union_id, industry_id,
               category_id, bucket, tier, state, day, kept, rectified, recommended, everything, scored,
               (SELECT COUNT(*) FROM g WHERE g_unit = 0 AND kept > 0 AND unit_id IS NOT NULL),
               (SELECT COUNT(*) FROM g WHERE g_author = 0 AND kept > 0 AND author_id IS NOT NULL)
        FROM g WHERE g_unit = 1 AND g_author = 1
    """  # noqa: S608 - integers and an enum value; the scope's values are parameters
    grouped = {"days": [], "unions": [], "industries": [], "categories": [], "buckets": [], "tier_states": []}
    totals = {"entries": 0, "units": 0, "authors": 0, "rectified": 0, "scored": 0, "recommended": 0}
    # The planner expects a group per entry (one per submission time, and per author) and, within the
    # default work_mem, plans sorts that spill to disk; the hash tables hold a few hundred groups and one
    # per author (~10 MB at 100,000 authors). At the default random_page_cost it prefers reading the whole
    # table to the covering index of the campaign's entries (portal.db_tuning).
    with tuned_cursor() as cursor:
        cursor.execute(sql, (timezone.get_current_timezone_name(), *params))
        fetched = cursor.fetchall()
    for (g_union, g_industry, g_category, g_bucket, g_tier_state, g_day, union_id, industry_id, category_id,
         bucket, tier, state, day, count, rectified, recommended, everything, scored, units, authors) in fetched:
        if g_union and g_industry and g_category and g_bucket and g_tier_state and g_day:
            totals.update(entries=count, units=units, authors=authors, rectified=rectified, scored=scored,
                          recommended=recommended)
        elif not g_tier_state:
            grouped["tier_states"].append({"tier": tier, "state": state, "count": everything})
        elif not count:
            continue  # withdrawn entries only: the ORM's WHERE would not have produced the group
        elif not g_union:
            grouped["unions"].append({"selection_union_id": union_id, "count": count, "rectified": rectified,
                                      "recommended": recommended})
        elif not g_industry:
            grouped["industries"].append({"industry_id": industry_id, "count": count})
        elif not g_category:
            grouped["categories"].append({"category_id": category_id, "count": count})
        elif not g_bucket and bucket is not None:
            grouped["buckets"].append({"bucket": bucket, "count": count})
        elif not g_day and day is not None:
            grouped["days"].append({"day": day, "count": count})
    _name_groups(grouped)
    return totals, grouped


def _name_groups(grouped: dict) -> None:
    """Add the names of the unions, industries and categories counted, and order the rows as _grouped."""
    names = dict(OrgNode.objects.filter(pk__in=[row["selection_union_id"] for row in grouped["unions"]])
                 .values_list("pk", "name"))
    for row in grouped["unions"]:
        row["selection_union__name"] = names.get(row["selection_union_id"])
    grouped["unions"].sort(key=lambda row: (-row["count"], row["selection_union__name"] is None,
                                            row["selection_union__name"] or ""))
    industries = {pk: (name, group, order) for pk, name, group, order in Industry.objects.filter(
        pk__in=[row["industry_id"] for row in grouped["industries"] if row["industry_id"]]).values_list(
        "pk", "name", "group", "order")}
    for row in grouped["industries"]:
        row["industry__name"], row["industry__group"], row["industry__order"] = industries.get(
            row["industry_id"], (None, None, None))
    grouped["industries"].sort(key=lambda row: (-row["count"], row["industry__order"] is None,
                                                row["industry__order"] or 0))
    categories = {pk: (name, order) for pk, name, order in HazardCategory.objects.filter(
        pk__in=[row["category_id"] for row in grouped["categories"] if row["category_id"]]).values_list(
        "pk", "name", "order")}
    for row in grouped["categories"]:
        row["category__name"], row["category__order"] = categories.get(row["category_id"], (None, None))
    grouped["categories"].sort(key=lambda row: (row["category__order"] is None, row["category__order"] or 0,
                                                row["category__name"] is None, row["category__name"] or ""))
    grouped["days"].sort(key=lambda row: row["day"])


def chart_data(figures: dict) -> dict:
    """What static/reports/js/dashboard.js draws, passed through json_script (text only, no markup)."""
    totals = figures["totals"]
    return {
        "overTime": {"labels": [row["day"].isoformat() for row in figures["days"]],
                     "daily": [row["count"] for row in figures["days"]],
                     "cumulative": [row["cumulative"] for row in figures["days"]],
                     "dailyLabel": _("当日提交"), "cumulativeLabel": _("累计")},
        "byUnion": {"labels": [_label(row["selection_union__name"], _("未知")) for row in figures["unions"]],
                    "datasets": [
                        {"label": _("作品数"), "data": [row["count"] for row in figures["unions"]]},
                        {"label": str(figures["rectified_label"]), "data": [row["rectified"] for row in figures["unions"]]},
                        {"label": _("已推荐省级"), "data": [row["recommended"] for row in figures["unions"]]}]},
        "byIndustry": {"labels": [row["label"] for row in figures["industries"]],
                       "data": [row["count"] for row in figures["industries"]], "label": _("作品数")},
        "byCategory": {"labels": [row["label"] for row in figures["categories"]],
                       "data": [row["count"] for row in figures["categories"]], "label": _("作品数")},
        "rectification": {"labels": [str(figures["rectified_label"]), _("尚未整改")],
                          "data": [totals["rectified"], totals["entries"] - totals["rectified"]]},
        "histogram": {"labels": [row["label"] for row in figures["histogram"]],
                      "data": [row["count"] for row in figures["histogram"]], "label": _("作品数")},
        "progress": {"labels": [str(row["label"]) for row in figures["progress"]],
                     "datasets": [{"label": str(label), "data": [row["counts"][index] for row in figures["progress"]]}
                                  for index, (_state, label) in enumerate(figures["states"])]},
    }
