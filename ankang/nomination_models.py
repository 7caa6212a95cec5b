"""安康杯 commendations and the year's 活动开展情况 report (seed 003): nominations of 优胜单位, 优胜班组,
优秀组织单位 and 先进个人 climbing county → city → province under a quota per award kind at each level
(NominationQuota, data per competition; NominationTally counts what each union has used), their timeline
(NominationStep), the province's commendation list and public page (Commendation), and each union's
annual report (AnnualReport) with its highlighted activity records.

Only ankang/nominations.py and ankang/report.py change these records; every change is audited."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from ankang.nomination_enums import (
    AwardKind,
    NominationAction,
    NominationLevel,
    NominationState,
    ReportState,
)
from portal.directory.enums import NodeKind


class NominationQuota(models.Model):
    """名额: how many nominations of one award kind each union at a level may pass upwards (the county to the
    city, the city to the province) or, at the province, list in total."""

    competition = models.ForeignKey("ankang.Competition", on_delete=models.CASCADE, related_name="quotas")
    level = models.CharField(_("层级"), max_length=10, choices=NominationLevel.choices)
    kind = models.CharField(_("表彰类别"), max_length=10, choices=AwardKind.choices)
    cap = models.PositiveSmallIntegerField(_("名额"), help_text=_("每个该层级工会可上报（省级：可列入表彰名单）的数量。"))

    class Meta:
        verbose_name = _("推荐名额")
        verbose_name_plural = _("推荐名额")
        ordering = ["competition", "level", "kind"]
        constraints = [models.UniqueConstraint(fields=["competition", "level", "kind"],
                                               name="unique_ankang_nomination_quota")]

    def __str__(self):
        return f"{self.get_level_display()} {self.get_kind_display()} {self.cap}"


class AwardGrade(models.Model):
    """等次 the province may give a listed nomination (e.g. 一等, 二等, 三等): data of each competition, started
    from ankang.seed_data.GRADES and set at the competition's settings page (ankang.setup.set_grades)."""

    competition = models.ForeignKey("ankang.Competition", on_delete=models.CASCADE, related_name="grades")
    code = models.SlugField(_("代码"), max_length=20)
    rank = models.PositiveSmallIntegerField(_("排序"), help_text=_("小的在前。"))
    name = models.CharField(_("等次"), max_length=20)

    class Meta:
        verbose_name = _("表彰等次")
        verbose_name_plural = _("表彰等次")
        ordering = ["competition", "rank", "id"]
        constraints = [models.UniqueConstraint(fields=["competition", "code"], name="unique_ankang_grade_code")]

    def __str__(self):
        return self.name


class NominationTally(models.Model):
    """How many of its quota one union has used. `used` changes only by a conditional UPDATE (`used + 1 WHERE
    used < cap`) inside the deciding transaction, backed by a CHECK constraint: the same cap idea as the
    随手拍 review's RecommendationQuota, so concurrent clicks never pass the quota."""

    competition = models.ForeignKey("ankang.Competition", on_delete=models.CASCADE, related_name="tallies")
    union = models.ForeignKey("directory.OrgNode", verbose_name=_("工会"), on_delete=models.PROTECT, related_name="+")
    level = models.CharField(_("层级"), max_length=10, choices=NominationLevel.choices)
    kind = models.CharField(_("表彰类别"), max_length=10, choices=AwardKind.choices)
    cap = models.PositiveSmallIntegerField(_("名额"))
    used = models.PositiveSmallIntegerField(_("已用"), default=0)

    class Meta:
        verbose_name = _("名额使用")
        verbose_name_plural = _("名额使用")
        ordering = ["competition", "level", "union", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["competition", "union", "level", "kind"], name="unique_ankang_tally"),
            models.CheckConstraint(condition=Q(used__lte=F("cap")), name="ankang_tally_within_cap"),
        ]

    def __str__(self):
        return f"{self.union} {self.get_kind_display()} {self.used}/{self.cap}"


