"""State changes of the reports app; views call these, never the ORM directly."""

from __future__ import annotations

import rules
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit.services import record_audit
from portal.campaigns.enums import PhaseKind
from review.phases import phase_ended
from review.reports.models import StatisticsReport
from review.reports.selectors import counted_entries
from review.reports.statistics import COUNTED, FIGURES, NUMBERS, system_figures

FIELDS = (*NUMBERS, "other", "note")


def counted_figures(report: StatisticsReport, *, user) -> dict[str, int]:
    """What the system counts for `report`'s union among the entries `user` may see."""
    return system_figures(counted_entries(user, report.campaign).filter(selection_union=report.union))


def statistics_deadline_passed(campaign, at=None) -> bool:
    """附件3 goes to the province with the recommendations: closed once that phase has ended."""
    return phase_ended(campaign, PhaseKind.RECOMMENDATION, at)


@transaction.atomic
def submit_statistics(report: StatisticsReport, *, actor, request=None) -> StatisticsReport:
    """Submit (or submit again) `report`, a union's 附件3 with the figures set by its staff.

    Only the union's own 市/产业工会 staff may (PermissionDenied otherwise), and only until the
    recommendation deadline. Counted figures that differ from what the system counts need a note;
    整改隐患数 cannot exceed 发现隐患数 (ValidationError with Chinese messages). The system's counts are
    kept with the report, and the change is audited as "reports.submit_statistics" with old and new values.
    """
    if not rules.has_perm("reports.submit_statistics", actor, report.union):
        raise PermissionDenied
    if statistics_deadline_passed(report.campaign):
        raise ValidationError(_("推荐截止时间已过，统计表不能再报送或修改。"), code="closed")
    previous = (StatisticsReport.objects.select_for_update()
                .filter(campaign=report.campaign, union=report.union).first())
    counted = counted_figures(report, user=actor)
    errors = {}
    for name in NUMBERS:
        value = getattr(report, name)
        if value is None or value < 0:
            errors[name] = _("请填写不小于 0 的整数。")
    if not errors and report.hazards_rectified > report.hazards_found:
        errors["hazards_rectified"] = _("整改隐患数不能大于发现隐患数。")
    report.note = (report.note or "").strip()
    report.other = (report.other or "").strip()
    adjusted = [str(figure.label) for figure in FIGURES
                if figure.name in COUNTED and getattr(report, figure.name) != counted[figure.name]]
    if adjusted and not report.note and "note" not in errors:
        errors["note"] = _("%(figures)s与系统统计数不同，请在说明中写明依据。") % {"figures": "、".join(adjusted)}
    if errors:
        raise ValidationError(errors)
    if previous is not None:
        report.pk = previous.pk
        old = {name: getattr(previous, name) for name in FIELDS}
    else:
        old = dict.fromkeys(FIELDS)
    report.system_figures = counted
    report.submitted_by = actor
    report.submitted_at = timezone.now()
    report.full_clean(exclude=["campaign", "union"], validate_unique=False)
    report.save()
    changes = {name: [old[name], getattr(report, name)] for name in FIELDS if old[name] != getattr(report, name)}
    record_audit(actor, "reports.submit_statistics", report, summary=_("报送统计表：%(union)s") % {
        "union": report.union.name}, changes={**changes, "system_figures": counted}, request=request)
    return report
