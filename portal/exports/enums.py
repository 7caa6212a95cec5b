from django.db import models
from django.utils.translation import gettext_lazy as _


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("排队中")
    RUNNING = "running", _("生成中")
    DONE = "done", _("已完成")
    FAILED = "failed", _("失败")
    EXPIRED = "expired", _("已过期")


# A job in one of these states will not change any more.
FINISHED_STATES = (ExportStatus.DONE, ExportStatus.FAILED, ExportStatus.EXPIRED)
