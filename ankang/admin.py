"""Admin: the programme data (calendar and score-sheet templates, competitions) is edited here by the
committee; enrolments, records, evidence and score sheets change only through the services and are read
here, scoped like the site (ankang.scoping)."""

from django.apps import apps
from django.contrib import admin

from ankang.models import (
    ActivityEvidence,
    ActivityRecord,
    ActivityType,
    BaseCondition,
    CalendarTemplate,
    Competition,
    Enrolment,
    ScoreItem,
    ScoreSection,
    ScoreSheet,
    ScoreTemplate,
    SheetScore,
    SheetVeto,
    VetoItem,
)
from ankang.scoping import unit_scope
from ankang.seed_data import seed_grades
from portal.readonly_admin import ReadOnlyAdmin


class ActivityTypeInline(admin.TabularInline):
    model = ActivityType
    fk_name = "template"
    extra = 0
    fields = ["code", "number", "group", "parent", "name", "short_name", "start_month", "end_month"]


@admin.register(CalendarTemplate)
class CalendarTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "version"]
    inlines = [ActivityTypeInline]


@admin.register(ActivityType)
class ActivityTypeAdmin(admin.ModelAdmin):
    list_display = ["name", "template", "group", "number", "start_month", "end_month"]
    list_filter = ["template", "group"]
    search_fields = ["name", "code"]


class ScoreSectionInline(admin.TabularInline):
    model = ScoreSection
    extra = 0


class ScoreItemInline(admin.TabularInline):
    model = ScoreItem
    fk_name = "template"
    extra = 0
    fields = ["kind", "section", "number", "text", "max_points", "indicator"]


class VetoItemInline(admin.TabularInline):
    model = VetoItem
    extra = 0


class BaseConditionInline(admin.TabularInline):
    model = BaseCondition
    extra = 0


@admin.register(ScoreTemplate)
class ScoreTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "version", "title"]
    inlines = [ScoreSectionInline, ScoreItemInline, VetoItemInline, BaseConditionInline]


@admin.register(ScoreSection)
class ScoreSectionAdmin(admin.ModelAdmin):
    list_display = ["number", "name", "template"]
    list_filter = ["template"]


@admin.register(ScoreItem)
class ScoreItemAdmin(admin.ModelAdmin):
    list_display = ["number", "text", "kind", "section", "max_points", "indicator", "template"]
    list_filter = ["template", "kind", "indicator"]
    search_fields = ["text"]


@admin.register(VetoItem)
class VetoItemAdmin(admin.ModelAdmin):
    list_display = ["number", "text", "template"]
    list_filter = ["template"]


@admin.register(BaseCondition)
class BaseConditionAdmin(admin.ModelAdmin):
    list_display = ["kind", "value", "template"]
    list_filter = ["template"]


@admin.register(Competition)
class CompetitionAdmin(admin.ModelAdmin):
    list_display = ["name", "cycle", "year", "place", "starts_on", "ends_on", "report_due_on"]
    list_filter = ["year"]
    search_fields = ["name", "theme"]
    autocomplete_fields = ["place"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:  # a new competition starts with the default 等次 (editable under 表彰等次)
            seed_grades(apps, obj)


class ScopedReadOnlyAdmin(ReadOnlyAdmin):
    """Read-only, and only the records of the user's scope (a superuser too: admin rights are not a union's
    scope)."""

    unit_field = "unit"

    def get_queryset(self, request):
        return super().get_queryset(request).filter(unit_scope(request.user, f"{self.unit_field}__"))


@admin.register(Enrolment)
class EnrolmentAdmin(ScopedReadOnlyAdmin):
    list_display = ["unit", "kind", "team", "competition", "state", "proposed_at", "decided_at"]
    list_filter = ["competition", "kind", "state"]
    search_fields = ["unit__name", "team__name"]


class ActivityEvidenceInline(admin.TabularInline):
    model = ActivityEvidence
    extra = 0
    fields = ["caption", "size", "uploaded_by", "uploaded_at"]
    readonly_fields = fields
    can_delete = False


@admin.register(ActivityRecord)
class ActivityRecordAdmin(ScopedReadOnlyAdmin):
    list_display = ["unit", "activity_type", "held_on", "level", "participants", "competition"]
    list_filter = ["competition", "activity_type"]
    search_fields = ["unit__name", "place", "description"]
    date_hierarchy = "held_on"
    inlines = [ActivityEvidenceInline]


@admin.register(ActivityEvidence)
class ActivityEvidenceAdmin(ScopedReadOnlyAdmin):
    unit_field = "record__unit"
    list_display = ["record", "caption", "size", "uploaded_at"]
    exclude = ["original", "preview"]  # files only through the permission-checked view (portal/files)


class SheetScoreInline(admin.TabularInline):
    model = SheetScore
    extra = 0
    can_delete = False


class SheetVetoInline(admin.TabularInline):
    model = SheetVeto
    extra = 0
    can_delete = False


@admin.register(ScoreSheet)
class ScoreSheetAdmin(ScopedReadOnlyAdmin):
    list_display = ["unit", "competition", "state", "self_total", "review_total", "vetoed", "eligible"]
    list_filter = ["competition", "state", "vetoed", "eligible"]
    search_fields = ["unit__name"]
    inlines = [SheetScoreInline, SheetVetoInline]


@admin.register(SheetScore)
class SheetScoreAdmin(ScopedReadOnlyAdmin):
    unit_field = "sheet__unit"
    list_display = ["sheet", "item", "self_score", "review_score"]


@admin.register(SheetVeto)
class SheetVetoAdmin(ScopedReadOnlyAdmin):
    unit_field = "sheet__unit"
    list_display = ["sheet", "veto", "self_declared", "review_found"]
import ankang.nomination_admin  # noqa: E402,F401  (nominations and annual reports)
