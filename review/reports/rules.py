"""Who may see the statistics dashboard, export the official forms and file the 附件3 statistics.

Object predicates take a city/industry union (an OrgNode). Visibility of entries is still decided by
entries_for_user: these rules only decide which pages and exports a user is offered at all.
Test with `rules.has_perm(...)`, never `user.has_perm(...)` (a superuser passes every has_perm).
"""

import rules

from portal.accounts.enums import RoleKind
from portal.accounts.rules import is_city_reviewer, is_committee, is_staff_reviewer


def city_union_ids(user) -> set[int]:
    """The city/industry unions the user works for as 市/产业工会 staff."""
    if not user.is_authenticated:
        return set()
    return {role.node_id for role in user.role_list if role.kind == RoleKind.CITY and role.node_id}


def contact_union_ids(user) -> set[int] | None:
    """Whose personal contacts (联系地址/电话/电子信箱) the user may see in exports: None means every
    union's (the committee); otherwise the unions they are city/industry staff of. Experts, county and
    unit reviewers get an empty set whatever else they hold."""
    if user.is_authenticated and user.has_role(RoleKind.COMMITTEE):
        return None
    return city_union_ids(user)


@rules.predicate
def is_union_staff(user, union) -> bool:
    """A 市/产业工会 reviewer of this very union."""
    return union is not None and getattr(union, "pk", None) in city_union_ids(user)


may_export = is_city_reviewer | is_committee

rules.add_perm("reports.view_dashboard", is_staff_reviewer)
rules.add_perm("reports.export", may_export)
rules.add_perm("reports.export_union", is_committee | is_union_staff)
rules.add_perm("reports.export_province", is_committee)
rules.add_perm("reports.view_contacts", is_committee | is_union_staff)
rules.add_perm("reports.view_statistics", is_committee | is_union_staff)
rules.add_perm("reports.list_statistics", may_export)
rules.add_perm("reports.view_statistics_rollup", is_committee)
rules.add_perm("reports.submit_statistics", is_union_staff)
