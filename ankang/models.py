"""安康杯 competition (seed 003 石家庄 2021, seed 004): the competition cycle with its organisers and theme,
its calendar of activity types (as a versioned template, seeded from seed 003's 系列活动 and the "十个一"),
the enrolment of units and 班组, the activity records with their evidence, and the score sheets
(考核评分表) as versioned data with each unit's self and review scores.

Only ankang/services.py changes these records; every change writes an audit record.
"""

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from ankang.enums import (
    ActivityCount,
    ActivityGroup,
    ConditionKind,
    EnrolmentKind,
    EnrolmentState,
    EvidenceKind,
    Indicator,
    RecordLevel,
    ScoreItemKind,
    SheetState,
)
from portal.directory.enums import NodeKind

MONTH_VALIDATORS = [MinValueValidator(1), MaxValueValidator(12)]


# --- the calendar as data --------------------------------------------------------------------------------

class CalendarTemplate(models.Model):
    """One version of a competition's calendar of activity types (seed 003: 石家庄 2021)."""

    name = models.CharField(_("名称"), max_length=100)
    version = models.CharField(_("版本"), max_length=40)
    basis = models.TextField(_("依据"), blank=True)

    class Meta:
        verbose_name = _("竞赛活动安排模板")
        verbose_name_plural = _("竞赛活动安排模板")
        constraints = [models.UniqueConstraint(fields=["name", "version"], name="unique_ankang_calendar")]

    def __str__(self):
        return f"{self.name}（{self.version}）"


class ActivityType(models.Model):
    """One activity of the calendar with the months it runs in (e.g. 送清凉 7–8月); a "十个一" activity hangs
    under the activity it belongs to (宣传“五进”活动月) and, without months of its own, runs in any month of
    the competition."""

    template = models.ForeignKey(CalendarTemplate, on_delete=models.CASCADE, related_name="activity_types")
    code = models.SlugField(_("代码"), max_length=40)
    number = models.PositiveSmallIntegerField(_("序号"))
    group = models.CharField(_("类别"), max_length=12, choices=ActivityGroup.choices, default=ActivityGroup.SERIES)
    parent = models.ForeignKey("self", verbose_name=_("所属活动"), null=True, blank=True, on_delete=models.CASCADE,
                               related_name="children")
    name = models.CharField(_("活动名称"), max_length=100)
    short_name = models.CharField(_("简称"), max_length=20, help_text=_("日历和覆盖表的列名。"))
    start_month = models.PositiveSmallIntegerField(_("起始月"), null=True, blank=True, validators=MONTH_VALIDATORS)
    end_month = models.PositiveSmallIntegerField(_("结束月"), null=True, blank=True, validators=MONTH_VALIDATORS,
                                                 help_text=_("起止月都留空：竞赛期内任何月份均可开展。"))
    description = models.TextField(_("活动内容"), blank=True)
    counts_as = models.CharField(_("计入查保促报表"), max_length=10, choices=ActivityCount.choices, blank=True,
                                 help_text=_("本类活动记录在“查保促”报表中计为应急演练次数或安全生产培训次数（人数）。"))

    class Meta:
        verbose_name = _("竞赛活动类型")
        verbose_name_plural = _("竞赛活动类型")
        ordering = ["template", "group", "number"]
        constraints = [models.UniqueConstraint(fields=["template", "code"], name="unique_ankang_activity_code")]

    def __str__(self):
        return self.name

    def clean(self):
        if (self.start_month is None) != (self.end_month is None):
            raise ValidationError(_("起始月和结束月须同时填写或同时留空。"))

    @property
    def months(self) -> list[int]:
        """The calendar months of the activity (empty: any month); a span may cross the new year."""
        if self.start_month is None or self.end_month is None:
            return []
        if self.start_month <= self.end_month:
            return list(range(self.start_month, self.end_month + 1))
        return [*range(self.start_month, 13), *range(1, self.end_month + 1)]

    @property
    def months_label(self) -> str:
        months = self.months
        if not months:
            return str(_("不限月份"))
        if len(months) == 1:
            return _("%(m)s月") % {"m": months[0]}
        return _("%(a)s–%(b)s月") % {"a": months[0], "b": months[-1]}


# --- the score sheet as data -----------------------------------------------------------------------------

