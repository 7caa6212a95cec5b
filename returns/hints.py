"""The hints beside 附件2's criteria: what the portal sees in the return's period and the unit's subtree
(the ledger, the tip rewards, the 安康杯 activity records through returns.hints_registry). They inform the
filer, who still scores; a graded criterion's hint names the grade its record count reaches."""

from __future__ import annotations

from django.utils.translation import gettext as _

from returns import hints_registry, selectors
from returns.enums import CriterionHint
from returns.models import ChecklistCriterion, Return


def checklist_hints(report: Return, criteria: list[ChecklistCriterion]) -> dict[int, str]:
    """criterion id → its hint, for the criteria of `criteria` that have one."""
    kinds = {criterion.hint for criterion in criteria if criterion.hint}
    if not kinds:
        return {}
    node, window = report.filer.node, selectors.Window.of(report.period, report.year)
    texts = {}
    if kinds & {CriterionHint.LEDGER_ACTIVITY, CriterionHint.HAZARD_ARCHIVE}:
        found = selectors.hazards_found(node, window)
        texts[CriterionHint.LEDGER_ACTIVITY] = _("本期台账登记隐患%(n)s条（含随手拍、职工报告、巡查、举报）。") % {
            "n": found.count()}
        texts[CriterionHint.HAZARD_ARCHIVE] = _("本期%(n)s条隐患记录了班组和车间（三级档案）。") % {
            "n": found.exclude(team=None).exclude(workshop=None).count()}
    if CriterionHint.REWARDS in kinds:
        rewards, _amount = selectors.paid_rewards(node, window)
        texts[CriterionHint.REWARDS] = _("本期已发放举报奖励%(n)s笔。") % {"n": rewards}
    figures = (hints_registry.activity_figures(node, window.first, window.last)
               if CriterionHint.DRILLS in kinds else None)
    hints = {}
    for criterion in criteria:
        if criterion.hint == CriterionHint.DRILLS:
            hints[criterion.pk] = _drill_hint(criterion, figures)
        elif criterion.hint in texts:
            hints[criterion.pk] = texts[criterion.hint]
    return hints


def _drill_hint(criterion: ChecklistCriterion, figures: hints_registry.ActivityFigures | None) -> str:
    if figures is None:
        return _("门户没有本单位本期的“安康杯”活动记录，请上传演练记录作为佐证。")
    points = criterion.points_for_count(figures.drills)
    if points is None:
        return _("本期“安康杯”活动记录中应急演练%(n)s次。") % {"n": figures.drills}
    return _("本期“安康杯”活动记录中应急演练%(n)s次，按评分档次可得%(p)s分。") % {
        "n": figures.drills, "p": format(points.normalize(), "f")}
