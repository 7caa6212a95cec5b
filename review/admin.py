from django.contrib import admin
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.readonly_admin import ReadOnlyAdmin
from review.models import Notification, RecommendationQuota, TierGrade, Transition
from review.services import sync_recommendation_quota


@admin.register(Transition)
class TransitionAdmin(ReadOnlyAdmin):
    """Read-only: the history is written by review.services only."""

    list_display = ["created_at", "entry", "action", "from_state", "to_state", "from_tier", "to_tier", "actor"]
    list_filter = ["action", "to_state", "acting_tier"]
    search_fields = ["entry__title", "entry__author_name", "reason", "actor__username", "actor__full_name"]
    list_select_related = ["entry__campaign", "actor"]
    raw_id_fields = ["entry", "actor"]
    date_hierarchy = "created_at"



@admin.register(TierGrade)
class TierGradeAdmin(admin.ModelAdmin):
    """Read-only: grades are given on the review pages, where the phase and scope are checked and audited."""

    list_display = ["entry", "tier", "award_level", "graded_by", "graded_at"]
    list_filter = ["tier", "award_level"]
    search_fields = ["entry__title", "entry__author_name"]
    list_select_related = ["entry__campaign", "award_level", "graded_by"]
    raw_id_fields = ["entry", "graded_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(RecommendationQuota)
class RecommendationQuotaAdmin(admin.ModelAdmin):
    """Read-only figures: the cap has one source, the campaign's 推荐上限 (the notice gives every city and
    industry union the same 50), which `_take_quota` copies here so the database CHECK can hold it under
    concurrency. An editable column here was overwritten by the next recommendation (issue 13)."""

    list_display = ["union", "campaign", "used", "cap"]
    list_filter = ["campaign"]
    search_fields = ["union__name"]
    list_select_related = ["union", "campaign"]
    readonly_fields = ["campaign", "union", "used", "cap"]
    actions = ["recount"]

    def has_add_permission(self, request):
        return False

    @admin.action(description=gettext_lazy("按已推荐作品重新统计"))
    def recount(self, request, queryset):
        for quota in queryset.select_related("campaign", "union"):
            sync_recommendation_quota(quota.campaign, quota.union)
        self.message_user(request, _("已重新统计 %(count)d 个推荐名额。") % {"count": queryset.count()})


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "user", "kind", "entry", "read_at", "emailed_at"]
    list_filter = ["kind"]
    search_fields = ["user__username", "user__full_name", "message"]
    list_select_related = ["user", "entry__campaign"]
    raw_id_fields = ["user", "entry"]
    readonly_fields = ["created_at", "emailed_at"]
