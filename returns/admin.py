"""Admin: the programme data (templates, programmes, periods, filers) is edited here by the committee;
returns, their cells, scores, files and reminders change only through the services and are read here,
scoped like the site (returns.scoping)."""

from django.contrib import admin

from portal.readonly_admin import ReadOnlyAdmin
from returns.models import (
    ChecklistCriterion,
    ChecklistItem,
    ChecklistTemplate,
    CriterionScore,
    Filer,
    Return,
    ReturnCell,
    ReturnPeriod,
    ReturnProgramme,
    ReturnReminder,
    ReturnScan,
    StatCell,
    StatTemplate,
)
from returns.scoping import returns_for_user


class StatCellInline(admin.TabularInline):
    model = StatCell
    fk_name = "template"
    extra = 0
    fields = ["code", "label", "row", "column", "full_width", "unit", "sub_of", "chemical", "enterprise_source",
              "county_source", "city_source"]


@admin.register(StatTemplate)
class StatTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "version", "title"]
    inlines = [StatCellInline]


@admin.register(StatCell)
class StatCellAdmin(admin.ModelAdmin):
    list_display = ["label", "template", "code", "row", "column", "unit", "enterprise_source", "county_source",
                    "city_source"]
    list_filter = ["template"]
    search_fields = ["label", "code"]


class ChecklistCriterionInline(admin.TabularInline):
    model = ChecklistCriterion
    extra = 0


@admin.register(ChecklistItem)
class ChecklistItemAdmin(admin.ModelAdmin):
    list_display = ["number", "section", "template", "text"]
    list_filter = ["template", "section"]
    inlines = [ChecklistCriterionInline]


class ChecklistItemInline(admin.TabularInline):
    model = ChecklistItem
    extra = 0
    show_change_link = True


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(admin.ModelAdmin):
    list_display = ["name", "version", "title"]
    inlines = [ChecklistItemInline]


@admin.register(ChecklistCriterion)
class ChecklistCriterionAdmin(admin.ModelAdmin):
    list_display = ["text", "item", "points", "hint"]
    list_filter = ["item__template"]
    search_fields = ["text"]


class ReturnPeriodInline(admin.TabularInline):
    model = ReturnPeriod
    extra = 0


@admin.register(ReturnProgramme)
class ReturnProgrammeAdmin(admin.ModelAdmin):
    list_display = ["name", "year", "place", "is_default", "remind_days", "stat_template", "checklist_template"]
    autocomplete_fields = ["place"]
    inlines = [ReturnPeriodInline]


@admin.register(ReturnPeriod)
class ReturnPeriodAdmin(admin.ModelAdmin):
    list_display = ["programme", "number", "name", "deadline_month", "deadline_day"]
    list_filter = ["programme"]


@admin.register(Filer)
class FilerAdmin(admin.ModelAdmin):
    list_display = ["node", "programme", "level", "reports_to", "is_chemical"]
    list_filter = ["programme", "level", "is_chemical"]
    search_fields = ["node__name"]
    autocomplete_fields = ["node", "reports_to"]
    list_select_related = ["node", "programme", "reports_to__node"]


class ScopedReadOnlyAdmin(ReadOnlyAdmin):
    """Read-only, and no more than the site shows the user."""

    report_path = "report"

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        visible = returns_for_user(request.user)
        if not self.report_path:
            return queryset.filter(pk__in=visible.values("pk"))
        return queryset.filter(**{f"{self.report_path}__in": visible})


class ReturnCellInline(admin.TabularInline):
    model = ReturnCell
    extra = 0
    can_delete = False
    readonly_fields = ["cell", "value", "computed", "override_reason", "total"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Return)
class ReturnAdmin(ScopedReadOnlyAdmin):
    list_display = ["filer", "period", "state", "filed_on", "self_total", "review_total"]
    list_filter = ["state", "period__programme"]
    search_fields = ["filer__node__name"]
    list_select_related = ["filer__node", "period__programme"]
    inlines = [ReturnCellInline]
    report_path = ""


for model, fields in ((ReturnCell, ["report", "cell", "value", "computed", "total"]),
                      (CriterionScore, ["report", "criterion", "self_score", "review_score"]),
                      (ReturnScan, ["report", "criterion", "caption", "uploaded_at"])):
    admin.site.register(model, type(f"{model.__name__}Admin", (ScopedReadOnlyAdmin,), {"list_display": fields}))


@admin.register(ReturnReminder)
class ReturnReminderAdmin(ReadOnlyAdmin):
    list_display = ["filer", "period", "sent_at", "recipients"]
