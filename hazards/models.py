"""The hazard ledger: one `Hazard` per hazard however it was found, its photos, timeline, extension
requests, the 重大 治理方案 and the union's stoppage proposals; the programme's rules as data.

Only hazards/services.py changes a hazard's state; every change writes a `HazardEvent` (the timeline)
and an audit record.
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

from hazards.enums import (
    DEADLINE_STATES,
    EventAction,
    HazardCategory,
    HazardLevel,
    HazardPhotoKind,
    HazardSource,
    HazardState,
    StoppageKind,
)


class HazardProgrammeQuerySet(models.QuerySet):
    def for_unit(self, unit, year: int | None = None) -> "HazardProgramme":
        """The programme that governs hazards of `unit`: the deepest place above the unit (a programme
        without place applies everywhere) for the year (or any year), else the default."""
        year = year or timezone.localdate().year
        chosen = choose_programme(self.filter(models.Q(year=year) | models.Q(year__isnull=True))
                                  .select_related("place"), unit, year)
        if chosen is None:
            chosen = self.filter(is_default=True).first()
        if chosen is None:
            raise HazardProgramme.DoesNotExist("no hazard programme is configured")
        return chosen


def choose_programme(programmes, unit, year: int) -> "HazardProgramme | None":
    """Of loaded `programmes` (with their place), the one governing `unit` in `year`: the deepest place above
    the unit, then one of that year over one of every year; None when none applies (then the default)."""
    candidates = [p for p in programmes if p.year in (None, year)
                  and (p.place_id is None or unit.path.startswith(p.place.path))]
    if not candidates:
        return None
    return max(candidates, key=lambda p: (p.place.depth + 1 if p.place_id else 0, p.year is not None))


class HazardProgramme(models.Model):
    """The rules of a hazard programme for a year and a place (a subtree of the directory).

    Every number the ledger uses is here, with the defaults of 原安监总局令第16号 and seed 004; the
    most specific programme (deepest place, then a matching year) wins.
    """

    name = models.CharField(_("名称"), max_length=100)
    year = models.PositiveSmallIntegerField(_("年度"), null=True, blank=True, help_text=_("留空表示各年度通用。"))
    place = models.ForeignKey("directory.OrgNode", verbose_name=_("适用地区"), null=True, blank=True,
                              on_delete=models.PROTECT, related_name="+", help_text=_("留空表示全省。"))
    is_default = models.BooleanField(_("默认方案"), default=False)
    due_soon_days = models.PositiveSmallIntegerField(_("即将到期提醒天数"), default=3)
    stoppage_answer_days = models.PositiveSmallIntegerField(_("停产整改建议答复期限（天）"), default=3)
    union_signoff_required = models.BooleanField(_("销号前须工会签字确认"), default=True)
    follow_up_days = models.PositiveSmallIntegerField(_("销号后跟踪复查天数"), default=30)
    before_photos_min = models.PositiveSmallIntegerField(_("隐患照片最少幅数"), default=1)
    before_photos_max = models.PositiveSmallIntegerField(_("隐患照片最多幅数"), default=9)
    after_photos_min = models.PositiveSmallIntegerField(_("整改后照片最少幅数"), default=1)
    after_photos_max = models.PositiveSmallIntegerField(_("整改后照片最多幅数"), default=9)
    photo_max_file_mb = models.PositiveSmallIntegerField(_("单幅照片最大（MB）"), default=20)
    photo_max_megapixels = models.PositiveSmallIntegerField(_("单幅照片最大像素（百万）"), default=200)
    photo_min_long_side = models.PositiveIntegerField(_("照片长边最少像素"), default=0)
    photo_min_short_side = models.PositiveIntegerField(_("照片短边最少像素"), default=0)
    # 原安监总局令第16号 §14: the quarterly table before the 15th of the next quarter, the yearly one before
    # 31 January of the next year, both signed by the 主要负责人.
    quarterly_report_day = models.PositiveSmallIntegerField(
        _("季度统计分析表报送日"), default=15, validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_("下一季度第几日前报送季度统计分析表（原安监总局令第16号第十四条：15日前）。"))
    yearly_report_month = models.PositiveSmallIntegerField(
        _("年度统计分析表报送月份"), default=1, validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("下一年度几月（第十四条：1月31日前）。"))
    yearly_report_day = models.PositiveSmallIntegerField(_("年度统计分析表报送日"), default=31,
                                                         validators=[MinValueValidator(1), MaxValueValidator(31)])

    objects = HazardProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = _("隐患排查治理方案")
        verbose_name_plural = _("隐患排查治理方案")
        ordering = ["-year", "name"]
        constraints = [
            models.UniqueConstraint(fields=["is_default"], condition=models.Q(is_default=True),
                                    name="one_default_hazard_programme"),
            models.CheckConstraint(condition=models.Q(before_photos_min__lte=models.F("before_photos_max"))
                                   & models.Q(after_photos_min__lte=models.F("after_photos_max")),
                                   name="hazard_programme_photo_limits"),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.before_photos_min > self.before_photos_max or self.after_photos_min > self.after_photos_max:
            raise ValidationError(_("照片最少幅数不能大于最多幅数。"))


class MajorHazardCriterion(models.Model):
    """One clause of a 重大事故隐患 standard (a 重大 hazard names the clause it meets); the committee
    keeps the library in the admin."""

    standard = models.CharField(_("判定标准"), max_length=120)
    clause = models.CharField(_("条款"), max_length=40)
    text = models.TextField(_("条款内容"))
    sort_order = models.PositiveSmallIntegerField(_("排序"), default=0)
    is_active = models.BooleanField(_("有效"), default=True)

    class Meta:
        verbose_name = _("重大事故隐患判定条款")
        verbose_name_plural = _("重大事故隐患判定条款")
        ordering = ["sort_order", "id"]

    def __str__(self):
        return f"{self.clause} {self.text[:40]}"


class HazardCounter(models.Model):
    """The last number given out per year, locked while a code is assigned (HZ-<year>-<6 digits>)."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.year}: {self.last}"


