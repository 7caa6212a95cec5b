"""Who may see and act on 安康杯 nominations and annual reports. Objects load through
ankang.nomination_scoping (404 outside the scope); these predicates decide the steps, reading the level
table of ankang.nominations."""

import rules

from ankang import nominations
from ankang.nomination_enums import NominationState, ReportState
from ankang.report import writes_report
from ankang.rules import _in_area, has_ankang


@rules.predicate
def decides_nomination(user, nomination) -> bool:
    return (nomination is not None and nomination.state == NominationState.PENDING
            and nominations.decides_at(user, nomination))


@rules.predicate
def resubmits_nomination(user, nomination) -> bool:
    return (nomination is not None and nomination.state == NominationState.RETURNED
            and nominations.proposes_for(user, nomination.unit))


@rules.predicate
def nomination_in_area(user, nomination) -> bool:
    return nomination is not None and _in_area(user, nomination.unit)


@rules.predicate
def is_province(user) -> bool:
    return user.is_authenticated and user.has_role(nominations.LEVELS["province"].role_kind)


@rules.predicate
def report_in_area(user, report) -> bool:
    return report is not None and _in_area(user, report.union)


@rules.predicate
def writes_this_report(user, report) -> bool:
    return report is not None and report.state == ReportState.DRAFT and writes_report(user, report.union)


rules.add_perm("ankang.view_nominations", has_ankang)
rules.add_perm("ankang.view_nomination", nomination_in_area)
rules.add_perm("ankang.decide_nomination", decides_nomination)
rules.add_perm("ankang.resubmit_nomination", resubmits_nomination)
rules.add_perm("ankang.fix_commendation", is_province)
rules.add_perm("ankang.view_reports", has_ankang)
rules.add_perm("ankang.view_report", report_in_area)
rules.add_perm("ankang.edit_report", writes_this_report)
