from django.contrib import admin

from portal.audit.models import AuditRecord
from portal.readonly_admin import ReadOnlyAdmin


@admin.register(AuditRecord)
class AuditRecordAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "actor_name", "action", "target_repr", "summary", "ip")
    list_filter = ("action",)
    search_fields = ("actor_name", "target_repr", "summary", "action")
    date_hierarchy = "created_at"
    list_per_page = 100