class HazardQuerySet(models.QuerySet):
    def overdue(self, today: datetime.date | None = None):
        today = today or timezone.localdate()
        return self.filter(state__in=DEADLINE_STATES, deadline__lt=today)


LEC_FIELDS = ("lec_l", "lec_e", "lec_c")


class Hazard(models.Model):
    """One hazard of the ledger, whatever found it (a 随手拍 entry, a worker's report, an inspection …)."""

    code = models.CharField(_("隐患编号"), max_length=20, unique=True)
    programme = models.ForeignKey(HazardProgramme, verbose_name=_("方案"), on_delete=models.PROTECT,
                                  related_name="hazards")
    source = models.CharField(_("来源"), max_length=16, choices=HazardSource.choices)
    entry = models.OneToOneField("submissions.Entry", verbose_name=_("随手拍作品"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="ledger_hazard")
    unit = models.ForeignKey("directory.OrgNode", verbose_name=_("单位"), on_delete=models.PROTECT,
                             related_name="hazards")
    # The 车间/班组 of the unit where the hazard is (directory nodes; a team's workshop is filled in too).
    workshop = models.ForeignKey("directory.OrgNode", verbose_name=_("车间"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="workshop_hazards",
                                 limit_choices_to={"kind": "workshop"})
    team = models.ForeignKey("directory.OrgNode", verbose_name=_("班组"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="team_hazards", limit_choices_to={"kind": "team"})
    location = models.CharField(_("隐患地点"), max_length=200)
    category = models.CharField(_("隐患类别"), max_length=16, choices=HazardCategory.choices)
    description = models.TextField(_("隐患内容"))
    found_at = models.DateTimeField(_("发现时间"), default=timezone.now)
    finder = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("发现人"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="hazards_found")
    finder_named = models.BooleanField(_("向单位管理人员公开姓名"), default=False)

    level = models.CharField(_("隐患级别"), max_length=8, choices=HazardLevel.choices, blank=True)
    criterion = models.ForeignKey(MajorHazardCriterion, verbose_name=_("重大事故隐患判定依据"), null=True,
                                  blank=True, on_delete=models.PROTECT, related_name="hazards")
    lec_l = models.DecimalField("L", max_digits=5, decimal_places=2, null=True, blank=True)
    lec_e = models.DecimalField("E", max_digits=5, decimal_places=2, null=True, blank=True)
    lec_c = models.DecimalField("C", max_digits=6, decimal_places=2, null=True, blank=True)
    interim_measures = models.TextField(_("临时管控措施"), blank=True)
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("受理人"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    responsible = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("整改责任人"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="hazards_responsible")
    deadline = models.DateField(_("整改期限"), null=True, blank=True)
    decline_reason = models.TextField(_("不予受理理由"), blank=True)

    rectification_note = models.TextField(_("整改情况"), blank=True)
    cost = models.DecimalField(_("整改资金（元）"), max_digits=12, decimal_places=2, null=True, blank=True,
                               validators=[MinValueValidator(Decimal("0"))])
    rectified_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("整改人"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    rectified_at = models.DateTimeField(_("提交验收时间"), null=True, blank=True)
    return_reason = models.TextField(_("退回理由"), blank=True)
    verifier = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("验收人"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    verified_at = models.DateTimeField(_("验收时间"), null=True, blank=True)
    verification_note = models.TextField(_("验收意见"), blank=True)

    union_signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("工会签字人"), null=True,
                                        blank=True, on_delete=models.PROTECT, related_name="+")
    union_signed_at = models.DateTimeField(_("工会签字时间"), null=True, blank=True)
    union_comment = models.TextField(_("工会意见"), blank=True)

    regulator_listed = models.BooleanField(_("挂牌督办"), default=False)
    regulator_listed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("督办记录人"), null=True,
                                            blank=True, on_delete=models.PROTECT, related_name="+")
    regulator_listed_at = models.DateTimeField(_("挂牌督办时间"), null=True, blank=True)
    regulator_note = models.TextField(_("监管部门意见"), blank=True)
    regulator_cancelled_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("核销记录人"), null=True,
                                               blank=True, on_delete=models.PROTECT, related_name="+")
    regulator_cancelled_at = models.DateTimeField(_("核销时间"), null=True, blank=True)

    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("销号人"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    follow_up_on = models.DateField(_("复查日期"), null=True, blank=True)
    follow_up_result = models.TextField(_("复查结果"), blank=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("复查人"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    reviewed_at = models.DateTimeField(_("复查时间"), null=True, blank=True)
    reopened_count = models.PositiveSmallIntegerField(_("重新打开次数"), default=0)

    state = models.CharField(_("状态"), max_length=12, choices=HazardState.choices,
                             default=HazardState.REGISTERED)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    objects = HazardQuerySet.as_manager()

    class Meta:
        verbose_name = _("隐患")
        verbose_name_plural = _("隐患台账")
        ordering = ["-found_at", "-id"]
        indexes = [
            models.Index(fields=["unit", "state"]),
            models.Index(fields=["level", "state"]),
            models.Index(fields=["finder", "-found_at"]),
            models.Index(fields=["state", "deadline"]),
            # The ledger's order (newest found first): a page of a county's or city's ledger walks this index
            # and stops after 20 rows instead of sorting the whole area (docs/perf/hazards.md).
            models.Index(fields=["-found_at", "-id"], name="hazard_ledger_order"),
        ]

    def __str__(self):
        return self.code

    @property
    def lec_d(self) -> Decimal | None:
        """D = L × E × C, when all three were graded."""
        if None in (self.lec_l, self.lec_e, self.lec_c):
            return None
        return self.lec_l * self.lec_e * self.lec_c

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        """已逾期: the deadline has passed while the rectification is still due."""
        today = today or timezone.localdate()
        return self.state in DEADLINE_STATES and self.deadline is not None and self.deadline < today

    def is_due_soon(self, today: datetime.date | None = None) -> bool:
        """即将到期: the deadline falls within the programme's due-soon days (and has not passed)."""
        today = today or timezone.localdate()
        if self.state not in DEADLINE_STATES or self.deadline is None or self.deadline < today:
            return False
        return (self.deadline - today).days <= self.programme.due_soon_days

    @property
    def is_major(self) -> bool:
        return self.level == HazardLevel.MAJOR


def hazard_photo_upload_to(instance, filename):
    # A generated name: the user's file name never reaches the file system.
    return f"hazards/{timezone.localdate():%Y/%m}/{uuid.uuid4().hex}.jpg"


class HazardPhoto(models.Model):
    """A before or after photo of a hazard: its own cleaned original and metadata-free preview, or a
    reference to a 随手拍 entry's photo (never uploaded twice)."""

    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="photos")
    kind = models.CharField(_("照片类别"), max_length=8, choices=HazardPhotoKind.choices)
    position = models.PositiveSmallIntegerField(_("顺序"), default=1)
    original = models.FileField(_("原图"), upload_to=hazard_photo_upload_to, max_length=200, blank=True)
    preview = models.FileField(_("预览图"), upload_to=hazard_photo_upload_to, max_length=200, blank=True)
    entry_photo = models.ForeignKey("submissions.Photo", verbose_name=_("随手拍作品照片"), null=True, blank=True,
                                    on_delete=models.CASCADE, related_name="hazard_photos")
    sha256 = models.CharField(max_length=64, db_index=True)
    size = models.PositiveIntegerField(_("文件大小"), default=0)
    width = models.PositiveIntegerField(_("宽"), default=0)
    height = models.PositiveIntegerField(_("高"), default=0)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("隐患照片")
        verbose_name_plural = _("隐患照片")
        ordering = ["kind", "position", "id"]

    def __str__(self):
        return f"{self.hazard_id} {self.get_kind_display()}{self.position}"


class HazardEvent(models.Model):
    """One step of a hazard's timeline, written by the service that made it."""

    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    action = models.CharField(_("操作"), max_length=20, choices=EventAction.choices)
    from_state = models.CharField(_("原状态"), max_length=12, choices=HazardState.choices, blank=True)
    to_state = models.CharField(_("新状态"), max_length=12, choices=HazardState.choices, blank=True)
    note = models.TextField(_("说明"), blank=True)
    at = models.DateTimeField(_("时间"), default=timezone.now)

    class Meta:
        verbose_name = _("隐患处理记录")
        verbose_name_plural = _("隐患处理记录")
        ordering = ["at", "id"]

    def __str__(self):
        return f"{self.hazard_id} {self.get_action_display()}"


class HazardPlan(models.Model):
    """The 治理方案 of a 重大 hazard (原安监总局令第16号 §15: six parts), approved by the 主要负责人."""

    PARTS = ("goal", "methods", "funds", "organisation", "timeline", "safety_measures")

    hazard = models.OneToOneField(Hazard, on_delete=models.CASCADE, related_name="plan")
    goal = models.TextField(_("治理的目标和任务"))
    methods = models.TextField(_("采取的方法和措施"))
    funds = models.TextField(_("经费和物资的落实"))
    organisation = models.TextField(_("负责治理的机构和人员"))
    timeline = models.TextField(_("治理的时限和要求"))
    safety_measures = models.TextField(_("安全措施和应急预案"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(default=timezone.now)
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("重大事故隐患治理方案")
        verbose_name_plural = _("重大事故隐患治理方案")

    def __str__(self):
        return f"{self.hazard_id} 治理方案"

    @property
    def is_approved(self) -> bool:
        return self.approved_at is not None


class ExtensionRequest(models.Model):
    """A request to move a hazard's deadline, decided by whoever assigned it; both deadlines are kept."""

    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="extension_requests")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now)
    old_deadline = models.DateField(_("原整改期限"))
    new_deadline = models.DateField(_("申请延期至"))
    reason = models.TextField(_("延期理由"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    approved = models.BooleanField(_("批准"), null=True, blank=True)
    decision_note = models.TextField(_("审批意见"), blank=True)

    class Meta:
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")
        ordering = ["-requested_at", "-id"]

    def __str__(self):
        return f"{self.hazard_id} {self.old_deadline} → {self.new_deadline}"


class StoppageProposalQuerySet(models.QuerySet):
    def escalated(self, today: datetime.date | None = None):
        """Proposals past their answer date without an answer, or answered with a refusal."""
        today = today or timezone.localdate()
        return self.filter(models.Q(answered_at__isnull=True, answer_due__lt=today) | models.Q(accepted=False))


class StoppageProposal(models.Model):
    """The union inspector's proposal to stop work or withdraw the workers (安全生产法 §60); the unit must
    answer in writing within the programme's days, else the proposal is escalated."""

    hazard = models.ForeignKey(Hazard, on_delete=models.CASCADE, related_name="stoppage_proposals")
    kind = models.CharField(_("建议"), max_length=8, choices=StoppageKind.choices)
    reasons = models.TextField(_("理由"))
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    proposed_at = models.DateTimeField(default=timezone.now)
    answer_due = models.DateField(_("答复期限"))
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)
    answer = models.TextField(_("书面答复"), blank=True)
    accepted = models.BooleanField(_("采纳"), null=True, blank=True)

    objects = StoppageProposalQuerySet.as_manager()

    class Meta:
        verbose_name = _("停产整改建议")
        verbose_name_plural = _("停产整改建议")
        ordering = ["-proposed_at", "-id"]

    def __str__(self):
        return f"{self.hazard_id} {self.get_kind_display()}"

    def is_escalated(self, today: datetime.date | None = None) -> bool:
        today = today or timezone.localdate()
        return self.accepted is False or (self.answered_at is None and self.answer_due < today)


# The inspection rounds' models live in their own module (issue 15 item 5); imported here so Django finds them.
from hazards.inspection_models import (  # noqa: E402
    InspectionFinding,
    InspectionPlan,
    InspectionRound,
    InspectionRule,
)

__all__ = ["ExtensionRequest", "Hazard", "HazardCounter", "HazardEvent", "HazardPhoto", "HazardPlan",
           "HazardProgramme", "InspectionFinding", "InspectionPlan", "InspectionRound", "InspectionRule",
           "MajorHazardCriterion", "StoppageProposal"]

# 逐级报告 lives in its own module; imported here so the app registry (and migrations) know it.
from hazards.upward_models import UpwardReport  # noqa: E402

__all__ += ["UpwardReport"]
