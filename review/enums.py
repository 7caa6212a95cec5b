from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.accounts.enums import RoleKind
from submissions.enums import EntryState, Tier


class TransitionAction(models.TextChoices):
    """What a reviewer did to an entry; every state change of the review is one of these."""

    RECOMMEND = "recommend", _("单位推荐")
    FORWARD = "forward", _("县级/集团报送")
    RECOMMEND_PROVINCE = "recommend_province", _("推荐省级评审")
    RETURN = "return", _("退回修改")
    REJECT = "reject", _("不予推荐")
    UNDO = "undo", _("撤销")


class NotificationKind(models.TextChoices):
    ADVANCED = "advanced", _("作品晋级")
    RETURNED = "returned", _("退回修改")
    REJECTED = "rejected", _("未入选")
    UNDONE = "undone", _("撤销推荐")
    # The provincial result, sent when the committee locks the results, and the publication.
    AWARDED = "awarded", _("获奖")
    NOT_AWARDED = "not_awarded", _("未获奖")
    PUBLISHED = "published", _("作品展发布")


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


# The tier at which each reviewer role acts; the committee only reads the province-level list.
ROLE_TIER = {
    RoleKind.UNIT: Tier.UNIT,
    RoleKind.COUNTY: Tier.FIRST_REVIEW,
    RoleKind.CITY: Tier.SELECTION,
    RoleKind.COMMITTEE: Tier.PROVINCE,
}
TIER_ROLE = {tier: kind for kind, tier in ROLE_TIER.items()}
REVIEWER_ROLE_KINDS = tuple(ROLE_TIER)
# The tiers at which reviewers decide (return, reject, forward, grade); the province is the experts' and
# the committee's business, handled elsewhere.
ACTING_TIERS = (Tier.UNIT, Tier.FIRST_REVIEW, Tier.SELECTION)

# The entry column that names the node responsible for an entry at each tier.
TIER_NODE_FIELD = {
    Tier.UNIT: "unit_id",
    Tier.FIRST_REVIEW: "first_review_union_id",
    Tier.SELECTION: "selection_union_id",
}

# Entries waiting for a decision at each tier.
PENDING_STATES = {
    Tier.UNIT: (EntryState.SUBMITTED,),
    Tier.FIRST_REVIEW: (EntryState.UNIT_RECOMMENDED,),
    # A unit directly under a city or industry union skips the county tier: its entries arrive recommended.
    Tier.SELECTION: (EntryState.UNIT_RECOMMENDED, EntryState.FIRST_FORWARDED),
    Tier.PROVINCE: (EntryState.PROVINCE_RECOMMENDED,),
}

# The forward action of each tier and the state it leaves the entry in.
FORWARD_ACTION = {
    Tier.UNIT: TransitionAction.RECOMMEND,
    Tier.FIRST_REVIEW: TransitionAction.FORWARD,
    Tier.SELECTION: TransitionAction.RECOMMEND_PROVINCE,
}
FORWARD_STATE = {
    Tier.UNIT: EntryState.UNIT_RECOMMENDED,
    Tier.FIRST_REVIEW: EntryState.FIRST_FORWARDED,
    Tier.SELECTION: EntryState.PROVINCE_RECOMMENDED,
}
FORWARD_ACTIONS = tuple(FORWARD_ACTION.values())
# Actions a tier may take back while the next tier has not acted.
UNDOABLE_ACTIONS = (*FORWARD_ACTIONS, TransitionAction.REJECT)

# A grade is a tier's verdict on an entry still in the running.
GRADEABLE_STATES = (EntryState.SUBMITTED, EntryState.UNIT_RECOMMENDED, EntryState.FIRST_FORWARDED,
                    EntryState.PROVINCE_RECOMMENDED)