class ScoreTemplate(models.Model):
    """One version of the 考核评分表: its sections and items with maximum points, bonus items, veto items
    and base conditions."""

    name = models.CharField(_("名称"), max_length=100)
    version = models.CharField(_("版本"), max_length=40)
    title = models.CharField(_("表名"), max_length=100)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        verbose_name = _("考核评分表模板")
        verbose_name_plural = _("考核评分表模板")
        constraints = [models.UniqueConstraint(fields=["name", "version"], name="unique_ankang_score_template")]

    def __str__(self):
        return f"{self.name}（{self.version}）"


class ScoreSection(models.Model):
    template = models.ForeignKey(ScoreTemplate, on_delete=models.CASCADE, related_name="sections")
    number = models.PositiveSmallIntegerField(_("序号"))
    name = models.CharField(_("考核部分"), max_length=60)

    class Meta:
        verbose_name = _("考核部分")
        verbose_name_plural = _("考核部分")
        ordering = ["template", "number"]
        constraints = [models.UniqueConstraint(fields=["template", "number"], name="unique_ankang_section")]

    def __str__(self):
        return f"{self.number}. {self.name}"


class ScoreItem(models.Model):
    """One scored or bonus item with its maximum points and, when the portal holds figures that inform it,
    the indicator shown beside it."""

    template = models.ForeignKey(ScoreTemplate, on_delete=models.CASCADE, related_name="items")
    section = models.ForeignKey(ScoreSection, verbose_name=_("考核部分"), null=True, blank=True,
                                on_delete=models.CASCADE, related_name="items", help_text=_("加分项留空。"))
    kind = models.CharField(_("类别"), max_length=8, choices=ScoreItemKind.choices, default=ScoreItemKind.SCORED)
    number = models.PositiveSmallIntegerField(_("序号"))
    text = models.CharField(_("考核内容"), max_length=200)
    standard = models.TextField(_("评分标准"), blank=True)
    max_points = models.DecimalField(_("分值"), max_digits=5, decimal_places=1, validators=[MinValueValidator(0)])
    indicator = models.CharField(_("系统数据"), max_length=24, choices=Indicator.choices, blank=True,
                                 help_text=_("评分时在本项旁显示的系统数据。"))

    class Meta:
        verbose_name = _("考核项目")
        verbose_name_plural = _("考核项目")
        ordering = ["template", "kind", "number"]
        constraints = [models.UniqueConstraint(fields=["template", "kind", "number"], name="unique_ankang_item")]

    def __str__(self):
        return f"{self.number}. {self.text}（{self.max_points}分）"

    def clean(self):
        if (self.kind == ScoreItemKind.SCORED) != (self.section_id is not None):
            raise ValidationError(_("考核项须属于一个考核部分，加分项不属于任何部分。"))
        if self.section_id and self.section.template_id != self.template_id:
            raise ValidationError(_("考核部分不属于本模板。"))


class VetoItem(models.Model):
    """一票否决: e.g. a 重伤 or fatal accident in the competition period makes the unit not eligible."""

    template = models.ForeignKey(ScoreTemplate, on_delete=models.CASCADE, related_name="vetoes")
    number = models.PositiveSmallIntegerField(_("序号"))
    text = models.CharField(_("否决事项"), max_length=200)

    class Meta:
        verbose_name = _("一票否决项")
        verbose_name_plural = _("一票否决项")
        ordering = ["template", "number"]
        constraints = [models.UniqueConstraint(fields=["template", "number"], name="unique_ankang_veto")]

    def __str__(self):
        return self.text


class BaseCondition(models.Model):
    """A base condition of eligibility, e.g. total ≥ 80, or every section ≥ 80 % of its points."""

    template = models.ForeignKey(ScoreTemplate, on_delete=models.CASCADE, related_name="conditions")
    kind = models.CharField(_("条件"), max_length=20, choices=ConditionKind.choices)
    value = models.DecimalField(_("数值"), max_digits=6, decimal_places=1, validators=[MinValueValidator(0)])

    class Meta:
        verbose_name = _("基本条件")
        verbose_name_plural = _("基本条件")
        ordering = ["template", "kind"]
        constraints = [models.UniqueConstraint(fields=["template", "kind"], name="unique_ankang_condition")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.value}"


# --- the competition -------------------------------------------------------------------------------------

