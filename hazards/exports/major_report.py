"""重大事故隐患报告 (原安监总局令第16号 §14): what the unit reports to the regulator about a 重大 hazard, in
the order of the rule — (一) 隐患的现状及其产生原因, (二) 隐患的危害程度和整改难易程度分析, (三) 隐患的治理方案.

The ledger knows part of each (the description, category, LEC grading, criterion, interim measures,
deadline, cost, the approved plan); the boxes leave room to complete the analysis by hand."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext as _

from hazards.exports.layout import BLANK_DATE, FormSheet, chinese_date, person
from hazards.exports.notice import hazard_place, lec_text
from hazards.models import HazardPlan
from portal.exports.base import FormExporter, SheetLayout


def plan_parts(plan) -> list[tuple[str, str]]:
    """The six parts of a 治理方案 (§15) as (label, text), in the rule's order."""
    return [(str(HazardPlan._meta.get_field(name).verbose_name), getattr(plan, name)) for name in HazardPlan.PARTS]


class MajorReportExporter(FormExporter):
    """重大事故隐患报告 of one 重大 hazard (loaded through hazards_for_user; its plan, if any, prefetched)."""

    def __init__(self, hazard):
        self.hazard = hazard

    def total(self) -> int:
        return 1

    def sheets(self) -> Iterator[SheetLayout]:
        h = self.hazard
        plan = getattr(h, "plan", None)
        form = FormSheet(_("重大事故隐患报告"))
        form.title(_("重大事故隐患报告"), corner=_("编号：%(code)s") % {"code": h.code},
                   subtitle=_("报告单位：%(unit)s    报告日期：%(date)s") % {"unit": h.unit.name, "date": form.printed_on()})
        form.pairs(
            (_("隐患所在"), hazard_place(h)), (_("隐患地点"), h.location),
            (_("发现时间"), chinese_date(h.found_at)), (_("受理时间"), chinese_date(h.accepted_at)),
            (_("判定依据"), f"{h.criterion.standard} {h.criterion}" if h.criterion_id else ""),
        )
        form.section(_("一、隐患的现状及其产生原因"))
        form.box(_("现状"), h.description, minimum=70)
        form.box(_("产生原因"), _("隐患类别：%(category)s") % {"category": h.get_category_display()}, minimum=60)
        form.section(_("二、隐患的危害程度和整改难易程度分析"))
        form.box(_("危害程度"), "\n".join([_("风险评价：%(lec)s") % {"lec": lec_text(h)},
                                          _("临时管控措施：%(text)s") % {"text": h.interim_measures or "—"}]), minimum=60)
        difficulty = [_("整改期限：%(date)s") % {"date": chinese_date(h.deadline) or "—"}]
        if h.cost is not None:
            difficulty.append(_("整改资金：%(cost)s元") % {"cost": h.cost})
        form.box(_("整改难易程度"), "\n".join(difficulty), minimum=60)
        form.section(_("三、隐患的治理方案"))
        if plan is None:
            form.box(_("治理方案"), _("治理方案尚未提交。"), minimum=40)
        else:
            for label, text in plan_parts(plan):
                form.box(label, text, minimum=30)
        if h.regulator_listed:
            form.pairs((_("挂牌督办"), _("%(date)s 挂牌督办") % {"date": chinese_date(h.regulator_listed_at)}))
        form.signatures(_("报告单位"), [
            _("单位主要负责人（签字）：%(name)s") % {"name": person(plan.approved_by) if plan and plan.approved_by
                                              else "________"},
            _("（单位盖章）"), _("日期：%(date)s") % {"date": BLANK_DATE}])
        yield form.layout
