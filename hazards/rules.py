"""Who may do what to a hazard, by role at the hazard's unit (or above it, for county/city roles).

The services ask the same predicates as the views (they are the backstop); outside a user's scope the
page does not exist (hazards.scoping decides that).
"""

import rules

from hazards.enums import HazardLevel, InspectionLevel
from hazards.roles import (
    AREA_UNION,
    INSPECTION_VIEW_ROLES,
    LEDGER_ROLES,
    REPORTER_ROLES,
    TRIAGE,
    UNIT_MANAGEMENT,
    UNIT_UNION,
    WORKPLACE_ROLES,
)
from hazards.roles import roles_above as _above
from portal.accounts.enums import RoleKind
from portal.accounts.rules import holds_role_at as _at


@rules.predicate
def is_finder(user, hazard) -> bool:
    return user.is_authenticated and hazard is not None and hazard.finder_id == user.pk


@rules.predicate
def is_responsible(user, hazard) -> bool:
    return user.is_authenticated and hazard is not None and hazard.responsible_id == user.pk


@rules.predicate
def is_unit_management(user, hazard) -> bool:
    """Management of the hazard's unit, or the 车间负责人/班组长 of its 车间/班组."""
    return hazard is not None and (_at(user, UNIT_MANAGEMENT, hazard.unit_id)
                                   or _at(user, WORKPLACE_ROLES, hazard.workshop_id)
                                   or _at(user, WORKPLACE_ROLES, hazard.team_id))


@rules.predicate
def is_triage(user, hazard) -> bool:
    """企业安全管理员 or 主要负责人 of the hazard's unit: accept, assign, verify, close."""
    return hazard is not None and _at(user, TRIAGE, hazard.unit_id)


@rules.predicate
def is_unit_head(user, hazard) -> bool:
    return hazard is not None and _at(user, (RoleKind.UNIT_HEAD,), hazard.unit_id)


@rules.predicate
def is_unit_union(user, hazard) -> bool:
    return hazard is not None and _at(user, UNIT_UNION, hazard.unit_id)


@rules.predicate
def is_union_inspector(user, hazard) -> bool:
    return hazard is not None and _at(user, (RoleKind.UNION_INSPECTOR,), hazard.unit_id)


@rules.predicate
def is_area_union(user, hazard) -> bool:
    return hazard is not None and _above(user, AREA_UNION, hazard.unit)


@rules.predicate
def is_area_regulator(user, hazard) -> bool:
    """The regulator's liaison of the hazard's county/city, for a 重大 hazard only."""
    return hazard is not None and hazard.level == HazardLevel.MAJOR and _above(user, (RoleKind.REGULATOR,),
                                                                              hazard.unit)


@rules.predicate
def is_assigner(user, hazard) -> bool:
    return user.is_authenticated and hazard is not None and hazard.assigned_by_id == user.pk


@rules.predicate
def may_report(user) -> bool:
    return user.is_authenticated and any(role.kind in REPORTER_ROLES for role in user.role_list)


@rules.predicate
def has_ledger(user) -> bool:
    return user.is_authenticated and any(role.kind in LEDGER_ROLES for role in user.role_list)


@rules.predicate
def is_union_staff(user, hazard) -> bool:
    """Union staff in scope: the unit's union or a union above it. They see the finder's name."""
    return is_unit_union(user, hazard) or is_area_union(user, hazard)


can_view = is_finder | is_unit_management | is_unit_union | is_area_union | is_area_regulator
can_rectify = is_responsible | is_triage

rules.add_perm("hazards.report_hazard", may_report)
rules.add_perm("hazards.view_ledger", has_ledger)
rules.add_perm("hazards.view_hazard", can_view)
rules.add_perm("hazards.download_original", is_finder | is_union_staff)
rules.add_perm("hazards.set_finder_named", is_finder)
rules.add_perm("hazards.accept_hazard", is_triage)
rules.add_perm("hazards.decline_hazard", is_triage)
rules.add_perm("hazards.reopen_declined", is_union_inspector)
rules.add_perm("hazards.submit_plan", can_rectify)
rules.add_perm("hazards.approve_plan", is_unit_head)
rules.add_perm("hazards.start_rectification", can_rectify)
rules.add_perm("hazards.add_before_photo", is_finder | is_triage)
rules.add_perm("hazards.add_after_photo", can_rectify)
rules.add_perm("hazards.submit_rectification", can_rectify)
rules.add_perm("hazards.request_extension", can_rectify)
rules.add_perm("hazards.decide_extension", is_assigner)
rules.add_perm("hazards.verify_rectification", is_triage)
rules.add_perm("hazards.return_rectification", is_triage)
rules.add_perm("hazards.sign_off", is_union_inspector)
rules.add_perm("hazards.record_regulator", is_area_regulator)
rules.add_perm("hazards.close_hazard", is_triage)
rules.add_perm("hazards.review_hazard", is_triage | is_union_inspector)
rules.add_perm("hazards.reopen_hazard", is_triage | is_union_inspector)
rules.add_perm("hazards.propose_stoppage", is_union_inspector)
rules.add_perm("hazards.answer_stoppage", is_triage)


