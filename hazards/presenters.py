"""How a hazard's finder is shown: the one function deciding it (the pain point of seed 004: workers do
not want to "得罪人", so unit management sees "职工上报" unless the finder chose to be named)."""

from django.utils.translation import gettext as _

from hazards.enums import HazardSource
from hazards.rules import is_finder, is_union_staff


def finder_display(hazard, viewer) -> str:
    """The finder's name for the finder, union staff in scope, or anyone when the finder chose to be
    named; otherwise "职工上报"."""
    if hazard.source == HazardSource.TIP:
        return _("举报人（已保密）")  # the identity stays in the tips vault, never in the ledger
    if hazard.finder_id is None:
        return _("职工上报")
    if hazard.finder_named or is_finder(viewer, hazard) or is_union_staff(viewer, hazard):
        return hazard.finder.get_full_name()
    return _("职工上报")
