"""The tips' admin: the committee edits programmes and reward rules; tips, rewards and the vault log are
read here. Sealed values are never decrypted in the admin (only the custodian's page opens them, logged)."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from tips.models import (
    Reward,
    RewardApproval,
    RewardClaim,
    RewardRule,
    Tip,
    TipClockAlert,
    TipEvent,
    TipMessage,
    TipPhoto,
    TipProgramme,
    VaultOpening,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Rows written only by tips/services.py."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TipProgramme)
class TipProgrammeAdmin(admin.ModelAdmin):
    list_display = ("name", "place", "is_default", "verify_days", "extension_max_days", "notify_days", "claim_days",
                    "review_days", "due_soon_days", "reviewers_required")


@admin.register(RewardRule)
class RewardRuleAdmin(admin.ModelAdmin):
    list_display = ("name", "matter", "jurisdiction", "valid_from", "valid_to", "basis", "min_amount", "max_amount",
                    "percent", "cap")
    list_filter = ("matter", "basis")


class TipEventInline(admin.TabularInline):
    model = TipEvent
    extra = 0
    can_delete = False
    fields = ("at", "action", "from_state", "to_state", "note", "actor")
    readonly_fields = fields


@admin.register(Tip)
class TipAdmin(ReadOnlyAdmin):
    list_display = ("code", "matter", "unit", "area", "state", "verify_due", "submitted_at")
    list_filter = ("state", "matter")
    search_fields = ("code",)
    exclude = ("identity_sealed", "receipt_hash", "passcode_hash")
    readonly_fields = ("identity_note",)
    inlines = [TipEventInline]

    @admin.display(description=_("举报人身份"))
    def identity_note(self, obj):
        return _("举报人（已保密）")


@admin.register(TipPhoto)
class TipPhotoAdmin(ReadOnlyAdmin):
    list_display = ("tip", "position", "sha256")


@admin.register(TipMessage)
class TipMessageAdmin(ReadOnlyAdmin):
    list_display = ("tip", "author", "at")


@admin.register(TipEvent)
class TipEventAdmin(ReadOnlyAdmin):
    list_display = ("tip", "action", "from_state", "to_state", "at")


@admin.register(TipClockAlert)
class TipClockAlertAdmin(ReadOnlyAdmin):
    list_display = ("tip", "clock", "kind", "due", "at", "notified")
    list_filter = ("clock", "kind")


@admin.register(VaultOpening)
class VaultOpeningAdmin(ReadOnlyAdmin):
    list_display = ("tip", "claim", "opened_by", "opened_at", "reason")


@admin.register(Reward)
class RewardAdmin(ReadOnlyAdmin):
    list_display = ("tip", "proposed_amount", "amount", "state", "claim_due", "paid_at")


@admin.register(RewardApproval)
class RewardApprovalAdmin(ReadOnlyAdmin):
    list_display = ("reward", "reviewer", "amount", "at")


@admin.register(RewardClaim)
class RewardClaimAdmin(ReadOnlyAdmin):
    list_display = ("reward", "claimed_at", "declared_not_excluded")
    exclude = ("payment_sealed",)
