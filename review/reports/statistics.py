"""附件3 统计表: the figures the system knows, a union's report, and the province roll-up.

What the system counts for a union, over its whole area and every tier (selectors.counted_entries):

- 参加单位数: distinct units with at least one submitted entry;
- 职工参与数: distinct authors of submitted entries;
- 发现隐患数: submitted entries (each entry reports one hazard);
- 整改隐患数: submitted entries with rectification photos.

When the hazard ledger is installed it decides the last two (review.reports.hazard_counts): an entry
whose hazard the unit declined is not counted as found, and one counts as rectified once the unit
verified its rectification in the ledger.

"Submitted" means neither a draft nor withdrawn. 覆盖班组数 and 其它 cannot be known by the system; the
union's staff fill them in, and may adjust the counted figures (offline participation) with a note.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.exports.base import Exporter, local_datetime
from review.reports.hazard_counts import (
    found_condition,
    found_definition,
    rectified_condition,
    rectified_definition,
)
from review.reports.models import StatisticsReport
from submissions.models import Entry


@dataclass(frozen=True)
class Figure:
    name: str
    label: str
    definition: str
    counted: bool = True


FIGURES = (
    Figure("participating_units", gettext_lazy("参加单位数"), gettext_lazy("有已提交作品的不同单位数")),
    Figure("teams_covered", gettext_lazy("覆盖班组数"), gettext_lazy("系统无法统计，请填写"), counted=False),
    Figure("participants", gettext_lazy("职工参与数"), gettext_lazy("提交作品的不同职工人数")),
    Figure("hazards_found", gettext_lazy("发现隐患数"), found_definition()),
    Figure("hazards_rectified", gettext_lazy("整改隐患数"), rectified_definition()),
)
COUNTED = tuple(figure.name for figure in FIGURES if figure.counted)
NUMBERS = tuple(figure.name for figure in FIGURES)


def _aggregates() -> dict:
    return {
        "participating_units": Count("unit", distinct=True),
        "participants": Count("author", distinct=True),
        "hazards_found": Count("id", filter=found_condition()),
        "hazards_rectified": Count("id", filter=rectified_condition()),
    }


def system_figures(entries: QuerySet[Entry]) -> dict[str, int]:
    """The counted figures of `entries` (already scoped to submitted entries of one union). One query."""
    return entries.order_by().aggregate(**_aggregates())


def system_figures_by_union(entries: QuerySet[Entry]) -> dict[int, dict[str, int]]:
    """union id → counted figures, for every union that has submitted entries. One query."""
    rows = entries.order_by().values("selection_union_id").annotate(**_aggregates())
    return {row.pop("selection_union_id"): row for row in rows}


@dataclass
class RollupRow:
    """One union's line of the roll-up: its filed report, or what the system counts when none was filed."""

    union: object
    report: StatisticsReport | None
    figures: dict[str, int | None] = field(default_factory=dict)
    other: str = ""
    note: str = ""

    @property
    def submitted(self) -> bool:
        return self.report is not None and self.report.is_submitted


def rollup(unions, reports: dict[int, StatisticsReport], counted: dict[int, dict[str, int]]) -> list[RollupRow]:
    """One row per union (a submitted report wins over the system's counts) in `unions` order."""
    rows = []
    empty = dict.fromkeys(COUNTED, 0)
    for union in unions:
        report = reports.get(union.pk)
        if report is not None and report.is_submitted:
            figures = {name: getattr(report, name) for name in NUMBERS}
            rows.append(RollupRow(union, report, figures, report.other, report.note))
        else:
            figures = {**empty, **counted.get(union.pk, {}), "teams_covered": None}
            rows.append(RollupRow(union, report, figures))
    return rows


def totals(rows: list[RollupRow]) -> dict[str, int | None]:
    result = {}
    for name in NUMBERS:
        values = [row.figures.get(name) for row in rows if row.figures.get(name) is not None]
        result[name] = sum(values) if values else None
    return result


def coverage(rows: list[RollupRow]) -> tuple[str, str]:
    """What the 合计 covers: (报送情况, 说明). A total over unions of which only some have filed mixes
    filed figures with the system's counts, and 覆盖班组数 and 其它 come from the filed ones alone
    (a 覆盖班组数 of 126 may be one union's of fourteen): the note names the unions it covers."""
    filed = [row for row in rows if row.submitted]
    count = {"filed": len(filed), "all": len(rows)}
    status = _("已报送 %(filed)d/%(all)d 个单位") % count
    if len(filed) == len(rows):
        return status, _("全部单位已报送，合计为各单位报送数之和。")
    if not filed:
        return status, _("均未报送：合计为系统统计数，覆盖班组数和其它未填报。")
    names = "、".join(str(row.union.name) for row in filed)
    return status, _("覆盖班组数和其它只含已报送的 %(filed)d 个单位（%(names)s）；其余 %(rest)d 个单位未报送，"
                     "按系统统计数计入。") % {**count, "names": names, "rest": len(rows) - len(filed)}


class StatisticsExporter(Exporter):
    """附件3 统计表: one row per union (with the roll-up's total when there are several)."""

    sheet_title = "附件3 统计表"

    def __init__(self, rows: list[RollupRow], *, campaign, heading: str):
        self.data = rows
        self.campaign = campaign
        self.heading = heading
        self.headers = [_("序号"), _("填报单位"), *[str(figure.label) for figure in FIGURES], _("其它"),
                        _("报送情况"), _("说明")]
        self.column_widths = [6, 28, 11, 11, 11, 11, 11, 18, 18, 30]

    def title_rows(self) -> list[str]:
        return [_("%(campaign)s统计表") % {"campaign": self.campaign.title},
                _("填报单位：%(heading)s") % {"heading": self.heading}]

    def total(self) -> int:
        return len(self.data)

    def rows(self):
        for number, row in enumerate(self.data, start=1):
            if row.submitted:
                status = _("已报送 %(at)s") % {"at": local_datetime(row.report.submitted_at).strftime("%Y-%m-%d")}
            else:
                status = _("未报送（系统统计数）")
            yield [number, row.union.name, *[row.figures.get(name) for name in NUMBERS], row.other, status,
                   row.note]
        if len(self.data) > 1:
            summed = totals(self.data)
            status, note = coverage(self.data)
            yield ["", _("合计"), *[summed[name] for name in NUMBERS], "", status, note]
