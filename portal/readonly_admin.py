from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """Admin for records that only service functions write (atomic and audited): view, never edit."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
