from django.db import models
from django.utils.translation import gettext_lazy as _


class FilerLevel(models.TextChoices):
    """Who files a 查保促 return (seed 001): enterprise unions, county unions and the city union."""

    ENTERPRISE = "enterprise", _("企业工会")
    COUNTY = "county", _("县（市、区）总工会")
    CITY = "city", _("市总工会")


class ReturnState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已报送")
    RETURNED = "returned", _("已退回")
    ACCEPTED = "accepted", _("已接收")


# The states in which the filer may still change its return; the others are locked.
EDITABLE_STATES = (ReturnState.DRAFT, ReturnState.RETURNED)
# Filed: counts as报送 for the list of who has not filed.
FILED_STATES = (ReturnState.SUBMITTED, ReturnState.ACCEPTED)


class CellUnit(models.TextChoices):
    COUNT = "count", _("数量")
    WAN_YUAN = "wan_yuan", _("万元")


class CellSource(models.TextChoices):
    """Where a cell's own value comes from at one filer level (rolled-up values from the returns below
    are added to it in every case)."""

    NONE = "none", _("本级不填（仅汇总下级）")
    TYPED = "typed", _("填报")
    SELF_UNIT = "self_unit", _("本单位（计1）")
    SELF_CHEMICAL_UNIT = "self_chemical_unit", _("本单位属化工行业（计1）")
    PARTICIPANTS = "participants", _("台账：发现隐患的不同职工数")
    HAZARDS_FOUND = "hazards_found", _("台账：查出隐患数")
    HAZARDS_RECTIFIED = "hazards_rectified", _("台账：整改完成隐患数")
    COUNTY_UNIONS = "county_unions", _("组织目录：所辖县（市、区）总工会数")
    COUNTY_FUND_SET = "county_fund_set", _("本级设立专项奖励资金（计1）")
    REWARDED_WORKERS = "rewarded_workers", _("有奖举报：已发放奖励人数")
    REWARDS_PAID = "rewards_paid", _("有奖举报：已发放奖励金额（万元）")
    ACTIVITY_TRAININGS = "activity_trainings", _("安康杯活动记录：安全生产培训次数")
    ACTIVITY_TRAINEES = "activity_trainees", _("安康杯活动记录：参加培训职工人次")


# Sources computed from the records (the page says so and lets them be opened or overridden).
COMPUTED_SOURCES = tuple(value for value in CellSource.values if value not in (CellSource.NONE, CellSource.TYPED))
# Computed sources whose records are hazards of the ledger (a cell can be opened down to them).
HAZARD_SOURCES = (CellSource.PARTICIPANTS, CellSource.HAZARDS_FOUND, CellSource.HAZARDS_RECTIFIED)
# Computed sources whose records are 安康杯 training records (returns.hints_registry.training_records).
ACTIVITY_SOURCES = (CellSource.ACTIVITY_TRAININGS, CellSource.ACTIVITY_TRAINEES)
# Computed sources whose records are rewards paid for tips (returns.selectors.reward_records).
REWARD_SOURCES = (CellSource.REWARDED_WORKERS, CellSource.REWARDS_PAID)
# Computed sources counted from the directory (returns.selectors.counted_nodes).
DIRECTORY_SOURCES = (CellSource.SELF_UNIT, CellSource.SELF_CHEMICAL_UNIT, CellSource.COUNTY_UNIONS)


class CriterionHint(models.TextChoices):
    """What the portal can see for a 自查表 criterion (shown as a hint beside the self-score)."""

    NONE = "", _("无")
    LEDGER_ACTIVITY = "ledger_activity", _("隐患台账与随手拍活动")
    HAZARD_ARCHIVE = "hazard_archive", _("三级事故隐患档案（台账中的班组、车间记录）")
    REWARDS = "rewards", _("奖励记录")
    DRILLS = "drills", _("应急演练记录")
