from django.db import models
from django.utils.translation import gettext_lazy as _


class NodeKind(models.TextChoices):
    PROVINCE = "province", _("省总工会")
    CITY = "city", _("市总工会")
    COUNTY = "county", _("县（市、区）总工会")
    INDUSTRY = "industry", _("省级产业工会")
    GROUP = "group", _("大型集团企业工会")
    UNIT = "unit", _("基层单位")


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
}

# The tier above the unit: county union or group enterprise (初评).
FIRST_REVIEW_KINDS = (NodeKind.COUNTY, NodeKind.GROUP)
# The tier that recommends to the province: city union or provincial industry union (甄选).
SELECTION_KINDS = (NodeKind.CITY, NodeKind.INDUSTRY)
