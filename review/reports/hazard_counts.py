"""How 附件3 (发现隐患数, 整改隐患数) and the statistics dashboard (已整改) count the hazards of the
campaign's entries: a condition on Entry for each, provided by the app that keeps the hazard ledger.

review.reports sits below hazards and does not import it: hazards registers its counting here (its
AppConfig.ready), as review.experts registers its presenter with scoring.presenters. With nothing
registered the counts are what the entries alone say: every submitted entry reports one hazard, and an
entry with rectification photos counts as rectified.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Q
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy

from portal.hook_slot import HookSlot


@dataclass(frozen=True)
class HazardCounting:
    """Conditions on Entry (each a function returning a Q or a boolean expression, built per query):
    `found` — the entry counts as a hazard found (None: every submitted entry); `rectified` — as a
    hazard rectified. The texts say so on the pages (附件3's definitions, the dashboard's column)."""

    found: Callable[[], object] | None
    rectified: Callable[[], object]
    found_definition: str
    rectified_definition: str
    rectified_label: str


ENTRIES_ONLY = HazardCounting(
    found=None,
    rectified=lambda: Q(has_rectification_photos=True),
    found_definition=gettext_lazy("已提交的作品数（每件作品报告一处隐患）"),
    rectified_definition=gettext_lazy("已提交且有整改后照片的作品数"),
    rectified_label=gettext_lazy("有整改后照片"),
)

_slot: HookSlot[HazardCounting] = HookSlot("review.reports.hazard_counting", default=ENTRIES_ONLY)
# Count from the registered counting from now on (the last registration wins); hazard_counting() gives it,
# or ENTRIES_ONLY when nothing is registered.
register, unregister, hazard_counting = _slot.register, _slot.unregister, _slot.get


def found_condition():
    """The `filter` of 发现隐患数's Count (None: no condition)."""
    found = hazard_counting().found
    return found() if found is not None else None


def rectified_condition():
    """The `filter` of 整改隐患数's Count."""
    return hazard_counting().rectified()


# The definitions as pages show them, read when shown (the registration happens after import).
found_definition = lazy(lambda: str(hazard_counting().found_definition), str)
rectified_definition = lazy(lambda: str(hazard_counting().rectified_definition), str)
rectified_label = lazy(lambda: str(hazard_counting().rectified_label), str)
