from collections.abc import Callable

from django.contrib import admin
from django.db.models import Q

from portal.audit.models import AuditRecord
from portal.readonly_admin import ReadOnlyAdmin

# Functions (user) -> Q of the audit records that user may see, registered by the apps that own the
# records' targets (submissions hides the records of other people's drafts). The audit app sits below
# them and cannot import their scoping rules itself (issue 12.10).
AUDIT_SCOPES: list[Callable[[object], Q]] = []


def register_audit_scope(scope: Callable[[object], Q]) -> Callable[[object], Q]:
    if scope not in AUDIT_SCOPES:
        AUDIT_SCOPES.append(scope)
    return scope


@admin.register(AuditRecord)
class AuditRecordAdmin(ReadOnlyAdmin):
    list_display = ("created_at", "actor_name", "action", "target_repr", "summary", "ip")
    list_filter = ("action",)
    search_fields = ("actor_name", "target_repr", "summary", "action")
    date_hierarchy = "created_at"
    list_per_page = 100

    def get_queryset(self, request):
        # Applied to superusers too: the admin shows no more than the site does.
        records = super().get_queryset(request)
        for scope in AUDIT_SCOPES:
            records = records.filter(scope(request.user))
        return records
