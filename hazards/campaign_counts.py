"""The 随手拍 campaign counts its hazards from the ledger (issue 15, item 6): registered with
review.reports.hazard_counts in HazardsConfig.ready, so that 附件3's 发现隐患数/整改隐患数 and the /stats/
dashboard's 已整改 follow what the unit did with each entry's hazard.

- found: a submitted entry, unless the unit declined its hazard (不予受理: not a hazard);
- rectified: its hazard was verified (已验收 or later); an entry not (yet) in the ledger counts as before,
  by its rectification photos.
"""

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from hazards.enums import RECTIFIED_STATES, HazardState
from hazards.models import Hazard
from review.reports.hazard_counts import HazardCounting, register


def _hazard(**conditions) -> Exists:
    return Exists(Hazard.objects.filter(entry=OuterRef("pk"), **conditions))


def found():
    return ~Q(_hazard(state=HazardState.DECLINED))


def rectified():
    return Q(_hazard(state__in=RECTIFIED_STATES)) | (Q(has_rectification_photos=True) & ~Q(_hazard()))


LEDGER = HazardCounting(
    found=found, rectified=rectified,
    found_definition=_("已提交的作品数，不含单位不予受理的隐患（按隐患台账）"),
    rectified_definition=_("隐患台账中已验收（含工会确认、销号、复查）的作品隐患数；尚未进入台账的作品按有无整改后照片"),
    rectified_label=_("已整改（台账验收）"),
)


def register_ledger_counting() -> None:
    register(LEDGER)
