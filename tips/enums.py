from django.db import models
from django.utils.translation import gettext_lazy as _


class TipMatter(models.TextChoices):
    GENERAL_HAZARD = "general_hazard", _("一般隐患")
    MAJOR_HAZARD = "major_hazard", _("重大事故隐患")
    VIOLATION = "violation", _("安全生产违法行为")
    CONCEALED_ACCIDENT = "concealed_accident", _("瞒报谎报事故")


class Disclosure(models.TextChoices):
    REAL_NAME = "real_name", _("实名")
    ANONYMOUS_RECEIPT = "anonymous_receipt", _("匿名（凭回执查询）")
    ANONYMOUS = "anonymous", _("匿名（不需回复）")


class TipState(models.TextChoices):
    SUBMITTED = "submitted", _("已提交")
    ACCEPTED = "accepted", _("已受理")
    REJECTED = "rejected", _("不予受理")
    VERIFYING = "verifying", _("核查中")
    CONFIRMED = "confirmed", _("属实")
    PARTLY_CONFIRMED = "partly", _("部分属实")
    UNFOUNDED = "unfounded", _("不属实")
    NOTIFIED = "notified", _("已告知结果")
    OBJECTED = "objected", _("复查中")
    REVIEWED = "reviewed", _("已复查")


# States in which the 60(+30)-day verification clock runs.
CLOCK_STATES = (TipState.ACCEPTED, TipState.VERIFYING)
# Verified as true (wholly or partly): a hazard in the ledger, a reward may follow.
TRUE_STATES = (TipState.CONFIRMED, TipState.PARTLY_CONFIRMED)
RESULT_STATES = (*TRUE_STATES, TipState.UNFOUNDED)


class RejectReason(models.TextChoices):
    DUPLICATE = "duplicate", _("重复举报")
    OUT_OF_SCOPE = "out_of_scope", _("不属于受理范围")
    NO_TARGET = "no_target", _("无明确对象")
    INSUFFICIENT = "insufficient", _("信息不足")
    OTHER = "other", _("其他")


class AccidentClass(models.TextChoices):
    GENERAL = "general", _("一般事故")
    SERIOUS = "serious", _("较大事故")
    MAJOR = "major", _("重大事故")
    ESPECIALLY_MAJOR = "especially_major", _("特别重大事故")


class RewardBasis(models.TextChoices):
    FIXED_RANGE = "fixed_range", _("固定金额区间")
    FINE_PERCENT = "fine_percent", _("罚款金额的百分比")
    PER_DEATH = "per_death", _("按瞒报死亡人数")


class RewardState(models.TextChoices):
    PROPOSED = "proposed", _("待审查")
    APPROVED = "approved", _("已批准")
    CLAIMED = "claimed", _("已申领")
    PAID = "paid", _("已发放")
    LAPSED = "lapsed", _("逾期未领")


class MessageAuthor(models.TextChoices):
    REPORTER = "reporter", _("举报人")
    HANDLER = "handler", _("受理员")


class TipEventAction(models.TextChoices):
    SUBMIT = "submit", _("提交举报")
    ACCEPT = "accept", _("受理")
    REJECT = "reject", _("不予受理")
    START = "start", _("开始核查")
    EXTEND = "extend", _("延长核查期限")
    CONCLUDE = "conclude", _("核查结论")
    HAZARD = "hazard", _("登记隐患")
    NOTIFY = "notify", _("告知结果")
    OBJECT = "object", _("举报人异议")
    REVIEW = "review", _("复查")
    DUPLICATE = "duplicate", _("合并重复举报")
    MESSAGE = "message", _("留言")
    FINE = "fine", _("记录罚款")
    UNIT = "unit", _("确定被举报单位")


class TipClock(models.TextChoices):
    """The legal clocks of a tip (tips/clocks.py): each has a due date, a reminder before, an escalation after."""

    VERIFY = "verify", _("受理核查期限")
    NOTIFY = "notify", _("告知结果期限")
    REVIEW = "review", _("异议复查期限")
    CLAIM = "claim", _("奖励申领期限")


class AlertKind(models.TextChoices):
    REMINDER = "reminder", _("到期提醒")
    ESCALATION = "escalation", _("逾期上报")
