from django.contrib import admin

from portal.exports.models import ExportJob


@admin.register(ExportJob)
class ExportJobAdmin(admin.ModelAdmin):
    """Read-only: jobs are created by users on the export page and run by the task; the file is served
    only to its requester through the checked download view, never from here."""

    list_display = ["created_at", "kind", "requested_by", "status", "progress", "download_name", "size",
                    "expires_at"]
    list_filter = ["status", "kind"]
    search_fields = ["download_name", "requested_by__username", "requested_by__full_name"]
    list_select_related = ["requested_by"]
    date_hierarchy = "created_at"
    exclude = ["file"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
