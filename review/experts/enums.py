from django.db import models
from django.utils.translation import gettext_lazy as _


class AssignmentOrigin(models.TextChoices):
    """How an expert came to be assigned to an entry."""

    AUTO = "auto", _("自动分配")
    MANUAL = "manual", _("手工指定")
    REPLACEMENT = "replacement", _("回避后补派")


class AwardSource(models.TextChoices):
    """Where a final work award came from: the ranking, or the committee's hand (with a reason)."""

    RANK = "rank", _("按名次")
    MANUAL = "manual", _("人工调整")


class AssignmentStatus(models.TextChoices):
    """What an expert's assignment looks like on their list."""

    PENDING = "pending", _("待评")
    SUBMITTED = "submitted", _("已评")
