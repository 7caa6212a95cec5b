from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Q
from django.db.models.functions import Cast

from hazards.models import (
    ExtensionRequest,
    Hazard,
    HazardEvent,
    HazardPhoto,
    HazardPlan,
    HazardProgramme,
    InspectionFinding,
    InspectionPlan,
    InspectionRound,
    InspectionRule,
    MajorHazardCriterion,
    StoppageProposal,
    UpwardReport,
)
from hazards.scoping import hazards_for_user, inspection_plans_for_user, inspection_rounds_for_user
from portal.audit.admin import register_audit_scope
from portal.readonly_admin import ReadOnlyAdmin


@register_audit_scope
def hazard_audit_scope(user) -> Q:
    """Audit records about a hazard (they name its finder) only for those who may see the hazard."""
    visible = hazards_for_user(user).annotate(key=Cast("pk", CharField())).values("key")
    return ~Q(target_type=ContentType.objects.get_for_model(Hazard)) | Q(target_id__in=visible)


class ScopedAdmin(ReadOnlyAdmin):
    """Read-only, and no more than the site shows the user (hazards_for_user)."""

    hazard_path = "hazard"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        visible = hazards_for_user(request.user)
        if self.hazard_path:
            return queryset.filter(**{f"{self.hazard_path}__in": visible})
        return queryset.filter(pk__in=visible.values("pk"))


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
class HazardAdmin(ScopedAdmin):
    """Hazards change only through the services (their timeline and audit); the admin reads them."""

    list_display = ["code", "unit", "category", "level", "state", "deadline", "source", "found_at"]
    list_filter = ["state", "level", "category", "source"]
    search_fields = ["code", "description", "location", "unit__name"]
    list_select_related = ["unit"]
    inlines = [HazardEventInline]
    hazard_path = ""


for model, fields in ((HazardPhoto, ["hazard", "kind", "position", "sha256", "uploaded_at"]),
                      (HazardEvent, ["hazard", "action", "from_state", "to_state", "actor", "at"]),
                      (HazardPlan, ["hazard", "submitted_at", "approved_by", "approved_at"]),
                      (ExtensionRequest, ["hazard", "old_deadline", "new_deadline", "approved", "decided_at"]),
                      (StoppageProposal, ["hazard", "kind", "answer_due", "answered_at", "accepted"])):
    admin.site.register(model, type(f"{model.__name__}Admin", (ScopedAdmin,), {"list_display": fields}))

# 逐级报告 (hazards/upward_models.py): read-only and scoped like the rest of the ledger.
admin.site.register(UpwardReport, type("UpwardReportAdmin", (ScopedAdmin,), {
    "list_display": ["hazard", "to_node", "to_regulator", "automatic", "reported_by", "reported_at"],
    "list_select_related": ["hazard", "to_node", "reported_by"]}))

# --- inspection rounds -----------------------------------------------------------------------------------------


@admin.register(InspectionRule)
class InspectionRuleAdmin(admin.ModelAdmin):
    """The levels' intervals and checklists: programme data the committee edits (a round copies its items)."""

    list_display = ["programme", "level", "interval_days", "window_days"]
    list_filter = ["level", "programme"]


@admin.register(InspectionPlan)
class InspectionPlanAdmin(ReadOnlyAdmin):
    """Plans are set up through hazards.inspections (audited); here only those the user sees."""

    list_display = ["node", "level", "unit", "starts_on", "is_active"]
    list_filter = ["level", "is_active"]
    search_fields = ["node__name", "unit__name"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(pk__in=inspection_plans_for_user(request.user).values("pk"))


@admin.register(InspectionRound)
class InspectionRoundAdmin(ReadOnlyAdmin):
    list_display = ["plan", "performed_at", "inspector", "no_hazard"]
    list_filter = ["plan__level", "no_hazard"]
    search_fields = ["plan__node__name"]
    date_hierarchy = "performed_at"

    def get_queryset(self, request):
        return super().get_queryset(request).filter(pk__in=inspection_rounds_for_user(request.user).values("pk"))


@admin.register(InspectionFinding)
class InspectionFindingAdmin(ScopedAdmin):
    list_display = ["round", "hazard"]
