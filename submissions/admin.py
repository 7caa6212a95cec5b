"""Read-only admin views of entries and photos.

Entries change state only through the services (author pages, review), so the admin offers no add,
change or delete. Files are linked only through the checked download view, never by a storage URL.

The admin shows the same entries as the site: those of submissions.scoping.entries_for_user, for every
account, superusers included (being a superuser makes nobody a reviewer; the committee role shows every
submitted entry). Other people's drafts, their photos and their audit records stay private (issue 12.10).
"""

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from portal.audit.admin import register_audit_scope
from portal.readonly_admin import ReadOnlyAdmin
from submissions.models import DuplicateDismissal, Entry, NearDuplicateRule, Photo, ReferencePhoto, TusUpload
from submissions.scoping import entries_for_user


@register_audit_scope
def entry_audit_scope(user) -> Q:
    """Audit records about an entry are shown only to those who may see the entry."""
    visible = entries_for_user(user).annotate(key=Cast("pk", CharField())).values("key")
    return ~Q(target_type=ContentType.objects.get_for_model(Entry)) | Q(target_id__in=visible)


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

    def get_queryset(self, request):
        return super().get_queryset(request).filter(pk__in=entries_for_user(request.user).values("pk"))


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

    def get_queryset(self, request):
        return super().get_queryset(request).filter(entry__in=entries_for_user(request.user).values("pk"))

    @admin.display(description=_("缩略图/预览已生成"), boolean=True)
    def derivatives(self, photo):
        return photo.derivatives_ready

    @admin.display(description=_("文件"))
    def files(self, photo):
        return format_html("{} · {} · {}", _file_link(photo, "thumbnail", _("缩略图")),
                           _file_link(photo, "preview", _("预览")), _file_link(photo, "original", _("原图")))


@admin.register(TusUpload)
class TusUploadAdmin(ReadOnlyAdmin):
    """Uploads in progress (submissions.tus): how far each got and how much it re-sent; the periodic job
    removes them, so the admin only looks."""

    list_display = ("__str__", "user", "entry", "kind", "offset", "length", "bytes_received", "patch_count",
                    "created_at", "expires_at")
    list_filter = ("kind",)
    search_fields = ("filename", "user__username", "=entry__id")
    list_select_related = ("user", "entry")
    fields = (*list_display[1:], "filename", "replace", "photo")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).filter(entry__in=entries_for_user(request.user).values("pk"))


@admin.register(NearDuplicateRule)
class NearDuplicateRuleAdmin(admin.ModelAdmin):
    """The campaign's 疑似重复 threshold: data the committee may tune, not a number in code."""

    list_display = ("campaign", "max_distance")
    list_select_related = ("campaign",)


@admin.register(ReferencePhoto)
class ReferencePhotoAdmin(ReadOnlyAdmin):
    """Past campaigns' photos as hashes (manage.py import_reference_photos)."""

    list_display = ("year", "code", "phash", "imported_at")
    list_filter = ("year",)
    search_fields = ("code",)


@admin.register(DuplicateDismissal)
class DuplicateDismissalAdmin(ReadOnlyAdmin):
    """The committee's "not a duplicate" decisions (made on the review pages)."""

    list_display = ("photo", "other_photo", "reference", "reason", "decided_by", "decided_at")
    list_select_related = ("photo__entry__campaign", "other_photo__entry__campaign", "reference", "decided_by")
    search_fields = ("reason",)

    def get_queryset(self, request):
        return super().get_queryset(request).filter(photo__entry__in=entries_for_user(request.user).values("pk"))