class Nomination(models.Model):
    """One nomination: a unit (优胜单位, 优秀组织单位), a 班组 (优胜班组) or a person with their deeds (先进个人),
    proposed by the unit union or the county union and waiting at `level` while PENDING."""

    competition = models.ForeignKey("ankang.Competition", on_delete=models.CASCADE, related_name="nominations")
    kind = models.CharField(_("表彰类别"), max_length=10, choices=AwardKind.choices)
    unit = models.ForeignKey("directory.OrgNode", verbose_name=_("单位"), on_delete=models.PROTECT,
                             related_name="ankang_nominations")
    team = models.ForeignKey("directory.OrgNode", verbose_name=_("班组"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+", limit_choices_to={"kind": NodeKind.TEAM},
                             help_text=_("优胜班组：已确认参赛的班组。"))
    person_name = models.CharField(_("姓名"), max_length=40, blank=True)
    person_post = models.CharField(_("职务/岗位"), max_length=60, blank=True)
    deeds = models.TextField(_("主要事迹"), blank=True)
    county_union = models.ForeignKey("directory.OrgNode", verbose_name=_("县级工会"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    city_union = models.ForeignKey("directory.OrgNode", verbose_name=_("市级工会"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    level = models.CharField(_("所在层级"), max_length=10, choices=NominationLevel.choices)
    state = models.CharField(_("状态"), max_length=10, choices=NominationState.choices,
                             default=NominationState.PENDING)
    grade = models.ForeignKey(AwardGrade, verbose_name=_("等次"), null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("推荐时间"), auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("表彰推荐")
        verbose_name_plural = _("表彰推荐")
        ordering = ["competition", "kind", "unit__path", "id"]
        indexes = [models.Index(fields=["competition", "level", "state"])]

    def __str__(self):
        return f"{self.get_kind_display()} {self.label}"

    @property
    def label(self) -> str:
        """The name shown on lists and the public page: the person, the 班组 or the unit."""
        if self.kind == AwardKind.PERSON:
            return f"{self.person_name}（{self.unit.name}）"
        if self.kind == AwardKind.TEAM:
            return f"{self.unit.name} {self.team}"
        return self.unit.name


class NominationStep(models.Model):
    """One step of a nomination's history (its timeline); the audit log holds the same step too."""

    nomination = models.ForeignKey(Nomination, on_delete=models.CASCADE, related_name="steps")
    action = models.CharField(_("操作"), max_length=10, choices=NominationAction.choices)
    level = models.CharField(_("层级"), max_length=10, choices=NominationLevel.choices, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    node = models.ForeignKey("directory.OrgNode", verbose_name=_("操作单位"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+")
    comment = models.CharField(_("意见"), max_length=300, blank=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("推荐记录")
        verbose_name_plural = _("推荐记录")
        ordering = ["nomination", "at", "id"]

    def __str__(self):
        return f"{self.nomination_id} {self.get_action_display()}"


class Commendation(models.Model):
    """The province's commendation list of a competition: fixed (no more changes), then published."""

    competition = models.OneToOneField("ankang.Competition", on_delete=models.CASCADE, related_name="commendation")
    title = models.CharField(_("表彰标题"), max_length=120)
    note = models.TextField(_("表彰说明"), blank=True)
    fixed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    fixed_at = models.DateTimeField(_("确定时间"), null=True, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("表彰名单")
        verbose_name_plural = _("表彰名单")

    def __str__(self):
        return self.title


class AnnualReport(models.Model):
    """A union's 活动开展情况 report of a competition year: plain-text sections drafted from the data, edited
    by the union, exported as Word; due on competition.report_due_on."""

    competition = models.ForeignKey("ankang.Competition", on_delete=models.CASCADE, related_name="annual_reports")
    union = models.ForeignKey("directory.OrgNode", verbose_name=_("工会"), on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("状态"), max_length=10, choices=ReportState.choices, default=ReportState.DRAFT)
    overview = models.TextField(_("总体情况"), blank=True)
    activities = models.TextField(_("活动开展情况"), blank=True)
    hazards = models.TextField(_("隐患排查治理"), blank=True)
    snapshots = models.TextField(_("职工“随手拍”"), blank=True)
    highlights = models.TextField(_("特色亮点"), blank=True)
    plans = models.TextField(_("存在问题和下步打算"), blank=True)
    highlight_records = models.ManyToManyField("ankang.ActivityRecord", verbose_name=_("亮点活动"), blank=True,
                                               related_name="+")
    figures = models.JSONField(_("生成时的数据"), default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    submitted_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("活动开展情况报告")
        verbose_name_plural = _("活动开展情况报告")
        ordering = ["competition", "union__path"]
        constraints = [models.UniqueConstraint(fields=["competition", "union"], name="one_ankang_report_per_union")]

    def __str__(self):
        return f"{self.union} {self.competition}"


class ReportReminder(models.Model):
    """One reminder of the report sent to a union for one configured reminder day (competition.reminder_days):
    the unique row makes it once per union and day even when the daily task runs twice or a day late."""

    competition = models.ForeignKey("ankang.Competition", on_delete=models.CASCADE, related_name="report_reminders")
    union = models.ForeignKey("directory.OrgNode", verbose_name=_("工会"), on_delete=models.PROTECT, related_name="+")
    scheduled_on = models.DateField(_("提醒日"))
    sent_at = models.DateTimeField(_("发送时间"), auto_now_add=True)
    recipients = models.PositiveSmallIntegerField(_("接收人数"), default=0)

    class Meta:
        verbose_name = _("报告催报记录")
        verbose_name_plural = _("报告催报记录")
        ordering = ["competition", "scheduled_on", "union__path"]
        constraints = [models.UniqueConstraint(fields=["competition", "union", "scheduled_on"],
                                               name="one_ankang_report_reminder_per_day")]

    def __str__(self):
        return f"{self.union} {self.scheduled_on}"
