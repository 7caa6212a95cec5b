"""附件2 评审报名汇总表: one row per recommended entry of a city/industry union, or of the province."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from portal.exports.base import Exporter, local_date
from review.reports.rules import contact_union_ids
from review.reports.selectors import selection_grades, unit_assessments
from scoring.formula import SCALE_CODES
from submissions.models import Entry

SCORE_FORMAT = "0.000"


class SummaryExporter(Exporter):
    """附件2 for `entries` (already scoped and ordered by review.reports.selectors.export_entries).

    Columns: 序号, 照片名称, 作者姓名, 作者单位, [推荐市或产业 when several unions are listed], 所属行业,
    隐患类别, 隐患地点, L, E, C, X, Y, D, 推荐等次 (the city/industry union's grade), [联系电话 only for
    users who may see the contacts: the committee and the union's own staff]. Three queries whatever
    the number of rows: entries (streamed), unit assessments, grades.
    """

    sheet_title = "附件2 评审报名汇总表"

    def __init__(self, entries: QuerySet[Entry], *, user, campaign, heading: str, several_unions: bool):
        self.entries = entries
        self.campaign = campaign
        self.heading = heading
        self.several_unions = several_unions
        self.contact_unions = contact_union_ids(user)
        # The phone column exists only for someone who may see some contacts; rows outside their
        # unions leave it empty.
        self.show_phone = self.contact_unions is None or bool(self.contact_unions)
        self.headers = [_("序号"), _("照片名称"), _("作者姓名"), _("作者单位")]
        # Narrow enough for a landscape A4 page at nearly full size; long texts wrap.
        self.column_widths = [5, 18, 9, 22]
        if several_unions:
            self.headers.append(_("推荐市或产业"))
            self.column_widths.append(13)
        self.headers += [_("所属行业"), _("隐患类别"), _("隐患地点"), *SCALE_CODES, "D", _("推荐等次")]
        self.column_widths += [11, 11, 15, 5, 5, 5, 5, 5, 8, 9]
        if self.show_phone:
            self.headers.append(_("联系电话"))
            self.column_widths.append(13)
        self.number_formats = {self.headers.index("D"): SCORE_FORMAT}
        self._count = None

    def title_rows(self) -> list[str]:
        return [
            _("%(campaign)s评审报名汇总表") % {"campaign": self.campaign.title},
            _("推荐市或产业：%(heading)s　　　　填报日期：%(date)s") % {
                "heading": self.heading, "date": local_date().strftime("%Y-%m-%d")},
        ]

    def total(self) -> int:
        if self._count is None:
            self._count = self.entries.count()
        return self._count

    def rows(self):
        assessments = unit_assessments(self.entries)
        grades = selection_grades(self.entries)
        # Plain tuples, not model instances: ten thousand rows stream in a fraction of the time.
        columns = ("pk", "title", "author_name", "unit__name", "selection_union_id", "selection_union__name",
                   "industry__group", "industry__name", "category__name", "location", "unit_score", "contact_phone")
        for number, values in enumerate(self.entries.values_list(*columns).iterator(chunk_size=2000), start=1):
            (pk, title, author, unit, union_id, union, industry_group, industry, category, location, unit_score,
             phone) = values
            assessment = assessments.get(pk)
            row = [number, title, author, unit]
            if self.several_unions:
                row.append(union)
            row += [f"{industry_group}（{industry}）" if industry_group else industry or "", category or "", location]
            row += [assessment.value(code) for code in SCALE_CODES] if assessment else [None] * len(SCALE_CODES)
            row.append(assessment.d if assessment else unit_score)
            row.append(grades.get(pk, ""))
            if self.show_phone:
                visible = self.contact_unions is None or union_id in self.contact_unions
                row.append(phone if visible else "")
            yield row
