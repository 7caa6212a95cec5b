"""Choices of the 安康杯 commendations (seed 003: 优胜单位, 优胜班组, 优秀组织单位, 先进个人 handed down level by
level under quotas) and of the year's 活动开展情况 report."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AwardKind(models.TextChoices):
    UNIT = "unit", _("优胜单位")
    TEAM = "team", _("优胜班组")
    ORGANISER = "organiser", _("优秀组织单位")
    PERSON = "person", _("先进个人")


class NominationLevel(models.TextChoices):
    """Where a nomination waits for a decision: the county (or group) union, the city (or industry) union,
    the province; LIST once the province has put it on the commendation list."""

    COUNTY = "county", _("县级")
    CITY = "city", _("市级")
    PROVINCE = "province", _("省级")


class NominationState(models.TextChoices):
    PENDING = "pending", _("待审核")
    LISTED = "listed", _("列入表彰名单")
    RETURNED = "returned", _("已退回")
    REJECTED = "rejected", _("未通过")
    WITHDRAWN = "withdrawn", _("已撤回")


class NominationAction(models.TextChoices):
    PROPOSE = "propose", _("推荐")
    FORWARD = "forward", _("审核通过并上报")
    LIST = "list", _("列入表彰名单")
    RETURN = "return", _("退回")
    REJECT = "reject", _("不予通过")
    RESUBMIT = "resubmit", _("重新推荐")
    WITHDRAW = "withdraw", _("撤回")
    GRADE = "grade", _("评定等次")
    FIX = "fix", _("确定表彰名单")
    PUBLISH = "publish", _("发布表彰")


class ReportState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已报送")
