from django.db import models
from django.utils.translation import gettext_lazy as _


class EntryState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交，待单位审核")
    RETURNED = "returned", _("退回修改")
    WITHDRAWN = "withdrawn", _("已撤回")
    UNIT_RECOMMENDED = "unit_recommended", _("单位已推荐")
    FIRST_FORWARDED = "first_forwarded", _("县级/集团已报送")
    PROVINCE_RECOMMENDED = "province_recommended", _("已推荐省级评审")
    REJECTED = "rejected", _("未入选")


# The author may change the entry (fields and photos) only in these states.
EDITABLE_STATES = (EntryState.DRAFT, EntryState.RETURNED)
# "Taking part": a draft belongs to its author alone and a withdrawn entry has left the campaign; neither
# is scored, counted in statistics or listed for reviewers. Every such filter uses this name.
NOT_TAKING_PART = (EntryState.DRAFT, EntryState.WITHDRAWN)


class Tier(models.IntegerChoices):
    """How far up the review an entry has climbed (广泛组织、逐级评选)."""

    UNIT = 0, _("基层单位")
    FIRST_REVIEW = 1, _("县级/集团初评")
    SELECTION = 2, _("市/产业甄选")
    PROVINCE = 3, _("省级评审")


class PhotoKind(models.TextChoices):
    HAZARD = "hazard", _("隐患照片")
    RECTIFIED = "rectified", _("整改后照片")


PHOTO_KIND_FILE_LABEL = {PhotoKind.HAZARD: "整改前", PhotoKind.RECTIFIED: "整改后"}


class TransitionAction(models.TextChoices):
    """What a reviewer did to an entry; every state change of the review is one of these.

    Named here, beside the tiers, because the tier table (submissions.tiers) says which action forwards
    an entry at each tier; review.models.Transition records them."""

    RECOMMEND = "recommend", _("单位推荐")
    FORWARD = "forward", _("县级/集团报送")
    RECOMMEND_PROVINCE = "recommend_province", _("推荐省级评审")
    RETURN = "return", _("退回修改")
    REJECT = "reject", _("不予推荐")
    UNDO = "undo", _("撤销")


class AssignmentOrigin(models.TextChoices):
    """How an expert came to be assigned to an entry."""

    AUTO = "auto", _("自动分配")
    MANUAL = "manual", _("手工指定")
    REPLACEMENT = "replacement", _("回避后补派")
