"""Admin of the commendations and annual reports: the quotas per level and award kind are programme data
edited here; nominations, their steps, tallies, the list and the reports change only through the services
and are read here, scoped like the site."""

from django.contrib import admin

from ankang.admin import ScopedReadOnlyAdmin
from ankang.nomination_models import (
    AnnualReport,
    AwardGrade,
    Commendation,
    Nomination,
    NominationQuota,
    NominationStep,
    NominationTally,
    ReportReminder,
)
from portal.readonly_admin import ReadOnlyAdmin


@admin.register(AwardGrade)
class AwardGradeAdmin(admin.ModelAdmin):
    list_display = ["competition", "rank", "name", "code"]
    list_filter = ["competition"]


@admin.register(NominationQuota)
class NominationQuotaAdmin(admin.ModelAdmin):
    list_display = ["competition", "level", "kind", "cap"]
    list_filter = ["competition", "level", "kind"]


class NominationStepInline(admin.TabularInline):
    model = NominationStep
    extra = 0
    can_delete = False
    fields = readonly_fields = ["at", "action", "level", "node", "actor", "comment"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Nomination)
class NominationAdmin(ScopedReadOnlyAdmin):
    list_display = ["competition", "kind", "unit", "team", "person_name", "level", "state", "grade"]
    list_filter = ["competition", "kind", "level", "state"]
    search_fields = ["unit__name", "person_name", "team__name"]
    inlines = [NominationStepInline]


@admin.register(NominationStep)
class NominationStepAdmin(ScopedReadOnlyAdmin):
    unit_field = "nomination__unit"
    list_display = ["nomination", "action", "level", "node", "actor", "at"]


@admin.register(NominationTally)
class NominationTallyAdmin(ScopedReadOnlyAdmin):
    unit_field = "union"
    list_display = ["competition", "union", "level", "kind", "used", "cap"]


@admin.register(Commendation)
class CommendationAdmin(ReadOnlyAdmin):
    list_display = ["competition", "title", "fixed_at", "published_at"]


@admin.register(AnnualReport)
class AnnualReportAdmin(ScopedReadOnlyAdmin):
    unit_field = "union"
    list_display = ["competition", "union", "state", "submitted_at"]
    search_fields = ["union__name"]


@admin.register(ReportReminder)
class ReportReminderAdmin(ScopedReadOnlyAdmin):
    unit_field = "union"
    list_display = ["competition", "union", "scheduled_on", "recipients", "sent_at"]
    list_filter = ["competition"]
