"""Who may do what with an entry, as `rules` predicates.

Views first load the entry through `entries_for_user` (404 outside it) and then ask these rules, with
`rules.has_perm(...)` rather than `user.has_perm(...)`: Django's ModelBackend answers True to every
permission for a superuser, and these names coincide with Django's model permissions.
"""

import rules

from portal.accounts.rules import is_staff_reviewer, is_worker
from portal.campaigns.enums import PhaseKind
from portal.campaigns.models import Campaign
from submissions.enums import EDITABLE_STATES, EntryState, Tier
from submissions.scoping import entries_for_user


@rules.predicate
def is_author(user, entry):
    return entry is not None and user.is_authenticated and entry.author_id == user.pk


@rules.predicate
def is_editable(user, entry):
    return entry is not None and entry.state in EDITABLE_STATES


@rules.predicate
def submission_phase_open(user, entry):
    return entry is not None and entry.campaign.phase_open(PhaseKind.SUBMISSION)


@rules.predicate
def awaits_unit(user, entry):
    """Submitted and still with the author's own unit: nobody above has acted on it yet."""
    return entry is not None and entry.state == EntryState.SUBMITTED and entry.tier == Tier.UNIT


@rules.predicate
def is_withdrawable(user, entry):
    return entry is not None and entry.tier == Tier.UNIT and entry.state in (
        EntryState.DRAFT, EntryState.SUBMITTED, EntryState.RETURNED)


@rules.predicate
def is_deletable(user, entry):
    return entry is not None and entry.is_deletable


@rules.predicate
def is_visible(user, entry):
    # As on the author's page: an expert's blind assignment does not make identity or EXIF visible.
    return entry is not None and entries_for_user(user, include_assigned=False).filter(pk=entry.pk).exists()


@rules.predicate
def current_campaign_accepts_entries(user):
    campaign = Campaign.objects.current()
    return campaign is not None and campaign.phase_open(PhaseKind.SUBMISSION)


can_change = is_author & is_editable & submission_phase_open

rules.add_perm("submissions.view_entry", is_visible)
# The new-entry page is a worker's; outside the submission phase it explains why nothing can be saved.
rules.add_perm("submissions.open_entry_form", is_worker)
rules.add_perm("submissions.add_entry", is_worker & current_campaign_accepts_entries)
rules.add_perm("submissions.change_entry", can_change)
rules.add_perm("submissions.submit_entry", can_change)
# Withdrawal needs no open phase: an author may always take back an entry that nobody above has taken up.
rules.add_perm("submissions.withdraw_entry", is_author & is_withdrawable)
# A draft nobody else has seen may be deleted, whatever the phase (like withdrawal).
rules.add_perm("submissions.delete_entry", is_author & is_deletable)
# Rectification often finishes after the hazard was reported, so its photos may still be added while the
# unit has the entry (state submitted, tier UNIT); the unit needs them before it can forward the entry.
rules.add_perm("submissions.add_rectification_photo", can_change | (is_author & awaits_unit))
# Originals (with EXIF/GPS) only for the author and staff; the resolver has already applied the scope.
rules.add_perm("submissions.download_original", is_visible & (is_author | is_staff_reviewer))
