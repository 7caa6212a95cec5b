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


@dataclass(frozen=True)
class ActivityFigures:
    """The activity records of a subtree in a period: drills held, trainings held, and the participants of
    the trainings (person-times: a worker at two trainings counts twice)."""

    drills: int
    trainings: int
    trainees: int


# (node, first day, last day) -> the figures, or None when the node's units keep no activity records then.
ActivityCounting = Callable[[object, datetime.date, datetime.date], ActivityFigures | None]

_registered: list[ActivityCounting] = []


def register(counting: ActivityCounting) -> None:
    """Count from `counting` from now on (the last registration wins)."""
    _registered[:] = [counting]


def unregister() -> None:
    _registered.clear()


def registered() -> ActivityCounting | None:
    return _registered[0] if _registered else None


def activity_figures(node, first: datetime.date, last: datetime.date) -> ActivityFigures | None:
    """The activity figures of `node`'s subtree from `first` to `last` (both included), None when unknown."""
    counting = registered()
    return counting(node, first, last) if counting is not None else None
