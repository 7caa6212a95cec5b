from django.db import models
from django.utils.translation import gettext_lazy as _


class AwardSource(models.TextChoices):
    """Where a final work award came from: the ranking, or the committee's hand (with a reason)."""

    RANK = "rank", _("按名次")
    MANUAL = "manual", _("人工调整")


class TieKind(models.TextChoices):
    """Which cut-off a tie straddles: between work award levels, or between 组织奖 levels."""

    WORK = "work", _("作品奖")
    ORGANISATION = "organisation", _("组织奖")


class ChecklistItemKind(models.TextChoices):
    """What the pre-lock checklist asks about before the results are locked."""

    SCORES = "scores", _("专家评分未齐")
    ORGANISATION = "organisation", _("组织奖未确认")
    WORK_TIE = "work_tie", _("作品奖分界处并列")
    ORGANISATION_TIE = "organisation_tie", _("组织奖分界处并列")
