"""Who assesses an entry at the province: the committee's expert assignments.

The rows are written by review.experts.services (atomic, audited, under the campaign lock); they live
here, below scoring and review, because the apps that decide what an expert may see and score
(submissions.scoping, scoring, review) read them and may only import downwards. The table keeps its
name from when the model lived in review.experts (`experts_expertassignment`): moving it changed no data.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from submissions.enums import AssignmentOrigin

# "Active": the assignment still counts (no conflict declared, not removed by the committee). The one
# definition, as a Q for aggregates and as a queryset method for lookups.
ACTIVE_Q = models.Q(conflict_declared_at__isnull=True, removed_at__isnull=True)


class ExpertAssignmentQuerySet(models.QuerySet):
    def active(self) -> "ExpertAssignmentQuerySet":
        """Assignments that still count: no conflict declared, not removed by the committee."""
        return self.filter(ACTIVE_Q)


class ExpertAssignment(models.Model):
    """One expert asked to score one entry recommended to the province.

    A row is never deleted: a declared conflict or a removal by the committee is recorded on it, so the
    automatic assignment never offers the same expert for that entry again and the record can be read
    back. `submitted_at` is set when the expert first saves their province-tier assessment.
    """

    entry = models.ForeignKey("submissions.Entry", verbose_name=_("作品"), on_delete=models.CASCADE,
                              related_name="expert_assignments")
    expert = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("评审专家"), on_delete=models.PROTECT,
                               related_name="expert_assignments")
    origin = models.CharField(_("分配方式"), max_length=16, choices=AssignmentOrigin.choices,
                              default=AssignmentOrigin.AUTO)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("分配人"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    assigned_at = models.DateTimeField(_("分配时间"), default=timezone.now)
    reason = models.TextField(_("分配原因"), blank=True)
    conflict_declared_at = models.DateTimeField(_("申请回避时间"), null=True, blank=True)
    conflict_reason = models.TextField(_("回避原因"), blank=True)
    removed_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)
    removed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("撤销人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    removal_reason = models.TextField(_("撤销原因"), blank=True)
    submitted_at = models.DateTimeField(_("评分提交时间"), null=True, blank=True)

    objects = ExpertAssignmentQuerySet.as_manager()

    class Meta:
        # The table made when the model lived in review.experts (app label "experts"): no data moved.
        db_table = "experts_expertassignment"
        verbose_name = _("专家分配")
        verbose_name_plural = _("专家分配")
        ordering = ["entry", "assigned_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["entry", "expert"], name="one_assignment_per_expert_entry"),
        ]
        indexes = [
            models.Index(fields=["expert", "conflict_declared_at", "removed_at"]),
            models.Index(fields=["entry", "conflict_declared_at", "removed_at"]),
        ]

    def __str__(self):
        return f"{self.entry_id} · {self.expert}"

    @property
    def is_active(self) -> bool:
        return self.conflict_declared_at is None and self.removed_at is None

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None
