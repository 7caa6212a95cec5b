"""附件1 and 附件2 as rows, for the pages and the xlsx exports alike (one reading of a return)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from returns import services
from returns.enums import (
    ACTIVITY_SOURCES,
    COMPUTED_SOURCES,
    DIRECTORY_SOURCES,
    HAZARD_SOURCES,
    REWARD_SOURCES,
    CellSource,
    CellUnit,
)
from returns.models import Return, ReturnCell


@dataclass
class CellView:
    row: ReturnCell
    source: str
    total: Decimal | None
    derived: bool  # an enterprise's 化工 sub-count, following its total
    typed: bool  # the filer types the value (services.typed_here)
    field: object = None  # the bound input of an editable cell (set by the page)
    reason_field: object = None

    @property
    def cell(self):
        return self.row.cell

    @property
    def code(self) -> str:
        return self.row.cell.code

    @property
    def computed(self) -> bool:
        return (self.source in COMPUTED_SOURCES and not self.typed) or self.derived

    @property
    def own(self) -> bool:
        return self.source != CellSource.NONE

    @property
    def drillable(self) -> bool:
        return bool(self.drill_kind)

    @property
    def drill_kind(self) -> str:
        """What the cell opens down to (returns.views.cell): hazards, activities, rewards, nodes, or ""."""
        if self.source in HAZARD_SOURCES:
            return "hazards"
        if self.opens_activities:
            return "activities"
        if self.source in REWARD_SOURCES:
            return "rewards"
        if self.source in DIRECTORY_SOURCES:
            return "nodes"
        return ""

    @property
    def opens_activities(self) -> bool:
        """A training cell proposed from the 安康杯 activity records (opened down to them)."""
        return self.source in ACTIVITY_SOURCES and self.row.computed is not None

    @property
    def is_money(self) -> bool:
        return self.row.cell.unit == CellUnit.WAN_YUAN


@dataclass
class StatRow:
    cells: list[CellView] = field(default_factory=list)


def stat_rows(report: Return) -> list[StatRow]:
    """The paper form's rows (one or two cells each), with each cell's own value, source and total."""
    level = report.filer.level
    totals = services.totals(report)
    rows: dict[int, StatRow] = {}
    for row in report.cells.select_related("cell").order_by("cell__row", "cell__column"):
        source = row.cell.source_for(level)
        derived = services.derived_chemical(row, level)
        rows.setdefault(row.cell.row, StatRow()).cells.append(
            CellView(row=row, source=source, total=totals.get(row.cell.code), derived=derived,
                     typed=services.typed_here(row, level)))
    return list(rows.values())


@dataclass
class ItemView:
    item: object
    scores: list = field(default_factory=list)
    first_in_section: bool = False
    section_size: int = 0


def checklist_rows(report: Return) -> list[ItemView]:
    """附件2's items in order, each with its criteria's scores; the section's first item carries its size."""
    items: dict[int, ItemView] = {}
    for score in report.scores.select_related("criterion__item").order_by("criterion__item__number",
                                                                          "criterion__position"):
        item = score.criterion.item
        items.setdefault(item.pk, ItemView(item=item)).scores.append(score)
    views = list(items.values())
    previous = None
    for view in views:
        if view.item.section != previous:
            view.first_in_section = True
            view.section_size = sum(1 for other in views if other.item.section == view.item.section)
            previous = view.item.section
    return views
