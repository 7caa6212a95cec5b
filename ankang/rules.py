"""Who may do what in the 安康杯 competition. Objects load through ankang.scoping (404 outside the scope);
these predicates decide the steps: the unit union enrols, records and self-scores its unit; the county or
city union above confirms enrolments and reviews sheets; everyone whose subtree holds a record reads it."""

import rules

from ankang.enums import SHEET_EDITABLE_STATES, SheetState
from ankang.roles import AREA_ROLES, COVERAGE_ROLES, UNIT_ROLES, evaluator_of, unit_union_of
from ankang.setup import CONFIGURING_ROLE


def _holds(user, kinds) -> bool:
    return user.is_authenticated and any(role.kind in kinds for role in user.role_list)


def _in_area(user, unit) -> bool:
    return user.is_authenticated and any(
        role.kind in AREA_ROLES and role.node_id is not None and unit.path.startswith(role.node.path)
        for role in user.role_list)


@rules.predicate
def has_ankang(user) -> bool:
    return _holds(user, AREA_ROLES)


@rules.predicate
def is_unit_union(user) -> bool:
    return _holds(user, UNIT_ROLES)


@rules.predicate
def sees_coverage(user) -> bool:
    return _holds(user, COVERAGE_ROLES)


@rules.predicate
def in_area(user, obj) -> bool:
    """`obj` is a record, an enrolment or a sheet (each has a unit) in the user's subtrees."""
    return obj is not None and _in_area(user, obj.unit)


@rules.predicate
def owns_unit(user, obj) -> bool:
    return obj is not None and unit_union_of(user, obj.unit)


@rules.predicate
def evaluates_unit(user, obj) -> bool:
    return obj is not None and evaluator_of(user, obj.unit) is not None


@rules.predicate
def sheet_editable(user, sheet) -> bool:
    return sheet is not None and sheet.state in SHEET_EDITABLE_STATES


@rules.predicate
def sheet_reviewable(user, sheet) -> bool:
    return sheet is not None and sheet.state in (SheetState.SUBMITTED, SheetState.REVIEWED)


@rules.predicate
def sheet_submitted(user, sheet) -> bool:
    return sheet is not None and sheet.state == SheetState.SUBMITTED


rules.add_perm("ankang.view_competitions", has_ankang)
rules.add_perm("ankang.view_competition", has_ankang)
rules.add_perm("ankang.enrol", is_unit_union)
rules.add_perm("ankang.view_coverage", sees_coverage)
rules.add_perm("ankang.decide_enrolment", evaluates_unit)
rules.add_perm("ankang.view_record", in_area)
rules.add_perm("ankang.edit_record", owns_unit)
rules.add_perm("ankang.view_sheet", in_area)
rules.add_perm("ankang.score_sheet", owns_unit & sheet_editable)
rules.add_perm("ankang.review_sheet", evaluates_unit & sheet_reviewable)
rules.add_perm("ankang.return_sheet", evaluates_unit & sheet_submitted)
rules.add_perm("ankang.download_evidence", in_area)


@rules.predicate
def configures(user) -> bool:
    """The province's committee opens and configures competitions (ankang.setup)."""
    return _holds(user, (CONFIGURING_ROLE,))


@rules.predicate
def organises(user, competition) -> bool:
    return competition is not None and any(
        role.kind == CONFIGURING_ROLE and role.node_id is not None and competition.place.path.startswith(role.node.path)
        for role in user.role_list)


rules.add_perm("ankang.configure_competitions", configures)
rules.add_perm("ankang.configure_competition", configures & organises)
import ankang.nomination_rules  # noqa: E402,F401  (nominations and annual reports)