# --- 逐级报告, supervision, the 职代会 summary and the dashboards ------------------------------------------

# Who reads the unit's 职代会 summary of 重大 hazards (安全生产法 §41): its head and its union.
CONGRESS_ROLES = (RoleKind.UNIT_HEAD, RoleKind.UNION_INSPECTOR, RoleKind.UNIT)


@rules.predicate
def is_congress_reader(user, unit) -> bool:
    return unit is not None and _at(user, CONGRESS_ROLES, unit.pk)


@rules.predicate
def reads_some_congress_summary(user) -> bool:
    return user.is_authenticated and any(role.kind in CONGRESS_ROLES and role.node_id for role in user.role_list)


# The service decides the level: the unit's people report a hazard to its county/city union once; union
# staff at or above where it stands move it up one more level.
rules.add_perm("hazards.report_up", is_triage | is_unit_union | is_area_union)
rules.add_perm("hazards.remind_hazard", is_triage | is_union_staff)
rules.add_perm("hazards.comment_hazard", is_area_union)
rules.add_perm("hazards.view_reported", has_ledger)
rules.add_perm("hazards.view_dashboard", has_ledger)
rules.add_perm("hazards.view_congress_summaries", reads_some_congress_summary)
rules.add_perm("hazards.view_congress_summary", is_congress_reader)


# --- inspection rounds (hazards/inspections.py) -------------------------------------------------------------

# Who records a round of each level: held at the plan's node or above it within the unit.
ROUND_ROLES = {
    InspectionLevel.TEAM: (RoleKind.TEAM_LEADER, RoleKind.WORKSHOP_HEAD, *TRIAGE),
    InspectionLevel.WORKSHOP: (RoleKind.WORKSHOP_HEAD, *TRIAGE),
    InspectionLevel.UNIT: TRIAGE,
}


def _holds_over(user, kinds, node) -> bool:
    """A role of `kinds` held at `node` or at a node above it (by the materialised path)."""
    return (user.is_authenticated and node is not None
            and any(role.kind in kinds and role.node_id is not None and node.path.startswith(role.node.path)
                    for role in user.role_list))


@rules.predicate
def has_inspections(user) -> bool:
    return user.is_authenticated and any(role.kind in INSPECTION_VIEW_ROLES for role in user.role_list)


@rules.predicate
def sees_plan(user, plan) -> bool:
    """The plan's node is inside the node of one of the user's inspection roles (hazards.scoping agrees)."""
    return plan is not None and _holds_over(user, INSPECTION_VIEW_ROLES, plan.node)


@rules.predicate
def may_record_round(user, plan) -> bool:
    """A round-taking role of the plan's level held at the plan's node or above it inside the unit."""
    return (plan is not None and plan.is_active and user.is_authenticated
            and any(role.kind in ROUND_ROLES[plan.level] and role.node_id is not None
                    and role.node.path.startswith(plan.unit.path) and plan.node.path.startswith(role.node.path)
                    for role in user.role_list))


@rules.predicate
def sees_round(user, inspection_round) -> bool:
    return inspection_round is not None and sees_plan(user, inspection_round.plan)


@rules.predicate
def is_round_inspector(user, inspection_round) -> bool:
    return (user.is_authenticated and inspection_round is not None and inspection_round.inspector_id == user.pk
            and may_record_round(user, inspection_round.plan))


@rules.predicate
def manages_plans(user, unit) -> bool:
    """企业安全管理员 or 主要负责人 of the unit: sets up its plans."""
    return unit is not None and _at(user, TRIAGE, unit.pk)


rules.add_perm("hazards.view_inspections", has_inspections)
rules.add_perm("hazards.view_inspection_plan", sees_plan)
rules.add_perm("hazards.record_round", may_record_round)
rules.add_perm("hazards.view_round", sees_round)
rules.add_perm("hazards.add_round_finding", is_round_inspector)
rules.add_perm("hazards.manage_inspection_plans", manages_plans)


# --- outputs (hazards/exports, hazards/export_views.py) ---------------------------------------------------

@rules.predicate
def oversees_unit(user, unit) -> bool:
    """Management or the union of `unit` (a directory node), or union staff above it: whose unit's whole
    ledger the statistics table counts (the regulator's liaison sees only the 重大 hazards, so not them)."""
    return unit is not None and (_at(user, (*UNIT_MANAGEMENT, *UNIT_UNION), unit.pk) or _above(user, AREA_UNION, unit))


rules.add_perm("hazards.export_ledger", has_ledger)
rules.add_perm("hazards.export_hazard_forms", is_unit_management | is_unit_union | is_area_union | is_area_regulator)
rules.add_perm("hazards.export_statistics", oversees_unit)
