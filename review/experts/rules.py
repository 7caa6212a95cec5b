"""Who may do what in the provincial expert review, as `rules` predicates.

Ask with `rules.has_perm(...)`, never `user.has_perm(...)`: Django answers True to a superuser for every
permission, and being a superuser does not make someone an assigned expert. Entries are loaded through
entries_for_user first (404 outside it); these predicates then decide the action.
"""

import rules

from portal.accounts.rules import is_committee, is_expert
from review.experts import selectors


@rules.predicate
def has_active_assignment(user, entry) -> bool:
    """An expert assigned to this entry, without a declared conflict, not removed, not tied to its union."""
    return selectors.active_assignment(user, entry) is not None


rules.add_perm("experts.view_my_assignments", is_expert)
rules.add_perm("experts.view_assigned_entry", is_expert & has_active_assignment)
rules.add_perm("experts.declare_conflict", is_expert & has_active_assignment)
# The metadata-free copy of an original: the assigned experts, and the committee (to check what they get).
rules.add_perm("experts.download_blind_original", (is_expert & has_active_assignment) | is_committee)

rules.add_perm("experts.view_panel", is_committee)
rules.add_perm("experts.manage_assignments", is_committee)
rules.add_perm("experts.view_dashboard", is_committee)
rules.add_perm("experts.decide_awards", is_committee)
