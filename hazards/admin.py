from django.contrib import admin

from hazards.models import (
    ExtensionRequest,
    Hazard,
    HazardEvent,
    HazardPhoto,
    HazardPlan,
    HazardProgramme,
    MajorHazardCriterion,
    StoppageProposal,
)
from portal.readonly_admin import ReadOnlyAdmin


@admin.register(HazardProgramme)
class HazardProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "year", "place", "is_default", "due_soon_days", "stoppage_answer_days",
                    "union_signoff_required", "follow_up_days"]
    autocomplete_fields = ["place"]


@admin.register(MajorHazardCriterion)
class MajorHazardCriterionAdmin(admin.ModelAdmin):
    list_display = ["clause", "standard", "text", "sort_order", "is_active"]
    list_editable = ["sort_order", "is_active"]
    list_filter = ["standard", "is_active"]
    search_fields = ["clause", "text"]


class HazardEventInline(admin.TabularInline):
    model = HazardEvent
    extra = 0
    can_delete = False
    readonly_fields = ["at", "actor", "action", "from_state", "to_state", "note"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Hazard)
class HazardAdmin(ReadOnlyAdmin):
    """Hazards change only through the services (their timeline and audit); the admin reads them."""

    list_display = ["code", "unit", "category", "level", "state", "deadline", "source", "found_at"]
    list_filter = ["state", "level", "category", "source"]
    search_fields = ["code", "description", "location", "unit__name"]
    list_select_related = ["unit"]
    inlines = [HazardEventInline]


for model, fields in ((HazardPhoto, ["hazard", "kind", "position", "sha256", "uploaded_at"]),
                      (HazardEvent, ["hazard", "action", "from_state", "to_state", "actor", "at"]),
                      (HazardPlan, ["hazard", "submitted_at", "approved_by", "approved_at"]),
                      (ExtensionRequest, ["hazard", "old_deadline", "new_deadline", "approved", "decided_at"]),
                      (StoppageProposal, ["hazard", "kind", "answer_due", "answered_at", "accepted"])):
    admin.site.register(model, type(f"{model.__name__}Admin", (ReadOnlyAdmin,), {"list_display": fields}))
