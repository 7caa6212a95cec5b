from django.db import models
from django.utils.translation import gettext_lazy as _


class PhaseKind(models.TextChoices):
    SUBMISSION = "submission", _("作品提交（基层单位开展活动）")
    FIRST_REVIEW = "first_review", _("县级和集团初评")
    SELECTION = "selection", _("市/产业工会甄选")
    RECOMMENDATION = "recommendation", _("市/产业向省推荐（截止）")
    EXPERT_REVIEW = "expert_review", _("省级专家评审")
    PUBLICATION = "publication", _("发布展示")


class DpiPolicy(models.TextChoices):
    REJECT = "reject", _("拒收低于要求的照片")
    FIX = "fix", _("像素达标时自动标注为要求的 dpi（不重新压缩）")


class AwardKind(models.TextChoices):
    WORK = "work", _("作品奖")
    ORGANISATION = "organisation", _("组织奖")
