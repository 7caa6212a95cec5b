from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from portal.readonly_admin import ReadOnlyAdmin
from scoring.models import Assessment, RankingKey
from submissions.scoping import entries_for_user


@admin.register(Assessment)
class AssessmentAdmin(ReadOnlyAdmin):
    """Read-only: an assessment changes only through scoring.services.assess_entry, which keeps D equal
    to L×E×C×X×Y, copies the unit's D to the entry and writes the audit record an admin edit would skip."""

    list_display = ("entry", "tier", "assessor", "l", "e", "c", "x", "y", "d_shown", "updated_at")
    list_filter = ("tier", "entry__campaign", "entry__state")
    search_fields = ("entry__title", "entry__author_name", "entry__unit__name", "assessor__username",
                     "assessor__full_name")
    list_select_related = ("entry__campaign", "assessor")
    date_hierarchy = "updated_at"
    readonly_fields = ("entry", "assessor", "tier", "l", "e", "c", "x", "y", "d", "comment", "created_at",
                       "updated_at")
    list_per_page = 100

    def get_queryset(self, request):
        # The entries the site shows this account, superusers included (issue 12.10).
        return super().get_queryset(request).filter(entry__in=entries_for_user(request.user).values("pk"))

    @admin.display(description=_("价值评价得分 D"), ordering="d")
    def d_shown(self, obj):
        return obj.d_display



@admin.register(RankingKey)
class RankingKeyAdmin(ReadOnlyAdmin):
    """Read-only: the rows are summaries kept by the scoring and expert services (scoring.keys); a wrong
    row is mended by `manage.py rebuild_ranking_keys`, never by hand."""

    list_display = ("entry", "campaign", "experts", "key_d", "key_c", "key_l", "unit_d", "submitted_at")
    list_filter = ("campaign",)
    search_fields = ("entry__title",)
    list_select_related = ("entry__campaign", "campaign")
    readonly_fields = ("entry", "campaign", "submitted_at", "unit_d", "unit_c", "unit_l", "experts", "sum_d",
                       "sum_c", "sum_l", "key_d", "key_c", "key_l")
    list_per_page = 100

    def get_queryset(self, request):
        return super().get_queryset(request).filter(entry__in=entries_for_user(request.user).values("pk"))
