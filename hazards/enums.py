from django.db import models
from django.utils.translation import gettext_lazy as _


class HazardState(models.TextChoices):
    REGISTERED = "registered", _("已登记")
    DECLINED = "declined", _("不予受理")
    ACCEPTED = "accepted", _("已受理")
    RECTIFYING = "rectifying", _("整改中")
    RETURNED = "returned", _("退回整改")
    SUBMITTED = "submitted", _("待验收")
    VERIFIED = "verified", _("已验收")
    SIGNED = "signed", _("工会确认")
    CLOSED = "closed", _("已销号")
    REVIEWED = "reviewed", _("已复查")


# States in which the hazard is still open (counted as 未销号, may become overdue).
OPEN_STATES = (HazardState.REGISTERED, HazardState.ACCEPTED, HazardState.RECTIFYING, HazardState.RETURNED,
               HazardState.SUBMITTED, HazardState.VERIFIED, HazardState.SIGNED)
# States in which the rectification deadline is running (due soon / overdue flags).
DEADLINE_STATES = (HazardState.ACCEPTED, HazardState.RECTIFYING, HazardState.RETURNED)
# States in which the responsible person works on the rectification (after photos may be added).
WORK_STATES = (HazardState.RECTIFYING, HazardState.RETURNED)
# States after the unit verified the rectification (counted as 已整改 by the statistics and 附件3).
RECTIFIED_STATES = (HazardState.VERIFIED, HazardState.SIGNED, HazardState.CLOSED, HazardState.REVIEWED)
# States after 销号 (a 重大 hazard counted as 已整改销号).
CLOSED_STATES = (HazardState.CLOSED, HazardState.REVIEWED)


class HazardLevel(models.TextChoices):
    GENERAL = "general", _("一般事故隐患")
    MAJOR = "major", _("重大事故隐患")


class HazardCategory(models.TextChoices):
    UNSAFE_ACT = "unsafe_act", _("人的不安全行为")
    UNSAFE_CONDITION = "unsafe_condition", _("物的不安全状态")
    ENVIRONMENT = "environment", _("环境的不安全因素")
    OCCUPATIONAL = "occupational", _("危害职业健康的因素")
    MANAGEMENT = "management", _("管理缺陷")


class HazardSource(models.TextChoices):
    SNAPSHOT = "snapshot", _("随手拍作品")
    WORKER_REPORT = "worker_report", _("职工报告")
    INSPECTION = "inspection", _("巡查发现")
    UNION_CHECK = "union_check", _("工会检查")
    TIP = "tip", _("举报")
    REGULATOR = "regulator", _("监管部门")


class HazardPhotoKind(models.TextChoices):
    BEFORE = "before", _("隐患照片")
    AFTER = "after", _("整改后照片")


class StoppageKind(models.TextChoices):
    STOP = "stop", _("停产整改")
    EVACUATE = "evacuate", _("撤离作业人员")


class EventAction(models.TextChoices):
    REPORT = "report", _("登记")
    PHOTO = "photo", _("上传照片")
    ACCEPT = "accept", _("受理")
    DECLINE = "decline", _("不予受理")
    REOPEN_DECLINED = "reopen_declined", _("工会要求重新受理")
    PLAN_SUBMIT = "plan_submit", _("提交治理方案")
    PLAN_APPROVE = "plan_approve", _("批准治理方案")
    START = "start", _("开始整改")
    SUBMIT = "submit", _("提交验收")
    VERIFY = "verify", _("验收通过")
    RETURN = "return", _("退回整改")
    SIGN_OFF = "sign_off", _("工会签字确认")
    REGULATOR_LIST = "regulator_list", _("挂牌督办")
    REGULATOR_CANCEL = "regulator_cancel", _("监管部门核销")
    CLOSE = "close", _("销号")
    REVIEW = "review", _("跟踪复查")
    REOPEN = "reopen", _("重新打开")
    EXTENSION_REQUEST = "extension_request", _("申请延期")
    EXTENSION_DECIDE = "extension_decide", _("延期审批")
    STOPPAGE_PROPOSE = "stoppage_propose", _("工会建议停产整改")
    STOPPAGE_ANSWER = "stoppage_answer", _("书面答复停产整改建议")
    LINK_ENTRY = "link_entry", _("关联随手拍作品")
    FINDER_NAMED = "finder_named", _("上报人署名设置")
    # 逐级报告 and the union's supervision (hazards/services.py: report_hazard_up, remind_hazards, comment_on_hazard).
    REPORT_UP = "report_up", _("逐级上报")
    REMIND = "remind", _("督促提醒")
    COMMENT = "comment", _("督导意见")


# --- inspection rounds (hazards/inspection_models.py) ----------------------------------------------------


class InspectionLevel(models.TextChoices):
    """The levels of seed 004's 隐患排查 (岗位 is checked with its 班组); the values are the directory kinds
    the plan hangs at."""

    TEAM = "team", _("班组排查")
    WORKSHOP = "workshop", _("车间排查")
    UNIT = "unit", _("厂（矿）排查")


class ChecklistAnswer(models.TextChoices):
    OK = "ok", _("符合")
    ISSUE = "issue", _("不符合")
    NOT_APPLICABLE = "na", _("不适用")


class PeriodStatus(models.TextChoices):
    """A plan's current period, computed from its rounds (never typed)."""

    DONE = "done", _("本期已巡查")
    DUE = "due", _("本期待巡查")
    NOT_STARTED = "not_started", _("计划未开始")
