from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from portal.audit.services import record_audit
from portal.campaigns.models import AwardLevel, Campaign, HazardCategory, Industry, Phase
from portal.campaigns.services import make_campaign_current


class PhaseInline(admin.TabularInline):
    model = Phase
    extra = 0


class AwardLevelInline(admin.TabularInline):
    model = AwardLevel
    extra = 0


class HazardCategoryInline(admin.TabularInline):
    model = HazardCategory
    extra = 0


class IndustryInline(admin.TabularInline):
    model = Industry
    extra = 0


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ("title", "year", "is_current", "dpi_policy", "recommend_cap", "blind_review")
    list_filter = ("is_current", "year")
    search_fields = ("title", "slug")
    inlines = [PhaseInline, AwardLevelInline, HazardCategoryInline, IndustryInline]
    fieldsets = (
        (None, {"fields": ("slug", "title", "year", "theme", "notice_reference", "is_current", "contact")}),
        (_("照片要求"), {"fields": ("min_long_side", "min_short_side", "min_dpi", "dpi_policy",
                                "max_photos_per_group", "max_file_mb", "max_megapixels")}),
        (_("作品与评选规则"), {"fields": ("description_max_chars", "hazard_max_chars", "suggestion_max_chars",
                                   "rectification_note_max_chars", "recommend_cap",
                                   "require_rectification_to_forward", "require_unit_assessment_to_forward",
                                   "experts_per_entry", "blind_review")}),
    )


    def save_model(self, request, obj, form, change):
        wants_current = obj.is_current
        if wants_current:
            # Switching the current campaign goes through the service, which unsets the previous one.
            obj.is_current = Campaign.objects.filter(pk=obj.pk, is_current=True).exists()
        super().save_model(request, obj, form, change)
        if wants_current:
            make_campaign_current(obj, actor=request.user)
        else:
            record_audit(request.user, "campaign.change" if change else "campaign.create", obj,
                         changes={"fields": form.changed_data})


for model in (Phase, AwardLevel, HazardCategory, Industry):
    admin.site.register(model, list_display=("__str__", "campaign"), list_filter=("campaign",))
