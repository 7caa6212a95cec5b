"""隐患整改通知单: one accepted hazard on one A4 page, to print, hand to the responsible person and sign.

The finder is not on it (the notice goes to the people who rectify: seed 004's "不愿得罪人")."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext as _

from hazards.exports.layout import BLANK_DATE, FormSheet, chinese_date, person
from portal.exports.base import FormExporter, SheetLayout


def hazard_place(hazard) -> str:
    """单位 车间 班组, as far as they are known (text or directory node alike)."""
    return " ".join(part for part in (str(hazard.unit.name), str(hazard.workshop or ""), str(hazard.team or ""))
                    if part)


def level_text(hazard) -> str:
    if not hazard.level:
        return ""
    text = str(hazard.get_level_display())
    if hazard.is_major and hazard.criterion_id:
        text += _("（判定依据：%(clause)s）") % {"clause": hazard.criterion}
    return text


def lec_text(hazard) -> str:
    d = hazard.lec_d
    if d is None:
        return _("未评价")
    return f"L={_number(hazard.lec_l)} × E={_number(hazard.lec_e)} × C={_number(hazard.lec_c)}，D={_number(d)}"


def _number(value) -> str:
    """2, 1.8, 90 (not 2.00 or 90.000000)."""
    return format(value.normalize(), "f")


class NoticeExporter(FormExporter):
    """隐患整改通知单 of one hazard (the caller loaded it through hazards_for_user)."""

    def __init__(self, hazard):
        self.hazard = hazard

    def total(self) -> int:
        return 1

    def sheets(self) -> Iterator[SheetLayout]:
        h = self.hazard
        form = FormSheet(_("整改通知单"))
        form.layout.one_page = True
        form.title(_("隐患整改通知单"), corner=_("编号：%(code)s") % {"code": h.code})
        form.pairs(
            (_("整改单位"), hazard_place(h)),
            (_("隐患地点"), h.location),
            (_("发现时间"), chinese_date(h.found_at)),
            (_("隐患来源"), h.get_source_display()),
            (_("隐患类别"), h.get_category_display()),
            (_("隐患级别"), level_text(h)),
            (_("风险评价"), lec_text(h)),
        )
        form.box(_("隐患内容"), h.description, minimum=70)
        form.box(_("临时管控措施"), h.interim_measures, minimum=50)
        form.pairs((_("整改责任人"), person(h.responsible)), (_("整改期限"), chinese_date(h.deadline)))
        form.box(_("整改要求"), _(
            "请于%(deadline)s前完成整改，整改期间落实临时管控措施，确保安全；整改完成后在系统中提交整改情况、"
            "整改资金和整改后照片，申请验收。不能按期完成的，应在期限届满前申请延期。") % {
            "deadline": chinese_date(h.deadline)}, minimum=50)
        form.signatures(_("下达"), [_("下达人（签字）：%(name)s") % {"name": person(h.assigned_by) or "________"},
                                    _("日期：%(date)s") % {"date": chinese_date(h.accepted_at) or BLANK_DATE}])
        form.signatures(_("签收"), [_("整改责任人（签字）：________"), _("日期：%(date)s") % {"date": BLANK_DATE}])
        form.signatures(_("整改完成情况"), [_("验收人（签字）：________"), _("日期：%(date)s") % {"date": BLANK_DATE}],
                        text=h.rectification_note)
        form.signatures(_("工会监督意见"), [_("工会劳动保护监督检查员（签字）：________"),
                                          _("日期：%(date)s") % {"date": BLANK_DATE}], text=h.union_comment)
        yield form.layout
