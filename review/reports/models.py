from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from portal.directory.enums import SELECTION_KINDS


class StatisticsReport(models.Model):
    """附件3 统计表 of one city/industry union: the figures it reports to the province.

    The system pre-fills what it knows (see review.reports.statistics.FIGURES); the union's staff
    complete 覆盖班组数 and 其它, adjust the rest for offline participation with a note, and submit it
    with review.reports.services.submit_statistics. `system_figures` keeps what the system counted at
    the time, so the committee sees what was adjusted.
    """

    campaign = models.ForeignKey("campaigns.Campaign", verbose_name=_("活动"), on_delete=models.CASCADE,
                                 related_name="statistics_reports")
    union = models.ForeignKey("directory.OrgNode", verbose_name=_("市/产业工会"), on_delete=models.PROTECT,
                              related_name="statistics_reports", limit_choices_to={"kind__in": SELECTION_KINDS})
    participating_units = models.PositiveIntegerField(_("参加单位数"))
    teams_covered = models.PositiveIntegerField(_("覆盖班组数"))
    participants = models.PositiveIntegerField(_("职工参与数"))
    hazards_found = models.PositiveIntegerField(_("发现隐患数"))
    hazards_rectified = models.PositiveIntegerField(_("整改隐患数"))
    other = models.CharField(_("其它"), max_length=200, blank=True)
    note = models.TextField(_("说明"), blank=True,
                            help_text=_("调整了系统统计数，或补充了线下参与情况时，请写明依据。"))
    system_figures = models.JSONField(_("系统统计数"), default=dict, blank=True, editable=False)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("报送人"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("统计表（附件3）")
        verbose_name_plural = _("统计表（附件3）")
        ordering = ["campaign", "union__path"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "union"], name="one_statistics_report_per_union"),
            models.CheckConstraint(condition=Q(hazards_rectified__lte=F("hazards_found")),
                                   name="statistics_rectified_within_found",
                                   violation_error_message=_("整改隐患数不能大于发现隐患数。")),
        ]

    def __str__(self):
        return f"{self.union} · {self.campaign}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


class UnionReport(models.Model):
    """活动开展情况和成效做法 of one city/industry union, filed with its 附件3 (seed 000, 六.2).

    `body` is sanitised HTML (review.reports.union_report.sanitise): headings, paragraphs, lists and
    photos of the union's own entries only. The union's staff save drafts and file it through
    review.reports.union_report.save_union_report / file_union_report, until the recommendation deadline.
    """

    campaign = models.ForeignKey("campaigns.Campaign", verbose_name=_("活动"), on_delete=models.CASCADE,
                                 related_name="union_reports")
    union = models.ForeignKey("directory.OrgNode", verbose_name=_("市/产业工会"), on_delete=models.PROTECT,
                              related_name="union_reports", limit_choices_to={"kind__in": SELECTION_KINDS})
    title = models.CharField(_("标题"), max_length=120)
    body = models.TextField(_("正文"), blank=True,
                            help_text=_("活动开展情况、成效做法：可用小标题、列表，并插入本单位作品的照片。"))
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("最后修改人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("报送人"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("活动开展情况和成效做法")
        verbose_name_plural = _("活动开展情况和成效做法")
        ordering = ["campaign", "union__path"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "union"], name="one_union_report_per_union"),
        ]

    def __str__(self):
        return f"{self.union} · {self.title}"

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None
