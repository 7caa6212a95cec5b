from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from review.enums import NotificationKind
from submissions.enums import EntryState, Tier, TransitionAction


class Transition(models.Model):
    """One step of an entry through the review: who moved it from which state/tier to which, and why.

    Written only by review.services, in the same transaction as the change; read back as the entry's
    history. `reason` is what the reviewer typed: for a return it is addressed to the author (who sees
    it); for every other action it is an internal note that only staff see.
    """

    entry = models.ForeignKey("submissions.Entry", verbose_name=_("作品"), on_delete=models.CASCADE,
                              related_name="transitions")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("操作人"), null=True, blank=True,
                              on_delete=models.SET_NULL, related_name="+")
    action = models.CharField(_("操作"), max_length=24, choices=TransitionAction.choices)
    from_state = models.CharField(_("原状态"), max_length=24, choices=EntryState.choices)
    to_state = models.CharField(_("新状态"), max_length=24, choices=EntryState.choices)
    from_tier = models.PositiveSmallIntegerField(_("原层级"), choices=Tier.choices)
    to_tier = models.PositiveSmallIntegerField(_("新层级"), choices=Tier.choices)
    # The tier on whose behalf the actor acted (a user may hold roles at several tiers).
    acting_tier = models.PositiveSmallIntegerField(_("操作层级"), choices=Tier.choices)
    reason = models.TextField(_("原因/意见"), blank=True)
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("评选记录")
        verbose_name_plural = _("评选记录")
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["entry", "created_at"])]

    def __str__(self):
        return f"{self.entry_id} {self.get_action_display()} {self.from_state}→{self.to_state}"

    @property
    def is_public(self) -> bool:
        """Whether the author may read this step's reason: only return reasons are addressed to them."""
        return self.action == TransitionAction.RETURN


class TierGrade(models.Model):
    """A tier's own local result (评出等次) for an entry: one of the campaign's work award levels."""

    entry = models.ForeignKey("submissions.Entry", verbose_name=_("作品"), on_delete=models.CASCADE,
                              related_name="tier_grades")
    tier = models.PositiveSmallIntegerField(_("评定层级"), choices=Tier.choices)
    award_level = models.ForeignKey("campaigns.AwardLevel", verbose_name=_("等次"), on_delete=models.PROTECT,
                                    related_name="+")
    graded_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("评定人"), null=True,
                                  on_delete=models.SET_NULL, related_name="+")
    graded_at = models.DateTimeField(_("评定时间"), auto_now=True)

    class Meta:
        verbose_name = _("层级等次")
        verbose_name_plural = _("层级等次")
        ordering = ["entry", "tier"]
        constraints = [models.UniqueConstraint(fields=["entry", "tier"], name="one_grade_per_entry_tier")]
        indexes = [models.Index(fields=["tier", "award_level"])]

    def __str__(self):
        return f"{self.entry_id} {self.get_tier_display()} {self.award_level}"


class RecommendationQuota(models.Model):
    """How many entries a city or provincial industry union has recommended to the province, of its cap.

    `used` only changes through a conditional UPDATE (`used = used + 1 WHERE used < cap`) inside the
    recommending transaction, and the database itself refuses `used > cap`: the cap holds when several
    staff of the same union click at once, whatever the isolation level.
    """

    campaign = models.ForeignKey("campaigns.Campaign", verbose_name=_("活动"), on_delete=models.CASCADE,
                                 related_name="recommendation_quotas")
    union = models.ForeignKey("directory.OrgNode", verbose_name=_("市/产业工会"), on_delete=models.PROTECT,
                              related_name="recommendation_quotas")
    cap = models.PositiveSmallIntegerField(_("推荐上限"))
    used = models.PositiveSmallIntegerField(_("已推荐"), default=0)

    class Meta:
        verbose_name = _("推荐名额")
        verbose_name_plural = _("推荐名额")
        ordering = ["campaign", "union"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "union"], name="one_quota_per_union"),
            models.CheckConstraint(condition=Q(used__lte=F("cap")), name="quota_used_within_cap"),
            models.CheckConstraint(condition=Q(used__gte=0), name="quota_used_not_negative"),
        ]

    def __str__(self):
        return f"{self.union} {self.used}/{self.cap}"

    def clean(self):
        if self.cap is not None and self.used is not None and self.cap < self.used:
            raise ValidationError({"cap": _("推荐上限不能小于已推荐的数量（%(used)d）。") % {"used": self.used}})

    @property
    def remaining(self) -> int:
        return max(self.cap - self.used, 0)


class Notification(models.Model):
    """An in-app message to a user: about one of their entries (`entry`), or about anything else the
    portal tracks (a hazard, a tip, a return: `subject` and `target_url`, set by `notify_user`); e-mailed
    too when it matters."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("接收人"), on_delete=models.CASCADE,
                             related_name="review_notifications")
    entry = models.ForeignKey("submissions.Entry", verbose_name=_("作品"), null=True, blank=True,
                              on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("类型"), max_length=16, choices=NotificationKind.choices)
    # For notifications about something other than an entry: what it is about and where to act on it
    # (a path inside the portal, checked again by that page's own permission when opened).
    subject = models.CharField(_("事项"), max_length=200, blank=True)
    target_url = models.CharField(_("链接"), max_length=300, blank=True)
    message = models.TextField(_("内容"))
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self):
        return f"{self.user} {self.get_kind_display()}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