def parse_reminder_days(text: str) -> list[int]:
    """"7,3,1" → [7, 3, 1] (unique, largest first); ValueError on anything else."""
    parts = [part.strip() for part in text.replace("，", ",").split(",") if part.strip()]
    days = sorted({int(part) for part in parts}, reverse=True)
    if any(day < 0 or day > 366 for day in days):
        raise ValueError(text)
    return days


def validate_reminder_days(text: str) -> None:
    try:
        parse_reminder_days(text)
    except ValueError:
        raise ValidationError(_("请填写0到366之间的天数，用逗号分隔，如“7,3,1”。")) from None


class Competition(models.Model):
    """One 安康杯 cycle (e.g. 2025–2026年度, or a local year) at an organising union, with its theme, organisers,
    window and deadlines, and the calendar and score-sheet versions it uses."""

    name = models.CharField(_("名称"), max_length=100)
    cycle = models.CharField(_("竞赛周期"), max_length=40, help_text=_("如 2025–2026年度。"))
    year = models.PositiveSmallIntegerField(_("考核年度"), help_text=_("活动开展情况报告和考核表彰的年度。"))
    place = models.ForeignKey("directory.OrgNode", verbose_name=_("组织单位"), on_delete=models.PROTECT,
                              related_name="+", help_text=_("组织竞赛的总工会（省、市）；其下的单位参赛。"))
    organisers = models.TextField(_("主办单位"), help_text=_("每行一个，如省总工会、省应急管理厅、省卫生健康委。"))
    theme = models.CharField(_("竞赛主题"), max_length=100,
                             help_text=_("如“落实安全生产责任，推动安全发展”。"))
    basis = models.TextField(_("依据"), blank=True)
    calendar = models.ForeignKey(CalendarTemplate, verbose_name=_("活动安排"), on_delete=models.PROTECT,
                                 related_name="competitions")
    score_template = models.ForeignKey(ScoreTemplate, verbose_name=_("考核评分表"), on_delete=models.PROTECT,
                                       related_name="competitions")
    starts_on = models.DateField(_("竞赛开始日期"))
    ends_on = models.DateField(_("竞赛结束日期"))
    enrol_closes_on = models.DateField(_("报名截止日期"))
    records_close_on = models.DateField(_("活动记录截止日期"),
                                        help_text=_("此后不再接受活动记录（补录）。"))
    self_score_closes_on = models.DateField(_("自评截止日期"))
    review_closes_on = models.DateField(_("评审截止日期"))
    report_due_on = models.DateField(_("开展情况报送截止日期"),
                                     help_text=_("“安康杯”竞赛活动开展情况，请于12月15日前报市总劳动和经济工作部。"))
    reminder_days = models.CharField(_("截止前第几天提醒"), max_length=40, default="7,3,1",
                                     validators=[validate_reminder_days],
                                     help_text=_("逗号分隔的天数，如“7,3,1”：截止前第7、3、1天各提醒一次未报送的工会。"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("“安康杯”竞赛")
        verbose_name_plural = _("“安康杯”竞赛")
        ordering = ["-year", "name"]
        constraints = [models.UniqueConstraint(fields=["year", "place"], name="one_ankang_competition_per_year_place")]

    def __str__(self):
        return self.name

    def clean(self):
        if self.starts_on and self.ends_on and self.starts_on > self.ends_on:
            raise ValidationError(_("竞赛开始日期不能晚于结束日期。"))

    @property
    def organiser_list(self) -> list[str]:
        return [line.strip() for line in self.organisers.splitlines() if line.strip()]

    def in_window(self, day) -> bool:
        return self.starts_on <= day <= self.ends_on

    @property
    def reminder_offsets(self) -> list[int]:
        """The days before report_due_on on which the unions are reminded, largest first."""
        return parse_reminder_days(self.reminder_days)

    @property
    def reminders_from(self) -> int:
        """How many days before the due date the reminders start (the page turns to a warning then)."""
        return max(self.reminder_offsets, default=0)


class Enrolment(models.Model):
    """A unit or one of its 班组 taking part, enrolled by the unit union and confirmed by the county union."""

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="enrolments")
    unit = models.ForeignKey("directory.OrgNode", verbose_name=_("单位"), on_delete=models.PROTECT,
                             related_name="ankang_enrolments")
    kind = models.CharField(_("参赛类别"), max_length=8, choices=EnrolmentKind.choices, default=EnrolmentKind.UNIT)
    workshop = models.ForeignKey("directory.OrgNode", verbose_name=_("车间"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+", limit_choices_to={"kind": NodeKind.WORKSHOP})
    team = models.ForeignKey("directory.OrgNode", verbose_name=_("班组"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="ankang_team_enrolments",
                             limit_choices_to={"kind": NodeKind.TEAM}, help_text=_("班组参赛时选择本单位的班组。"))
    members = models.PositiveIntegerField(_("职工人数"), null=True, blank=True)
    contact = models.CharField(_("联系人"), max_length=40, blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=EnrolmentState.choices,
                             default=EnrolmentState.PROPOSED)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("报名人"), null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    proposed_at = models.DateTimeField(_("报名时间"), default=timezone.now)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("确认人"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    reason = models.CharField(_("未确认原因"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("参赛报名")
        verbose_name_plural = _("参赛报名")
        ordering = ["competition", "unit__path", "kind", "team"]
        # One enrolment of the unit itself, and one of each 班组 (a NULL team never collides in a plain
        # unique constraint, hence one condition per kind).
        constraints = [
            models.UniqueConstraint(fields=["competition", "unit"], condition=models.Q(kind=EnrolmentKind.UNIT),
                                    name="unique_ankang_unit_enrolment"),
            models.UniqueConstraint(fields=["competition", "team"], condition=models.Q(kind=EnrolmentKind.TEAM),
                                    name="unique_ankang_team_enrolment"),
        ]
        indexes = [models.Index(fields=["competition", "state"])]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        if self.kind == EnrolmentKind.TEAM:
            return " ".join(str(part) for part in (self.unit.name, self.workshop, self.team) if part)
        return self.unit.name


class ActivityRecord(models.Model):
    """One activity run by a unit, a 车间 or a 班组, linked to the calendar."""

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="records")
    activity_type = models.ForeignKey(ActivityType, verbose_name=_("活动类型"), on_delete=models.PROTECT,
                                      related_name="records")
    unit = models.ForeignKey("directory.OrgNode", verbose_name=_("单位"), on_delete=models.PROTECT,
                             related_name="ankang_records")
    enrolment = models.ForeignKey(Enrolment, verbose_name=_("参赛单位/班组"), on_delete=models.PROTECT,
                                  related_name="records")
    level = models.CharField(_("开展范围"), max_length=10, choices=RecordLevel.choices, default=RecordLevel.UNIT)
    workshop = models.ForeignKey("directory.OrgNode", verbose_name=_("车间"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+", limit_choices_to={"kind": NodeKind.WORKSHOP})
    team = models.ForeignKey("directory.OrgNode", verbose_name=_("班组"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="+", limit_choices_to={"kind": NodeKind.TEAM})
    held_on = models.DateField(_("开展日期"))
    place = models.CharField(_("地点"), max_length=200)
    participants = models.PositiveIntegerField(_("参加人数"), validators=[MinValueValidator(1)])
    participant_names = models.TextField(_("参加人员名单"), blank=True, help_text=_("可选；仅本单位及上级工会可见。"))
    description = models.TextField(_("活动情况"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("活动记录")
        verbose_name_plural = _("活动记录")
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["competition", "unit", "activity_type"]),
                   models.Index(fields=["competition", "held_on"])]

    def __str__(self):
        return f"{self.unit} {self.activity_type} {self.held_on}"


def evidence_upload_to(instance, filename):
    # A generated name: the user's file name never reaches the file system (the services pass "original.pdf"
    # for a cleaned PDF, a .jpg name otherwise).
    extension = "pdf" if filename.endswith(".pdf") else "jpg"
    return f"ankang/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}.{extension}"


class ActivityEvidence(models.Model):
    """A photo (JPEG or PNG, stored as a cleaned JPEG with its preview) or a PDF document (rewritten without
    scripts or attachments, no preview) of an activity, through ankang.evidence; served only through
    portal/files to those who may see the record."""

    record = models.ForeignKey(ActivityRecord, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(_("类型"), max_length=8, choices=EvidenceKind.choices, default=EvidenceKind.PHOTO)
    caption = models.CharField(_("说明"), max_length=100, blank=True)
    original = models.FileField(upload_to=evidence_upload_to, max_length=200)
    preview = models.FileField(upload_to=evidence_upload_to, max_length=200, blank=True)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("活动佐证材料")
        verbose_name_plural = _("活动佐证材料")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return f"{self.record_id} {self.caption or self.pk}"


# --- score sheets ----------------------------------------------------------------------------------------

class ScoreSheet(models.Model):
    """A unit's 考核评分表 of one competition: self-scored by the unit union, reviewed by the county or city
    union; totals, vetoes and base conditions are computed by the services and kept here with the reasons
    a unit is not eligible."""

    competition = models.ForeignKey(Competition, on_delete=models.CASCADE, related_name="sheets")
    enrolment = models.OneToOneField(Enrolment, verbose_name=_("参赛单位"), on_delete=models.PROTECT,
                                     related_name="sheet")
    unit = models.ForeignKey("directory.OrgNode", verbose_name=_("单位"), on_delete=models.PROTECT,
                             related_name="ankang_sheets")
    template = models.ForeignKey(ScoreTemplate, verbose_name=_("评分表模板"), on_delete=models.PROTECT,
                                 related_name="sheets")
    state = models.CharField(_("状态"), max_length=10, choices=SheetState.choices, default=SheetState.DRAFT)
    self_total = models.DecimalField(_("自评总分"), max_digits=6, decimal_places=1, null=True, blank=True)
    review_total = models.DecimalField(_("评审总分"), max_digits=6, decimal_places=1, null=True, blank=True)
    vetoed = models.BooleanField(_("一票否决"), default=False)
    eligible = models.BooleanField(_("符合表彰条件"), null=True, blank=True)
    reasons = models.JSONField(_("不符合条件的原因"), default=list, blank=True)
    indicators = models.JSONField(_("提交时的系统数据"), default=dict, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    reviewer_node = models.ForeignKey("directory.OrgNode", verbose_name=_("评审单位"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(_("评审时间"), null=True, blank=True)
    review_comment = models.TextField(_("评审意见"), blank=True)
    return_reason = models.TextField(_("退回理由"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("考核评分表")
        verbose_name_plural = _("考核评分表")
        ordering = ["competition", "unit__path"]
        constraints = [models.UniqueConstraint(fields=["competition", "unit"], name="one_ankang_sheet_per_unit")]

    def __str__(self):
        return f"{self.unit} {self.competition}"

    @property
    def final_total(self) -> Decimal | None:
        """The score that counts: the review's once reviewed, the self-score before."""
        return self.review_total if self.review_total is not None else self.self_total


class SheetScore(models.Model):
    """The self and review score of one item (scored or bonus) of a sheet, with note and comment."""

    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="scores")
    item = models.ForeignKey(ScoreItem, on_delete=models.PROTECT, related_name="+")
    self_score = models.DecimalField(_("自评得分"), max_digits=5, decimal_places=1, null=True, blank=True)
    self_note = models.CharField(_("自评说明"), max_length=300, blank=True)
    review_score = models.DecimalField(_("评审得分"), max_digits=5, decimal_places=1, null=True, blank=True)
    review_comment = models.CharField(_("评审意见"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("评分")
        verbose_name_plural = _("评分")
        ordering = ["sheet", "item__kind", "item__number"]
        constraints = [models.UniqueConstraint(fields=["sheet", "item"], name="unique_ankang_sheet_score")]

    def __str__(self):
        return f"{self.sheet_id} {self.item}"


class SheetVeto(models.Model):
    """Whether a veto item applies to a sheet: declared by the unit, found by the reviewer."""

    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="veto_marks")
    veto = models.ForeignKey(VetoItem, on_delete=models.PROTECT, related_name="+")
    self_declared = models.BooleanField(_("单位申报存在"), default=False)
    review_found = models.BooleanField(_("评审认定存在"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("否决项认定")
        verbose_name_plural = _("否决项认定")
        ordering = ["sheet", "veto__number"]
        constraints = [models.UniqueConstraint(fields=["sheet", "veto"], name="unique_ankang_sheet_veto")]

    def __str__(self):
        return f"{self.sheet_id} {self.veto}"

    @property
    def applies(self) -> bool:
        """The reviewer's finding once given, the unit's declaration before."""
        return self.review_found if self.review_found is not None else self.self_declared
from ankang.nomination_models import AnnualReport, Commendation, Nomination, NominationQuota, NominationStep, NominationTally  # noqa: E402, F401, I001
