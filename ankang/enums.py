from django.db import models
from django.utils.translation import gettext_lazy as _


class ActivityGroup(models.TextChoices):
    """Where an activity type sits in seed 003: one of the numbered 系列活动 or one of the "十个一"."""

    SERIES = "series", _("系列活动")
    TEN_ONES = "ten_ones", _("“十个一”活动")


class EnrolmentKind(models.TextChoices):
    UNIT = "unit", _("单位")
    TEAM = "team", _("班组")


class EnrolmentState(models.TextChoices):
    """Enrolment by the unit union, confirmed (or declined) by the county union above it."""

    PROPOSED = "proposed", _("待确认")
    CONFIRMED = "confirmed", _("已确认")
    DECLINED = "declined", _("未确认")
    WITHDRAWN = "withdrawn", _("已撤回")


class RecordLevel(models.TextChoices):
    """Who ran an activity: the whole unit, one 车间 or one 班组."""

    UNIT = "unit", _("单位")
    WORKSHOP = "workshop", _("车间")
    TEAM = "team", _("班组")


class ScoreItemKind(models.TextChoices):
    SCORED = "scored", _("考核项")
    BONUS = "bonus", _("加分项")


class ConditionKind(models.TextChoices):
    """A base condition of a score sheet (the value is in the template's data)."""

    TOTAL_MIN = "total_min", _("总分不低于")
    SECTION_SHARE_MIN = "section_share_min", _("每个部分得分率不低于（%）")


class SheetState(models.TextChoices):
    DRAFT = "draft", _("自评中")
    SUBMITTED = "submitted", _("已提交自评")
    RETURNED = "returned", _("已退回")
    REVIEWED = "reviewed", _("已评审")


# The states in which the unit may still change its self-score.
SHEET_EDITABLE_STATES = (SheetState.DRAFT, SheetState.RETURNED)


class Indicator(models.TextChoices):
    """The figures of the other programmes shown beside the score items they inform (ankang/indicators.py
    computes each, one function per indicator)."""

    NONE = "", _("无")
    ENTRIES = "entries", _("随手拍作品数")
    AWARDS = "awards", _("随手拍获奖作品数")
    LEDGER_CLOSURE = "ledger_closure", _("隐患台账销号率")
    OVERDUE_HAZARDS = "overdue_hazards", _("逾期未整改隐患数")
    INSPECTION_FINDINGS = "inspection_findings", _("巡查及工会检查发现隐患数")
    INSPECTION_COMPLIANCE = "inspection_compliance", _("四级巡查计划执行率")
    TIPS_VERIFIED = "tips_verified", _("举报核查属实数")
    TIP_REWARDS = "tip_rewards", _("举报奖励发放（件/元）")
    RETURNS_ON_TIME = "returns_on_time", _("查保促报表按时报送")
    RETURN_SELF_SCORE = "return_self_score", _("查保促自查表得分")
    ACTIVITY_COVERAGE = "activity_coverage", _("系列活动覆盖")


class EvidenceKind(models.TextChoices):
    """A photo (JPEG, or a PNG re-encoded as JPEG) with its preview, or a PDF document (download only)."""

    PHOTO = "photo", _("照片")
    PDF = "pdf", _("PDF文件")


class ActivityCount(models.TextChoices):
    """What an activity type counts as in the 查保促 returns (ankang/returns_hooks.py): 附件2 item 4's 应急演练,
    附件1's 企业组织开展安全生产培训次数 / 接受安全培训职工人数."""

    NONE = "", _("不计入")
    DRILL = "drill", _("应急演练")
    TRAINING = "training", _("安全生产培训")
