"""重大事故隐患治理方案 (原安监总局令第16号 §15): the six parts of a 重大 hazard's plan, approved and
signed by the unit's 主要负责人."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext as _

from hazards.exports.layout import BLANK_DATE, FormSheet, chinese_date, person
from hazards.exports.major_report import plan_parts
from hazards.exports.notice import hazard_place
from portal.exports.base import FormExporter, SheetLayout

NUMERALS = "一二三四五六"


class PlanExporter(FormExporter):
    """治理方案 of one 重大 hazard that has one (loaded through hazards_for_user)."""

    def __init__(self, hazard):
        self.hazard = hazard

    def total(self) -> int:
        return 1

    def sheets(self) -> Iterator[SheetLayout]:
        h, plan = self.hazard, self.hazard.plan
        form = FormSheet(_("治理方案"))
        form.title(_("重大事故隐患治理方案"), corner=_("编号：%(code)s") % {"code": h.code},
                   subtitle="" if plan.is_approved else _("（未批准）"))
        form.pairs((_("隐患所在"), hazard_place(h)), (_("隐患地点"), h.location),
                   (_("判定依据"), f"{h.criterion.standard} {h.criterion}" if h.criterion_id else ""))
        form.box(_("隐患内容"), h.description, minimum=40)
        for numeral, (label, text) in zip(NUMERALS, plan_parts(plan), strict=True):
            form.box(f"（{numeral}）{label}", text, minimum=50)
        form.signatures(_("编制"), [_("编制人（签字）：%(name)s") % {"name": person(plan.submitted_by) or "________"},
                                    _("日期：%(date)s") % {"date": chinese_date(plan.submitted_at) or BLANK_DATE}])
        form.signatures(_("批准"), [
            _("单位主要负责人（签字）：%(name)s") % {"name": person(plan.approved_by) or "________"},
            _("（单位盖章）"), _("日期：%(date)s") % {"date": chinese_date(plan.approved_at) or BLANK_DATE}])
        yield form.layout
