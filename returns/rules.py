"""Who may do what with a return: its filer's union staff fill, score and file it; the union of the filer
it reports to accepts, returns, reopens and review-scores it; everyone whose subtree holds it reads it.
Outside a user's scope the page does not exist (returns.scoping decides that)."""

import rules

from returns.enums import EDITABLE_STATES, ReturnState
from returns.roles import ALL_FILER_ROLES, AREA_ROLES, files_for
from returns.selectors import parent_filer


def reviewer_filer(report):
    """The filer whose union accepts `report` (its `reports_to`, else the nearest filer above), looked up
    once per return object."""
    if not hasattr(report, "_reviewer_filer"):
        report._reviewer_filer = parent_filer(report.filer)
    return report._reviewer_filer


@rules.predicate
def is_filer_staff(user, report) -> bool:
    return report is not None and files_for(user, report.filer)


@rules.predicate
def is_reviewer(user, report) -> bool:
    above = reviewer_filer(report) if report is not None else None
    return above is not None and files_for(user, above)


@rules.predicate
def is_editable(user, report) -> bool:
    return report is not None and report.state in EDITABLE_STATES


@rules.predicate
def is_submitted(user, report) -> bool:
    return report is not None and report.state == ReturnState.SUBMITTED


@rules.predicate
def is_accepted(user, report) -> bool:
    return report is not None and report.state == ReturnState.ACCEPTED


@rules.predicate
def in_area(user, report) -> bool:
    return report is not None and user.is_authenticated and any(
        role.kind in AREA_ROLES and role.node_id is not None and report.filer.node.path.startswith(role.node.path)
        for role in user.role_list)


@rules.predicate
def has_returns(user) -> bool:
    return user.is_authenticated and any(role.kind in (*ALL_FILER_ROLES, *AREA_ROLES) for role in user.role_list)


rules.add_perm("returns.view_returns", has_returns)
rules.add_perm("returns.view_return", in_area)
rules.add_perm("returns.edit_return", is_filer_staff & is_editable)
rules.add_perm("returns.file_return", is_filer_staff & is_editable)
rules.add_perm("returns.accept_return", is_reviewer & is_submitted)
rules.add_perm("returns.send_back_return", is_reviewer & is_submitted)
rules.add_perm("returns.reopen_return", is_reviewer & is_accepted)
rules.add_perm("returns.review_scores", is_reviewer & (is_submitted | is_accepted))
rules.add_perm("returns.download_file", in_area)
