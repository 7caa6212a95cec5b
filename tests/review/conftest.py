from decimal import Decimal

from submissions.enums import EntryState, Tier
from tests.factories import make_entry

# Fields make_entry fills itself; ready() sets them afterwards.
_PRESET = {"title", "category", "industry", "description", "location", "hazard", "suggestion", "author_name",
           "contact_phone", "contact_email", "contact_address", "taken_on"}


def ready(author, campaign, *, state=EntryState.SUBMITTED, tier=Tier.UNIT, score="40", **fields):
    """An entry that meets the forwarding rules: rectification photos and a unit score."""
    fields.setdefault("has_rectification_photos", True)
    later = {name: fields.pop(name) for name in list(fields) if name in _PRESET}
    entry = make_entry(author, campaign=campaign, state=state, tier=tier,
                       unit_score=Decimal(score) if score is not None else None, **fields)
    if later:
        for name, value in later.items():
            setattr(entry, name, value)
        entry.save(update_fields=list(later))
    return entry
