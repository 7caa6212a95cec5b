from django.contrib import admin

from portal.audit.models import AuditRecord


@admin.register(AuditRecord)
class AuditRecordAdmin(admin.ModelAdmin):
    list_display = ("created_at", "actor_name", "action", "target_repr", "summary", "ip")
    list_filter = ("action",)
    search_fields = ("actor_name", "target_repr", "summary", "action")
    date_hierarchy = "created_at"
    list_per_page = 100

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
