"""查保促 returns (seed 001 威海): the programme of a year (periods, deadlines, who files), the templates of
附件1 工作情况统计表 and 附件2 企业工会自查表 as data, and the filed returns with their cells, self-inspection
scores and evidence.

Only returns/services.py changes a return; every change writes an audit record.
"""

import datetime
import uuid
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from returns.enums import CellSource, CellUnit, CriterionHint, FilerLevel, ReturnState


class StatTemplate(models.Model):
    """One version of 附件1 工作情况统计表: its cells, where each comes from at each level, its checks."""

    name = models.CharField(_("名称"), max_length=100)
    version = models.CharField(_("版本"), max_length=40)
    title = models.CharField(_("表名"), max_length=100, help_text=_("导出表格的标题，如“查保促”工作情况统计表。"))
    note = models.TextField(_("表下注"), blank=True)

    class Meta:
        verbose_name = _("工作情况统计表模板")
        verbose_name_plural = _("工作情况统计表模板")
        constraints = [models.UniqueConstraint(fields=["name", "version"], name="unique_stat_template")]

    def __str__(self):
        return f"{self.name}（{self.version}）"


class StatCell(models.Model):
    """One cell of 附件1: its label, place on the paper form (row, left or right half), unit, the cell it is a
    sub-count of (其中…), and where its own value comes from at each filer level."""

    template = models.ForeignKey(StatTemplate, on_delete=models.CASCADE, related_name="cells")
    code = models.SlugField(_("代码"), max_length=40)
    label = models.CharField(_("栏目"), max_length=120)
    row = models.PositiveSmallIntegerField(_("行"))
    column = models.PositiveSmallIntegerField(_("列"), validators=[MinValueValidator(1), MaxValueValidator(2)],
                                              help_text=_("1：左半栏；2：右半栏。"))
    full_width = models.BooleanField(_("占整行"), default=False)
    unit = models.CharField(_("单位"), max_length=10, choices=CellUnit.choices, default=CellUnit.COUNT)
    sub_of = models.ForeignKey("self", verbose_name=_("为其中数的合计栏"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="sub_cells")
    chemical = models.BooleanField(_("化工行业其中数"), default=False,
                                   help_text=_("按化工行业的填报单位计算（填报单位名单中标注）。"))
    enterprise_source = models.CharField(_("企业工会"), max_length=24, choices=CellSource.choices,
                                         default=CellSource.NONE)
    county_source = models.CharField(_("县（市、区）总工会"), max_length=24, choices=CellSource.choices,
                                     default=CellSource.NONE)
    city_source = models.CharField(_("市总工会"), max_length=24, choices=CellSource.choices,
                                   default=CellSource.NONE)
    help_text = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("统计表栏目")
        verbose_name_plural = _("统计表栏目")
        ordering = ["template", "row", "column"]
        constraints = [models.UniqueConstraint(fields=["template", "code"], name="unique_stat_cell_code")]

    def __str__(self):
        return self.label

    def source_for(self, level: str) -> str:
        return getattr(self, f"{level}_source")


class ChecklistTemplate(models.Model):
    """One version of 附件2 企业工会开展“查保促”活动自查表 (another city loads its own)."""

    name = models.CharField(_("名称"), max_length=100)
    version = models.CharField(_("版本"), max_length=40)
    title = models.CharField(_("表名"), max_length=100)

    class Meta:
        verbose_name = _("自查表模板")
        verbose_name_plural = _("自查表模板")
        constraints = [models.UniqueConstraint(fields=["name", "version"], name="unique_checklist_template")]

    def __str__(self):
        return f"{self.name}（{self.version}）"

    @property
    def max_points(self) -> Decimal:
        return sum((c.points for item in self.items.all() for c in item.criteria.all()), Decimal(0))


class ChecklistItem(models.Model):
    """One numbered item of the 自查表 (1–11), in its section (项目: 动员部署, 教育培训…)."""

    template = models.ForeignKey(ChecklistTemplate, on_delete=models.CASCADE, related_name="items")
    section = models.CharField(_("项目"), max_length=20)
    number = models.PositiveSmallIntegerField(_("序号"))
    text = models.TextField(_("自查内容"))

    class Meta:
        verbose_name = _("自查项目")
        verbose_name_plural = _("自查项目")
        ordering = ["template", "number"]
        constraints = [models.UniqueConstraint(fields=["template", "number"], name="unique_checklist_item")]

    def __str__(self):
        return f"{self.number}. {self.text[:30]}"


class ChecklistCriterion(models.Model):
    """One scored criterion of an item, with its points; `grades` lists the allowed scores with their
    meaning when the score is graded (item 4: 2次及以上 2分, 1次 1分, 没有 0分) and, for a hint that counts
    records, the least count that earns each grade."""

    item = models.ForeignKey(ChecklistItem, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveSmallIntegerField(_("顺序"), default=1)
    text = models.CharField(_("评分内容"), max_length=200)
    points = models.DecimalField(_("分值"), max_digits=5, decimal_places=1, validators=[MinValueValidator(0)])
    grades = models.JSONField(_("分档"), default=list, blank=True,
                              help_text=_("分档评分时填写，如 [[\"2次及以上\", 2, 2], [\"1次\", 1, 1], [\"没有\", 0, 0]]"
                                          "（档名、得分、系统提示按记录数给出该档的最少次数，可省略）；留空为0至满分。"))
    hint = models.CharField(_("系统提示来源"), max_length=20, choices=CriterionHint.choices, blank=True)

    class Meta:
        verbose_name = _("评分内容")
        verbose_name_plural = _("评分内容")
        ordering = ["item__number", "position"]

    def __str__(self):
        return f"{self.item.number}.{self.position} {self.text}（{self.points}分）"

    def allowed_scores(self) -> list[Decimal] | None:
        """The graded scores, or None when any score from 0 to the points is allowed."""
        if not self.grades:
            return None
        return [Decimal(str(grade[1])) for grade in self.grades]

    def points_for_count(self, count: int) -> Decimal | None:
        """The grade's points a hint's record count earns (the grade with the highest least count reached),
        or None when the grades give no least counts."""
        reached = [(grade[2], grade[1]) for grade in self.grades if len(grade) > 2 and grade[2] <= count]
        return Decimal(str(max(reached)[1])) if reached else None


class ReturnProgramme(models.Model):
    """The 查保促 programme of a year at a place (the city union): its template versions, who files, the
    reminders; its two periods are ReturnPeriod rows. The default programme (no year) holds the seed's
    periods and is copied when a year is opened."""

    name = models.CharField(_("名称"), max_length=100)
    year = models.PositiveSmallIntegerField(_("年度"), null=True, blank=True, help_text=_("留空为默认方案。"))
    place = models.ForeignKey("directory.OrgNode", verbose_name=_("组织单位"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+",
                              help_text=_("收报的市总工会；留空表示不限。"))
    is_default = models.BooleanField(_("默认方案"), default=False)
    stat_template = models.ForeignKey(StatTemplate, verbose_name=_("工作情况统计表"), on_delete=models.PROTECT,
                                      related_name="programmes")
    checklist_template = models.ForeignKey(ChecklistTemplate, verbose_name=_("自查表"), on_delete=models.PROTECT,
                                           related_name="programmes")
    remind_days = models.PositiveSmallIntegerField(_("截止前提醒天数"), default=7)
    money_decimals = models.PositiveSmallIntegerField(_("金额（万元）最多小数位"), default=4,
                                                      validators=[MaxValueValidator(4)])
    basis = models.TextField(_("依据"), blank=True)

    class Meta:
        verbose_name = _("查保促报送方案")
        verbose_name_plural = _("查保促报送方案")
        ordering = ["-year", "name"]
        constraints = [
            models.UniqueConstraint(fields=["is_default"], condition=models.Q(is_default=True),
                                    name="one_default_return_programme"),
            models.UniqueConstraint(fields=["year", "place"], name="one_return_programme_per_year_place"),
        ]

    def __str__(self):
        return self.name


class ReturnPeriod(models.Model):
    """One of the year's returns (上半年 / 下半年): what it covers and when it is due, as month and day so the
    default programme's periods apply to any year."""

    programme = models.ForeignKey(ReturnProgramme, on_delete=models.CASCADE, related_name="periods")
    number = models.PositiveSmallIntegerField(_("次序"))
    name = models.CharField(_("名称"), max_length=40)
    start_month = models.PositiveSmallIntegerField(_("统计起始月"), validators=[MinValueValidator(1), MaxValueValidator(12)])
    start_day = models.PositiveSmallIntegerField(_("统计起始日"), validators=[MinValueValidator(1), MaxValueValidator(31)])
    end_month = models.PositiveSmallIntegerField(_("统计截止月"), validators=[MinValueValidator(1), MaxValueValidator(12)])
    end_day = models.PositiveSmallIntegerField(_("统计截止日"), validators=[MinValueValidator(1), MaxValueValidator(31)])
    deadline_month = models.PositiveSmallIntegerField(_("报送截止月"), validators=[MinValueValidator(1),
                                                                                 MaxValueValidator(12)])
    deadline_day = models.PositiveSmallIntegerField(_("报送截止日"), validators=[MinValueValidator(1),
                                                                               MaxValueValidator(31)],
                                                    help_text=_("行动方案正文：6月30日、11月30日；附件1表下注为6月1日、11月30日。"))

    class Meta:
        verbose_name = _("报送期次")
        verbose_name_plural = _("报送期次")
        ordering = ["programme", "number"]
        constraints = [models.UniqueConstraint(fields=["programme", "number"], name="unique_return_period")]

    def __str__(self):
        return f"{self.programme} {self.name}"

    def clean(self):
        for month, day in ((self.start_month, self.start_day), (self.end_month, self.end_day),
                           (self.deadline_month, self.deadline_day)):
            try:
                datetime.date(2024, month, day)  # a leap year: 2月29日 is a valid day of some year
            except (TypeError, ValueError):
                raise ValidationError(_("日期无效：%(month)s月%(day)s日。") % {"month": month, "day": day}) from None

    def _date(self, year: int, month: int, day: int) -> datetime.date:
        try:
            return datetime.date(year, month, day)
        except ValueError:  # 2月29日 outside a leap year
            return datetime.date(year, month, day - 1)

    def starts(self, year: int) -> datetime.date:
        return self._date(year, self.start_month, self.start_day)

    def ends(self, year: int) -> datetime.date:
        return self._date(year, self.end_month, self.end_day)

    def deadline(self, year: int) -> datetime.date:
        return self._date(year, self.deadline_month, self.deadline_day)


class Filer(models.Model):
    """Who must file in a programme year, at which level, and to whom (the level above that accepts the
    return); `is_chemical` puts the filer's figures in the 其中化工行业 cells."""

    programme = models.ForeignKey(ReturnProgramme, on_delete=models.CASCADE, related_name="filers")
    node = models.ForeignKey("directory.OrgNode", verbose_name=_("填报单位"), on_delete=models.PROTECT,
                             related_name="return_filers")
    level = models.CharField(_("层级"), max_length=12, choices=FilerLevel.choices)
    reports_to = models.ForeignKey("self", verbose_name=_("报送至"), null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="lower_filers", help_text=_("留空：最近的上级填报单位。"))
    is_chemical = models.BooleanField(_("化工行业"), default=False)

    class Meta:
        verbose_name = _("填报单位")
        verbose_name_plural = _("填报单位名单")
        ordering = ["programme", "node__path"]
        constraints = [models.UniqueConstraint(fields=["programme", "node"], name="unique_filer")]

    def __str__(self):
        return f"{self.node}（{self.get_level_display()}）"

    def clean(self):
        if self.reports_to_id and self.reports_to.programme_id != self.programme_id:
            raise ValidationError({"reports_to": _("只能报送至同一年度方案中的填报单位。")})


class Return(models.Model):
    """A filer's return for one period: 附件1 (its ReturnCell rows) and, for an enterprise union, 附件2 (its
    CriterionScore rows); stamped with the filer's name and date when filed, locked after filing."""

    period = models.ForeignKey(ReturnPeriod, verbose_name=_("期次"), on_delete=models.PROTECT, related_name="returns")
    filer = models.ForeignKey(Filer, verbose_name=_("填报单位"), on_delete=models.PROTECT, related_name="returns")
    state = models.CharField(_("状态"), max_length=10, choices=ReturnState.choices, default=ReturnState.DRAFT)
    stamp_name = models.CharField(_("填报单位（章）"), max_length=200, blank=True)
    filed_on = models.DateField(_("填报日期"), null=True, blank=True)
    filed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("填报人"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    filed_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    scan = models.ForeignKey("ReturnScan", verbose_name=_("盖章件扫描"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("审核人"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    reason = models.TextField(_("退回或重新打开理由"), blank=True)
    self_total = models.DecimalField(_("自查总得分"), max_digits=6, decimal_places=1, null=True, blank=True)
    review_total = models.DecimalField(_("审核得分"), max_digits=6, decimal_places=1, null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("查保促报表")
        verbose_name_plural = _("查保促报表")
        ordering = ["-period__programme__year", "period__number", "filer__node__path"]
        constraints = [models.UniqueConstraint(fields=["period", "filer"], name="one_return_per_period")]

    def __str__(self):
        return f"{self.filer.node} {self.period.name}"

    @property
    def year(self) -> int:
        return self.period.programme.year

    @property
    def deadline(self) -> datetime.date:
        return self.period.deadline(self.year)

    @property
    def is_filed(self) -> bool:
        return self.filed_at is not None

    def filed_on_time(self) -> bool | None:
        if self.filed_at is None:
            return None
        return timezone.localdate(self.filed_at) <= self.deadline


class ReturnCell(models.Model):
    """A return's own value of one cell (typed, or computed from the records, or overridden with a reason)
    and, once filed, its total with the accepted returns below (frozen with the return)."""

    report = models.ForeignKey(Return, on_delete=models.CASCADE, related_name="cells")
    cell = models.ForeignKey(StatCell, on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(_("本级数"), max_digits=14, decimal_places=4, null=True, blank=True)
    computed = models.DecimalField(_("系统计算数"), max_digits=14, decimal_places=4, null=True, blank=True)
    override_reason = models.TextField(_("修改系统数的理由"), blank=True)
    total = models.DecimalField(_("合计（报送时）"), max_digits=14, decimal_places=4, null=True, blank=True)

    class Meta:
        verbose_name = _("统计表数据")
        verbose_name_plural = _("统计表数据")
        ordering = ["cell__row", "cell__column"]
        constraints = [models.UniqueConstraint(fields=["report", "cell"], name="one_value_per_cell")]

    def __str__(self):
        return f"{self.report_id} {self.cell.code}"

    @property
    def overridden(self) -> bool:
        return bool(self.override_reason)


def scan_upload_to(instance, filename):
    # A generated name: the user's file name never reaches the file system.
    return f"returns/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}.jpg"


class ReturnScan(models.Model):
    """A photo or scan (JPEG) of a stamped paper form or of evidence, cleaned by the ledger's photo defences
    (hazards.photos); the original only as a download to those who may see the return."""

    report = models.ForeignKey(Return, on_delete=models.CASCADE, related_name="files")
    criterion = models.ForeignKey(ChecklistCriterion, verbose_name=_("评分内容"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+", help_text=_("留空：盖章件扫描。"))
    caption = models.CharField(_("说明"), max_length=100, blank=True)
    original = models.FileField(upload_to=scan_upload_to, max_length=200)
    preview = models.FileField(upload_to=scan_upload_to, max_length=200)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveIntegerField(default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("报表附件")
        verbose_name_plural = _("报表附件")
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return f"{self.report_id} {self.caption or self.pk}"


class CriterionScore(models.Model):
    """The enterprise union's self-score of one criterion (with a note), and the level above's review score."""

    report = models.ForeignKey(Return, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(ChecklistCriterion, on_delete=models.PROTECT, related_name="+")
    self_score = models.DecimalField(_("自查得分"), max_digits=5, decimal_places=1, null=True, blank=True)
    note = models.TextField(_("自查说明"), blank=True)
    review_score = models.DecimalField(_("审核得分"), max_digits=5, decimal_places=1, null=True, blank=True)
    review_comment = models.TextField(_("审核意见"), blank=True)

    class Meta:
        verbose_name = _("自查评分")
        verbose_name_plural = _("自查评分")
        ordering = ["criterion__item__number", "criterion__position"]
        constraints = [models.UniqueConstraint(fields=["report", "criterion"], name="one_score_per_criterion")]

    def __str__(self):
        return f"{self.report_id} {self.criterion_id}"


class ReturnReminder(models.Model):
    """A reminder sent to a filer that had not filed a period's return before its deadline (one per filer
    and period, so the daily task never repeats itself)."""

    period = models.ForeignKey(ReturnPeriod, on_delete=models.CASCADE, related_name="reminders")
    filer = models.ForeignKey(Filer, on_delete=models.CASCADE, related_name="reminders")
    sent_at = models.DateTimeField(default=timezone.now)
    recipients = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("催报记录")
        verbose_name_plural = _("催报记录")
        constraints = [models.UniqueConstraint(fields=["period", "filer"], name="one_reminder_per_period")]

    def __str__(self):
        return f"{self.filer} {self.period}"
