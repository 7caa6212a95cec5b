"""Provincial expert review: the final awards and the lock on the results (who scores which entry is
submissions.assignments.ExpertAssignment, which the lower apps read).

Rows change only through review.experts.services (atomic, audited). Every service that changes an
assignment, an award or the lock first locks the campaign row, so two committee members (or an expert
declaring a conflict while the committee re-assigns) never interleave.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from review.experts.enums import AwardSource, TieKind


class FinalAward(models.Model):
    """The province's final work award (作品奖) of an entry.

    `level` None records a deliberate "no award" decided by hand (with its reason), which the next
    proposal respects. Rows proposed from the ranking carry `source=rank` and are replaced by the next
    proposal; manual rows stay until changed by hand.
    """

    entry = models.OneToOneField("submissions.Entry", verbose_name=_("作品"), on_delete=models.CASCADE,
                                 related_name="final_award")
    level = models.ForeignKey("campaigns.AwardLevel", verbose_name=_("奖项等次"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    source = models.CharField(_("依据"), max_length=16, choices=AwardSource.choices, default=AwardSource.RANK)
    rank = models.PositiveIntegerField(_("专家评分名次"), null=True, blank=True)
    reason = models.TextField(_("调整原因"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("决定人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("决定时间"), default=timezone.now)

    class Meta:
        verbose_name = _("作品最终奖项")
        verbose_name_plural = _("作品最终奖项")
        ordering = ["level__rank", "rank", "entry_id"]
        constraints = [
            models.CheckConstraint(condition=Q(source=AwardSource.MANUAL) | Q(level__isnull=False),
                                   name="final_award_none_only_by_hand"),
        ]

    def __str__(self):
        return f"{self.entry_id} · {self.level or _('不授奖')}"


class OrganisationAward(models.Model):
    """组织奖 of a city or provincial industry union: the computed score and its parts, then the hand
    confirmation. `level` None: not proposed for an award."""

    campaign = models.ForeignKey("campaigns.Campaign", verbose_name=_("活动"), on_delete=models.CASCADE,
                                 related_name="organisation_awards")
    union = models.ForeignKey("directory.OrgNode", verbose_name=_("市/产业工会"), on_delete=models.PROTECT,
                              related_name="organisation_awards")
    level = models.ForeignKey("campaigns.AwardLevel", verbose_name=_("奖项"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField(_("组织得分"), max_digits=10, decimal_places=2, default=0)
    entries_submitted = models.PositiveIntegerField(_("提交作品数"), default=0)
    units_taking_part = models.PositiveIntegerField(_("参加单位数"), default=0)
    entries_recommended = models.PositiveIntegerField(_("推荐省级作品数"), default=0)
    awards_won = models.PositiveIntegerField(_("获作品奖数"), default=0)
    award_points = models.DecimalField(_("获奖积分"), max_digits=10, decimal_places=2, default=0)
    rank = models.PositiveIntegerField(_("名次"), null=True, blank=True)
    confirmed = models.BooleanField(_("已确认"), default=False)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("确认人"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    reason = models.TextField(_("调整原因"), blank=True)
    computed_at = models.DateTimeField(_("计算时间"), default=timezone.now)

    class Meta:
        verbose_name = _("组织奖")
        verbose_name_plural = _("组织奖")
        ordering = ["campaign", "rank", "union_id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "union"], name="one_organisation_award_per_union"),
        ]

    def __str__(self):
        return f"{self.union} · {self.level or '-'}"


class ResultsLock(models.Model):
    """The committee confirmed the campaign's results: no award (work or organisation) changes after.

    Locking is refused while the pre-lock checklist (review.experts.checklist) has open items, unless the
    committee overrides it with a reason: then `override_reason` holds the reason and `open_items` what
    was still open at that moment (as the checklist listed it).
    """

    campaign = models.OneToOneField("campaigns.Campaign", verbose_name=_("活动"), on_delete=models.CASCADE,
                                    related_name="results_lock")
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("确认人"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    confirmed_at = models.DateTimeField(_("确认时间"), default=timezone.now)
    override_reason = models.TextField(_("未完成事项下锁定的理由"), blank=True)
    open_items = models.JSONField(_("锁定时未完成的检查项"), default=list, blank=True)

    class Meta:
        verbose_name = _("评审结果确认")
        verbose_name_plural = _("评审结果确认")

    def __str__(self):
        return f"{self.campaign} · {self.confirmed_at:%Y-%m-%d %H:%M}"


class TieResolution(models.Model):
    """The committee's decision on a tie at an award cut-off: entries (or unions) with the same score
    that received different award levels, accepted as they stand, with a reason.

    `digest` names the tie exactly (its members, their score and their levels): when any of these
    changes, the tie is a new one and needs a decision of its own. `members` keeps what was decided
    on, for reading back.
    """

    campaign = models.ForeignKey("campaigns.Campaign", verbose_name=_("活动"), on_delete=models.CASCADE,
                                 related_name="tie_resolutions")
    kind = models.CharField(_("奖项类别"), max_length=16, choices=TieKind.choices)
    digest = models.CharField(max_length=64)
    score = models.CharField(_("并列得分"), max_length=32)
    members = models.JSONField(_("并列作品或单位"), default=list)
    reason = models.TextField(_("处理理由"))
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("处理人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    resolved_at = models.DateTimeField(_("处理时间"), default=timezone.now)

    class Meta:
        verbose_name = _("并列处理")
        verbose_name_plural = _("并列处理")
        ordering = ["campaign", "resolved_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "digest"], name="one_resolution_per_tie"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.score} · {self.resolved_at:%Y-%m-%d %H:%M}"


def blind_copy_upload_to(instance, filename):
    return f"blind/{instance.photo.entry.campaign_id}/{uuid.uuid4().hex}.jpg"


class BlindOriginal(models.Model):
    """A metadata-free copy of a photo's original for the experts (write_without_metadata, lossless).

    Made on the first download and reused; `source_name` ties it to the original it was made from, so
    a replaced original is copied again.
    """

    photo = models.OneToOneField("submissions.Photo", on_delete=models.CASCADE, related_name="blind_original")
    file = models.FileField(upload_to=blind_copy_upload_to, max_length=200)
    source_name = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)
    made_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("匿名原图副本")
        verbose_name_plural = _("匿名原图副本")

    def __str__(self):
        return f"{self.photo_id} · {self.file.name}"
