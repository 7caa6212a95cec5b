"""Admin pages of the expert review: read-only, since every change goes through review.experts.services
(atomic, audited, with the campaign lock), on the committee's pages under /experts/."""

from django.contrib import admin

from portal.readonly_admin import ReadOnlyAdmin
from review.experts.models import (
    BlindOriginal,
    FinalAward,
    OrganisationAward,
    ResultsLock,
    TieResolution,
)
from submissions.models import ExpertAssignment


@admin.register(ExpertAssignment)
class ExpertAssignmentAdmin(ReadOnlyAdmin):
    list_display = ["entry", "expert", "origin", "assigned_at", "submitted_at", "conflict_declared_at", "removed_at"]
    list_filter = ["origin", ("conflict_declared_at", admin.EmptyFieldListFilter),
                   ("removed_at", admin.EmptyFieldListFilter), ("submitted_at", admin.EmptyFieldListFilter)]
    search_fields = ["entry__title", "expert__username", "expert__full_name", "conflict_reason", "removal_reason"]
    list_select_related = ["entry__campaign", "expert"]
    raw_id_fields = ["entry", "expert", "assigned_by", "removed_by"]


@admin.register(FinalAward)
class FinalAwardAdmin(ReadOnlyAdmin):
    list_display = ["entry", "level", "source", "rank", "decided_by", "decided_at"]
    list_filter = ["source", "level"]
    search_fields = ["entry__title", "entry__author_name", "reason"]
    list_select_related = ["entry__campaign", "level", "decided_by"]
    raw_id_fields = ["entry", "decided_by"]


@admin.register(OrganisationAward)
class OrganisationAwardAdmin(ReadOnlyAdmin):
    list_display = ["union", "campaign", "rank", "score", "level", "confirmed", "confirmed_by"]
    list_filter = ["campaign", "confirmed", "level"]
    search_fields = ["union__name"]
    list_select_related = ["union", "campaign", "level", "confirmed_by"]


@admin.register(ResultsLock)
class ResultsLockAdmin(ReadOnlyAdmin):
    list_display = ["campaign", "confirmed_by", "confirmed_at", "override_reason"]
    list_select_related = ["campaign", "confirmed_by"]


@admin.register(TieResolution)
class TieResolutionAdmin(ReadOnlyAdmin):
    list_display = ["campaign", "kind", "score", "resolved_by", "resolved_at"]
    list_filter = ["campaign", "kind"]
    search_fields = ["reason"]
    list_select_related = ["campaign", "resolved_by"]


@admin.register(BlindOriginal)
class BlindOriginalAdmin(ReadOnlyAdmin):
    list_display = ["photo", "made_at"]
    raw_id_fields = ["photo"]
