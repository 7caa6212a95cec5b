"""Who may do what to a hazard, by role at the hazard's unit (or above it, for county/city roles).

The services ask the same predicates as the views (they are the backstop); outside a user's scope the
page does not exist (hazards.scoping decides that).
"""

import rules

from hazards.enums import HazardLevel
from hazards.roles import AREA_UNION, LEDGER_ROLES, REPORTER_ROLES, TRIAGE, UNIT_MANAGEMENT, UNIT_UNION
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
    return hazard is not None and _at(user, UNIT_MANAGEMENT, hazard.unit_id)


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


# --- outputs (hazards/exports, hazards/export_views.py) ---------------------------------------------------

@rules.predicate
def oversees_unit(user, unit) -> bool:
    """Management or the union of `unit` (a directory node), or union staff above it: whose unit's whole
    ledger the statistics table counts (the regulator's liaison sees only the 重大 hazards, so not them)."""
    return unit is not None and (_at(user, (*UNIT_MANAGEMENT, *UNIT_UNION), unit.pk) or _above(user, AREA_UNION, unit))


rules.add_perm("hazards.export_ledger", has_ledger)
rules.add_perm("hazards.export_hazard_forms", is_unit_management | is_unit_union | is_area_union | is_area_regulator)
rules.add_perm("hazards.export_statistics", oversees_unit)
