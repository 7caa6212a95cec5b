"""What the 安康杯 activity records say about a filer's period: the 应急演练 behind 附件2 item 4's hint and the
安全生产培训 behind 附件1's 企业组织开展安全生产培训次数 / 接受安全培训职工人数.

returns sits below ankang and does not import it: ankang registers its counting here in its AppConfig.ready
(ankang/returns_hooks.py), as hazards fills review.reports.hazard_counts. Which activity types count as a
drill or a training is data of the 安康杯 calendar. With nothing registered, or when the unit keeps no
activity records for the period, the portal knows nothing: the hint says so and the training cells are typed.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from portal.hook_slot import HookSlot


@dataclass(frozen=True)
class ActivityFigures:
    """The activity records of a subtree in a period: drills held, trainings held, and the participants of
    the trainings (person-times: a worker at two trainings counts twice)."""

    drills: int
    trainings: int
    trainees: int


@dataclass(frozen=True)
class ActivityRow:
    """One activity record behind a training cell, as the cell's drill-down lists it."""

    held_on: datetime.date
    unit: str
    activity: str
    participants: int
    url: str


def _no_rows(node, first: datetime.date, last: datetime.date) -> list[ActivityRow]:
    return []


@dataclass(frozen=True)
class ActivityHooks:
    """What the app keeping the activity records answers for (node, first day, last day): `figures`, or
    None when the node's units keep no activity records then; `trainings`, the training records counted."""

    figures: Callable[[object, datetime.date, datetime.date], ActivityFigures | None]
    trainings: Callable[[object, datetime.date, datetime.date], list[ActivityRow]] = _no_rows


_slot: HookSlot[ActivityHooks] = HookSlot("returns.activity_hooks")
# Count from the registered hooks from now on (the last registration wins); None when nothing is registered.
register, unregister, registered = _slot.register, _slot.unregister, _slot.get


def activity_figures(node, first: datetime.date, last: datetime.date) -> ActivityFigures | None:
    """The activity figures of `node`'s subtree from `first` to `last` (both included), None when unknown."""
    hooks = registered()
    return hooks.figures(node, first, last) if hooks is not None else None


def training_records(node, first: datetime.date, last: datetime.date) -> list[ActivityRow]:
    """The training records behind 附件1's training cells for `node`'s subtree and those dates."""
    hooks = registered()
    return hooks.trainings(node, first, last) if hooks is not None else []
