"""Entries on their way up the tiers: ready to forward, or recommended with photos, scores and grades."""

from decimal import Decimal

from portal.campaigns.enums import AwardKind
from portal.campaigns.models import AwardLevel
from review.models import TierGrade
from scoring.services import assess_entry
from submissions.enums import EntryState, PhotoKind, Tier
from tests.factories.submissions import add_photo, make_entry

# Fields make_entry fills itself; the builders below set them afterwards when a test gives them.
_PRESET_READY = {"title", "category", "industry", "description", "location", "hazard", "suggestion", "author_name",
                 "contact_phone", "contact_email", "contact_address", "taken_on"}
_PRESET_RECOMMENDED = _PRESET_READY | {"rectification_note", "declaration_accepted", "declaration_name",
                                       "declaration_date"}
DEFAULT_VALUES = {"l": "2", "e": "1.8", "c": "22", "x": "0.99", "y": "0.99"}  # D = 77.62392


def _set_later(entry, later: dict) -> None:
    if later:
        for name, value in later.items():
            setattr(entry, name, value)
        entry.save(update_fields=list(later))


def ready(author, campaign, *, state=EntryState.SUBMITTED, tier=Tier.UNIT, score="40", **fields):
    """An entry that meets the forwarding rules: rectification photos and a unit score."""
    fields.setdefault("has_rectification_photos", True)
    later = {name: fields.pop(name) for name in list(fields) if name in _PRESET_READY}
    entry = make_entry(author, campaign=campaign, state=state, tier=tier,
                       unit_score=Decimal(score) if score is not None else None, **fields)
    _set_later(entry, later)
    return entry


def recommended_entry(author, campaign, *, assessor=None, values=None, grade: str | None = "一等奖", grader=None,
                      hazard_photos=2, rectified_photos=2, state=EntryState.PROVINCE_RECOMMENDED, tier=Tier.PROVINCE, **fields):
    """An entry recommended to the province (by default) with photos, a unit assessment and a city grade."""
    fields.setdefault("has_rectification_photos", rectified_photos > 0)
    later = {name: fields.pop(name) for name in list(fields) if name in _PRESET_RECOMMENDED}
    entry = make_entry(author, campaign=campaign, state=state, tier=tier, **fields)
    _set_later(entry, later)
    seed = entry.pk * 10
    for position in range(1, hazard_photos + 1):
        add_photo(entry, PhotoKind.HAZARD, position, seed + position)
    for position in range(1, rectified_photos + 1):
        add_photo(entry, PhotoKind.RECTIFIED, position, seed + 5 + position)
    if assessor is not None:
        assess_entry(entry, actor=assessor, tier=Tier.UNIT, values=values or DEFAULT_VALUES, comment="同意推荐")
        entry.refresh_from_db()
    if grade and grader is not None:
        level = AwardLevel.objects.get(campaign=campaign, kind=AwardKind.WORK, name=grade)
        TierGrade.objects.create(entry=entry, tier=Tier.SELECTION, award_level=level, graded_by=grader)
    return entry
