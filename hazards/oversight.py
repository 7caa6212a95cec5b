"""What the levels above a unit read: the hazards reported up to them (逐级报告) and a unit's 职代会
summary of its 重大 hazards (安全生产法 §41). Both start from hazards.scoping.hazards_for_user."""

import datetime

from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone

from hazards.enums import DEADLINE_STATES, OPEN_STATES, HazardLevel, HazardState
from hazards.models import Hazard, UpwardReport
from hazards.roles import AREA_UNION, UNIT_MANAGEMENT, UNIT_UNION
from hazards.scoping import hazards_for_user
from portal.accounts.enums import RoleKind

QUARTERS = {1: (1, 3), 2: (4, 6), 3: (7, 9), 4: (10, 12)}


def reported_for_user(user):
    """The hazards of the user's scope that were reported up where the user stands: to their union or a
    union below it; to the regulator, for the area's liaison; any report of their own unit's hazards."""
    reports = Q()
    for role in user.role_list if user.is_authenticated else ():
        if role.node_id is None:
            continue
        if role.kind in (*UNIT_MANAGEMENT, *UNIT_UNION):
            reports |= Q(hazard__unit_id=role.node_id)
        elif role.kind in AREA_UNION:
            reports |= Q(to_node__path__startswith=role.node.path)
        elif role.kind == RoleKind.REGULATOR:
            reports |= Q(to_regulator=True, hazard__unit__path__startswith=role.node.path)
    if not reports:
        return Hazard.objects.none()
    latest = UpwardReport.objects.filter(hazard=OuterRef("pk")).order_by("-reported_at", "-id")
    return (hazards_for_user(user)
            .filter(Exists(UpwardReport.objects.filter(reports, hazard=OuterRef("pk"))))
            .annotate(reported_to=Subquery(latest.values("to_node__name")[:1]),
                      reported_reason=Subquery(latest.values("reason")[:1]),
                      reported_at=Subquery(latest.values("reported_at")[:1]),
                      reported_to_regulator=Subquery(latest.values("to_regulator")[:1])))


def period_bounds(year: int, quarter: int | None) -> tuple[datetime.date, datetime.date]:
    """The first and last day of a year, or of one of its quarters."""
    first, last = QUARTERS[quarter] if quarter else (1, 12)
    end = datetime.date(year + (last == 12), last % 12 + 1, 1) - datetime.timedelta(days=1)
    return datetime.date(year, first, 1), end


def congress_summary(user, unit, year: int, quarter: int | None = None, today: datetime.date | None = None) -> dict:
    """The 职代会 summary of `unit` for a period: its 重大 hazards found by the end of the period and not
    closed before it began, with their state; the totals the report to the congress states."""
    today = today or timezone.localdate()
    start, end = period_bounds(year, quarter)
    hazards = list(
        hazards_for_user(user).filter(unit=unit, level=HazardLevel.MAJOR, found_at__date__lte=end)
        .filter(Q(closed_at__isnull=True) | Q(closed_at__date__gte=start))
        .select_related("criterion", "responsible", "plan").order_by("found_at", "id"))
    rows = [{"hazard": h, "overdue": h.state in DEADLINE_STATES and h.deadline is not None and h.deadline < today,
             "plan_approved": bool(getattr(h, "plan", None) and h.plan.is_approved)} for h in hazards]
    return {
        "start": start, "end": end, "rows": rows,
        "totals": {
            "count": len(rows),
            "found": sum(1 for h in hazards if timezone.localdate(h.found_at) >= start),
            "closed": sum(1 for h in hazards if h.closed_at and timezone.localdate(h.closed_at) <= end),
            "open": sum(1 for h in hazards if h.state in OPEN_STATES),
            "overdue": sum(1 for row in rows if row["overdue"]),
            "listed": sum(1 for h in hazards if h.regulator_listed),
            "reviewed": sum(1 for h in hazards if h.state == HazardState.REVIEWED),
        },
    }
