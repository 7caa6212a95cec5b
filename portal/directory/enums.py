from django.db import models
from django.utils.translation import gettext_lazy as _


class NodeKind(models.TextChoices):
    PROVINCE = "province", _("省总工会")
    CITY = "city", _("市总工会")
    COUNTY = "county", _("县（市、区）总工会")
    INDUSTRY = "industry", _("省级产业工会")
    GROUP = "group", _("大型集团企业工会")
    UNIT = "unit", _("基层单位")
    # Below a unit (issue 15): where a worker works and where the lower inspection levels are planned.
    WORKSHOP = "workshop", _("车间")
    TEAM = "team", _("班组")


class Channel(models.TextChoices):
    TERRITORIAL = "territorial", _("属地")
    INDUSTRY = "industry", _("产业")


# Which kinds may sit directly under which: the notice's two channels, where a unit may also hang
# directly under a city or an industry union (a city-level enterprise skips the county tier).
ALLOWED_PARENTS: dict[str, tuple[str, ...]] = {
    NodeKind.PROVINCE: (),
    NodeKind.CITY: (NodeKind.PROVINCE,),
    NodeKind.INDUSTRY: (NodeKind.PROVINCE,),
    NodeKind.COUNTY: (NodeKind.CITY,),
    NodeKind.GROUP: (NodeKind.INDUSTRY, NodeKind.CITY),
    NodeKind.UNIT: (NodeKind.COUNTY, NodeKind.GROUP, NodeKind.CITY, NodeKind.INDUSTRY),
    # A 班组 sits in a 车间, or directly under the unit in a small enterprise without workshops.
    NodeKind.WORKSHOP: (NodeKind.UNIT,),
    NodeKind.TEAM: (NodeKind.WORKSHOP, NodeKind.UNIT),
}
# The kinds inside a unit: their full name is the unit's (or workshop's) name followed by their own, so it
# stays unique in the directory; `short_name` holds their own name ("机加工车间", "甲班").
WORKPLACE_KINDS = (NodeKind.WORKSHOP, NodeKind.TEAM)

# The tier above the unit: county union or group enterprise (初评).
FIRST_REVIEW_KINDS = (NodeKind.COUNTY, NodeKind.GROUP)
# The tier that recommends to the province: city union or provincial industry union (甄选).
SELECTION_KINDS = (NodeKind.CITY, NodeKind.INDUSTRY)
