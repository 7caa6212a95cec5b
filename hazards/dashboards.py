"""The figures of a hazard dashboard for a unit, county or city: everything is aggregated in the
database from one scoped queryset (hazards_for_user narrowed to the node's subtree), in a fixed number
of queries whatever the number of hazards."""

import datetime
import statistics

from django.db import connection
from django.db.models import Aggregate, Count, DurationField, ExpressionWrapper, F, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from hazards.charts import bar_chart
from hazards.enums import DEADLINE_STATES, OPEN_STATES, HazardCategory, HazardLevel, HazardState
from hazards.inspection_models import InspectionPlan
from hazards.inspections import compliance_rows, with_last_round
from portal.directory.enums import NodeKind
from portal.directory.models import OrgNode

MONTHS = 12
REPEATS_SHOWN = 10
MEDIAN_WINDOW_DAYS = 365  # the median counts the hazards closed within the last year


class Median(Aggregate):
    """PostgreSQL's PERCENTILE_CONT(0.5) of an interval (other databases: computed in Python)."""

    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()


def _month_start(today: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(today.year, today.month, 1))


def _months_back(today: datetime.date, count: int) -> list[datetime.date]:
    months, year, month = [], today.year, today.month
    for _index in range(count):
        months.append(datetime.date(year, month, 1))
        year, month = (year, month - 1) if month > 1 else (year - 1, 12)
    return months[::-1]


def _median_days(closed) -> float | None:
    """Median days from found to closed (one query)."""
    duration = ExpressionWrapper(F("closed_at") - F("found_at"), output_field=DurationField())
    if connection.vendor == "postgresql":
        median = closed.aggregate(median=Median(duration))["median"]
        return round(median.total_seconds() / 86400, 1) if median is not None else None
    spans = [(closed_at - found_at).total_seconds() / 86400
             for found_at, closed_at in closed.values_list("found_at", "closed_at")]
    return round(statistics.median(spans), 1) if spans else None


def inspection_compliance(hazards, node, today: datetime.date | None = None) -> dict | None:
    """The four-level inspection rounds of the plans under `node` (hazards.inspections computes each plan's
    periods in a fixed number of queries): periods due, done and missed, and how many plans missed one;
    None while no plan is set up there. `hazards` is unused: the plans are scoped by the node, which the
    dashboard's view has already checked against the user's scope."""
    plans = InspectionPlan.objects.filter(is_active=True, node__path__startswith=node.path)
    rows = compliance_rows(with_last_round(plans), today)
    if not rows:
        return None
    return {"plans": len(rows), "planned": sum(row.due for row in rows), "done": sum(row.done for row in rows),
            "missed": sum(row.missed for row in rows), "flagged": sum(1 for row in rows if row.flagged)}


def _children(hazards, node, today, month_start) -> list[dict]:
    """Per child of `node` (or per unit, for a unit: itself): open, overdue, closed this month. Two
    queries: the children and the counts grouped by unit path."""
    if node.kind == NodeKind.UNIT:
        return []
    children = list(OrgNode.objects.filter(parent=node, is_active=True).order_by("name"))
    counted = (hazards.values("unit__path").annotate(
        total=Count("id"), open=Count("id", filter=Q(state__in=OPEN_STATES)),
        overdue=Count("id", filter=Q(state__in=DEADLINE_STATES, deadline__lt=today)),
        closed=Count("id", filter=Q(closed_at__gte=month_start))).order_by())
    rows = {child.path: {"node": child, "total": 0, "open": 0, "overdue": 0, "closed": 0} for child in children}
    for row in counted:
        path = next((p for p in rows if row["unit__path"].startswith(p)), None)
        if path is None:
            continue
        for key in ("total", "open", "overdue", "closed"):
            rows[path][key] += row[key]
    return [row for row in rows.values() if row["total"]]


def dashboard(hazards, node, today: datetime.date | None = None) -> dict:
    """Every figure of the dashboard of `node` over `hazards` (the user's scoped queryset)."""
    today = today or timezone.localdate()
    month_start = _month_start(today)
    hazards = hazards.filter(unit__path__startswith=node.path).order_by()
    totals = hazards.aggregate(
        total=Count("id"), open=Count("id", filter=Q(state__in=OPEN_STATES)),
        overdue=Count("id", filter=Q(state__in=DEADLINE_STATES, deadline__lt=today)),
        closed_month=Count("id", filter=Q(closed_at__gte=month_start)),
        major_open=Count("id", filter=Q(state__in=OPEN_STATES, level=HazardLevel.MAJOR)))
    since = timezone.now() - datetime.timedelta(days=MEDIAN_WINDOW_DAYS)
    totals["median_days"] = _median_days(hazards.filter(closed_at__isnull=False, closed_at__gte=since))

    states = dict(hazards.values_list("state").annotate(count=Count("id")).order_by())
    categories = dict(hazards.values_list("category").annotate(count=Count("id")).order_by())
    repeats = list(hazards.values("unit__name", "location", "category").annotate(count=Count("id"))
                   .filter(count__gte=2).order_by("-count", "unit__name", "location")[:REPEATS_SHOWN])
    for row in repeats:
        row["category_label"] = HazardCategory(row["category"]).label

    months = _months_back(today, MONTHS)
    first = timezone.make_aware(datetime.datetime(months[0].year, months[0].month, 1))
    found = {timezone.localdate(row["month"]) if isinstance(row["month"], datetime.datetime) else row["month"]:
             row["count"] for row in hazards.filter(found_at__gte=first).annotate(month=TruncMonth("found_at"))
             .values("month").annotate(count=Count("id")).order_by()}
    closed = {timezone.localdate(row["month"]) if isinstance(row["month"], datetime.datetime) else row["month"]:
              row["count"] for row in hazards.filter(closed_at__gte=first).annotate(month=TruncMonth("closed_at"))
              .values("month").annotate(count=Count("id")).order_by()}
    children = _children(hazards, node, today, month_start)

    return {
        "totals": totals,
        "repeats": repeats,
        "children": children,
        "compliance": inspection_compliance(hazards, node, today),
        "charts": [
            bar_chart([(label, states.get(value, 0)) for value, label in HazardState.choices],
                      title=_("各状态隐患数")),
            bar_chart([(label, categories.get(value, 0)) for value, label in HazardCategory.choices],
                      title=_("各类别隐患数")),
            bar_chart([(f"{month:%Y-%m}", found.get(month, 0), closed.get(month, 0)) for month in months],
                      title=_("近12个月发现与销号"), series=(_("发现"), _("销号"))),
            *([bar_chart([(row["node"].name, row["open"], row["overdue"]) for row in children],
                         title=_("下级未销号与逾期隐患"), series=(_("未销号"), _("已逾期")))] if children else []),
        ],
    }
