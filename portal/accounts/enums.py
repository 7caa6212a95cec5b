from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.directory.enums import FIRST_REVIEW_KINDS, SELECTION_KINDS, NodeKind


class RoleKind(models.TextChoices):
    WORKER = "worker", _("职工")
    UNIT = "unit", _("单位工会")
    COUNTY = "county", _("县级/集团工会评审")
    CITY = "city", _("市/产业工会评审")
    EXPERT = "expert", _("省级评审专家")
    COMMITTEE = "committee", _("省活动组委会")


# Where in the directory each role is anchored; an expert may be tied to a city/industry union
# (their own, so they never score its entries) or to nothing.
ROLE_NODE_KINDS: dict[str, tuple[str, ...]] = {
    RoleKind.WORKER: (NodeKind.UNIT,),
    RoleKind.UNIT: (NodeKind.UNIT,),
    RoleKind.COUNTY: FIRST_REVIEW_KINDS,
    RoleKind.CITY: SELECTION_KINDS,
    RoleKind.EXPERT: SELECTION_KINDS,
    RoleKind.COMMITTEE: (NodeKind.PROVINCE,),
}
ROLE_NODE_REQUIRED = {kind: kind != RoleKind.EXPERT for kind in RoleKind.values}

# The order in which a user holding several roles is sent to a home page after login.
ROLE_PRIORITY = [RoleKind.COMMITTEE, RoleKind.EXPERT, RoleKind.CITY, RoleKind.COUNTY, RoleKind.UNIT,
                 RoleKind.WORKER]
