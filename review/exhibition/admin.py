from django.contrib import admin

from portal.readonly_admin import ReadOnlyAdmin
from review.exhibition.models import Publication


@admin.register(Publication)
class PublicationAdmin(ReadOnlyAdmin):
    """Read-only: publishing and taking down go through review.exhibition.services (audited, and the public
    page cache is invalidated), on /exhibition/manage/."""

    list_display = ["entry", "published_at", "published_by"]
    list_filter = ["entry__campaign"]
    search_fields = ["entry__title", "entry__author_name"]
    list_select_related = ["entry__campaign", "published_by"]
    raw_id_fields = ["entry", "published_by"]

