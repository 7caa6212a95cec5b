"""Read-only admin views of entries and photos.

Entries change state only through the services (author pages, review), so the admin offers no add,
change or delete. Files are linked only through the checked download view, never by a storage URL.
"""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from portal.readonly_admin import ReadOnlyAdmin
from submissions.models import Entry, Photo


def _file_link(photo, variant, label):
    if variant != "original" and not getattr(photo, variant):
        return "—"
    url = reverse("files:download_variant", args=["photo", photo.pk, variant])
    return format_html('<a href="{}">{}</a>', url, label)


class PhotoInline(admin.TabularInline):
    model = Photo
    extra = 0
    can_delete = False
    fields = ("kind", "position", "width", "height", "size", "original_dpi", "dpi_relabelled", "taken_at",
              "sha256", "files")
    readonly_fields = fields
    ordering = ("kind", "position")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description=_("文件"))
    def files(self, photo):
        return format_html("{} · {}", _file_link(photo, "thumbnail", _("缩略图")),
                           _file_link(photo, "original", _("原图")))


@admin.register(Entry)
class EntryAdmin(ReadOnlyAdmin):
    list_display = ("code", "title", "author_name", "unit", "selection_union", "state", "tier",
                    "has_rectification_photos", "has_duplicate_photo", "submitted_at")
    list_filter = ("campaign", "state", "tier", "has_rectification_photos", "has_duplicate_photo", "category")
    search_fields = ("title", "author_name", "author__username", "unit__name", "location", "=id")
    list_select_related = ("campaign", "unit", "selection_union")
    date_hierarchy = "created_at"
    inlines = [PhotoInline]


@admin.register(Photo)
class PhotoAdmin(ReadOnlyAdmin):
    list_display = ("__str__", "kind", "position", "width", "height", "original_dpi", "dpi_relabelled",
                    "derivatives", "uploaded_at")
    list_filter = ("kind", "dpi_relabelled", "entry__campaign")
    search_fields = ("sha256", "entry__title", "entry__author_name", "=entry__id")
    list_select_related = ("entry__campaign",)
    fields = ("entry", "kind", "position", "width", "height", "size", "original_dpi", "dpi_relabelled",
              "taken_at", "sha256", "uploaded_at", "files")
    readonly_fields = fields

    @admin.display(description=_("缩略图/预览已生成"), boolean=True)
    def derivatives(self, photo):
        return photo.derivatives_ready

    @admin.display(description=_("文件"))
    def files(self, photo):
        return format_html("{} · {} · {}", _file_link(photo, "thumbnail", _("缩略图")),
                           _file_link(photo, "preview", _("预览")), _file_link(photo, "original", _("原图")))
