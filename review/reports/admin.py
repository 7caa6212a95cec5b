from django.contrib import admin

from review.reports.models import StatisticsReport, UnionReport


@admin.register(StatisticsReport)
class StatisticsReportAdmin(admin.ModelAdmin):
    """Read-only: a union's staff submit 附件3 on its page (checked, audited); the admin only reads it."""

    list_display = ["union", "campaign", "participating_units", "teams_covered", "participants", "hazards_found",
                    "hazards_rectified", "submitted_by", "submitted_at"]
    list_filter = ["campaign"]
    search_fields = ["union__name", "note"]
    list_select_related = ["union", "campaign", "submitted_by"]
    readonly_fields = ["system_figures"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(UnionReport)
class UnionReportAdmin(admin.ModelAdmin):
    """Read-only: a union's staff write and file it on its page (sanitised, audited); the admin only reads it."""

    list_display = ["union", "campaign", "title", "submitted_by", "submitted_at", "updated_at"]
    list_filter = ["campaign"]
    search_fields = ["union__name", "title"]
    list_select_related = ["union", "campaign", "submitted_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
