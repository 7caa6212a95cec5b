from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.directory.enums import FIRST_REVIEW_KINDS, SELECTION_KINDS, NodeKind


class RoleKind(models.TextChoices):
    WORKER = "worker", _("职工")
    UNIT = "unit", _("单位工会")
    COUNTY = "county", _("县级/集团工会评审")
    CITY = "city", _("市/产业工会评审")
    EXPERT = "expert", _("省级评审专家")
    COMMITTEE = "committee", _("省活动组委会")
    # The hazard ledger (issue 15): management and the union inspector at a unit, the regulator's liaison
    # at a county or city.
    TEAM_LEADER = "team_leader", _("班组长")
    WORKSHOP_HEAD = "workshop_head", _("车间负责人")
    SAFETY_OFFICER = "safety_officer", _("企业安全管理员")
    UNIT_HEAD = "unit_head", _("企业主要负责人")
    UNION_INSPECTOR = "union_inspector", _("工会劳动保护监督检查员")
    REGULATOR = "regulator", _("应急管理部门联络员")
    # Rewarded tips (issue 16): the handler of an area, the one custodian of reporters' identities and the
    # reward review committee's members.
    TIP_HANDLER = "tip_handler", _("举报受理员")
    CUSTODIAN = "custodian", _("身份保管员")
    REWARD_REVIEWER = "reward_reviewer", _("奖励审查委员会委员")


# Where in the directory each role is anchored; an expert may be tied to a city/industry union
# (their own, so they never score its entries) or to nothing.
ROLE_NODE_KINDS: dict[str, tuple[str, ...]] = {
    RoleKind.WORKER: (NodeKind.UNIT,),
    RoleKind.UNIT: (NodeKind.UNIT,),
    RoleKind.COUNTY: FIRST_REVIEW_KINDS,
    RoleKind.CITY: SELECTION_KINDS,
    RoleKind.EXPERT: SELECTION_KINDS,
    RoleKind.COMMITTEE: (NodeKind.PROVINCE,),
    # At the unit (the whole unit's ledger) or at their own 班组/车间 (only its hazards and inspection plans).
    RoleKind.TEAM_LEADER: (NodeKind.UNIT, NodeKind.TEAM),
    RoleKind.WORKSHOP_HEAD: (NodeKind.UNIT, NodeKind.WORKSHOP),
    RoleKind.SAFETY_OFFICER: (NodeKind.UNIT,),
    RoleKind.UNIT_HEAD: (NodeKind.UNIT,),
    RoleKind.UNION_INSPECTOR: (NodeKind.UNIT,),
    RoleKind.REGULATOR: (NodeKind.COUNTY, NodeKind.CITY),
    RoleKind.TIP_HANDLER: (NodeKind.COUNTY, NodeKind.CITY),
    RoleKind.CUSTODIAN: (NodeKind.CITY, NodeKind.PROVINCE),
    RoleKind.REWARD_REVIEWER: (NodeKind.CITY, NodeKind.PROVINCE),
}
ROLE_NODE_REQUIRED = {kind: kind != RoleKind.EXPERT for kind in RoleKind.values}

# The order in which a user holding several roles is sent to a home page after login.
ROLE_PRIORITY = [RoleKind.COMMITTEE, RoleKind.EXPERT, RoleKind.CITY, RoleKind.COUNTY, RoleKind.REGULATOR,
                 RoleKind.CUSTODIAN, RoleKind.REWARD_REVIEWER, RoleKind.TIP_HANDLER,
                 RoleKind.UNIT, RoleKind.UNIT_HEAD, RoleKind.SAFETY_OFFICER, RoleKind.UNION_INSPECTOR,
                 RoleKind.WORKSHOP_HEAD, RoleKind.TEAM_LEADER, RoleKind.WORKER]
