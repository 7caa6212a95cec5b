from decimal import Decimal

import pytest

from portal.accounts.enums import RoleKind
from submissions.enums import EntryState, Tier
from tests.factories import make_entry, make_user


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # Django's default PBKDF2 costs a noticeable time per hash; these tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def people(org):
    """org.users() plus the peers the permission matrix needs."""
    users = org.users()
    users["unit_other"] = make_user(RoleKind.UNIT, org.unit_a1b)
    users["county_other"] = make_user(RoleKind.COUNTY, org.county_b1)
    users["unit_a0"] = make_user(RoleKind.UNIT, org.unit_a0)
    users["unit_ga"] = make_user(RoleKind.UNIT, org.unit_ga)
    users["worker_a0"] = make_user(RoleKind.WORKER, org.unit_a0)
    users["worker_ga"] = make_user(RoleKind.WORKER, org.unit_ga)
    return users


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
