from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    ADVANCED = "advanced", _("作品晋级")
    RETURNED = "returned", _("退回修改")
    REJECTED = "rejected", _("未入选")
    UNDONE = "undone", _("撤销推荐")
    # The provincial result, sent when the committee locks the results, and the publication.
    AWARDED = "awarded", _("获奖")
    NOT_AWARDED = "not_awarded", _("未获奖")
    PUBLISHED = "published", _("作品展发布")
    # The other programmes' notices (review.notifications.notify_user): the hazard ledger, rewarded reports,
    # the 查保促 returns and the 安康杯 competition, each one kind; the message says what happened.
    HAZARD = "hazard", _("隐患治理")
    TIP = "tip", _("举报处理")
    RETURN = "return", _("查保促报表")
    ANKANG = "ankang", _("安康杯竞赛")
    REMINDER = "reminder", _("待办提醒")


class QueueStage(models.TextChoices):
    """Which part of a reviewer's scope the queue lists."""

    PENDING = "pending", _("待处理")
    HERE = "here", _("本级全部")
    UP = "up", _("已报送上级")
    ALL = "all", _("全部")


class QueueSort(models.TextChoices):
    SCORE_DESC = "-d", _("评价得分从高到低")
    SCORE_ASC = "d", _("评价得分从低到高")
    DATE_DESC = "-date", _("提交时间从新到旧")
    DATE_ASC = "date", _("提交时间从旧到新")
