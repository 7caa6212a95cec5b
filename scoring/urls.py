from django.urls import path, register_converter

from scoring import views
from submissions.enums import Tier

# Readable tier names in URLs; reverse() accepts the name or a Tier value: args=[pk, Tier.UNIT].
TIER_SLUGS = {Tier.UNIT: "unit", Tier.FIRST_REVIEW: "first-review", Tier.SELECTION: "selection",
              Tier.PROVINCE: "province"}
SLUG_TIERS = {slug: tier for tier, slug in TIER_SLUGS.items()}


class TierConverter:
    regex = "|".join(SLUG_TIERS)

    def to_python(self, value: str) -> Tier:
        return SLUG_TIERS[value]

    def to_url(self, value) -> str:
        if isinstance(value, str) and value in SLUG_TIERS:
            return value
        return TIER_SLUGS[Tier(int(value))]  # ValueError for anything else, which reverse() reports


# Prefixed: converter names are global to the project.
register_converter(TierConverter, "scoring_tier")

app_name = "scoring"
urlpatterns = [
    path("entries/<int:pk>/", views.entry_summary, name="entry_summary"),
    path("entries/<int:pk>/assess/<scoring_tier:tier>/", views.assess, name="assess"),
    path("ranking/", views.ranking, name="ranking"),
]
